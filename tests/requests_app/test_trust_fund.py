"""The Trust Fund for Electoral Assistance (para 7): a ledger in US dollars, its statement, its alert.

Time is frozen on TODAY; the approved case was decided on APPROVED, so entries can be dated on
any day between. Emails land in Django's locmem outbox; the alert's email leaves after commit, so
the writes that may send one run inside ``django_capture_on_commit_callbacks(execute=True)``
(the ``run`` fixture), and test settings make Celery run the task inline.
"""

import contextlib
import csv
import datetime
import io
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from requests_app.cases import services
from requests_app.cases.choices import DecisionOutcome, Stage
from requests_app.core import roles
from requests_app.core.errors import ActionRefused
from requests_app.fund import alerts, money, selectors, statement
from requests_app.fund import services as fund_services
from requests_app.fund.models import BalanceAlert, ExchangeRate, LedgerEntry, TrustFundSettings
from requests_app.history.models import CaseEvent
from tests.factories import (
    UserFactory,
    approved_case,
    assist_params,
    case_in_stage,
    exchange_rate,
    member_of,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
APPROVED = datetime.datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
D = datetime.date
Kind = LedgerEntry.Kind
FUND_URL = reverse("workspace:trust-fund")


def usd(text):
    return Decimal(text)


def new_url(kind):
    return reverse("workspace:trust-fund-new", args=[kind])


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def finance(db):
    return member_of(roles.FINANCE, email="finance.officer@un.example.org")


@pytest.fixture
def focal(db):
    return member_of(roles.FOCAL_POINT, email="focal.point@un.example.org")


@pytest.fixture
def case(officer, time_machine):
    """A case approved for assistance on APPROVED, seen from TODAY."""
    time_machine.move_to(APPROVED, tick=False)
    case = approved_case(actor=officer)
    time_machine.move_to(NOW, tick=False)
    return case


@pytest.fixture
def other_case(officer, time_machine):
    time_machine.move_to(APPROVED, tick=False)
    case = approved_case(actor=officer, state="KEN")
    time_machine.move_to(NOW, tick=False)
    return case


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Call a service, then run what it left for after commit (the alert's email)."""

    def call(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return call


@pytest.fixture
def no_alert():
    """A threshold of zero: these tests are about the ledger, not the alert."""
    TrustFundSettings.objects.update(alert_threshold_usd=Decimal("0"))


def contribute(finance, amount, day=TODAY, currency="USD", donor="Government of Norway", **kwargs):
    return fund_services.record_contribution(
        actor=finance, donor=donor, amount=Decimal(amount), currency=currency, value_date=day, **kwargs
    )


def allocate(focal, case, amount, day=TODAY, currency="USD", **kwargs):
    return fund_services.allocate(
        actor=focal, case=case, amount=Decimal(amount), currency=currency, value_date=day, **kwargs
    )


def refund(finance, case, amount, day=TODAY, currency="USD", **kwargs):
    return fund_services.record_refund(
        actor=finance, case=case, amount=Decimal(amount), currency=currency, value_date=day, **kwargs
    )


def pledge(finance, amount, day=TODAY, currency="USD", donor="Government of Norway"):
    return fund_services.record_pledge(
        actor=finance, donor=donor, amount=Decimal(amount), currency=currency, value_date=day
    )


def refusal(excinfo):
    return " ".join(excinfo.value.messages)


# The balance after each kind of entry -----------------------------------------------------------


def test_the_balance_after_each_kind_of_entry(frozen, finance, focal, case, no_alert):
    assert selectors.balance() == usd("0.00")

    contribute(finance, "1000000.00", day=D(2026, 2, 1))
    assert selectors.balance() == usd("1000000.00")

    pledge(finance, "2000000.00", day=D(2026, 2, 2))
    assert selectors.balance() == usd("1000000.00"), "a pledge is a promise: it moves no money"

    allocate(focal, case, "250000.00", day=D(2026, 2, 3))
    assert selectors.balance() == usd("750000.00")

    refund(finance, case, "50000.00", day=D(2026, 2, 4))
    assert selectors.balance() == usd("800000.00")

    # The balance at the end of any past day, as it was then.
    assert selectors.balance(D(2026, 1, 31)) == usd("0.00")
    assert selectors.balance(D(2026, 2, 1)) == usd("1000000.00")
    assert selectors.balance(D(2026, 2, 2)) == usd("1000000.00")
    assert selectors.balance(D(2026, 2, 3)) == usd("750000.00")
    assert selectors.balance(D(2026, 2, 4)) == usd("800000.00")
    assert isinstance(selectors.balance(), Decimal)
    assert selectors.balance().as_tuple().exponent == -2, "to the cent, on SQLite too"


def test_amounts_in_another_currency_are_converted_at_the_days_rate_and_keep_it(frozen, finance, no_alert):
    exchange_rate("EUR", D(2026, 3, 3), "1.0870", actor=finance)
    entry = contribute(finance, "138000.00", day=D(2026, 3, 3), currency="eur", donor="Government of Germany")

    entry.refresh_from_db()
    assert entry.currency == "EUR"
    assert entry.usd_per_unit == Decimal("1.08700000")
    assert entry.amount_usd == usd("150006.00")
    assert selectors.balance() == usd("150006.00")

    # The rate of a day an entry used cannot change any more; the entry would not follow it anyway.
    with pytest.raises(ActionRefused) as refused:
        exchange_rate("EUR", D(2026, 3, 3), "1.2000", actor=finance)
    assert "1.0870" in refusal(refused) and "can no longer change" in refusal(refused)
    # An unused rate may be corrected: a typo is not forever.
    exchange_rate("EUR", D(2026, 3, 4), "10.870", actor=finance)
    corrected = exchange_rate("EUR", D(2026, 3, 4), "1.0871", actor=finance)
    assert corrected.usd_per_unit == Decimal("1.0871")
    assert ExchangeRate.objects.filter(currency="EUR").count() == 2
    entry.refresh_from_db()
    assert entry.amount_usd == usd("150006.00")


def test_conversion_rounds_half_up_to_the_cent(frozen, finance, no_alert):
    exchange_rate("GBP", TODAY, "1.5", actor=finance)
    exchange_rate("JPY", TODAY, "0.0067", actor=finance)
    # 0.03 × 1.5 = 0.045: half up gives 0.05 (banker's rounding would give 0.04).
    assert contribute(finance, "0.03", currency="GBP").amount_usd == usd("0.05")
    # 0.01 × 1.5 = 0.015 -> 0.02; 1,234,567 JPY × 0.0067 = 8,271.5989 -> 8,271.60.
    assert contribute(finance, "0.01", currency="GBP").amount_usd == usd("0.02")
    assert contribute(finance, "1234567", currency="JPY").amount_usd == usd("8271.60")
    assert money.to_usd(Decimal("2.5"), Decimal("1")) == usd("2.50")
    assert money.to_usd(Decimal("0.125"), Decimal("1")) == usd("0.13")
    # Less than a cent in dollars cannot be held.
    with pytest.raises(ActionRefused) as refused:
        contribute(finance, "0.50", currency="JPY")
    assert "less than a cent" in refusal(refused)


def test_an_amount_without_the_days_rate_is_refused_and_nothing_is_written(frozen, finance, no_alert):
    exchange_rate("EUR", D(2026, 3, 2), "1.08", actor=finance)
    with pytest.raises(ActionRefused) as refused:
        contribute(finance, "1000.00", day=D(2026, 3, 3), currency="EUR")
    assert refusal(refused) == (
        "There is no EUR rate for 3 Mar 2026. Finance enters the day's rate first (Trust Fund → Exchange rates); "
        "then record the entry again."
    )
    assert not LedgerEntry.objects.exists()


def test_money_is_decimal_never_float(frozen, finance):
    with pytest.raises(TypeError):
        fund_services.record_contribution(
            actor=finance, donor="Japan", amount=1000.10, currency="USD", value_date=TODAY
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": Decimal("0")}, "The amount must be more than zero."),
        ({"amount": Decimal("-5")}, "The amount must be more than zero."),
        ({"amount": Decimal("10.001")}, "Give the amount to the cent at most (two decimals)."),
        ({"amount": "ten"}, "The amount is not a number."),
        ({"amount": Decimal("1e15")}, "The amount is too large for the ledger."),
        ({"currency": "EURO"}, "“EURO” is not a currency code"),
        ({"currency": "E1R"}, "“E1R” is not a currency code"),
        ({"currency": ""}, "is not a currency code"),
        ({"value_date": D(2026, 3, 11)}, "The date 11 Mar 2026 is in the future"),
        ({"value_date": None}, "Give the date of the entry."),
        ({"donor": "  "}, "Name the donor."),
    ],
)
def test_what_is_typed_is_checked(frozen, finance, changes, message):
    params = {"actor": finance, "donor": "Sweden", "amount": Decimal("100.00"), "currency": "USD", "value_date": TODAY}
    params.update(changes)
    with pytest.raises(ActionRefused) as refused:
        fund_services.record_contribution(**params)
    assert message in refusal(refused)
    assert not LedgerEntry.objects.exists()


def test_only_an_approved_case_receives_money(frozen, finance, focal, officer, no_alert):
    contribute(finance, "500000.00")
    waiting = case_in_stage(Stage.AWAITING_DECISION, actor=officer)
    declined = case_in_stage(Stage.AWAITING_DECISION, actor=officer, state="KEN")
    declined = services.record_decision(actor=officer, case=declined, outcome=DecisionOutcome.DECLINE, reason="No.")
    for case in (waiting, declined):
        with pytest.raises(ActionRefused) as refused:
            allocate(focal, case, "1000.00")
        assert "only a case approved for assistance" in refusal(refused)
    for stage in (Stage.IN_IMPLEMENTATION, Stage.REPORTING):
        assert allocate(focal, approved_case(actor=officer, stage=stage, state="MEX"), "1000.00").amount_usd
    narrowed = case_in_stage(Stage.AWAITING_DECISION, actor=officer, state="PER")
    narrowed = services.record_decision(
        actor=officer, case=narrowed, **assist_params(outcome=DecisionOutcome.NARROW, scope="Voter registration only.")
    )
    assert allocate(focal, narrowed, "1000.00").case == narrowed
    assert LedgerEntry.objects.filter(kind=Kind.ALLOCATION).count() == 3


def test_an_allocation_cannot_be_dated_before_the_case_was_approved(frozen, finance, focal, case, no_alert):
    contribute(finance, "500000.00", day=D(2026, 1, 2))
    with pytest.raises(ActionRefused) as refused:
        allocate(focal, case, "1000.00", day=D(2026, 1, 4))
    assert f"{case.reference} was approved on 5 Jan 2026" in refusal(refused)


# Over-allocation ----------------------------------------------------------------------------------


def test_an_allocation_larger_than_the_balance_is_refused_with_the_figures(frozen, finance, focal, case, no_alert):
    exchange_rate("EUR", D(2026, 3, 3), "1.0870", actor=finance)
    contribute(finance, "120000.00", day=D(2026, 3, 1))
    events_before = CaseEvent.objects.filter(case=case).count()

    with pytest.raises(ActionRefused) as refused:
        allocate(focal, case, "138000.00", day=D(2026, 3, 3), currency="EUR")

    assert refusal(refused) == (
        "The fund holds 120,000.00 USD on 3 Mar 2026; this allocation is 150,006.00 USD (EUR 138,000.00 at 1.0870)."
    )
    assert LedgerEntry.objects.filter(kind=Kind.ALLOCATION).count() == 0
    assert CaseEvent.objects.filter(case=case).count() == events_before
    assert selectors.balance() == usd("120000.00")

    # All of it may go, to the cent; one cent more may not.
    with pytest.raises(ActionRefused) as refused:
        allocate(focal, case, "120000.01", day=D(2026, 3, 3))
    assert refusal(refused) == "The fund holds 120,000.00 USD on 3 Mar 2026; this allocation is 120,000.01 USD."
    allocate(focal, case, "120000.00", day=D(2026, 3, 3))
    assert selectors.balance() == usd("0.00")


def test_a_back_dated_allocation_may_take_only_the_lowest_balance_from_its_date_on(
    frozen, finance, focal, case, other_case, no_alert
):
    contribute(finance, "100000.00", day=D(2026, 2, 1))
    allocate(focal, other_case, "80000.00", day=D(2026, 2, 20))
    contribute(finance, "30000.00", day=D(2026, 3, 1))
    # Balance: 100,000 from 1 Feb, 20,000 from 20 Feb, 50,000 from 1 Mar.
    assert selectors.available(D(2026, 2, 10)) == (usd("20000.00"), usd("100000.00"), D(2026, 2, 20))

    with pytest.raises(ActionRefused) as refused:
        allocate(focal, case, "60000.00", day=D(2026, 2, 10))
    assert refusal(refused) == (
        "The fund holds 100,000.00 USD on 10 Feb 2026, but entries after that day bring it down to 20,000.00 USD "
        "on 20 Feb 2026, and no day may go below zero; this allocation is 60,000.00 USD."
    )
    # Dated after the low point, the same allocation only has to fit in what is there from then on.
    allocate(focal, case, "20000.00", day=D(2026, 2, 10))
    for day in (D(2026, 2, 10), D(2026, 2, 20), D(2026, 3, 1), TODAY):
        assert selectors.balance(day) >= 0
    assert selectors.balance(D(2026, 2, 20)) == usd("0.00")
    with pytest.raises(ActionRefused):
        allocate(focal, case, "0.01", day=D(2026, 2, 15))
    allocate(focal, case, "30000.00", day=D(2026, 3, 5))
    assert selectors.balance() == usd("0.00")


# Refunds ------------------------------------------------------------------------------------------


def test_a_refund_gives_back_at_most_what_the_case_was_allocated_net(
    frozen, finance, focal, case, other_case, no_alert
):
    contribute(finance, "500000.00", day=D(2026, 2, 1))
    with pytest.raises(ActionRefused) as refused:
        refund(finance, case, "10.00")
    assert (
        refusal(refused) == f"{case.reference} has received no allocation from the fund: it has nothing to give back."
    )

    allocate(focal, case, "100000.00", day=D(2026, 2, 10))
    allocate(focal, other_case, "50000.00", day=D(2026, 2, 10))
    refund(finance, case, "60000.00", day=D(2026, 3, 1))
    with pytest.raises(ActionRefused) as refused:
        refund(finance, case, "40000.01", day=D(2026, 3, 2))
    assert refusal(refused) == (
        f"{case.reference} may give back at most 40,000.00 USD on 2 Mar 2026 (allocated 100,000.00 USD, already "
        "refunded 60,000.00 USD); this refund is 40,000.01 USD."
    )
    # Not before the money was there, either.
    with pytest.raises(ActionRefused):
        refund(finance, case, "1.00", day=D(2026, 2, 9))
    refund(finance, case, "40000.00", day=D(2026, 3, 2))
    assert selectors.case_funding(case) == (usd("100000.00"), usd("100000.00"), usd("0.00"))
    assert selectors.balance() == usd("450000.00")
    with pytest.raises(ActionRefused):
        refund(finance, case, "0.01")


def test_a_refund_in_another_currency_is_limited_in_dollars(frozen, finance, focal, case, no_alert):
    exchange_rate("EUR", D(2026, 2, 10), "1.0000", actor=finance)
    exchange_rate("EUR", D(2026, 3, 1), "1.1000", actor=finance)
    contribute(finance, "500000.00", day=D(2026, 2, 1))
    allocate(focal, case, "100000.00", day=D(2026, 2, 10), currency="EUR")
    # The same 100,000 euros are now 110,000 dollars: more than the case received.
    with pytest.raises(ActionRefused) as refused:
        refund(finance, case, "100000.00", day=D(2026, 3, 1), currency="EUR")
    assert "this refund is 110,000.00 USD (EUR 100,000.00 at 1.1000)" in refusal(refused)
    refund(finance, case, "90909.09", day=D(2026, 3, 1), currency="EUR")
    assert selectors.case_funding(case)[2] == usd("0.00")


def test_allocations_and_refunds_are_written_to_the_cases_history(frozen, finance, focal, case, no_alert):
    exchange_rate("EUR", TODAY, "1.0870", actor=finance)
    contribute(finance, "500000.00")
    allocation = allocate(focal, case, "138000.00", currency="EUR", description="Voter registration kits.")
    refund(finance, case, "1000.00", description="Unspent training budget.")

    events = list(CaseEvent.objects.filter(case=case, action__startswith="fund_").order_by("id"))
    assert [e.action for e in events] == ["fund_allocation", "fund_refund"]
    assert events[0].actor == focal and events[1].actor == finance
    assert events[0].details["ledger_entry"] == allocation.pk
    assert events[0].comment == "Voter registration kits."
    assert str(events[0].action_label) == "Trust Fund allocation"
    # The same order on every database (PostgreSQL's jsonb keeps the keys in an order of its own).
    assert events[0].details_text == (
        "amount: EUR 138,000.00; value date: 10 Mar 2026; in US dollars: USD 150,006.00; rate (USD): 1.0870"
    )
    assert events[1].details_text == "amount: USD 1,000.00; value date: 10 Mar 2026"


# Pledges ------------------------------------------------------------------------------------------


def test_pledges_are_tracked_until_paid(frozen, finance, no_alert):
    exchange_rate("NOK", D(2026, 1, 10), "0.0950", actor=finance)
    exchange_rate("NOK", D(2026, 2, 10), "0.0900", actor=finance)
    promise = pledge(finance, "10000000.00", day=D(2026, 1, 10), currency="NOK")
    assert selectors.balance() == usd("0.00")
    assert selectors.outstanding(promise) == Decimal("10000000.00")

    paid = contribute(finance, "4000000.00", day=D(2026, 2, 10), currency="NOK", pledge=promise, donor="")
    assert paid.pledge == promise and paid.donor == "Government of Norway"
    assert selectors.outstanding(promise) == Decimal("6000000.00")
    assert selectors.outstanding(promise, on=D(2026, 2, 9)) == Decimal("10000000.00")
    assert selectors.balance() == usd("360000.00")

    with pytest.raises(ActionRefused) as refused:
        contribute(finance, "7000000.00", day=D(2026, 2, 10), currency="NOK", pledge=promise)
    assert refusal(refused).startswith(
        "Only NOK 6,000,000.00 of this pledge is outstanding (NOK 10,000,000.00 pledged); this contribution is "
        "NOK 7,000,000.00."
    )
    with pytest.raises(ActionRefused) as refused:
        contribute(finance, "1000.00", day=D(2026, 2, 10), pledge=promise)
    assert "The pledge is in NOK" in refusal(refused)
    with pytest.raises(ActionRefused) as refused:
        contribute(finance, "1000.00", day=D(2026, 2, 10), currency="NOK", pledge=promise, donor="Government of Japan")
    assert refusal(refused) == "This pledge was made by Government of Norway, not by Government of Japan."
    with pytest.raises(ActionRefused) as refused:
        contribute(finance, "1000.00", day=D(2026, 1, 9), currency="NOK", pledge=promise)
    assert "cannot be dated earlier" in refusal(refused)

    contribute(finance, "6000000.00", day=D(2026, 2, 10), currency="NOK", pledge=promise)
    assert selectors.outstanding(promise) == Decimal("0.00")
    assert selectors.open_pledges() == []
    assert LedgerEntry.objects.filter(kind=Kind.CONTRIBUTION).count() == 2


# The statement ----------------------------------------------------------------------------------


@pytest.fixture
def ledger(frozen, finance, focal, case, other_case, no_alert):
    """A small ledger whose statement was counted by hand (see the test below)."""
    exchange_rate("EUR", D(2026, 2, 10), "1.1000", actor=finance)
    exchange_rate("JPY", D(2026, 1, 15), "0.0070", actor=finance)
    contribute(finance, "300000.00", day=D(2026, 1, 10), donor="Government of Sweden")  # before the period
    japan = pledge(finance, "50000000", day=D(2026, 1, 15), currency="JPY", donor="Government of Japan")
    contribute(finance, "20000000", day=D(2026, 1, 15), currency="JPY", donor="Government of Japan", pledge=japan)
    allocate(focal, case, "100000.00", day=D(2026, 2, 5))  # in the period
    contribute(finance, "50000.00", day=D(2026, 2, 10), currency="EUR", donor="Government of Germany")
    pledge(finance, "200000.00", day=D(2026, 2, 12), donor="Government of Sweden")
    allocate(focal, other_case, "75000.50", day=D(2026, 2, 20))
    refund(finance, case, "10000.25", day=D(2026, 2, 28))
    contribute(finance, "40000.00", day=D(2026, 3, 5), donor="Government of Sweden")  # after the period
    return {"japan": japan}


def test_the_statement_of_a_period_against_figures_counted_by_hand(ledger):
    result = statement.statement(D(2026, 2, 1), D(2026, 2, 28))

    # Opening: 300,000 + 20,000,000 JPY × 0.007 = 140,000 -> 440,000.00
    assert result.opening == usd("440000.00")
    assert [(line.entry.kind, line.change, line.running) for line in result.lines] == [
        (Kind.ALLOCATION, usd("-100000.00"), usd("340000.00")),
        (Kind.CONTRIBUTION, usd("55000.00"), usd("395000.00")),  # 50,000 EUR × 1.1
        (Kind.PLEDGE, usd("0.00"), usd("395000.00")),
        (Kind.ALLOCATION, usd("-75000.50"), usd("319999.50")),
        (Kind.REFUND, usd("10000.25"), usd("329999.75")),
    ]
    assert result.totals == {
        Kind.PLEDGE: usd("200000.00"),
        Kind.CONTRIBUTION: usd("55000.00"),
        Kind.ALLOCATION: usd("175000.50"),
        Kind.REFUND: usd("10000.25"),
    }
    assert result.counts == {Kind.PLEDGE: 1, Kind.CONTRIBUTION: 1, Kind.ALLOCATION: 2, Kind.REFUND: 1}
    assert result.closing == usd("329999.75") == selectors.balance(D(2026, 2, 28))
    assert result.closing == result.opening + usd("55000.00") + usd("10000.25") - usd("175000.50")
    # Outstanding at the end of February: Japan 30,000,000 JPY (at its pledge's 0.007: 210,000 USD),
    # Sweden 200,000 USD; the largest first.
    assert [(donor, total) for donor, total, _items in result.donors] == [
        ("Government of Japan", usd("210000.00")),
        ("Government of Sweden", usd("200000.00")),
    ]
    assert result.outstanding_usd == usd("410000.00")
    japan = result.donors[0][2][0]
    assert (japan.pledge, japan.paid, japan.left) == (ledger["japan"], Decimal("20000000.00"), Decimal("30000000.00"))

    # Before the pledges were made, none was outstanding; a period with no entry has none.
    assert statement.statement(D(2026, 1, 1), D(2026, 1, 14)).pledges == []
    quiet = statement.statement(D(2025, 6, 1), D(2025, 6, 30))
    assert (quiet.opening, quiet.closing, quiet.lines) == (usd("0.00"), usd("0.00"), [])
    assert statement.statement(D(1, 1, 1), TODAY).closing == selectors.balance()


# The alert: once per crossing ---------------------------------------------------------------------


@pytest.fixture
def threshold():
    TrustFundSettings.objects.update(alert_threshold_usd=Decimal("500000.00"))


def alert_emails():
    return [message for message in mail.outbox if "Trust Fund" in message.subject]


def test_the_alert_is_sent_once_per_crossing(frozen, finance, focal, case, threshold, run):
    finance_2 = member_of(roles.FINANCE, email="treasury@un.example.org")
    member_of(roles.FINANCE, email="gone@un.example.org", is_active=False)
    member_of(roles.ELECTORAL_OFFICER, email="officer@un.example.org")
    run(
        fund_services.record_contribution,
        actor=finance,
        donor="Government of Norway",
        amount=Decimal("600000.00"),
        currency="USD",
        value_date=D(2026, 3, 1),
    )
    assert alert_emails() == [] and not BalanceAlert.objects.exists()

    # Falls below: one email, to every active member of Finance and of the focal point's team.
    run(fund_services.allocate, actor=focal, case=case, amount=Decimal("150000.00"), currency="USD", value_date=TODAY)
    assert len(alert_emails()) == 1
    email = alert_emails()[0]
    assert sorted(email.to) == sorted([finance.email, finance_2.email, focal.email])
    assert email.subject == "[EAS] The Trust Fund is below its threshold: 450,000.00 USD"
    assert "450,000.00 USD, against a threshold of 500,000.00 USD" in " ".join(email.body.split())
    assert "Short of the threshold by: 50,000.00 USD" in email.body
    assert case.reference in email.body
    assert "https://eas.example.org/trust-fund/" in email.body or "/trust-fund/" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html" and "450,000.00 USD" in html
    alert = BalanceAlert.objects.get()
    assert (alert.balance_usd, alert.threshold_usd, alert.sent_at) == (usd("450000.00"), usd("500000.00"), NOW)

    # Another allocation while still below: no new email. Nor do sweeps, however many.
    run(fund_services.allocate, actor=focal, case=case, amount=Decimal("10000.00"), currency="USD", value_date=TODAY)
    run(alerts.check_balance)
    run(alerts.check_balance)
    assert len(alert_emails()) == 1
    assert BalanceAlert.objects.count() == 1

    # A contribution lifts it above: the crossing is over.
    run(
        fund_services.record_contribution,
        actor=finance,
        donor="Government of Japan",
        amount=Decimal("100000.00"),
        currency="USD",
        value_date=TODAY,
    )
    assert selectors.balance() == usd("540000.00")
    alert.refresh_from_db()
    assert alert.recovered_at == NOW
    assert alerts.open_alert() is None
    assert len(alert_emails()) == 1

    # Falls again: a second email.
    frozen.shift(datetime.timedelta(hours=2))
    run(fund_services.allocate, actor=focal, case=case, amount=Decimal("100000.00"), currency="USD", value_date=TODAY)
    assert len(alert_emails()) == 2
    assert BalanceAlert.objects.count() == 2
    assert "440,000.00 USD" in alert_emails()[1].subject


def test_a_balance_exactly_at_the_threshold_is_not_below_it(frozen, finance, focal, case, threshold, run):
    run(
        fund_services.record_contribution,
        actor=finance,
        donor="Norway",
        amount=Decimal("600000.00"),
        currency="USD",
        value_date=TODAY,
    )
    run(fund_services.allocate, actor=focal, case=case, amount=Decimal("100000.00"), currency="USD", value_date=TODAY)
    assert alert_emails() == []
    run(fund_services.allocate, actor=focal, case=case, amount=Decimal("0.01"), currency="USD", value_date=TODAY)
    assert len(alert_emails()) == 1


def test_the_periodic_task_alerts_too(frozen, finance, threshold, run):
    from requests_app.fund import tasks

    # An empty ledger (a new installation) alerts nobody.
    run(tasks.check_trust_fund_balance.delay)
    assert alert_emails() == [] and not BalanceAlert.objects.exists()
    # A pledge moves no money: the fund, now in use, holds nothing. The first sweep says so, the next do not.
    pledge(finance, "1000000.00")
    run(tasks.check_trust_fund_balance.delay)
    run(tasks.check_trust_fund_balance.delay)
    assert len(alert_emails()) == 1
    assert BalanceAlert.objects.get().balance_usd == usd("0.00")


def test_changing_the_threshold_counts_as_a_crossing(
    frozen, finance, run, admin_client, django_capture_on_commit_callbacks
):
    TrustFundSettings.objects.update(alert_threshold_usd=Decimal("100000.00"))
    run(
        fund_services.record_contribution,
        actor=finance,
        donor="Norway",
        amount=Decimal("300000.00"),
        currency="USD",
        value_date=TODAY,
    )
    assert alert_emails() == []

    row = TrustFundSettings.objects.get()
    url = reverse("admin:requests_app_trustfundsettings_change", args=[row.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"alert_threshold_usd": "400000.00"})
    assert response.status_code == 302
    assert TrustFundSettings.objects.get().alert_threshold_usd == usd("400000.00")
    assert len(alert_emails()) == 1
    # Lowered again below the balance: the crossing is over, and rising again would tell again.
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {"alert_threshold_usd": "200000.00"})
    assert BalanceAlert.objects.get().recovered_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {"alert_threshold_usd": "350000.00"})
    assert len(alert_emails()) == 2


