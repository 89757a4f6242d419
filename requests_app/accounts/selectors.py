"""Which language a user reads EAS in."""

from django.conf import settings

from requests_app.accounts.models import Preference


def chosen_language(user) -> str:
    """The language the user chose in their preferences, or "" when they follow their browser."""
    if user is None or not getattr(user, "pk", None):
        return ""
    try:
        return user.preference.language
    except Preference.DoesNotExist:
        return ""


def language_for(user) -> str:
    """The language to write to the user in when no browser is there to ask (emails, exports by
    command): their choice, else the site's default."""
    return chosen_language(user) or settings.LANGUAGE_CODE
