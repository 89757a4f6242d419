"""Demo Trust Fund (para 7): rates, pledges and contributions of several Member States (some earmarked
to a country, a regional group or a purpose), allocations of every purpose (needs assessment
missions and an expert panel before the decision, deployments and project support to the approved
demo cases) with their programme support costs, and a refund, all recorded through the services on
their own past dates.

Done once: a ledger that already has entries is left as it is (entries are never deleted, and a
second run would double every figure). The contributions come first, so the balance never dips
below the alert threshold while the demo is written: seeding sends no email and needs no broker.
"""

import random
from collections import Counter
from datetime import datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Sum
from django.utils import timezone

from requests_app.cases.choices import DecisionOutcome, ImplementationModality, Stage
from requests_app.cases.models import AssistanceRequest, Decision
from requests_app.core import roles
from requests_app.fund import earmarks, money, selectors, services
from requests_app.fund.models import LedgerEntry, Purpose
from requests_app.reference.models import AssistanceType, MemberState, RegionalGroup

FINANCE_USER = ("dmensah", "Daniel", "Mensah")

# About what one unit was worth in US dollars in 2025-2026; each day's rate moves a little.
RATES = {"EUR": "1.0850", "GBP": "1.2700", "JPY": "0.006700", "NOK": "0.094000", "SEK": "0.095000"}

# (days before today, donor, currency, pledged, (paid of it, days after the pledge) or None: nothing yet)
PLEDGES: list[tuple[int, str, str, str, tuple[str, int] | None]] = [
    (330, "Government of Norway", "NOK", "30000000", ("15000000", 10)),
    (330, "Government of Germany", "EUR", "1000000", ("1000000", 12)),
    (300, "Government of Japan", "JPY", "200000000", ("100000000", 45)),
    (280, "Government of Sweden", "SEK", "15000000", ("15000000", 80)),
    (150, "Government of the United Kingdom", "GBP", "750000", None),
]
# Contributions that pay no pledge: (days before today, donor, currency, amount, earmark).
GIFTS: list[tuple[int, str, str, str, dict[str, str]]] = [
    (310, "Government of the Republic of Korea", "USD", "500000", {}),
    (240, "Government of the Netherlands", "USD", "400000", {"country": "LBR"}),
    (200, "Government of Ireland", "USD", "150000", {"earmark_purpose": Purpose.NEEDS_ASSESSMENT}),
    (120, "Government of Denmark", "EUR", "250000", {"earmark_region": RegionalGroup.AFRICAN}),
]
# Before the decision: needs assessment missions to the cases in needs assessment, a panel to one awaiting it.
BEFORE_DECISION = [
    (Stage.NEEDS_ASSESSMENT, Purpose.NEEDS_ASSESSMENT, "85000", 3),
    (Stage.AWAITING_DECISION, Purpose.EXPERT_PANEL, "60000", 1),
]
# Shares of what the fund can spare given to each approved case, most recent approvals last.
ALLOCATION_AMOUNTS = ["650000", "800000", "520000", "700000", "450000", "600000", "500000", "480000", "150000"]
# What the fund keeps: the demo stays above the default threshold (500,000 USD).
RESERVE = Decimal("650000")


ALLOCATION_PURPOSES = {
    Purpose.NEEDS_ASSESSMENT: ["Needs assessment mission: travel and daily subsistence of four members, ten days."],
    Purpose.EXPERT_PANEL: ["Panel of three electoral experts, two visits."],
    Purpose.DEPLOYMENT: ["Chief technical adviser and two experts for six months.", "Two experts for three months."],
    Purpose.PROJECT_SUPPORT: [
        "Procurement of voter registration kits.",
        "Training of polling staff.",
        "Results management system.",
        "Civic and voter education campaign.",
    ],
}


def _purpose_of(decision):
    """What an allocation to an approved case pays for: experts from the roster are a deployment, a
    decision of expert panels only a panel, the rest project support."""
    if decision.case.implementation_modality == ImplementationModality.ROSTER_EXPERTS:
        return Purpose.DEPLOYMENT
    if {kind.category for kind in decision.assistance_types.all()} == {AssistanceType.Category.EXPERT_PANEL}:
        return Purpose.EXPERT_PANEL
    return Purpose.PROJECT_SUPPORT