def test_the_alert_task_is_safe_to_run_twice_and_tries_again_after_a_failure(
    frozen, finance, focal, case, threshold, run, monkeypatch
):
    from requests_app.fund import tasks

    real_send = EmailMultiAlternatives.send
    failures = {"left": 1}

    def send(self, *args, **kwargs):
        if failures["left"]:
            failures["left"] -= 1
            raise ConnectionRefusedError("[Errno 111] Connection refused by mail.un.example.org")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    run(
        fund_services.record_contribution,
        actor=finance,
        donor="Norway",
        amount=Decimal("100000.00"),
        currency="USD",
        value_date=TODAY,
    )
    alert = BalanceAlert.objects.get()
    assert alert.sent_at is None and alert_emails() == []  # the mail server refused it; nothing lost

    # The next sweep soon after leaves it to the task's own retries; a later one sends it.
    run(alerts.check_balance)
    assert alert_emails() == []
    frozen.shift(alerts.UNSENT_ALERT_RETRY + datetime.timedelta(minutes=1))
    run(alerts.check_balance)
    assert len(alert_emails()) == 1
    alert.refresh_from_db()
    assert alert.sent_at is not None

    # Delivered twice: sends nothing more.
    assert tasks.send_balance_alert.delay(alert.pk).get() is False
    assert alerts.send_alert(alert.pk) is False
    assert len(alert_emails()) == 1


