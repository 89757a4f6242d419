"""Money as the reader's language writes it: babel's currency formats of the Unicode CLDR
($120,000.00; 120 000,00 $US; ‏120,000.00 US$; 120.000,00 US$ ...). Django has no currency format;
its number formats for EAS's six languages follow the same CLDR separators (eas/formats)."""

from decimal import Decimal, InvalidOperation

from babel.core import UnknownLocaleError
from babel.numbers import format_currency, format_decimal
from django.conf import settings
from django.utils.translation import get_language, to_locale


def babel_locale(language: str | None = None) -> str:
    """The CLDR locale of a language code of EAS (zh-hans -> zh_Hans); the active one by default."""
    return to_locale(language or get_language() or settings.LANGUAGE_CODE)


def currency_text(value: Decimal | int | str | None, currency: str, language: str | None = None) -> str:
    """An amount with its currency, in the active language; nothing for no amount."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    code = (currency or "").strip().upper()
    try:
        return format_currency(amount, code, locale=babel_locale(language))
    except (UnknownLocaleError, ValueError):
        return f"{format_decimal(amount, locale='en')} {code}".strip()
