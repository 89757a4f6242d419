"""Money in the Trust Fund: amounts, currencies and rates, checked and written alike everywhere;
and the other figures and choices a user types (a purpose, an earmark, the fund's settings), checked."""

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypeAlias, cast, overload

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from requests_app.core.errors import ActionRefused
from requests_app.core.types import StrOrPromise
from requests_app.fund.models import LedgerEntry, Purpose
from requests_app.reference.models import MemberState, RegionalGroup

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
USD = "USD"
# The ledger's columns hold 16 digits, two of them cents; the rates 18, eight of them decimals.
MAX_AMOUNT = Decimal("1e14")
MAX_RATE = Decimal("1e10")
RATE_PLACES = Decimal("1e-8")
CURRENCY_CODE = re.compile(r"[A-Z]{3}")

# An amount as a caller gives it: checked and made a Decimal of cents (a float is refused).
AmountInput: TypeAlias = Decimal | int | str


# Formatting: the same figures in messages, pages, emails and exports --------------------------


def money(value: Decimal | int) -> str:
    """120000 -> "120,000.00": two decimals and the thousands separators of the language."""
    return formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def rate_text(rate: Decimal | int | str) -> str:
    """A rate with at least four decimals and no trailing zeros beyond: 1.08700000 -> "1.0870"."""
    whole, _dot, decimals = format(Decimal(rate).normalize(), "f").partition(".")
    return f"{whole}.{decimals.ljust(4, '0')}"


def day_text(day: date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


@overload
def converted_text(entry_or_amount: LedgerEntry) -> str: ...
@overload
def converted_text(entry_or_amount: Decimal, currency: str, rate: Decimal) -> str: ...
def converted_text(
    entry_or_amount: LedgerEntry | Decimal, currency: str | None = None, rate: Decimal | None = None
) -> str:
    """ " (EUR 138,000.00 at 1.0870)" for an amount in another currency, "" for US dollars."""
    if currency is None:
        entry = cast(LedgerEntry, entry_or_amount)  # the first form: an entry alone
        amount, currency, rate = entry.amount, entry.currency, entry.usd_per_unit
    else:
        amount, rate = cast(Decimal, entry_or_amount), cast(Decimal, rate)  # the second: all three
    if currency == USD:
        return ""
    return " " + _("(%(currency)s %(amount)s at %(rate)s)") % {
        "currency": currency,
        "amount": money(amount),
        "rate": rate_text(rate),
    }


# Checks of what a user typed -----------------------------------------------------------------


def _amount(value: object) -> Decimal:
    """The amount as a Decimal of cents, or a refusal that says what is wrong with it."""
    if isinstance(value, float):
        # A float cannot hold most cents exactly: a caller passing one has a bug, not a typo.
        raise TypeError("Trust Fund amounts are Decimal, never float.")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ActionRefused(_("The amount is not a number.")) from None
    if not amount.is_finite():
        raise ActionRefused(_("The amount is not a number."))
    if amount <= 0:
        raise ActionRefused(_("The amount must be more than zero."))
    if amount >= MAX_AMOUNT:
        raise ActionRefused(_("The amount is too large for the ledger."))
    if amount != amount.quantize(CENT):
        raise ActionRefused(_("Give the amount to the cent at most (two decimals)."))
    return amount.quantize(CENT)


def _currency(value: str | None) -> str:
    currency = (value or "").strip().upper()
    if not CURRENCY_CODE.fullmatch(currency):
        raise ActionRefused(
            _("“%(currency)s” is not a currency code: give its three letters (ISO 4217), for example EUR.")
            % {"currency": value or ""}
        )
    return currency


def _value_date(value: object) -> date:
    if isinstance(value, datetime):
        raise TypeError("A value date is a date, not a moment.")  # a caller's bug: which day would it be?
    if not isinstance(value, date):
        raise ActionRefused(_("Give the date of the entry."))
    today = timezone.localdate()
    if value > today:
        raise ActionRefused(
            _("The date %(day)s is in the future: record an entry on or after the day it happens.")
            % {"day": day_text(value)}
        )
    return value


def rate_value(usd_per_unit: AmountInput) -> Decimal:
    """US dollars for one unit as typed, read as a Decimal: more than zero, at most eight decimals."""
    if isinstance(usd_per_unit, float):
        raise TypeError("Exchange rates are Decimal, never float.")
    try:
        rate = Decimal(str(usd_per_unit).strip())
    except (InvalidOperation, ValueError):
        raise ActionRefused(_("The rate is not a number.")) from None
    if not rate.is_finite() or rate <= 0:
        raise ActionRefused(_("A rate must be more than zero."))
    if rate >= MAX_RATE or rate != rate.quantize(RATE_PLACES):
        raise ActionRefused(_("Give the rate with at most eight decimals."))
    return rate


def purpose_value(value: str | None) -> str:
    if not value:
        raise ActionRefused(_("Say what the allocation pays for: its purpose."))
    if value not in Purpose.values:
        raise ActionRefused(_("“%(purpose)s” is not a purpose of the Trust Fund.") % {"purpose": value})
    return value


def earmark_fields(country: MemberState | None, region: str, purpose: str) -> tuple[MemberState | None, str, str]:
    """The earmark's fields, checked: one of a country, a regional group, a purpose, or none."""
    region, purpose = (region or "").strip(), (purpose or "").strip()
    if sum(1 for given in (country, region, purpose) if given) > 1:
        raise ActionRefused(_("Earmark a contribution to one thing only: a country, a regional group or a purpose."))
    if region and region not in RegionalGroup.values:
        raise ActionRefused(_("“%(region)s” is not a regional group.") % {"region": region})
    if purpose and purpose not in Purpose.values:
        raise ActionRefused(_("“%(purpose)s” is not a purpose of the Trust Fund.") % {"purpose": purpose})
    return country, region, purpose


def setting_number(value: AmountInput, message: StrOrPromise) -> Decimal:
    """A figure of the settings: a Decimal to the cent, zero or more, or a refusal with ``message``."""
    if isinstance(value, float):
        raise TypeError("The Trust Fund's settings are Decimal, never float.")
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ActionRefused(message) from None
    if not number.is_finite() or number < 0 or number >= MAX_AMOUNT or number != number.quantize(CENT):
        raise ActionRefused(message)
    return number


def to_usd(amount: Decimal, rate: Decimal) -> Decimal:
    """The amount in US dollars, rounded half up to the cent (never half to even: an accountant's rounding)."""
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def support_cost(amount_usd: Decimal, rate: Decimal) -> Decimal:
    """The programme support costs of an amount at ``rate`` per cent, rounded half up to the cent."""
    return (amount_usd * rate / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_text(rate: Decimal | int | str) -> str:
    """13.00 -> "13%", 7.50 -> "7.5%": a rate as people say it."""
    text = format(Decimal(rate).normalize(), "f")
    return f"{text}%"


def cents(value: Decimal | None) -> Decimal:
    """A sum read from the database, to the cent. SQLite adds decimal columns as floats and hands
    back as many digits as it likes (440000.0000000); PostgreSQL's numeric is exact already."""
    return (value or ZERO).quantize(CENT, rounding=ROUND_HALF_UP)