def test_with_nobody_in_the_roles_the_focal_points_office_is_told(frozen, threshold, run, settings):
    settings.EAS_FOCAL_POINT_EMAILS = ["focal-point@un.example.org"]
    superuser = UserFactory(is_superuser=True)
    run(
        fund_services.record_pledge,
        actor=superuser,
        donor="Norway",
        amount=Decimal("5.00"),
        currency="USD",
        value_date=TODAY,
    )
    run(alerts.check_balance)
    assert alert_emails()[0].to == ["focal-point@un.example.org"]


# Who may do what ----------------------------------------------------------------------------------


def test_finance_cannot_allocate_and_the_focal_point_cannot_record_contributions(
    frozen, finance, focal, case, no_alert
):
    contribute(finance, "100000.00")
    with pytest.raises(ActionRefused) as refused:
        allocate(finance, case, "1000.00")
    assert refusal(refused) == "You do not have permission to allocate Trust Fund money."
    for service in (fund_services.record_contribution, fund_services.record_pledge):
        with pytest.raises(ActionRefused):
            service(actor=focal, donor="Norway", amount=Decimal("1.00"), currency="USD", value_date=TODAY)
    with pytest.raises(ActionRefused):
        refund(focal, case, "1.00")
    with pytest.raises(ActionRefused):
        exchange_rate("EUR", TODAY, "1.1", actor=focal)
    with pytest.raises(ActionRefused) as refused:
        fund_services.set_threshold(actor=finance, threshold=Decimal("1.00"))
    assert "Only an administrator" in refusal(refused)
    assert LedgerEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "pages"),
    [
        (
            roles.FINANCE,
            {
                "statement": 200,
                "pledge": 200,
                "contribution": 200,
                "refund": 200,
                "allocation": 403,
                "rates": 200,
                "csv": 200,
                "xlsx": 200,
            },
        ),
        (
            roles.FOCAL_POINT,
            {
                "statement": 200,
                "pledge": 403,
                "contribution": 403,
                "refund": 403,
                "allocation": 200,
                "rates": 200,
                "csv": 200,
                "xlsx": 200,
            },
        ),
        (
            roles.AUDITOR,
            {
                "statement": 200,
                "pledge": 403,
                "contribution": 403,
                "refund": 403,
                "allocation": 403,
                "rates": 200,
                "csv": 200,
                "xlsx": 200,
            },
        ),
        (
            roles.ELECTORAL_OFFICER,
            {
                "statement": 403,
                "pledge": 403,
                "contribution": 403,
                "refund": 403,
                "allocation": 403,
                "rates": 403,
                "csv": 403,
                "xlsx": 403,
            },
        ),
        (roles.TEAM_LEAD, {"statement": 403, "rates": 403, "csv": 403, "allocation": 403}),
        (roles.INTAKE_CLERK, {"statement": 403, "rates": 403, "xlsx": 403, "contribution": 403}),
    ],
)
def test_who_sees_which_page(client, role, pages):
    client.force_login(member_of(role))
    urls = {
        "statement": FUND_URL,
        "rates": reverse("workspace:trust-fund-rates"),
        "csv": reverse("workspace:trust-fund-csv"),
        "xlsx": reverse("workspace:trust-fund-xlsx"),
        **{kind: new_url(kind) for kind in ("pledge", "contribution", "refund", "allocation")},
    }
    assert {name: client.get(urls[name]).status_code for name in pages} == pages


