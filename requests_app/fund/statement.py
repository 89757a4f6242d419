"""The Trust Fund's statement for a period: lines, totals, outstanding pledges, the money by earmark.

Programme support costs are lines of their own (charged on an allocation, returned with a refund)
with totals of their own, so that every figure of the statement adds up to the cent: the closing
balance is the opening plus what came in less what went out, and is also the unearmarked money plus
what each earmarked contribution still holds."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from requests_app.core.errors import ActionRefused
from requests_app.core.types import StrOrPromise
from requests_app.fund import earmarks
from requests_app.fund.models import LedgerEntry
from requests_app.fund.money import ZERO, cents
from requests_app.fund.selectors import Kind, balance, pledge_usd

# What the statement's totals are called: a sum of many entries, not one. Keyed by the stored kind.
TOTAL_LABELS: dict[str, StrOrPromise] = {
    Kind.PLEDGE: gettext_lazy("Pledges"),
    Kind.CONTRIBUTION: gettext_lazy("Contributions"),
    Kind.ALLOCATION: gettext_lazy("Allocations to cases"),
    Kind.REFUND: gettext_lazy("Refunds to the fund"),
    Kind.SUPPORT_COST: gettext_lazy("Programme support costs charged"),
    Kind.SUPPORT_REFUND: gettext_lazy("Programme support costs returned with refunds"),
}


# The statement ---------------------------------------------------------------------------------


@dataclass
class StatementLine:
    entry: LedgerEntry
    change: Decimal
    running: Decimal


@dataclass
class OutstandingPledge:
    pledge: LedgerEntry
    paid: Decimal
    left: Decimal
    left_usd: Decimal


@dataclass
class EarmarkBalance:
    """What an earmarked contribution holds at the end of the period."""

    contribution: LedgerEntry
    held: Decimal

    @property
    def used(self) -> Decimal:
        """Drawn by allocations and their support costs, net of what refunds gave back."""
        return self.contribution.amount_usd - self.held


@dataclass
class Statement:
    start: date
    end: date
    opening: Decimal
    closing: Decimal
    lines: list[StatementLine] = field(default_factory=list)
    totals: dict[str, Decimal] = field(default_factory=dict)  # kind -> USD
    counts: dict[str, int] = field(default_factory=dict)  # kind -> entries
    pledges: list[OutstandingPledge] = field(default_factory=list)  # as of the end
    donors: list[tuple[str, Decimal, list[OutstandingPledge]]] = field(
        default_factory=list
    )  # (donor, outstanding USD, pledges)
    unearmarked: Decimal = ZERO  # at the end
    earmarks: list[EarmarkBalance] = field(default_factory=list)  # each earmarked contribution, at the end

    @property
    def support_costs(self) -> Decimal:
        """The programme support costs of the period, net of those returned with refunds."""
        return self.totals[Kind.SUPPORT_COST] - self.totals[Kind.SUPPORT_REFUND]

    @property
    def earmarked(self) -> Decimal:
        return sum((item.held for item in self.earmarks), ZERO)

    @property
    def earmark_groups(self) -> list[tuple[str, Decimal, list[EarmarkBalance]]]:
        """[(earmark, held, contributions)]: the earmarked money at the end by what it is earmarked to."""
        groups: defaultdict[str, list[EarmarkBalance]] = defaultdict(list)
        for item in self.earmarks:
            groups[item.contribution.earmark_text].append(item)
        return [(label, sum((i.held for i in items), ZERO), items) for label, items in groups.items()]

    @property
    def outstanding_usd(self) -> Decimal:
        return sum((item.left_usd for item in self.pledges), ZERO)

    @property
    def movement(self) -> Decimal:
        return self.closing - self.opening


def statement(start: date, end: date) -> Statement:
    """The fund over a period (both days included): opening balance, each entry with the balance
    after it, totals per kind, closing balance, and the pledges still outstanding at its end."""
    if end < start:
        raise ActionRefused(_("The period ends before it starts."))
    opening = balance(start - timedelta(days=1)) if start > date.min else ZERO
    entries = (
        LedgerEntry.objects.filter(value_date__gte=start, value_date__lte=end)
        .select_related("case__member_state", "recorded_by", "pledge", "earmark_country", "charged_on")
        .order_by("value_date", "id")
    )
    result = Statement(start=start, end=end, opening=opening, closing=opening)
    result.totals = {kind: ZERO for kind in Kind.values}
    result.counts = {kind: 0 for kind in Kind.values}
    running = opening
    for entry in entries:
        change = entry.signed_usd
        running += change
        result.lines.append(StatementLine(entry=entry, change=change, running=running))
        result.totals[entry.kind] += entry.amount_usd
        result.counts[entry.kind] += 1
    result.closing = running
    unearmarked, earmarked = earmarks.pools(end)
    result.unearmarked = unearmarked.held
    result.earmarks = [EarmarkBalance(pool.source, pool.held) for pool in earmarked if pool.source is not None]
    _outstanding_pledges(result)
    return result


def _outstanding_pledges(result: Statement) -> None:
    """The pledges still outstanding at the end of the statement's period, by donor, the largest first."""
    end = result.end
    pledges = (
        LedgerEntry.objects.filter(kind=Kind.PLEDGE, value_date__lte=end)
        .annotate(paid_by_end=Sum("payments__amount", filter=Q(payments__value_date__lte=end)))
        .order_by("donor", "value_date", "id")
    )
    by_donor: defaultdict[str, list[OutstandingPledge]] = defaultdict(list)
    for pledge in pledges:
        paid = cents(pledge.paid_by_end)
        left = pledge.amount - paid
        if left > 0:
            item = OutstandingPledge(pledge=pledge, paid=paid, left=left, left_usd=pledge_usd(pledge, left))
            result.pledges.append(item)
            by_donor[pledge.donor].append(item)
    result.donors = sorted(
        ((donor, sum((i.left_usd for i in items), ZERO), items) for donor, items in by_donor.items()),
        key=lambda row: (-row[1], row[0]),
    )