def _finance_user(password):
    User = get_user_model()
    username, first_name, last_name = FINANCE_USER
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{first_name}.{last_name}@example.org".lower(),
            "is_staff": True,
        },
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=roles.FINANCE))
    return User.objects.get(pk=user.pk)  # without a stale permission cache


def _on(day, hour, rng, now):
    """A moment of ``day`` during office hours, for the clock to stand at while an entry is made;
    never later than now (today's entries are made this morning, not this evening)."""
    moment = timezone.make_aware(datetime.combine(day, time(hour, rng.randrange(60))))
    return min(moment, now)


def seed_trust_fund(*, team, stdout, seed, password):
    if LedgerEntry.objects.exists():
        stdout.write("Trust Fund: the ledger already has entries; nothing added.")
        return
    ledger = _DemoLedger(random.Random(f"{seed}/trust-fund"), _finance_user(password), team.focal_point)
    # Pledges and what was paid of them, then the gifts: money in before any goes out.
    ledger.pledges_and_payments()
    ledger.gifts()
    ledger.before_decision()
    allocated = ledger.allocations()
    ledger.refund(allocated)
    # Today's rates too, so the demo can record entries in any of its currencies at once.
    for currency in RATES:
        ledger.rate_for(currency, ledger.today)
    counts = ledger.counts
    counts["rates"] = len(ledger.rated_days)
    support = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SUPPORT_COST).aggregate(total=Sum("amount_usd"))
    stdout.write(
        "Trust Fund: {rates} exchange rates, {pledges} pledges, {contributions} contributions ({earmarked} earmarked), "
        "{allocations} allocations ({purposes}) with {support} USD of programme support costs, {refunds} refund; "
        "balance {balance} USD. Finance: {user} (same password).".format(
            **counts,
            earmarked=sum(1 for gift in GIFTS if gift[4]),
            purposes=", ".join(
                f"{count} {purpose}"
                for purpose, count in sorted(
                    Counter(LedgerEntry.objects.exclude(purpose="").values_list("purpose", flat=True)).items()
                )
            ),
            support=money.money(money.cents(support["total"])),
            balance=money.money(selectors.balance()),
            user=ledger.finance.username,
        )
    )