def test_the_menu_shows_the_fund_to_those_who_may_read_it(client):
    client.force_login(member_of(roles.AUDITOR))
    assert 'href="/trust-fund/"' in client.get(reverse("workspace:dashboard")).content.decode()
    client.force_login(member_of(roles.ELECTORAL_OFFICER))
    assert 'href="/trust-fund/"' not in client.get(reverse("workspace:dashboard")).content.decode()


def test_nobody_posts_an_entry_they_may_not_make(client, frozen, finance, focal, case, no_alert):
    contribute(finance, "100000.00")
    client.force_login(finance)
    response = client.post(
        new_url("allocation"), {"case": case.pk, "amount": "10", "currency": "USD", "value_date": "2026-03-10"}
    )
    assert response.status_code == 403
    client.force_login(focal)
    response = client.post(
        reverse("workspace:trust-fund-rates"), {"currency": "EUR", "day": "2026-03-10", "usd_per_unit": "1.1"}
    )
    assert response.status_code == 403
    client.logout()
    assert client.get(FUND_URL).status_code == 302  # to the login page
    assert LedgerEntry.objects.count() == 1 and not ExchangeRate.objects.exists()


# The pages ---------------------------------------------------------------------------------------


def test_the_statement_page(client, ledger, finance, case):
    from tests.test_security import assert_strict_policy_and_nothing_inline

    TrustFundSettings.objects.update(alert_threshold_usd=Decimal("500000.00"))
    client.force_login(finance)
    response = client.get(FUND_URL, {"from": "2026-02-01", "to": "2026-02-28"})
    assert_strict_policy_and_nothing_inline(response)
    for url in (reverse("workspace:trust-fund-rates"), new_url("contribution"), new_url("refund")):
        assert_strict_policy_and_nothing_inline(client.get(url))
    page = " ".join(response.content.decode().split())
    assert "1 Feb 2026 – 28 Feb 2026" in page
    # Balances: today's, at the period's end; the threshold; the figures of the period.
    assert "369,999.75" in page  # today: 329,999.75 + 40,000 on 5 Mar
    assert "329,999.75" in page and "440,000.00" in page and "500,000.00" in page
    assert "175,000.50" in page and "10,000.25" in page
    assert "Government of Japan" in page and "30,000,000.00" in page and "210,000.00" in page
    assert case.reference in page
    assert "How the ledger works" in page
    # The links of what finance may record (not allocate), the exports with the same period.
    assert 'href="/trust-fund/new/contribution/"' in page and 'href="/trust-fund/new/allocation/"' not in page
    assert 'href="/trust-fund/statement.csv?from=2026-02-01&amp;to=2026-02-28"' in page
    # Below the threshold since the statement's… there was no crossing here: the threshold was set quietly.
    assert "Below the threshold" in page


