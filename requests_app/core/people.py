"""How EAS names a person to another person."""


def display_name(user):
    """The user's full name, or their login when they have none: what every page, email and export shows."""
    return user.get_full_name() or user.get_username()
