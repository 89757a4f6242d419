"""Earmarked money: what each earmarked contribution still holds on a day, which money an allocation
may use, and what it draws from each.

The fund's money is in pools. Each earmarked contribution is one: what it brought, less what
allocations and their support costs drew from it, plus what refunds gave back to it (EarmarkDraw
rows). The unearmarked money is the rest of the balance: draws are recorded on earmarked
contributions only, so whatever an entry moved beyond them was unearmarked money.

An allocation to a case may use the money earmarked to the case's country, to its regional group
and to its purpose, and the unearmarked money, in that order: the most specific earmark first, so
that money which fewer allocations may use goes before money that others may need too; within an
earmark, the oldest contribution first. Its programme support costs are drawn with it, after it.
Like the balance, a back-dated allocation may take from each pool no more than the pool's lowest
from its date onward, and only from contributions received by its date.

A refund gives back to the pools its case drew on, the last drawn first: the unearmarked money,
then the earmarked contributions, the most recently drawn first; to each no more than the case's
entries up to the refund's date drew from it, net (at its lowest from that day on).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import cast

from django.db.models import Max, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from requests_app.cases.models import AssistanceRequest
from requests_app.fund.models import NOT_EARMARKED, EarmarkDraw, LedgerEntry, Purpose
from requests_app.fund.money import CENT, ZERO, cents, support_cost
from requests_app.fund.selectors import Kind, _lowest_from, balance, daily_changes

Changes = list[tuple[date, Decimal]]


@dataclass(frozen=True)
class Pool:
    """Money of one kind on a day: an earmarked contribution's, or (``source`` None) the unearmarked."""

    source: LedgerEntry | None
    held: Decimal  # at the end of the day
    available: Decimal  # what an entry of that day may take: the lowest from the day onward
    lowest_day: date

    @property
    def label(self) -> str:
        """ "Ghana", "African States", "Expert panel"; "unearmarked" for the rest."""
        return self.source.earmark_text if self.source is not None else _("unearmarked")


def earmarked_contributions() -> QuerySet[LedgerEntry]:
    return (
        LedgerEntry.objects.filter(kind=Kind.CONTRIBUTION)
        .exclude(NOT_EARMARKED)
        .select_related("earmark_country")
        .order_by("value_date", "id")
    )


def _by_day(changes: Iterable[tuple[date, Decimal]]) -> Changes:
    """The changes summed per day, in order of days: what a balance does at the end of each."""
    days: defaultdict[date, Decimal] = defaultdict(Decimal)
    for day, change in changes:
        days[day] += change
    return sorted(days.items())


def held_and_lowest(on: date, changes: Iterable[tuple[date, Decimal]]) -> tuple[Decimal, Decimal, date]:
    """(held at the end of ``on``, lowest from then on, its day) of a pool that moves by ``changes``."""
    series = _by_day(changes)
    held = sum((change for day, change in series if day <= on), ZERO)
    lowest, lowest_day = _lowest_from(on, held, [(day, change) for day, change in series if day > on])
    return held, lowest, lowest_day


def _draw_changes(draws: QuerySet[EarmarkDraw]) -> defaultdict[int, Changes]:
    """{contribution: [(day, change)]}: what the draws did to each earmarked contribution, by day."""
    rows = (
        draws.values("source", "entry__value_date")
        .annotate(
            out=Sum("amount_usd", filter=Q(entry__kind__in=sorted(Kind.outs()))),
            back=Sum("amount_usd", filter=Q(entry__kind__in=sorted(Kind.ins()))),
        )
        .order_by("entry__value_date")
    )
    changes: defaultdict[int, Changes] = defaultdict(list)
    for row in rows:
        changes[row["source"]].append((row["entry__value_date"], cents(row["back"]) - cents(row["out"])))
    return changes


def pools(on: date) -> tuple[Pool, list[Pool]]:
    """(the unearmarked money, each earmarked contribution received by ``on``) at the end of ``on``."""
    drawn = _draw_changes(EarmarkDraw.objects.all())
    earmarked: list[Pool] = []
    earmarked_on, earmarked_later = ZERO, cast(Changes, [])
    for contribution in earmarked_contributions():
        series = [(contribution.value_date, contribution.amount_usd), *drawn.get(contribution.pk, [])]
        held, lowest, lowest_day = held_and_lowest(on, series)
        earmarked_on += held
        earmarked_later.extend((day, change) for day, change in series if day > on)
        if contribution.value_date <= on:
            earmarked.append(Pool(contribution, held, lowest, lowest_day))
    # The unearmarked money moves each day by what the balance does less what the earmarked money does.
    later = [(day, change) for day, change in daily_changes(on)]
    later += [(day, -change) for day, change in earmarked_later]
    held, lowest, lowest_day = held_and_lowest(on, [(on, balance(on) - earmarked_on), *later])
    return Pool(None, held, lowest, lowest_day), earmarked


# What an allocation may use -------------------------------------------------------------------


def rank(contribution: LedgerEntry, case: AssistanceRequest, purpose: str) -> int | None:
    """How specific the contribution's earmark is to an allocation (0: its country, 1: its regional
    group, 2: its purpose), or None if the allocation may not use it."""
    if contribution.earmark_country_id:
        return 0 if contribution.earmark_country_id == case.member_state_id else None
    if contribution.earmark_region:
        return 1 if contribution.earmark_region == case.member_state.regional_group else None
    if contribution.earmark_purpose:
        return 2 if contribution.earmark_purpose == purpose else None
    return None


