"""Earmarked contributions: an allocation draws only on money it may use, the most specific earmark
first; a refusal says how much it may use and why not the rest; refunds give money back to what
their case drew on; no earmark is ever overspent, on any day (and, on PostgreSQL, by two
allocations at once: tests/fund/test_earmarks_concurrent.py)."""

from decimal import Decimal

import pytest

from requests_app.core.errors import ActionRefused
from requests_app.fund import earmarks, selectors
from requests_app.fund.models import EarmarkDraw, LedgerEntry
from requests_app.history.models import CaseEvent
from tests.factories import approved_case, member_state
from tests.fund.helpers import TODAY, D, Kind, allocate, contribute, refund, refusal, usd

pytestmark = pytest.mark.django_db


def earmarked(finance, amount, donor, day=TODAY, **earmark):
    return contribute(finance, amount, day=day, donor=donor, **earmark)


def held(on=TODAY):
    """{earmark (or "unearmarked"): money held at the end of ``on``}."""
    unearmarked, pools = earmarks.pools(on)
    figures = {"unearmarked": unearmarked.held}
    for pool in pools:
        figures[pool.label] = figures.get(pool.label, Decimal("0.00")) + pool.held
    return figures


def may_use(source, case, purpose):
    """The rule, said again here: an earmark to the case's country, its regional group, or its purpose."""
    if source.earmark_country_id:
        return source.earmark_country_id == case.member_state_id
    if source.earmark_region:
        return source.earmark_region == case.member_state.regional_group
    return source.earmark_purpose == purpose


def drawn(entry):
    return [(draw.source.earmark_text, draw.amount_usd) for draw in entry.earmark_draws.select_related("source")]


def test_an_allocation_draws_on_the_most_specific_earmark_first(frozen, finance, focal, case, support_rate, no_alert):
    support_rate("10")
    contribute(finance, "100000.00", donor="Government of Norway")
    earmarked(finance, "50000.00", "Government of Sweden", earmark_country=member_state("GHA"))
    earmarked(finance, "30000.00", "Government of Denmark", earmark_region="AFRICAN")
    earmarked(finance, "20000.00", "Government of Japan", earmark_purpose="project_support")
    earmarked(finance, "40000.00", "Government of Germany", earmark_country=member_state("KEN"))

    # 90,000 for project support in Ghana, with 9,000 of support costs: Ghana's money first, then the
    # African States', then project support's; the unearmarked money and Kenya's are left alone.
    allocation = allocate(focal, case, "90000.00", purpose="project_support")
    support = allocation.support_entries.get()
    assert drawn(allocation) == [
        ("Ghana", usd("50000.00")),
        ("African States", usd("30000.00")),
        ("project support", usd("10000.00")),
    ]
    assert drawn(support) == [("project support", usd("9000.00"))]
    # A needs assessment mission may not use project support's money: the unearmarked money pays.
    mission = allocate(focal, case, "10000.00", purpose="needs_assessment")
    assert drawn(mission) == [] and drawn(mission.support_entries.get()) == []

    assert held() == {
        "unearmarked": usd("89000.00"),
        "Ghana": usd("0.00"),
        "African States": usd("0.00"),
        "project support": usd("1000.00"),
        "Kenya": usd("40000.00"),
    }
    assert sum(held().values()) == selectors.balance() == usd("130000.00")


def test_a_refusal_says_what_may_be_used_and_why_not_the_rest(frozen, finance, focal, officer, no_alert):
    peru = approved_case(actor=officer, state="PER")
    contribute(finance, "10000.00", donor="Government of Norway")
    earmarked(finance, "20000.00", "Government of Sweden", earmark_country=member_state("GHA"))
    earmarked(finance, "30000.00", "Government of Japan", earmark_purpose="expert_panel")
    earmarked(finance, "40000.00", "Government of Germany", earmark_country=member_state("KEN"))
    events = CaseEvent.objects.filter(case=peru).count()

    with pytest.raises(ActionRefused) as refused:
        allocate(focal, peru, "50000.00", purpose="project_support")
    assert refusal(refused) == (
        "The fund holds 100,000.00 USD on 10 Mar 2026. "
        f"{peru.reference} (Peru, Latin American and Caribbean States) may use 10,000.00 USD of it for project "
        "support: 10,000.00 USD unearmarked. "
        "90,000.00 USD is earmarked to what it may not use: 20,000.00 USD to Ghana; 30,000.00 USD to expert panels; "
        "40,000.00 USD to Kenya. "
        "This allocation is 50,000.00 USD and its programme support costs 6,500.00 USD (13%): 56,500.00 USD in all."
    )
    assert not LedgerEntry.objects.filter(kind__in=[Kind.ALLOCATION, Kind.SUPPORT_COST]).exists()
    assert not EarmarkDraw.objects.exists() and CaseEvent.objects.filter(case=peru).count() == events

    # For an expert panel the panels' money is Peru's to use too: 35,000 and its 4,550 of support costs fit.
    panel = allocate(focal, peru, "35000.00", purpose="expert_panel")
    assert drawn(panel) == [("expert panels", usd("30000.00"))]
    assert drawn(panel.support_entries.get()) == []  # the rest, 5,000 + 4,550, is unearmarked money
    assert held()["unearmarked"] == usd("450.00")
    event = CaseEvent.objects.get(case=peru, action="fund_allocation")
    assert event.details_text == (
        "amount: USD 35,000.00; value date: 10 Mar 2026; purpose: Expert panel; programme support costs: "
        "USD 4,550.00 (13%); from earmarked money: USD 30,000.00 earmarked to expert panels (Government of Japan, "
        "10 Mar 2026)"
    )


