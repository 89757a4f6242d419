"""What the Trust Fund refuses as too much money, each refusal with the figures that show why.

An allocation beyond the money it may use on its day (the unearmarked money and what is earmarked
to its case's country, regional group or purpose; no later day may go below zero), a refund
beyond what the case was allocated net of its refunds, a pledge's payment beyond what it has
outstanding. The services call them inside their transaction, behind the fund's lock.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from requests_app.cases.choices import DecisionOutcome
from requests_app.cases.models import AssistanceRequest
from requests_app.core.errors import ActionRefused
from requests_app.fund import earmarks
from requests_app.fund.earmarks import Pool, Takes, Usable
from requests_app.fund.models import LedgerEntry, Purpose
from requests_app.fund.money import CENT, ZERO, converted_text, day_text, money, percent_text
from requests_app.fund.selectors import (
    BEFORE_DECISION_STAGES,
    FUNDABLE_STAGES,
    case_funding,
    case_support_costs,
    outstanding,
    refundable,
)


@dataclass(frozen=True)
class CaseMoney:
    """An allocation or a refund about to be written: its case (locked) and its amount, converted."""

    case: AssistanceRequest
    amount: Decimal
    currency: str
    value_date: date
    rate: Decimal
    amount_usd: Decimal


@dataclass(frozen=True)
class Charge:
    """An allocation's purpose and the programme support costs charged with it."""

    purpose: str
    rate: Decimal  # per cent
    support: Decimal  # USD

    def need(self, allocation: CaseMoney) -> Decimal:
        return allocation.amount_usd + self.support


def draws_or_refuse(allocation: CaseMoney, charge: Charge) -> Takes:
    """What the allocation and its support costs take from each pool it may use (earmarks.py says
    in which order); refused, with the figures, when the money it may use on its day is not enough."""
    money_seen = earmarks.usable(allocation.case, charge.purpose, allocation.value_date)
    need = charge.need(allocation)
    takes, missing = earmarks.take([(pool.source, pool.available) for pool in money_seen.pools], need)
    if missing <= 0:
        return takes
    if not money_seen.earmarked and not money_seen.others:
        raise ActionRefused(_unearmarked_refusal(allocation, charge, money_seen.unearmarked))
    raise ActionRefused(_earmarked_refusal(allocation, charge, money_seen))


def _asked(allocation: CaseMoney, charge: Charge) -> str:
    """ "this allocation is 100.00 USD (EUR 92.00 at 1.0870)[ and its programme support costs ...]"."""
    figures = {
        "amount": money(allocation.amount_usd),
        "converted": converted_text(allocation.amount, allocation.currency, allocation.rate),
        "support": money(charge.support),
        "rate": percent_text(charge.rate),
        "need": money(charge.need(allocation)),
    }
    if not charge.support:
        return _("this allocation is %(amount)s USD%(converted)s.") % figures
    return (
        _(
            "this allocation is %(amount)s USD%(converted)s and its programme support costs %(support)s USD "
            "(%(rate)s): %(need)s USD in all."
        )
        % figures
    )


def _unearmarked_refusal(allocation: CaseMoney, charge: Charge, fund: Pool) -> str:
    """The fund has no earmarked money: what it holds on the day, and its lowest from then on."""
    figures = {
        "held": money(fund.held),
        "day": day_text(allocation.value_date),
        "lowest": money(max(fund.available, ZERO)),
        "lowest_day": day_text(fund.lowest_day),
        "asked": _asked(allocation, charge),
    }
    if fund.lowest_day == allocation.value_date or fund.available >= fund.held:
        return _("The fund holds %(held)s USD on %(day)s; %(asked)s") % figures
    return (
        _(
            "The fund holds %(held)s USD on %(day)s, but entries after that day bring it down to %(lowest)s "
            "USD on %(lowest_day)s, and no day may go below zero; %(asked)s"
        )
        % figures
    )


def _parts(pools: list[Pool], template: str) -> str:
    """ "40,000.00 USD earmarked to Kenya, 60,000.00 USD unearmarked": the pools with money, by label."""
    by_label: dict[str, Decimal] = {}
    for pool in pools:
        if pool.available > 0:
            by_label[pool.label] = by_label.get(pool.label, ZERO) + pool.available
    return "; ".join(template % {"amount": money(amount), "label": label} for label, amount in by_label.items())


