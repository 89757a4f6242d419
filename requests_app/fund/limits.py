"""What the Trust Fund refuses as too much money, each refusal with the figures that show why.

An allocation beyond what the fund can give on its day (no later day may go below zero), a refund
beyond what the case was allocated net of its refunds, a pledge's payment beyond what it has
outstanding. The services call them inside their transaction, behind the fund's lock.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from requests_app.cases.models import AssistanceRequest
from requests_app.core.errors import ActionRefused
from requests_app.fund.models import LedgerEntry
from requests_app.fund.money import ZERO, converted_text, day_text, money
from requests_app.fund.selectors import available, case_funding, outstanding, refundable


@dataclass(frozen=True)
class CaseMoney:
    """An allocation or a refund about to be written: its case (locked) and its amount, converted."""

    case: AssistanceRequest
    amount: Decimal
    currency: str
    value_date: date
    rate: Decimal
    amount_usd: Decimal


def refuse_beyond_available(allocation: CaseMoney) -> None:
    """Refused, with the figures, if the fund cannot give the allocation on its day without a later day below zero."""
    can_take, on_day, lowest_day = available(allocation.value_date)
    if allocation.amount_usd <= can_take:
        return
    figures = {
        "held": money(on_day),
        "day": day_text(allocation.value_date),
        "lowest": money(max(can_take, ZERO)),
        "lowest_day": day_text(lowest_day),
        "amount": money(allocation.amount_usd),
        "converted": converted_text(allocation.amount, allocation.currency, allocation.rate),
    }
    if lowest_day == allocation.value_date:
        message = _("The fund holds %(held)s USD on %(day)s; this allocation is %(amount)s USD%(converted)s.")
    else:
        message = _(
            "The fund holds %(held)s USD on %(day)s, but entries after that day bring it down to %(lowest)s "
            "USD on %(lowest_day)s, and no day may go below zero; this allocation is %(amount)s "
            "USD%(converted)s."
        )
    raise ActionRefused(message % figures)


def refuse_beyond_refundable(refund: CaseMoney) -> None:
    """Refused, with the figures, if the refund is more than the case was allocated net of its refunds."""
    limit = refundable(refund.case, refund.value_date)
    if refund.amount_usd <= limit:
        return
    allocated, refunded, _net = case_funding(refund.case)
    if not allocated:
        message = _("%(reference)s has received no allocation from the fund: it has nothing to give back.")
    else:
        message = _(
            "%(reference)s may give back at most %(limit)s USD on %(day)s (allocated %(allocated)s USD, "
            "already refunded %(refunded)s USD); this refund is %(amount)s USD%(converted)s."
        )
    raise ActionRefused(
        message
        % {
            "reference": refund.case.reference,
            "limit": money(max(limit, ZERO)),
            "day": day_text(refund.value_date),
            "allocated": money(allocated),
            "refunded": money(refunded),
            "amount": money(refund.amount_usd),
            "converted": converted_text(refund.amount, refund.currency, refund.rate),
        }
    )


def refuse_beyond_outstanding(pledge: LedgerEntry, amount: Decimal) -> None:
    """Refused, with the figures, if ``amount`` (in the pledge's currency) is more than the pledge has outstanding."""
    left = outstanding(pledge)
    if amount > left:
        raise ActionRefused(
            _(
                "Only %(currency)s %(left)s of this pledge is outstanding (%(currency)s %(pledged)s pledged); "
                "this contribution is %(currency)s %(amount)s. Record the rest as a contribution without "
                "a pledge."
            )
            % {
                "currency": pledge.currency,
                "left": money(left),
                "pledged": money(pledge.amount),
                "amount": money(amount),
            }
        )