def test_the_statement_costs_the_same_queries_for_few_entries_or_many(client, ledger, finance, focal, case, other_case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(finance)
    period = {"from": "2026-01-01", "to": "2026-03-31"}
    client.get(FUND_URL, period)
    with CaptureQueriesContext(connection) as few:
        client.get(FUND_URL, period)
    for day in range(1, 11):
        contribute(finance, "1000.00", day=D(2026, 3, day), donor=f"Government number {day}")
        allocate(focal, case if day % 2 else other_case, "500.00", day=D(2026, 3, day))
    with CaptureQueriesContext(connection) as many:
        response = client.get(FUND_URL, period)
    assert "Government number 10" in response.content.decode()
    assert len(many) == len(few)


def test_the_statement_shows_this_year_by_default(client, ledger, finance):
    client.force_login(finance)
    response = client.get(FUND_URL)
    assert response.status_code == 200
    assert (response.context["start"], response.context["end"]) == (D(2026, 1, 1), TODAY)
    assert len(response.context["statement"].lines) == 9


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2026-13-01"}, "This is not a date"),
        ({"from": "yesterday", "to": "2026-02-01"}, "This is not a date"),
        ({"from": "2026-03-01", "to": "2026-02-01"}, "The period ends before it starts"),
        ({"to": "0001-01-01"}, None),
        ({"from": "0001-01-01", "to": "9999-12-31"}, None),
    ],
)
def test_a_bad_period_is_said_never_a_500(client, ledger, finance, query, message):
    client.force_login(finance)
    for url in (FUND_URL, reverse("workspace:trust-fund-csv"), reverse("workspace:trust-fund-xlsx")):
        response = client.get(url, query)
        if message is None:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 400, url
            assert message in response.content.decode(), url