def test_with_nothing_usable_the_refusal_says_so(frozen, finance, focal, officer, no_alert, no_support_costs):
    peru = approved_case(actor=officer, state="PER")
    earmarked(finance, "20000.00", "Government of Sweden", earmark_region="AFRICAN")
    with pytest.raises(ActionRefused) as refused:
        allocate(focal, peru, "1.00", purpose="deployment")
    assert refusal(refused) == (
        "The fund holds 20,000.00 USD on 10 Mar 2026. "
        f"{peru.reference} (Peru, Latin American and Caribbean States) may use none of it for a short-term "
        "deployment. 20,000.00 USD is earmarked to what it may not use: 20,000.00 USD to African States. "
        "This allocation is 1.00 USD."
    )


def test_a_back_dated_allocation_uses_only_what_its_day_holds_and_no_later_day_needs(
    frozen, finance, focal, case, no_alert, no_support_costs
):
    contribute(finance, "10000.00", day=D(2026, 2, 1))
    earmarked(finance, "50000.00", "Government of Sweden", day=D(2026, 3, 1), earmark_country=member_state("GHA"))
    # Before Ghana's money was received, only the unearmarked money was there.
    with pytest.raises(ActionRefused) as refused:
        allocate(focal, case, "10000.01", day=D(2026, 2, 20))
    assert refusal(refused) == "The fund holds 10,000.00 USD on 20 Feb 2026; this allocation is 10,000.01 USD."

    allocate(focal, case, "40000.00", day=D(2026, 3, 5))  # Ghana's: 10,000 of it left from 5 March
    with pytest.raises(ActionRefused) as refused:
        allocate(focal, case, "20000.01", day=D(2026, 3, 2))
    assert refusal(refused) == (
        "The fund holds 60,000.00 USD on 2 Mar 2026. "
        f"{case.reference} (Ghana, African States) may use 20,000.00 USD of it for project support: 10,000.00 USD "
        "earmarked to Ghana; 10,000.00 USD unearmarked. "
        "40,000.00 USD is needed by entries after that day, and no day may go below zero. "
        "This allocation is 20,000.01 USD."
    )
    allocate(focal, case, "20000.00", day=D(2026, 3, 2))
    for day in (D(2026, 3, 1), D(2026, 3, 2), D(2026, 3, 5), TODAY):
        assert all(amount >= 0 for amount in held(day).values()), day
    assert held() == {"unearmarked": usd("0.00"), "Ghana": usd("0.00")}


def test_a_refund_gives_back_to_the_money_its_case_drew_on(frozen, finance, focal, case, support_rate, no_alert):
    support_rate("10")
    contribute(finance, "100000.00", day=D(2026, 2, 1))
    earmarked(finance, "50000.00", "Government of Sweden", day=D(2026, 2, 1), earmark_country=member_state("GHA"))
    allocation = allocate(focal, case, "60000.00", day=D(2026, 2, 10))
    # 66,000 in all: Ghana's 50,000 first, then 10,000 + 6,000 of support costs unearmarked.
    assert drawn(allocation) == [("Ghana", usd("50000.00"))]
    assert held() == {"unearmarked": usd("84000.00"), "Ghana": usd("0.00")}

    # 20,000 back with its share of the support costs (2,000): the last drawn goes back first, the
    # unearmarked 16,000; then 6,000 of Ghana's.
    back = refund(finance, case, "20000.00", day=D(2026, 3, 1))
    assert drawn(back) == [("Ghana", usd("4000.00"))]
    assert drawn(back.support_entries.get()) == [("Ghana", usd("2000.00"))]
    assert back.support_entries.get().amount_usd == usd("2000.00")
    assert held() == {"unearmarked": usd("100000.00"), "Ghana": usd("6000.00")}

    # The rest comes back in full: every cent of the support costs, and Ghana's money to Ghana.
    refund(finance, case, "40000.00", day=D(2026, 3, 5))
    assert held() == {"unearmarked": usd("100000.00"), "Ghana": usd("50000.00")}
    assert selectors.case_support_costs(case) == (usd("6000.00"), usd("6000.00"))
    assert selectors.balance() == usd("150000.00")
    # The history says what went back to Ghana's money, the support costs' share included.
    event = CaseEvent.objects.filter(case=case, action="fund_refund").first()
    assert event.details_text == (
        "amount: USD 20,000.00; value date: 1 Mar 2026; programme support costs: USD 2,000.00; back to earmarked "
        "money: USD 6,000.00 earmarked to Ghana (Government of Sweden, 1 Feb 2026)"
    )


