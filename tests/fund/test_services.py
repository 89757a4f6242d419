"""The Trust Fund for Electoral Assistance (para 7): a ledger in US dollars, written through its services.

The balance after each kind of entry, conversion, over-allocation, refunds, pledges, and two
allocations at once. Time and the fixtures: tests/fund/conftest.py.
"""

import contextlib
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from requests_app.cases import services
from requests_app.cases.choices import DecisionOutcome, Stage
from requests_app.core import roles
from requests_app.core.errors import ActionRefused
from requests_app.fund import money, selectors
from requests_app.fund import services as fund_services
from requests_app.fund.models import ExchangeRate, LedgerEntry, TrustFundSettings
from requests_app.history.models import CaseEvent
from tests.factories import (
    approved_case,
    assist_params,
    case_in_stage,
    exchange_rate,
    member_of,
)
from tests.fund.helpers import TODAY, D, Kind, allocate, contribute, pledge, refund, refusal, usd

pytestmark = pytest.mark.django_db


# The balance after each kind of entry -----------------------------------------------------------


def test_the_balance_after_each_kind_of_entry(frozen, finance, focal, case, no_alert, no_support_costs):
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
    with pytest.raises(ActionRefused) as refused:
        allocate(focal, waiting, "1000.00")
    assert refusal(refused) == (
        f"{waiting.reference} is awaiting a decision: before the decision to assist, the fund pays for a needs "
        "assessment mission or an expert panel only; project support waits for an assist or narrowed decision."
    )
    with pytest.raises(ActionRefused) as refused:
        allocate(focal, declined, "1000.00")
    assert refusal(refused) == (
        f"{declined.reference} is declined: only a case approved for assistance (an assist or narrowed decision, "
        "until it reports) receives Trust Fund money for project support."
    )
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


def test_an_allocation_larger_than_the_balance_is_refused_with_the_figures(
    frozen, finance, focal, case, no_alert, no_support_costs
):
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
    frozen, finance, focal, case, other_case, no_alert, no_support_costs
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
    frozen, finance, focal, case, other_case, no_alert, no_support_costs
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
    # The purpose and the programme support costs (13% of 150,006.00 = 19,500.78); the refund gives back
    # its share of them (1,000.00 / 150,006.00 of 19,500.78 = 130.00).
    assert events[0].details_text == (
        "amount: EUR 138,000.00; value date: 10 Mar 2026; in US dollars: USD 150,006.00; rate (USD): 1.0870; "
        "purpose: Project support; programme support costs: USD 19,500.78 (13%)"
    )
    assert events[1].details_text == (
        "amount: USD 1,000.00; value date: 10 Mar 2026; programme support costs: USD 130.00"
    )


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
    assert "This pledge was made by Government of Norway, not by Government of Japan." == refusal(refused)
    with pytest.raises(ActionRefused) as refused:
        contribute(finance, "1000.00", day=D(2026, 1, 9), currency="NOK", pledge=promise)
    assert "cannot be dated earlier" in refusal(refused)

    contribute(finance, "6000000.00", day=D(2026, 2, 10), currency="NOK", pledge=promise)
    assert selectors.outstanding(promise) == Decimal("0.00")
    assert selectors.open_pledges() == []
    assert LedgerEntry.objects.filter(kind=Kind.CONTRIBUTION).count() == 2


# Two allocations at once ----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_allocations_at_once_cannot_overdraw_the_fund(officer, monkeypatch):
    finance = member_of(roles.FINANCE)
    focal = member_of(roles.FOCAL_POINT)
    TrustFundSettings.objects.update(alert_threshold_usd=Decimal("0"), support_cost_rate=Decimal("0"))
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
            fund_services.allocate(
                actor=focal,
                case=case,
                amount=Decimal("60000.00"),
                currency="USD",
                value_date=today,
                purpose="project_support",
            )
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