def test_an_allocation_through_its_form(client, frozen, finance, focal, case, no_alert):
    exchange_rate("EUR", TODAY, "1.0870", actor=finance)
    contribute(finance, "120000.00")
    client.force_login(focal)
    page = client.get(new_url("allocation"), {"case": case.reference})
    assert page.status_code == 200
    assert page.context["form"]["case"].value() == case.pk
    assert f"{case.reference} — {case.member_state.name}" in page.content.decode()

    typed = {
        "case": case.pk,
        "amount": "138,000.00",
        "currency": "eur",
        "value_date": "2026-03-10",
        "description": "Ballot paper procurement",
    }
    refused = client.post(new_url("allocation"), typed)
    assert refused.status_code == 400
    text = " ".join(refused.content.decode().split())
    assert (
        "The fund holds 120,000.00 USD on 10 Mar 2026; this allocation is 150,006.00 USD (EUR 138,000.00 at 1.0870)."
    ) in text
    # What was typed comes back as typed.
    assert 'value="138,000.00"' in text and "Ballot paper procurement" in text
    assert not LedgerEntry.objects.filter(kind=Kind.ALLOCATION).exists()

    done = client.post(new_url("allocation"), {**typed, "amount": "100,000"}, follow=True)
    assert done.redirect_chain == [(FUND_URL, 302)]
    entry = LedgerEntry.objects.get(kind=Kind.ALLOCATION)
    assert (entry.case, entry.amount, entry.currency, entry.amount_usd, entry.recorded_by) == (
        case,
        Decimal("100000.00"),
        "EUR",
        usd("108700.00"),
        focal,
    )
    assert "Allocation recorded: EUR 100,000.00 on 10 Mar 2026 (108,700.00 USD at 1.0870)" in done.content.decode()
    assert "The fund holds 11,300.00 USD today." in done.content.decode()