@pytest.mark.parametrize(
    ("earmark", "message"),
    [
        ({"earmark_region": "MARTIAN"}, "“MARTIAN” is not a regional group."),
        ({"earmark_purpose": "catering"}, "“catering” is not a purpose of the Trust Fund."),
        (
            {"earmark_region": "AFRICAN", "earmark_purpose": "expert_panel"},
            "Earmark a contribution to one thing only: a country, a regional group or a purpose.",
        ),
    ],
)
def test_an_earmark_is_one_known_thing(frozen, finance, earmark, message):
    with pytest.raises(ActionRefused) as refused:
        contribute(finance, "100.00", **earmark)
    assert refusal(refused) == message
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_earmark_is_ever_overspent_on_any_day(frozen, finance, focal, officer, time_machine, no_alert, seed):
    """Contributions earmarked at random, allocations for any purpose to cases of three regions and
    refunds, many back-dated, some refused: every earmark holds zero or more on every day, the
    earmarks and the unearmarked money add up to the balance to the cent, and every allocation drew
    only on money it may use, received by its day."""
    import random

    from tests.fund.conftest import APPROVED

    rng = random.Random(seed)
    time_machine.move_to(APPROVED, tick=False)
    cases = [approved_case(actor=officer, state=state) for state in ("GHA", "KEN", "PER")]
    time_machine.move_to(TODAY.isoformat() + "T12:00:00Z", tick=False)
    countries = [member_state(iso3) for iso3 in ("GHA", "KEN", "PER", "NPL")]
    earmark_choices = [
        {},
        *({"earmark_country": country} for country in countries),
        {"earmark_region": "AFRICAN"},
        {"earmark_region": "LATIN_AMERICAN_CARIBBEAN"},
        {"earmark_purpose": "expert_panel"},
        {"earmark_purpose": "project_support"},
    ]
    days = [D(2026, 1, 6) + (TODAY - D(2026, 1, 6)) * share / 60 for share in range(61)]
    for _step in range(45):
        day = rng.choice(days)
        try:
            action = rng.random()
            if action < 0.4:
                amount = f"{rng.randint(1000, 90000)}.{rng.randint(0, 99):02d}"
                contribute(finance, amount, day=day, donor="Donor", **rng.choice(earmark_choices))
            elif action < 0.85:
                amount = f"{rng.randint(500, 60000)}.{rng.randint(0, 99):02d}"
                purpose = rng.choice(["needs_assessment", "expert_panel", "deployment", "project_support"])
                allocate(focal, rng.choice(cases), amount, day=day, purpose=purpose)
            else:
                case = rng.choice(cases)
                net = selectors.refundable(case, day)
                if net > 0:
                    refund(
                        finance,
                        case,
                        str((net * Decimal(rng.randint(1, 100)) / 100).quantize(Decimal("0.01"))),
                        day=day,
                    )
        except ActionRefused:
            pass  # too much for the money it may use: nothing written

    assert LedgerEntry.objects.filter(kind=Kind.ALLOCATION).count() >= 5, "the sequence must allocate something"
    for day in sorted(set(LedgerEntry.objects.values_list("value_date", flat=True))):
        unearmarked, pools = earmarks.pools(day)
        assert unearmarked.held >= 0, day
        assert all(pool.held >= 0 for pool in pools), day
        assert all(pool.held <= pool.source.amount_usd for pool in pools), day
        assert unearmarked.held + sum(pool.held for pool in pools) == selectors.balance(day), day
    for draw in EarmarkDraw.objects.select_related("entry__case__member_state", "entry__charged_on", "source"):
        allocation = draw.entry if draw.entry.charged_on is None else draw.entry.charged_on
        if allocation.kind == Kind.ALLOCATION:
            assert may_use(draw.source, allocation.case, allocation.purpose), (draw.source, allocation)
            assert draw.source.value_date <= allocation.value_date
