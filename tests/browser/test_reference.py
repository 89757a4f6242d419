"""Countries, territories and the typology of assistance, walked in a real browser by the demo staff.

The intake clerk opens a case for New Caledonia, a Non-Self-Governing Territory, through the
admin's add form, ticking types from the United Nations' typology under its headings; the case
page says what New Caledonia is and lists the types; the workspace's list finds the case by the
country's status; in the admin the clerk lists the territories. Screenshots under
test-artifacts/screenshots/<test>/.
"""

import re

import pytest

from requests_app.cases.models import AssistanceRequest
from requests_app.demo.staff import ensure_users
from tests.browser import journeys as steps
from tests.browser.journeys import REFERENCE, days, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TYPES = ("Voter registration", "Expert panels")
SIGNED_BY = "Permanent Representative of France to the United Nations, for the administering Power"


@pytest.fixture
def clerk(journey, db):
    team = ensure_users()
    return journey.actor(team.clerk, "intake clerk")


def open_case_for_new_caledonia(clerk):
    """The add form of the intake desk, filled in from France's letter; returns the reference."""
    page = clerk.page
    page.goto("/admin/")
    page.locator("#content-main tr.model-assistancerequest").get_by_role("link", name="Add").click()
    steps.select2_choose(page, "id_member_state", "Caled", "New Caledonia (territory)")
    page.get_by_label("Origin").select_option(label="Written request from the government")
    page.get_by_label("Requesting authority").fill(SIGNED_BY)
    page.get_by_label("Authority type").select_option(label="Permanent Mission to the United Nations")
    page.get_by_label("Letter date").fill(days(-9))
    page.get_by_label("Date received").fill(days(-3))
    types = page.locator(".field-requested_types")
    # The typology's headings over its groups; no type that is not the United Nations'.
    expect(types).to_contain_text("Technical assistance")
    expect(types).to_contain_text("Only on a Security Council or General Assembly mandate")
    expect(types.get_by_label("Women's participation and inclusion", exact=True)).to_be_visible()
    expect(types.get_by_text("Election situation room")).to_have_count(0)
    for name in TYPES:
        types.get_by_label(name, exact=True).check()
    page.get_by_label("Summary").fill("Panel of experts to follow the special electoral rolls.")
    election = page.locator("#elections-group tr.dynamic-elections").first
    election.locator("select").select_option(label="Referendum")
    election.locator("input[name$='-planned_date']").fill(days(240))
    clerk.shot("fills-the-add-form", focus=types)
    clerk.save_and_continue()
    expect(clerk.admin_message()).to_contain_text("was added successfully")
    expect(page.locator(".fieldBox.field-country_status")).to_contain_text("Territory, administered by France")
    reference = page.locator(".field-reference .readonly").filter(has_text=REFERENCE).inner_text().strip()
    clerk.shot("registered")
    return reference


def test_a_case_is_opened_for_a_territory_and_the_admin_lists_the_territories(journey, clerk):
    reference = open_case_for_new_caledonia(clerk)
    case = AssistanceRequest.objects.get(reference=reference)
    assert set(case.requested_types.values_list("name", flat=True)) == set(TYPES)

    # The case page: what New Caledonia is, its region, the types asked for.
    page = clerk.open_case(reference)
    expect(page.locator(".country-status")).to_contain_text("Territory, administered by France")
    expect(page.locator(".country-status")).to_contain_text("Non-Self-Governing Territory")
    facts = page.locator("dl.facts").first
    expect(facts).to_contain_text("Asia-Pacific States (by geography)")
    for name in TYPES:
        expect(facts).to_contain_text(name)
    clerk.shot("case-page")

    # The workspace's list, filtered to the territories.
    page.goto("/cases/")
    filters = page.locator("form.filters")
    filters.get_by_label("Member State, observer State or territory").select_option(label="Territory")
    filters.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"[?&]status=territory(&|$)"))
    rows = page.locator("table.cases tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(reference)
    expect(rows.first).to_contain_text("New Caledonia (territory)")
    clerk.shot("case-list-territories")

    # The admin's list of countries, filtered by status.
    page.goto("/admin/")
    page.get_by_role("link", name="Countries and territories").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(100)  # a page of the 213
    page.locator("#changelist-filter").get_by_role("link", name="Territory", exact=True).click()
    listed = page.locator("#result_list tbody tr")
    expect(listed).to_have_count(18)
    caledonia = listed.filter(has_text="New Caledonia")
    expect(caledonia).to_contain_text("France")
    expect(caledonia).to_contain_text("Asia-Pacific States (by geography)")
    expect(listed.filter(has_text="Kosovo under Security Council resolution 1244 (1999)")).to_have_count(1)
    expect(listed.filter(has_text="Ghana")).to_have_count(0)
    clerk.shot("admin-territories")
    page.locator("#changelist-filter").get_by_role("link", name="Observer State", exact=True).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    clerk.shot("admin-observer-states")
    journey.assert_clean()