def test_the_allocation_form_lists_only_approved_cases(client, frozen, focal, case, officer):
    waiting = case_in_stage(Stage.AWAITING_DECISION, actor=officer, state="PER")
    client.force_login(focal)
    choices = [choice for choice, _label in client.get(new_url("allocation")).context["form"].fields["case"].choices]
    assert [getattr(c, "value", c) for c in choices] == ["", case.pk]
    response = client.post(
        new_url("allocation"), {"case": waiting.pk, "amount": "1", "currency": "USD", "value_date": "2026-03-10"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("150.000,00", "Give a number, for example 150000.00 or 150,000.00."),
        ("1,50,000", "Give a number"),
        ("12.345", "Give it to the cent at most (two decimals)."),
        ("-10", "The amount must be more than zero."),
        ("0", "The amount must be more than zero."),
        ("", "This field is required."),
    ],
)
def test_a_contribution_form_refuses_what_is_not_an_amount(client, frozen, finance, amount, message):
    client.force_login(finance)
    response = client.post(
        new_url("contribution"),
        {"donor": "Government of Sweden", "amount": amount, "currency": "USD", "value_date": "2026-03-10"},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LedgerEntry.objects.exists()


def test_a_contribution_paying_a_pledge_through_its_form(client, frozen, finance, no_alert):
    promise = pledge(finance, "1000000.00", day=D(2026, 2, 1), donor="Government of Sweden")
    client.force_login(finance)
    page = client.get(new_url("contribution"), {"pledge": promise.pk})
    assert page.context["form"]["pledge"].value() == promise.pk
    assert "Government of Sweden — USD 1,000,000.00 outstanding of 1,000,000.00 pledged on 1 Feb 2026" in (
        page.content.decode()
    )
    response = client.post(
        new_url("contribution"),
        {"pledge": promise.pk, "donor": "", "amount": "250 000", "currency": "USD", "value_date": "2026-03-10"},
    )
    assert response.status_code == 302
    paid = LedgerEntry.objects.get(kind=Kind.CONTRIBUTION)
    assert (paid.pledge, paid.donor, paid.amount) == (promise, "Government of Sweden", Decimal("250000.00"))
    # Without a pledge, the donor must be named.
    response = client.post(
        new_url("contribution"), {"donor": "", "amount": "1", "currency": "USD", "value_date": "2026-03-10"}
    )
    assert "Name the donor, or choose the pledge this contribution pays." in response.content.decode()


def test_a_missing_rate_on_a_form_says_what_to_do(client, frozen, finance):
    client.force_login(finance)
    response = client.post(
        new_url("pledge"),
        {"donor": "Government of Japan", "amount": "5000000", "currency": "JPY", "value_date": "2026-03-09"},
    )
    assert response.status_code == 400
    assert "There is no JPY rate for 9 Mar 2026. Finance enters the day&#x27;s rate first" in response.content.decode()
    assert 'value="Government of Japan"' in response.content.decode()


def test_the_rates_page(client, frozen, finance):
    client.force_login(finance)
    response = client.post(
        reverse("workspace:trust-fund-rates"),
        {"currency": "eur", "day": "2026-03-10", "usd_per_unit": "1.0870"},
        follow=True,
    )
    assert response.status_code == 200
    assert "EUR on 10 Mar 2026: 1 EUR = 1.0870 USD." in response.content.decode()
    rate = ExchangeRate.objects.get()
    assert (rate.currency, rate.day, rate.usd_per_unit, rate.entered_by) == ("EUR", TODAY, Decimal("1.087"), finance)
    for typed, message in [
        ({"currency": "USD", "usd_per_unit": "1"}, "a US dollar is always 1"),
        ({"currency": "GBP", "usd_per_unit": "0"}, "A rate must be more than zero."),
        ({"currency": "GBP", "usd_per_unit": "1.123456789"}, "at most eight decimals"),
        ({"currency": "GBP", "usd_per_unit": "1.27", "day": "2026-03-11"}, "is in the future"),
        ({"currency": "GB", "usd_per_unit": "1.27"}, "Ensure this value has at least 3 characters"),
    ]:
        response = client.post(reverse("workspace:trust-fund-rates"), {"day": "2026-03-10", **typed})
        assert response.status_code == 400, typed
        assert message in response.content.decode(), typed
    assert ExchangeRate.objects.count() == 1
    page = client.get(reverse("workspace:trust-fund-rates")).content.decode()
    assert "1.0870" in page and 'EUR: <span class="fund-ok">entered</span>' in page


def test_the_case_page_shows_its_money(client, frozen, finance, focal, case, no_alert):
    contribute(finance, "100000.00")
    allocate(focal, case, "60000.00")
    refund(finance, case, "5000.50")
    client.force_login(focal)
    page = " ".join(client.get(reverse("workspace:case-detail", args=[case.reference])).content.decode().split())
    assert "Trust Fund" in page and "−60,000.00 USD" in page and "+5,000.50 USD" in page
    assert 'Net from the fund</th><td class="money"><strong>54,999.50 USD' in page
    assert f"/trust-fund/new/allocation/?case={case.reference}" in page
    assert "Trust Fund allocation" in page  # in the timeline
    # The intake desk sees every case but not the fund: none of it on the case page (the history
    # still says an allocation was made, as every history does).
    client.force_login(member_of(roles.INTAKE_CLERK))
    page = client.get(reverse("workspace:case-detail", args=[case.reference])).content.decode()
    assert "Net from the fund" not in page and "/trust-fund/" not in page


def test_the_case_page_offers_to_allocate_only_to_an_approved_case(client, frozen, focal, case, officer):
    client.force_login(focal)
    page = client.get(reverse("workspace:case-detail", args=[case.reference])).content.decode()
    assert "No Trust Fund money yet." in page and "Allocate from the Trust Fund" in page
    waiting = case_in_stage(Stage.AWAITING_DECISION, actor=officer, state="PER")
    page = client.get(reverse("workspace:case-detail", args=[waiting.reference])).content.decode()
    assert "Allocate from the Trust Fund" not in page and "No Trust Fund money yet." not in page


# Exports -----------------------------------------------------------------------------------------


def test_the_statement_as_csv(client, ledger, finance):
    client.force_login(finance)
    response = client.get(reverse("workspace:trust-fund-csv"), {"from": "2026-02-01", "to": "2026-02-28"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="eas-trust-fund-2026-02-01-to-2026-02-28.csv"' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:4] == ["Date", "Kind", "Donor", "Case"]
    table = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [(r["Date"], r["Kind"], r["In (USD)"], r["Out (USD)"], r["Balance (USD)"]) for r in table] == [
        ("2026-02-01", "Opening balance", "", "", "440000.00"),
        ("2026-02-05", "Allocation to a case", "", "100000.00", "340000.00"),
        ("2026-02-10", "Contribution", "55000.00", "", "395000.00"),
        ("2026-02-12", "Pledge", "", "", "395000.00"),
        ("2026-02-20", "Allocation to a case", "", "75000.50", "319999.50"),
        ("2026-02-28", "Refund to the fund", "10000.25", "", "329999.75"),
        ("2026-02-28", "Closing balance", "", "", "329999.75"),
    ]
    german = table[2]
    assert (german["Donor"], german["Amount"], german["Currency"], german["Rate (USD)"]) == (
        "Government of Germany",
        "50000.00",
        "EUR",
        "1.10000000",
    )
    assert table[1]["Case"].startswith("EAS-") and table[1]["Member State"] == "Ghana"


def test_the_statement_as_xlsx(client, ledger, finance):
    client.force_login(finance)
    response = client.get(reverse("workspace:trust-fund-xlsx"), {"from": "2026-02-01", "to": "2026-02-28"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Statement", "Summary", "Pledges outstanding"]
    sheet = workbook["Statement"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    balance = header.index("Balance (USD)")
    assert [row[balance] for row in rows[1:]] == [440000, 340000, 395000, 395000, 319999.5, 329999.75, 329999.75]
    assert rows[1][0] == datetime.datetime(2026, 2, 1) and rows[1][1] == "Opening balance"
    assert sheet.cell(row=3, column=balance + 1).number_format == "#,##0.00"
    summary = dict(workbook["Summary"].iter_rows(min_row=2, values_only=True))
    assert summary["Opening balance (USD)"] == 440000
    assert summary["Allocations to cases (USD)"] == 175000.5
    assert summary["Pledges (USD)"] == 200000
    assert summary["Closing balance (USD)"] == 329999.75
    assert summary["Pledges outstanding at the end (USD)"] == 410000
    pledges = list(workbook["Pledges outstanding"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[5], row[6]) for row in pledges] == [
        ("Government of Japan", 30000000, 210000),
        ("Government of Sweden", 200000, 200000),
    ]


def test_the_exports_neutralise_formulas(client, frozen, finance, no_alert):
    contribute(finance, "10.00", donor='=HYPERLINK("http://evil.example","Click")', description="+1-1\t@SUM(A1)")
    client.force_login(finance)
    rows = list(csv.reader(io.StringIO(client.get(reverse("workspace:trust-fund-csv")).content.decode("utf-8-sig"))))
    entry = dict(zip(rows[0], rows[2], strict=True))
    assert entry["Donor"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert entry["Description"].startswith("'+1")
    workbook = load_workbook(io.BytesIO(client.get(reverse("workspace:trust-fund-xlsx")).content))
    cells = [cell for row in workbook["Statement"].iter_rows() for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert '\'=HYPERLINK("http://evil.example","Click")' in [cell.value for cell in cells]


# The admin: records read, the threshold an administrator's --------------------------------------


def test_the_ledger_rates_and_alerts_are_read_only_in_the_admin(admin_client, frozen, finance, no_alert):
    entry = contribute(finance, "1234567.80")
    rate = exchange_rate("EUR", TODAY, "1.1", actor=finance)
    alert = BalanceAlert.objects.create(balance_usd=Decimal("1.00"), threshold_usd=Decimal("2.00"))
    from tests.test_security import assert_strict_policy_and_nothing_inline

    for model, obj in (("ledgerentry", entry), ("exchangerate", rate), ("balancealert", alert)):
        # With rows to show, under the site's Content-Security-Policy.
        assert_strict_policy_and_nothing_inline(admin_client.get(reverse(f"admin:requests_app_{model}_changelist")))
        assert admin_client.get(reverse(f"admin:requests_app_{model}_add")).status_code == 403
        change = admin_client.get(reverse(f"admin:requests_app_{model}_change", args=[obj.pk]))
        assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
        assert admin_client.post(reverse(f"admin:requests_app_{model}_change", args=[obj.pk]), {}).status_code == 403
        assert (
            admin_client.post(reverse(f"admin:requests_app_{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code
            == 403
        )
    entry.refresh_from_db()
    assert entry.amount == Decimal("1234567.80") and LedgerEntry.objects.count() == 1
    # Money as everywhere else, with its separators.
    assert "1,234,567.80" in admin_client.get(reverse("admin:requests_app_ledgerentry_changelist")).content.decode()


def test_only_an_administrator_changes_the_threshold(client, admin_client, finance):
    row = TrustFundSettings.objects.get()
    url = reverse("admin:requests_app_trustfundsettings_change", args=[row.pk])
    assert admin_client.get(reverse("admin:requests_app_trustfundsettings_add")).status_code == 403
    assert (
        admin_client.post(
            reverse("admin:requests_app_trustfundsettings_delete", args=[row.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        f'href="{url}"' in admin_client.get(reverse("admin:requests_app_trustfundsettings_changelist")).content.decode()
    )
    client.force_login(finance)
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(url, {"alert_threshold_usd": "1.00"}).status_code == 403
    assert admin_client.post(url, {"alert_threshold_usd": "-1"}).status_code == 200  # the form says why
    assert TrustFundSettings.objects.get().alert_threshold_usd == Decimal("500000.00")
    assert TrustFundSettings.objects.count() == 1


def test_a_missing_settings_row_is_made_again(frozen, finance, focal, case):
    TrustFundSettings.objects.all().delete()
    contribute(finance, "600000.00")
    assert TrustFundSettings.objects.get().alert_threshold_usd == Decimal("500000.00")


# Two allocations at once ----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_allocations_at_once_cannot_overdraw_the_fund(officer, monkeypatch):
    finance = member_of(roles.FINANCE)
    focal = member_of(roles.FOCAL_POINT)
    TrustFundSettings.objects.update(alert_threshold_usd=Decimal("0"))
    cases = [approved_case(actor=officer), approved_case(actor=officer, state="KEN")]
    today = timezone.localdate()
    fund_services.record_contribution(
        actor=finance, donor="Norway", amount=Decimal("100000.00"), currency="USD", value_date=today
    )
    # Both have read the rate (and so passed every check but the balance) before either goes on.
    barrier = threading.Barrier(2)
    real_convert = fund_services._convert

    def convert_then_wait(*args):
        converted = real_convert(*args)
        # The second waits for the first's lock: the barrier times out.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=2)
        return converted

    monkeypatch.setattr(fund_services, "_convert", convert_then_wait)
    results, errors = [], []

    def allocate_60000(case):
        try:
            barrier_started.wait(timeout=10)
            fund_services.allocate(actor=focal, case=case, amount=Decimal("60000.00"), currency="USD", value_date=today)
            results.append("done")
        except ActionRefused as refused:
            results.append(" ".join(refused.messages))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    barrier_started = threading.Barrier(2)
    threads = [threading.Thread(target=allocate_60000, args=(case,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(results, key=len) == [
        "done",
        f"The fund holds 40,000.00 USD on {money.day_text(today)}; this allocation is 60,000.00 USD.",
    ]
    assert LedgerEntry.objects.filter(kind=Kind.ALLOCATION).count() == 1
    assert selectors.balance() == usd("40000.00")


# Demo data -------------------------------------------------------------------------------------


def test_the_demo_has_a_ledger_made_through_the_services():
    from django.core.management import call_command

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Trust Fund: " in out.getvalue()
    kinds = {kind: LedgerEntry.objects.filter(kind=kind).count() for kind in Kind.values}
    assert kinds[Kind.PLEDGE] >= 3 and kinds[Kind.CONTRIBUTION] >= 3 and kinds[Kind.ALLOCATION] >= 3
    assert kinds[Kind.REFUND] == 1
    assert set(ExchangeRate.objects.values_list("currency", flat=True)) == {"EUR", "GBP", "JPY", "NOK", "SEK"}
    assert len(set(LedgerEntry.objects.exclude(donor="").values_list("donor", flat=True))) >= 5
    # Every allocation went to an approved case, is in its history, and no day went below zero.
    for entry in LedgerEntry.objects.filter(kind=Kind.ALLOCATION).select_related("case"):
        assert entry.case.stage in selectors.FUNDABLE_STAGES
        assert CaseEvent.objects.filter(case=entry.case, action="fund_allocation").exists()
    for day in LedgerEntry.objects.values_list("value_date", flat=True).distinct():
        assert selectors.balance(day) >= 0
    # Close to the threshold, not below it: seeding sends no email.
    assert selectors.settings_row().alert_threshold_usd < selectors.balance() < Decimal("1500000")
    assert not BalanceAlert.objects.exists() and alert_emails() == []
    assert statement.statement(D(1, 1, 1), timezone.localdate()).outstanding_usd > 0
    finance = LedgerEntry.objects.filter(kind=Kind.CONTRIBUTION).first().recorded_by
    assert finance.groups.filter(name=roles.FINANCE).exists()

    # Again: nothing added (entries are never deleted, so nothing would be set right by a second run).
    before = LedgerEntry.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", "--if-empty", stdout=io.StringIO())
    assert LedgerEntry.objects.count() == before
