"""The six languages of EAS as its outputs need them: which one a code names, and which way it is written."""

from django.conf import settings
from django.utils.translation import get_language_info


def is_rtl(language: str) -> bool:
    """Whether ``language`` is written right to left (Arabic), as Django's language info says."""
    try:
        return bool(get_language_info(language)["bidi"])
    except KeyError:
        return False


def known_language(language: str | None) -> str:
    """``language`` if it is one of EAS's, else the site's default."""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