def _earmarked_refusal(allocation: CaseMoney, charge: Charge, seen: Usable) -> str:
    """What the allocation may use of the fund on its day, in which pools, and why the rest is not for it."""
    case = allocation.case
    sentences = [
        _("The fund holds %(held)s USD on %(day)s.")
        % {"held": money(seen.held), "day": day_text(allocation.value_date)}
    ]
    figures = {
        "reference": case.reference,
        "state": case.member_state.local_name,
        "region": case.member_state.get_regional_group_display(),
        "purpose": Purpose(charge.purpose).phrase,
        "usable": money(seen.total),
    }
    usable_parts = _parts(seen.earmarked, _("%(amount)s USD earmarked to %(label)s"))
    if seen.unearmarked.available > 0:
        unearmarked = _("%(amount)s USD unearmarked") % {"amount": money(seen.unearmarked.available)}
        usable_parts = f"{usable_parts}; {unearmarked}" if usable_parts else unearmarked
    if usable_parts:
        sentences.append(
            _("%(reference)s (%(state)s, %(region)s) may use %(usable)s USD of it for %(purpose)s: %(parts)s.")
            % {**figures, "parts": usable_parts}
        )
    else:
        sentences.append(_("%(reference)s (%(state)s, %(region)s) may use none of it for %(purpose)s.") % figures)
    if seen.others_total > 0:
        sentences.append(
            _("%(others)s USD is earmarked to what it may not use: %(parts)s.")
            % {"others": money(seen.others_total), "parts": _parts(seen.others, _("%(amount)s USD to %(label)s"))}
        )
    if seen.needed_later > 0:
        sentences.append(
            _("%(later)s USD is needed by entries after that day, and no day may go below zero.")
            % {"later": money(seen.needed_later)}
        )
    asked = _asked(allocation, charge)
    sentences.append(asked[:1].upper() + asked[1:])
    return " ".join(sentences)


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


# When a case may receive money, and for what --------------------------------------------------


def _approval_day(case: AssistanceRequest) -> date | None:
    """The day the case was approved for assistance, or None if it is not (now) approved."""
    if case.stage not in FUNDABLE_STAGES:
        return None
    decision = case.decisions.filter(outcome__in=DecisionOutcome.assisting()).order_by("-decided_at").first()
    return timezone.localdate(decision.decided_at) if decision else None


def refuse_unless_fundable(case: AssistanceRequest, purpose: str, value_date: date) -> None:
    """Refused unless the case may receive money for ``purpose`` on ``value_date``.

    A needs assessment mission or an expert panel may be paid for from the case's review until its
    decision (under review, in needs assessment, awaiting a decision), and after a decision to assist,
    dated no earlier than the request was received (the mission may have been before the decision);
    anything else only once the case is approved for assistance (an assist or narrowed decision),
    until it reports, and not dated before the approval.
    """
    before = purpose in Purpose.before_decision()
    approved_on = None if before and case.stage in BEFORE_DECISION_STAGES else _approval_day(case)
    if approved_on is None and not (before and case.stage in BEFORE_DECISION_STAGES):
        raise ActionRefused(_not_fundable(case, purpose))
    if before and value_date < case.received_date:
        raise ActionRefused(
            _("%(reference)s was received on %(received)s: an allocation to it cannot be dated earlier.")
            % {"reference": case.reference, "received": day_text(case.received_date)}
        )
    if not before and approved_on is not None and value_date < approved_on:
        raise ActionRefused(
            _("%(reference)s was approved on %(approved)s: an allocation to it cannot be dated earlier.")
            % {"reference": case.reference, "approved": day_text(approved_on)}
        )


def _not_fundable(case: AssistanceRequest, purpose: str) -> str:
    """Why the case may not receive money for ``purpose`` now, by its stage."""
    if purpose in Purpose.before_decision():
        message = _(
            "%(reference)s is %(stage)s: %(purpose)s is paid for from the review of a case until its "
            "decision, or once it is approved for assistance (an assist or narrowed decision, until it reports)."
        )
    elif case.stage in BEFORE_DECISION_STAGES:
        message = _(
            "%(reference)s is %(stage)s: before the decision to assist, the fund pays for a needs assessment "
            "mission or an expert panel only; %(purpose)s waits for an assist or narrowed decision."
        )
    else:
        message = _(
            "%(reference)s is %(stage)s: only a case approved for assistance (an assist or narrowed decision, "
            "until it reports) receives Trust Fund money for %(purpose)s."
        )
    return message % {"reference": case.reference, "stage": case.stage_phrase, "purpose": Purpose(purpose).phrase}


# What a refund gives back of the support costs --------------------------------------------------


def support_share(refund: CaseMoney) -> Decimal:
    """The programme support costs a refund gives back: its share of what the case was charged, net.

    In proportion to the refund against the case's allocations net of refunds, rounded half up to the
    cent; a refund of everything the case still holds gives back all its support costs still
    charged, so the cents add up when a case is paid back in full.
    """
    _allocated, _refunded, net = case_funding(refund.case)
    charged, returned = case_support_costs(refund.case)
    held = charged - returned
    if net <= 0 or held <= 0:
        return ZERO
    if refund.amount_usd >= net:
        return held
    return min((refund.amount_usd * held / net).quantize(CENT, rounding=ROUND_HALF_UP), held)
