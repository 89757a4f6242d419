"""Demo Trust Fund (para 7): rates, pledges and contributions of several Member States, allocations to
the approved demo cases and a refund, all recorded through the services on their own past dates.

Done once: a ledger that already has entries is left as it is (entries are never deleted, and a
second run would double every figure). The contributions come first, so the balance never dips
below the alert threshold while the demo is written: seeding sends no email and needs no broker.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from requests_app.cases.choices import DecisionOutcome
from requests_app.cases.models import Decision
from requests_app.core import roles
from requests_app.fund import money, selectors, services
from requests_app.fund.models import LedgerEntry

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
# Contributions that pay no pledge.
GIFTS = [
    (310, "Government of the Republic of Korea", "USD", "500000"),
    (120, "Government of Denmark", "EUR", "250000"),
]
# Shares of what the fund can spare given to each approved case, most recent approvals last.
ALLOCATION_AMOUNTS = ["650000", "800000", "520000", "700000", "450000", "600000", "500000", "480000"]
# What the fund keeps: the demo stays above the default threshold (500,000 USD).
RESERVE = Decimal("650000")


ALLOCATION_PURPOSES = [
    "Procurement of voter registration kits.",
    "Training of polling staff.",
    "Chief technical adviser and two experts for six months.",
    "Results management system.",
    "Civic and voter education campaign.",
]


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
    allocated = ledger.allocations()
    ledger.refund(allocated)
    # Today's rates too, so the demo can record entries in any of its currencies at once.
    for currency in RATES:
        ledger.rate_for(currency, ledger.today)
    counts = ledger.counts
    counts["rates"] = len(ledger.rated_days)
    stdout.write(
        "Trust Fund: {rates} exchange rates, {pledges} pledges, {contributions} contributions, {allocations} "
        "allocations, {refunds} refund; balance {balance} USD. Finance: {user} (same password).".format(
            **counts, balance=money.money(selectors.balance()), user=ledger.finance.username
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
        for days_ago, donor, currency, amount in GIFTS:
            self.entry(
                services.record_contribution,
                self.today - timedelta(days=days_ago),
                self.finance,
                donor=donor,
                amount=Decimal(amount),
                currency=currency,
                description="Unearmarked contribution.",
            )
            self.counts["contributions"] += 1

    def allocations(self):
        """Allocations to the approved demo cases, each some days after its approval, never below the
        reserve: [(day, case)] of those made."""
        approvals: dict[int, Decision] = {}
        for decision in (
            Decision.objects.filter(outcome__in=DecisionOutcome.assisting(), case__stage__in=selectors.FUNDABLE_STAGES)
            .select_related("case")
            .order_by("decided_at")
        ):
            approvals.setdefault(decision.case_id, decision)
        allocated = []
        for decision, wanted in zip(
            sorted(approvals.values(), key=lambda d: d.decided_at), ALLOCATION_AMOUNTS, strict=False
        ):
            day = min(timezone.localdate(decision.decided_at) + timedelta(days=self.rng.randint(3, 20)), self.today)
            if self._allocate(decision.case, day, Decimal(wanted)):
                allocated.append((day, decision.case))
        return allocated

    def _allocate(self, case, day, wanted):
        """Allocate up to ``wanted`` USD to ``case`` on ``day``, some in euros; nothing under 50,000."""
        rng = self.rng
        can_take, _on_day, _lowest_day = selectors.available(day)
        amount = min(wanted, (can_take - RESERVE).quantize(Decimal("1E3")))
        if amount < Decimal("50000"):
            return False
        currency = "EUR" if rng.random() < 0.3 else "USD"
        if currency == "EUR":
            self.rate_for("EUR", day)
            rate = selectors.usd_rate("EUR", day)
            amount = (amount / rate).quantize(Decimal("1E3"))
        self.entry(
            services.allocate,
            day,
            self.focal,
            case=case,
            amount=amount,
            currency=currency,
            description=rng.choice(ALLOCATION_PURPOSES),
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
