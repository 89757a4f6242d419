"""Which language a user reads EAS in."""

from django.conf import settings
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


def languages_by_own_name() -> list[tuple[str, str]]:
    """The languages of EAS in the order of settings.LANGUAGES, each named in itself."""
    return [(code, OWN_NAMES.get(code, str(name))) for code, name in settings.LANGUAGES]
