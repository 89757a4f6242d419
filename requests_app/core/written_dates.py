"""Days written out as the United Nations' texts write them in each official language, for what
EAS writes to be read apart from a page (letters, the briefing's files, emails): babel's CLDR data,
with the patterns of the UN's editorial practice.

    5 January 2026 · 1er janvier 2026 · 5 de enero de 2026 · 5 января 2026 года · 2026年1月5日 ·
    5 كانون الثاني/يناير 2026

Arabic names each month twice, its Levantine name and the Egyptian one ("كانون الثاني/يناير"), as
the United Nations' Arabic documents do; CLDR has either, not both.
"""

import datetime

from babel import Locale
from babel.dates import format_date
from django.utils import formats, timezone
from django.utils.translation import get_language, to_locale

# The months as the United Nations' Arabic texts name them.
ARABIC_MONTHS = (
    "كانون الثاني/يناير",
    "شباط/فبراير",
    "آذار/مارس",
    "نيسان/أبريل",
    "أيار/مايو",
    "حزيران/يونيه",
    "تموز/يوليه",
    "آب/أغسطس",
    "أيلول/سبتمبر",
    "تشرين الأول/أكتوبر",
    "تشرين الثاني/نوفمبر",
    "كانون الأول/ديسمبر",
)
# babel's patterns (CLDR syntax): a day, its month in full, its year.
LONG = {
    "en": "d MMMM y",
    "fr": "d MMMM y",
    "es": "d 'de' MMMM 'de' y",
    "ru": "d MMMM y 'года'",
    "zh-hans": "y年M月d日",
}
# The same with the month abbreviated, where a table or a period needs less room.
SHORT = {
    "en": "d MMM y",
    "fr": "d MMM y",
    "es": "d MMM y",
    "ru": "d MMM y",
    "zh-hans": "y年M月d日",
}


def _locale(language: str) -> Locale:
    try:
        return Locale.parse(to_locale(language))
    except (ValueError, LookupError):
        return Locale.parse("en")


def _written(day: datetime.date, language: str | None, patterns: dict[str, str]) -> str:
    language = (language or get_language() or "en").lower()
    if language == "ar":
        return f"{day.day} {ARABIC_MONTHS[day.month - 1]} {day.year}"
    pattern = patterns.get(language, patterns["en"])
    if language == "fr" and day.day == 1:
        pattern = pattern.replace("d ", "d'er' ", 1)  # le 1er janvier
    return format_date(day, pattern, locale=_locale(language if language in patterns else "en"))


def long_date(day: datetime.date | None, language: str | None = None) -> str:
    """``day`` with its month in full, in ``language`` (the active one by default); "" for no day."""
    return _written(day, language, LONG) if day else ""


def short_date(day: datetime.date | None, language: str | None = None) -> str:
    """``day`` with its month abbreviated where the language does (Arabic and Chinese do not)."""
    return _written(day, language, SHORT) if day else ""


def short_moment(moment: datetime.datetime) -> str:
    """A moment in the current time zone, its day as ``short_date`` writes it: 5 Jan 2026 14:30, 2026年1月5日 14:30."""
    local = timezone.localtime(moment)
    return f"{short_date(local.date())} {formats.time_format(local, 'H:i')}"
