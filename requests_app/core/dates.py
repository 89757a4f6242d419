"""Days as the pages write them in the active language (its DATE_FORMAT: 7 Dec 2026, 7 décembre 2026,
2026年12月7日), for code that writes many of them: a list of 50 cases writes about a hundred."""

import functools
from datetime import date

from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.translation import get_language


def local_day(value: date) -> str:
    """The day in the active language's DATE_FORMAT, as the template filter `date` writes it."""
    return _formatted(get_language(), get_format("DATE_FORMAT"), value)


@functools.lru_cache(maxsize=8192)
def _formatted(language: str | None, date_format: str, value: date) -> str:
    # Formatting a day reads its month's name through gettext: some 30 µs, once per day and language
    # here, instead of once per cell. The language is in the key: the month's name depends on it.
    return dateformat.format(value, date_format)
