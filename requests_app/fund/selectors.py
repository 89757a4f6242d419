"""Reading the ledger: balances at any date, what a case received, open pledges."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from requests_app.cases import selectors
from requests_app.cases.choices import DecisionOutcome, Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.core.errors import ActionRefused
from requests_app.core.types import User
from requests_app.fund.models import ExchangeRate, LedgerEntry, TrustFundSettings
from requests_app.fund.money import USD, ZERO, cents, day_text, to_usd

Kind = LedgerEntry.Kind

# A case may receive money once the focal point has decided to assist it and until it reports.
FUNDABLE_STAGES = (Stage.DECISION_COMMUNICATED, Stage.IN_IMPLEMENTATION, Stage.REPORTING)
# Before the decision, a case may receive money for a needs assessment mission or an expert panel
# only (Purpose.before_decision()): from its review until the focal point decides.
BEFORE_DECISION_STAGES = (Stage.UNDER_REVIEW, Stage.NEEDS_ASSESSMENT, Stage.AWAITING_DECISION)


def _settings_row() -> TrustFundSettings:
    """The settings row, locked until the transaction ends: every write of the fund waits here.

    Migration 0011 makes the row; should it be gone, it is made again (with pk 1, so two writers
    that both find none end up with one row, the second reading the first's).
    """
    row = TrustFundSettings.objects.select_for_update().order_by("pk").first()
    if row is None:
        TrustFundSettings.objects.get_or_create(pk=1)
        row = TrustFundSettings.objects.select_for_update().get(pk=1)
    return row


def settings_row() -> TrustFundSettings:
    """The settings, read without a lock (pages)."""
    return TrustFundSettings.objects.order_by("pk").first() or TrustFundSettings()


def usd_rate(currency: str, day: date) -> Decimal:
    """US dollars for one unit of ``currency`` on ``day``; a refusal when finance has not entered it."""
    if currency == USD:
        return Decimal(1)
    rate = ExchangeRate.objects.filter(currency=currency, day=day).values_list("usd_per_unit", flat=True).first()
    if rate is None:
        raise ActionRefused(
            _(
                "There is no %(currency)s rate for %(day)s. Finance enters the day's rate first (Trust Fund → "
                "Exchange rates); then record the entry again."
            )
            % {"currency": currency, "day": day_text(day)}
        )
    return rate


# Reading the ledger --------------------------------------------------------------------------

_ADDS = Q(kind__in=sorted(Kind.ins()))
_SUBTRACTS = Q(kind__in=sorted(Kind.outs()))


def _sum(queryset: QuerySet[LedgerEntry], condition: Q) -> Decimal:
    return cents(queryset.aggregate(total=Sum("amount_usd", filter=condition))["total"])


def balance(on: date | None = None) -> Decimal:
    """The fund's balance in US dollars at the end of ``on`` (today by default). Pledges do not count."""
    on = on or timezone.localdate()
    entries = LedgerEntry.objects.filter(value_date__lte=on)
    totals = entries.aggregate(adds=Sum("amount_usd", filter=_ADDS), subtracts=Sum("amount_usd", filter=_SUBTRACTS))
    return cents(totals["adds"]) - cents(totals["subtracts"])


def _lowest_from(
    day: date, start_value: Decimal, later_changes: Iterable[tuple[date, Decimal]]
) -> tuple[Decimal, date]:
    """(lowest value, day it is reached) of a running total that is ``start_value`` at the end of
    ``day`` and then moves by ``later_changes`` ([(day, change)], days after ``day``, in order)."""
    lowest, lowest_day, running = start_value, day, start_value
    for change_day, change in later_changes:
        running += change
        if running < lowest:
            lowest, lowest_day = running, change_day
    return lowest, lowest_day


def daily_changes(after: date) -> list[tuple[date, Decimal]]:
    """[(day, change of the balance on that day)] for the days after ``after`` with an entry, in order."""
    later = (
        LedgerEntry.objects.filter(value_date__gt=after)
        .exclude(kind=Kind.PLEDGE)
        .values("value_date")
        .annotate(adds=Sum("amount_usd", filter=_ADDS), subtracts=Sum("amount_usd", filter=_SUBTRACTS))
        .order_by("value_date")
    )
    return [(row["value_date"], cents(row["adds"]) - cents(row["subtracts"])) for row in later]


def available(on: date) -> tuple[Decimal, Decimal, date]:
    """What an allocation dated ``on`` may take: the lowest balance from that day onward.

    A back-dated allocation lowers every later day's balance too, so it may take no more than the
    lowest of them: otherwise some day between ``on`` and today would go below zero.
    Returns (amount, balance on ``on``, day of the lowest balance).
    """
    start = balance(on)
    lowest, lowest_day = _lowest_from(on, start, daily_changes(on))
    return lowest, start, lowest_day


def _case_net_changes(case: AssistanceRequest, condition: Q) -> list[tuple[date, Decimal]]:
    rows = (
        LedgerEntry.objects.filter(case=case)
        .filter(condition)
        .values("value_date")
        .annotate(
            allocated=Sum("amount_usd", filter=Q(kind=Kind.ALLOCATION)),
            refunded=Sum("amount_usd", filter=Q(kind=Kind.REFUND)),
        )
        .order_by("value_date")
    )
    return [(row["value_date"], cents(row["allocated"]) - cents(row["refunded"])) for row in rows]


def refundable(case: AssistanceRequest, on: date) -> Decimal:
    """What a refund dated ``on`` may give back: the case's allocations net of refunds, at its lowest
    from that day onward (a back-dated refund may not make any later day's net negative)."""
    up_to = sum((change for _day, change in _case_net_changes(case, Q(value_date__lte=on))), ZERO)
    lowest, _day = _lowest_from(on, up_to, _case_net_changes(case, Q(value_date__gt=on)))
    return lowest


def case_funding(case: AssistanceRequest) -> tuple[Decimal, Decimal, Decimal]:
    """(allocated, refunded, net) in US dollars: what the case received from the fund."""
    entries = LedgerEntry.objects.filter(case=case)
    allocated = _sum(entries, Q(kind=Kind.ALLOCATION))
    refunded = _sum(entries, Q(kind=Kind.REFUND))
    return allocated, refunded, allocated - refunded


def case_support_costs(case: AssistanceRequest) -> tuple[Decimal, Decimal]:
    """(charged, returned) in US dollars: the programme support costs of the case's allocations and refunds."""
    entries = LedgerEntry.objects.filter(case=case)
    return _sum(entries, Q(kind=Kind.SUPPORT_COST)), _sum(entries, Q(kind=Kind.SUPPORT_REFUND))


def outstanding(pledge: LedgerEntry, on: date | None = None) -> Decimal:
    """What is still to come of a pledge, in the pledge's currency, as of the end of ``on``."""
    payments = pledge.payments.all()
    if on is not None:
        payments = payments.filter(value_date__lte=on)
    return pledge.amount - cents(payments.aggregate(total=Sum("amount"))["total"])


def fundable_cases(user: User | None = None) -> QuerySet[AssistanceRequest]:
    """Cases that may receive money for some purpose: approved for assistance (an assist or narrow
    decision) until they report, or before their decision (an assessment or a panel)."""
    approved = Q(stage__in=FUNDABLE_STAGES, decisions__outcome__in=DecisionOutcome.assisting())
    cases = AssistanceRequest.objects.filter(approved | Q(stage__in=BEFORE_DECISION_STAGES)).distinct()
    if user is not None:
        cases = selectors.visible_cases(user, cases)
    return cases.select_related("member_state").order_by("reference")


def funded_cases(user: User | None = None) -> QuerySet[AssistanceRequest]:
    """Cases that received an allocation: those that may give money back."""
    cases = AssistanceRequest.objects.filter(ledger_entries__kind=Kind.ALLOCATION).distinct()
    if user is not None:
        cases = selectors.visible_cases(user, cases)
    return cases.select_related("member_state").order_by("reference")


def open_pledges() -> list[LedgerEntry]:
    """Pledges with something still outstanding, oldest first, each with ``paid`` annotated."""
    pledges = (
        LedgerEntry.objects.filter(kind=Kind.PLEDGE).annotate(paid=Sum("payments__amount")).order_by("value_date", "id")
    )
    for pledge in pledges:
        pledge.paid = cents(pledge.paid)
    return [pledge for pledge in pledges if pledge.amount - pledge.paid > 0]


def pledge_usd(pledge: LedgerEntry, left: Decimal | None = None) -> Decimal:
    """What is outstanding of a pledge, in US dollars at the pledge's own rate."""
    left = outstanding(pledge) if left is None else left
    return to_usd(left, pledge.usd_per_unit)
