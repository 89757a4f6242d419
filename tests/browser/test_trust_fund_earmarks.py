"""The Trust Fund as it is used, in a real browser: the finance officer records a contribution
earmarked to needs assessment missions through the real form; the focal point, from the page of a
case still in needs assessment, allocates for its mission before any decision, seeing what the case
may use; an expert panel that would need the missions' money is refused with the reason; and the
statement shows the programme support costs on their own lines and in its totals.
Screenshots: test-artifacts/screenshots/<test>/."""

from decimal import Decimal

import pytest
from django.utils import timezone

from requests_app.cases.choices import Stage
from requests_app.demo.fund import _finance_user
from requests_app.demo.staff import DEMO_PASSWORD, ensure_users
from requests_app.fund import earmarks
from requests_app.fund import services as fund_services
from requests_app.fund.models import LedgerEntry, TrustFundSettings
from tests.browser.journeys import expect
from tests.factories import case_in_stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

Kind = LedgerEntry.Kind


@pytest.fixture
def fund_staff(db, officer):
    """The demo's focal point and finance officer; a case of Nepal in needs assessment; 20,000 USD
    of unearmarked money in the fund already."""
    team = ensure_users()
    finance = _finance_user(DEMO_PASSWORD)
    TrustFundSettings.objects.update(alert_threshold_usd=Decimal("0"))
    case = case_in_stage(Stage.NEEDS_ASSESSMENT, actor=officer, state="NPL")
    fund_services.record_contribution(
        actor=finance,
        donor="Government of the Republic of Korea",
        amount=Decimal("20000.00"),
        currency="USD",
        value_date=timezone.localdate(),
    )
    return {"focal": team.focal_point, "finance": finance, "case": case}


def test_an_earmarked_contribution_pays_for_a_mission_before_the_decision(journey, fund_staff):
    case = fund_staff["case"]

    # Finance records a contribution earmarked to needs assessment missions, through its form.
    finance = journey.actor(fund_staff["finance"], "finance")
    page = finance.page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Trust Fund").click()
    page.get_by_role("link", name="Record a contribution").click()
    page.get_by_label("Donor").fill("Government of Ireland")
    page.get_by_label("Earmarked to").select_option(label="Needs assessment missions")
    page.get_by_label("Amount").fill("100,000.00")
    finance.shot("earmarked-contribution")
    page.get_by_role("button", name="Record the contribution").click()
    expect(page.locator("ul.messages")).to_contain_text("Contribution recorded: USD 100,000.00")
    earmarks_table = page.locator("table.fund-earmarks")
    expect(earmarks_table.locator("tr.earmarked")).to_contain_text("Needs assessment missions")
    expect(earmarks_table.locator("tr.earmarked")).to_contain_text("100,000.00")
    expect(earmarks_table.locator("tr.unearmarked")).to_contain_text("20,000.00")
    finance.shot("statement-after-contribution", focus=earmarks_table)

    # The focal point, from the case still in needs assessment, allocates for its mission.
    focal = journey.actor(fund_staff["focal"], "focal point")
    page = focal.open_case(case.reference)
    focal.expect_stage("Needs assessment")
    page.get_by_role("link", name="Allocate from the Trust Fund").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Allocate to a case")
    room = page.locator("section.fund-room")
    expect(room).to_contain_text(f"What {case.reference} may use")
    expect(room.locator("tr.purpose-needs_assessment")).to_contain_text("120,000.00")
    expect(room.locator("tr.purpose-needs_assessment")).to_contain_text("100,000.00 earmarked to needs assessment")
    expect(room.locator("tr.purpose-project_support")).to_contain_text("Only once the case is approved")
    focal.shot("allocation-form", focus=room)
    page.get_by_label("Purpose").select_option(label="Needs assessment mission")
    page.get_by_label("Amount").fill("80,000.00")
    page.get_by_label("Description").fill("Needs assessment mission to Kathmandu, four members.")
    page.get_by_role("button", name="Allocate", exact=True).click()
    expect(page.locator("ul.messages")).to_contain_text("Allocation recorded: USD 80,000.00 on")
    expect(page.locator("ul.messages")).to_contain_text("with 10,400.00 USD of programme support costs (13%)")
    focal.shot("allocated")

    # A panel for the same case would need the missions' money: refused, with the reason.
    page.goto(f"/trust-fund/new/allocation/?case={case.reference}")
    page.get_by_label("Purpose").select_option(label="Expert panel")
    page.get_by_label("Amount").fill("40,000.00")
    page.get_by_role("button", name="Allocate", exact=True).click()
    refusal = page.locator(".refused")
    expect(refusal).to_contain_text(
        f"{case.reference} (Nepal, Asia-Pacific States) may use 20,000.00 USD of it for an expert panel: "
        "20,000.00 USD unearmarked."
    )
    expect(refusal).to_contain_text(
        "9,600.00 USD is earmarked to what it may not use: 9,600.00 USD to needs assessment missions."
    )
    expect(refusal).to_contain_text("programme support costs 5,200.00 USD (13%): 45,200.00 USD in all")
    focal.shot("panel-refused", focus=refusal)
    assert LedgerEntry.objects.filter(kind=Kind.ALLOCATION).count() == 1

    # The statement: the support costs on their own line, and in the figures of the period.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Trust Fund").click()
    entries = page.locator("table.fund-entries")
    support_line = entries.locator("tr.kind-support_cost")
    expect(support_line).to_contain_text("Programme support costs")
    expect(support_line).to_contain_text("13% of the allocation of 80,000.00 USD")
    expect(support_line).to_contain_text("10,400.00")
    expect(entries.locator("tr.kind-allocation")).to_contain_text("Needs assessment mission")
    figures = page.locator("table.fund-summary").first
    expect(figures.locator("tr.kind-support_cost")).to_contain_text("10,400.00")
    expect(figures.locator("tr.support-net")).to_contain_text("10,400.00")
    expect(figures.locator("tr.total")).to_contain_text("29,600.00")
    focal.shot("statement-support-costs", focus=entries)

    unearmarked, pools = earmarks.pools(timezone.localdate())
    assert (unearmarked.held, [pool.held for pool in pools]) == (Decimal("20000.00"), [Decimal("9600.00")])
    journey.assert_clean(refused_posts=1)