@dataclass(frozen=True)
class Usable:
    """The fund's money on a day as one allocation sees it."""

    held: Decimal  # the balance
    unearmarked: Pool
    earmarked: list[Pool]  # what it may use, in the order it draws on them
    others: list[Pool]  # earmarked to what it may not use

    @property
    def pools(self) -> list[Pool]:
        """The pools it draws on, in order: its earmarks, then the unearmarked money."""
        return [*self.earmarked, self.unearmarked]

    @property
    def total(self) -> Decimal:
        return sum((pool.available for pool in self.pools if pool.available > 0), ZERO)

    @property
    def others_total(self) -> Decimal:
        return sum((pool.available for pool in self.others if pool.available > 0), ZERO)

    @property
    def needed_later(self) -> Decimal:
        """What the fund holds on the day but entries after it need: no day may go below zero."""
        return self.held - self.total - self.others_total


def usable(case: AssistanceRequest, purpose: str, on: date) -> Usable:
    """The fund's money at the end of ``on`` as an allocation to ``case`` for ``purpose`` sees it."""
    unearmarked, earmarked = pools(on)
    return _as_seen(case, purpose, balance(on), unearmarked, earmarked)


def _as_seen(case: AssistanceRequest, purpose: str, held: Decimal, unearmarked: Pool, earmarked: list[Pool]) -> Usable:
    mine = [(rank(pool.source, case, purpose), pool) for pool in earmarked if pool.source is not None]
    return Usable(
        held=held,
        unearmarked=unearmarked,
        earmarked=[pool for order, pool in sorted(mine, key=lambda item: item[0] or 0) if order is not None],
        others=[pool for order, pool in mine if order is None],
    )


def largest_allocation(usable_usd: Decimal, rate: Decimal) -> Decimal:
    """The largest allocation whose support costs at ``rate`` per cent still fit in ``usable_usd``."""
    if usable_usd <= 0:
        return ZERO
    amount = (usable_usd * 100 / (100 + rate)).quantize(CENT, rounding=ROUND_DOWN)
    while amount > 0 and amount + support_cost(amount, rate) > usable_usd:
        amount -= CENT
    return amount


def room(case: AssistanceRequest, on: date, rate: Decimal) -> list[tuple[Purpose, Usable, Decimal]]:
    """[(purpose, the money it may use, the largest allocation with its support costs)] for the case on ``on``."""
    unearmarked, earmarked = pools(on)
    held = balance(on)
    rows = []
    for purpose in Purpose:
        seen = _as_seen(case, purpose, held, unearmarked, earmarked)
        rows.append((purpose, seen, largest_allocation(seen.total, rate)))
    return rows


Takes = list[tuple[LedgerEntry | None, Decimal]]


def take(sources: Sequence[tuple[LedgerEntry | None, Decimal]], need: Decimal) -> tuple[Takes, Decimal]:
    """(what to take from each source in order, each at most what it offers; what is still missing)."""
    takes: Takes = []
    for source, offered in sources:
        if need <= 0:
            break
        amount = min(offered, need)
        if amount > 0:
            takes.append((source, amount))
            need -= amount
    return takes, need


def split(takes: Takes, first: Decimal) -> tuple[Takes, Takes]:
    """The takes cut in two, in order: the first ``first`` dollars, and the rest."""
    head: Takes = []
    tail: Takes = []
    for source, amount in takes:
        part = min(amount, max(first, ZERO))
        first -= part
        if part > 0:
            head.append((source, part))
        if amount - part > 0:
            tail.append((source, amount - part))
    return head, tail


def record_draws(entry: LedgerEntry, takes: Takes) -> None:
    """The earmarked money ``entry`` moved, one row per contribution (unearmarked money has none)."""
    EarmarkDraw.objects.bulk_create(
        [EarmarkDraw(entry=entry, source=source, amount_usd=amount) for source, amount in takes if source is not None]
    )


# What a refund gives back ---------------------------------------------------------------------


def returns(case: AssistanceRequest, on: date, amount: Decimal) -> Takes:
    """Where a refund of ``amount`` (with its support costs) dated ``on`` goes back to, in order: the
    unearmarked money first, then the earmarked contributions the case drew on, the last drawn first."""
    entries = LedgerEntry.objects.filter(case=case).exclude(kind=Kind.PLEDGE)
    held_by_case: Changes = [(entry.value_date, -entry.signed_usd) for entry in entries]
    drawn = _draw_changes(EarmarkDraw.objects.filter(entry__case=case))
    last_drawn = dict(
        EarmarkDraw.objects.filter(entry__case=case, entry__kind__in=sorted(Kind.outs()))
        .values("source")
        .annotate(last=Max("id"))
        .values_list("source", "last")
        .order_by()
    )
    sources = LedgerEntry.objects.in_bulk(list(drawn))
    offers: list[tuple[LedgerEntry | None, Decimal]] = []
    for source_id in sorted(drawn, key=lambda pk: -last_drawn.get(pk, 0)):
        of_source = [(day, -change) for day, change in drawn[source_id]]  # what the case holds of it
        held_by_case += [(day, -change) for day, change in of_source]  # ... is not unearmarked
        _held, lowest, _day = held_and_lowest(on, of_source)
        offers.append((sources[source_id], max(lowest, ZERO)))
    _held, lowest, _day = held_and_lowest(on, held_by_case)
    takes, _missing = take([(None, max(lowest, ZERO)), *offers], amount)
    return takes
