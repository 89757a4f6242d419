"""Which language a user reads EAS in."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from requests_app.accounts.models import Preference
from requests_app.core.types import User

# The session key under which a logged-in user's choice rides from their login on ("": none).
SESSION_KEY = "eas_language"

# Each language by its own name, as a reader of that language looks for it in the switcher.
OWN_NAMES = {
    "ar": "العربية",
    "zh-hans": "中文",
    "en": "English",
    "fr": "Français",
    "ru": "Русский",
    "es": "Español",
}


def chosen_language(user: User | AnonymousUser | None) -> str:
    """The language the user chose in their preferences, or "" when they follow their browser."""
    if user is None or isinstance(user, AnonymousUser) or not user.pk:
        return ""
    try:
        return user.preference.language
    except Preference.DoesNotExist:
        return ""


def language_for(user: User | AnonymousUser | None) -> str:
    """The language to write to the user in when no browser is there to ask (emails, exports by
    command): their choice, else the site's default."""
    return chosen_language(user) or settings.LANGUAGE_CODE


def languages_of_addresses(addresses: Iterable[str]) -> dict[str, str]:
    """The language to write to each email address in: that of the active user who has it (the
    first, should two share it), else the site's default (an office's address is nobody's). One query."""
    addresses = list(dict.fromkeys(addresses))
    users = (
        get_user_model()
        .objects.filter(email__in=addresses, is_active=True)
        .select_related("preference")
        .order_by("-pk")  # the first user of an address wins: written last below
    )
    found = {user.email: language_for(user) for user in users}
    return {address: found.get(address, settings.LANGUAGE_CODE) for address in addresses}


def by_language(addresses: Iterable[str]) -> dict[str, list[str]]:
    """The addresses grouped by the language to write to them in, each group in the order given."""
    groups: dict[str, list[str]] = {}
    for address, language in languages_of_addresses(addresses).items():
        groups.setdefault(language, []).append(address)
    return groups


def languages_by_own_name() -> list[tuple[str, str]]:
    """The languages of EAS in the order of settings.LANGUAGES, each named in itself."""
    return [(code, OWN_NAMES.get(code, str(name))) for code, name in settings.LANGUAGES]