class _DemoLedger:
    """The demo's Trust Fund entries, each made through its service with the clock at its day."""

    def __init__(self, rng, finance, focal):
        self.rng, self.finance, self.focal = rng, finance, focal
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.rated_days = set()
        self.counts = {"rates": 0, "pledges": 0, "contributions": 0, "allocations": 0, "refunds": 0}

    def rate_for(self, currency, day):
        if currency == "USD" or (currency, day) in self.rated_days:
            return
        rng = self.rng
        base = Decimal(RATES[currency])
        drift = Decimal(1) + Decimal(rng.randint(-150, 150)) / Decimal(10000)
        value = (base * drift).quantize(Decimal("1e-6") if base < 1 else Decimal("1e-4"))
        with time_machine.travel(_on(day, 9, rng, self.now), tick=False):
            services.enter_rate(actor=self.finance, currency=currency, day=day, usd_per_unit=value)
        self.rated_days.add((currency, day))

    def entry(self, service, day, actor, **kwargs):
        if "currency" in kwargs:
            self.rate_for(kwargs["currency"], day)
        rng = self.rng
        with time_machine.travel(_on(day, rng.randrange(10, 17), rng, self.now), tick=False):
            return service(actor=actor, value_date=day, **kwargs)

    def pledges_and_payments(self):
        payments = []
        for days_ago, donor, currency, pledged, payment in PLEDGES:
            day = self.today - timedelta(days=days_ago)
            pledge = self.entry(
                services.record_pledge,
                day,
                self.finance,
                donor=donor,
                amount=Decimal(pledged),
                currency=currency,
                description="Announced at the pledging conference.",
            )
            self.counts["pledges"] += 1
            if payment is not None:
                paid, paid_after = payment
                payments.append((day + timedelta(days=paid_after), pledge, Decimal(paid)))
        for day, pledge, amount in sorted(payments, key=lambda p: p[0]):
            self.entry(
                services.record_contribution,
                day,
                self.finance,
                donor=pledge.donor,
                amount=amount,
                currency=pledge.currency,
                pledge=pledge,
                description="Transfer received.",
            )
            self.counts["contributions"] += 1

    def gifts(self):
        for days_ago, donor, currency, amount, earmarked_to in GIFTS:
            earmark: dict[str, object] = dict(earmarked_to)
            if "country" in earmark:  # earmarked to a country: one the demo has cases of
                earmark = {"earmark_country": MemberState.objects.get(iso3=earmarked_to["country"])}
            self.entry(
                services.record_contribution,
                self.today - timedelta(days=days_ago),
                self.finance,
                donor=donor,
                amount=Decimal(amount),
                currency=currency,
                description="Earmarked contribution." if earmark else "Unearmarked contribution.",
                **earmark,
            )
            self.counts["contributions"] += 1

    def before_decision(self):
        """Needs assessment missions and a panel paid for before the decision, dated a day after the
        case entered its stage."""
        for stage, purpose, wanted, how_many in BEFORE_DECISION:
            for case in AssistanceRequest.objects.filter(stage=stage).select_related("member_state")[:how_many]:
                day = min(timezone.localdate(case.stage_entered_at) + timedelta(days=1), self.today)
                self._allocate(case, day, Decimal(wanted), purpose, "USD")

    def allocations(self):
        """Allocations to the approved demo cases, each some days after its approval, never below the
        reserve: [(day, case)] of those made."""
        approvals: dict[int, Decision] = {}
        for decision in (
            Decision.objects.filter(outcome__in=DecisionOutcome.assisting(), case__stage__in=selectors.FUNDABLE_STAGES)
            .select_related("case__member_state")
            .prefetch_related("assistance_types")
            .order_by("decided_at")
        ):
            approvals.setdefault(decision.case_id, decision)
        allocated = []
        for decision, wanted in zip(
            sorted(approvals.values(), key=lambda d: d.decided_at), ALLOCATION_AMOUNTS, strict=False
        ):
            day = min(timezone.localdate(decision.decided_at) + timedelta(days=self.rng.randint(3, 20)), self.today)
            currency = "EUR" if self.rng.random() < 0.3 else "USD"
            if self._allocate(decision.case, day, Decimal(wanted), _purpose_of(decision), currency):
                allocated.append((day, decision.case))
        return allocated

    def _allocate(self, case, day, wanted, purpose, currency):
        """Allocate up to ``wanted`` USD (with its support costs) to ``case`` on ``day`` for ``purpose``,
        from the money it may use, the fund keeping its reserve; nothing under 20,000."""
        rate = selectors.settings_row().support_cost_rate
        can_take, _on_day, _lowest_day = selectors.available(day)
        seen = earmarks.usable(case, purpose, day)
        # The money earmarked to the case's own country is there for it: the reserve is kept of the rest.
        own = sum(
            (pool.available for pool in seen.earmarked if pool.source and pool.source.earmark_country_id), Decimal(0)
        )
        room = min(seen.total, can_take - RESERVE + own)
        amount = min(wanted, earmarks.largest_allocation(room, rate)).quantize(Decimal("1E3"), ROUND_DOWN)
        if amount < Decimal("20000"):
            return False
        if currency == "EUR":
            self.rate_for("EUR", day)
            amount = (amount / selectors.usd_rate("EUR", day)).quantize(Decimal("1E3"), ROUND_DOWN)
        self.entry(
            services.allocate,
            day,
            self.focal,
            case=case,
            amount=amount,
            currency=currency,
            purpose=purpose,
            description=self.rng.choice(ALLOCATION_PURPOSES[purpose]),
        )
        self.counts["allocations"] += 1
        return True

    def refund(self, allocated):
        """A case that reports gives back what it did not spend."""
        reporting = [(day, case) for day, case in allocated if case.stage == "reporting"] or allocated[:1]
        for day, case in reporting[:1]:
            refund_day = min(day + timedelta(days=60), self.today)
            net = selectors.refundable(case, refund_day)
            self.entry(
                services.record_refund,
                refund_day,
                self.finance,
                case=case,
                amount=(net * Decimal("0.12")).quantize(Decimal("0.01")),
                currency="USD",
                description="Unspent balance of the training budget, returned by the project.",
            )
            self.counts["refunds"] += 1
