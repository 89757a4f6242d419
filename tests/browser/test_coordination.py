"""Who took part (issue 14, para 10) in a real browser, walked by the demo staff.

The officer records the members of a needs assessment mission and its consultations (one refused for
a date in the future, with what was typed kept); the focal point decides to assist and records that
the Resident Coordinator was told, a letter then listed in /correspondence/; once implementation
starts, the officer records a UNDP project with a basket fund of two donors. Each step checks what the
user sees. Screenshots: test-artifacts/screenshots/<test>/.
"""

import re

import pytest

from requests_app.cases import services
from requests_app.cases.choices import AssessmentMethod, Stage
from requests_app.coordination.models import DecisionNotice, ImplementationVehicle, MissionMember
from requests_app.demo.staff import ensure_users
from requests_app.partners.models import Partner
from tests.browser import journeys as steps
from tests.browser.journeys import days, expect
from tests.factories import case_in_stage, complete_assessment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def mission(db):
    """Leila Haddad's Ghanaian case, its needs assessed by a mission; the European Union a partner."""
    team = ensure_users()
    officer = next(user for user in team.officers if user.username == "lhaddad")
    Partner.objects.get_or_create(name="European Union", defaults={"acronym": "EU", "kind": Partner.Kind.REGIONAL})
    case = case_in_stage(
        Stage.NEEDS_ASSESSMENT, actor=team.admin, officer=officer, state="GHA", method=AssessmentMethod.MISSION
    )
    return {"team": team, "officer": officer, "reference": case.reference, "case": case}


def section(actor):
    return actor.page.locator("#coordination")


def add_member(officer, reference, name, organisation, role, organisation_name=""):
    page = officer.open_case(reference)
    section(officer).get_by_role("link", name="Add a member of the mission").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Add a member of the mission")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label(re.compile(r"^Organisation")).select_option(label=organisation)
    if organisation_name:
        page.get_by_label("Name of the organisation").fill(organisation_name)
    page.get_by_label(role, exact=True).check()
    page.get_by_role("button", name="Add the member").click()
    expect(page.locator(".messages .message.success")).to_have_text(f"{name} is recorded as a member of the mission.")
    row = section(officer).locator("table.members tr", has_text=name)
    expect(row).to_contain_text(organisation_name or organisation)
    expect(row).to_contain_text(role)
    officer.expect_latest_event("Mission member added", name)
    officer.shot(f"adds-{name.split()[0].lower()}", focus=section(officer))


def record_consultation(officer, reference):
    page = officer.open_case(reference)
    section(officer).get_by_role("link", name="Record a consultation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record a consultation")
    page.get_by_label(re.compile(r"^With")).select_option(label="Electoral management body")
    page.get_by_label("Name or organisation").fill("Electoral Commission of Ghana, its chair and two commissioners")
    outcome = "The commission asks for support to voter registration; its budget is 60% funded."
    page.get_by_role("textbox", name="Outcome").fill(outcome)
    page.get_by_label("Level of the outcome").select_option(label="Confidential")

    # A day in the future is refused, with the reason and what was typed kept.
    page.get_by_label("Held on").fill(days(1))
    page.get_by_role("button", name="Record the consultation").click()
    expect(page.locator(".field-held_on .error")).to_have_text("The consultation cannot have been held after today.")
    expect(page.get_by_label("Name or organisation")).to_have_value(
        "Electoral Commission of Ghana, its chair and two commissioners"
    )
    officer.shot("consultation-in-the-future-refused")

    page.get_by_label("Held on").fill(days(-1))
    page.get_by_role("button", name="Record the consultation").click()
    expect(page.locator(".messages .message.success")).to_contain_text("The consultation with Electoral Commission")
    consultation = section(officer).locator("li.consultation")
    expect(consultation).to_contain_text("Electoral management body")
    expect(consultation).to_contain_text("its budget is 60% funded")
    expect(consultation.locator(".level")).to_have_text("Confidential")
    officer.expect_latest_event("Consultation recorded", "its budget is 60% funded")
    officer.shot("records-a-consultation", focus=section(officer))


def tell_the_resident_coordinator(focal_point, reference):
    page = focal_point.open_case(reference)
    told = section(focal_point).locator(".told-version").first
    expect(told.locator("[data-audience=requester]")).to_contain_text("the decision letter")
    coordinator = told.locator("[data-audience=resident_coordinator]")
    expect(coordinator).to_contain_text("not yet told")
    focal_point.shot("sees-who-was-not-told", focus=section(focal_point))
    coordinator.get_by_role("link", name="Record who was told").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record who was told of the decision")
    expect(page.get_by_label(re.compile(r"^To\b"))).to_have_value("Resident Coordinator in Ghana")
    expect(page.get_by_label("Channel")).to_have_value("resident_coordinator")
    page.get_by_label("Kind").select_option(label="Email")
    page.get_by_role("button", name="Record the letter sent").click()
    expect(page.locator(".messages .message.success")).to_have_text(
        "Recorded: The Resident Coordinator was told, by the letter to Resident Coordinator in Ghana."
    )
    coordinator = section(focal_point).locator(".told-version").first.locator("[data-audience=resident_coordinator]")
    expect(coordinator).to_contain_text("told")
    expect(coordinator).to_contain_text("Resident Coordinator in Ghana")
    expect(section(focal_point)).not_to_contain_text("not yet told")
    focal_point.expect_latest_event("Letter sent", "Told of decision: assist: The Resident Coordinator.")
    focal_point.shot("records-the-resident-coordinator-told", focus=section(focal_point))

    # The letter is in the register, with the case's others.
    page.locator("header nav").get_by_role("link", name="Correspondence").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Correspondence")
    row = page.locator("table.letters tbody tr", has_text="For information: Decision on the request: Assist")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Resident Coordinator in Ghana")
    expect(row).to_contain_text(reference)
    focal_point.shot("the-letter-in-the-register")


def record_basket_fund(officer, reference):
    page = officer.open_case(reference)
    section(officer).get_by_role("link", name="Record a vehicle of implementation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record a vehicle of implementation")
    page.get_by_label("UNDP project", exact=True).check()
    page.get_by_label("Title or name").fill("Support to the Electoral Cycle in Ghana")
    page.get_by_label("Atlas/Quantum project ID").fill("00131872")
    page.get_by_label("Project document signed on").fill(days(0))
    page.get_by_label("Budget").fill("6800000")
    page.get_by_label("Currency", exact=True).fill("USD")
    page.get_by_label("Basket fund", exact=True).check()
    page.get_by_label("Donor 1").select_option(label="European Union (EU)")
    page.get_by_label("Pledged 1").fill("2500000")
    page.get_by_label("Currency 1").fill("EUR")
    page.get_by_label("Donor 2").select_option(label="Norway")
    page.get_by_label("Pledged 2").fill("18000000")
    page.get_by_label("Currency 2").fill("NOK")
    officer.shot("fills-the-undp-project")
    page.get_by_role("button", name="Save the vehicle").click()
    expect(page.locator(".messages .message.success")).to_have_text("The vehicle of implementation is recorded.")
    vehicle = section(officer).locator("li.vehicle")
    expect(vehicle).to_contain_text("UNDP project: Support to the Electoral Cycle in Ghana")
    expect(vehicle).to_contain_text("6,800,000.00 USD")
    donors = vehicle.locator("table.donors tbody tr")
    expect(donors).to_have_count(2)
    expect(donors.nth(0)).to_contain_text("European Union (EU)")
    expect(donors.nth(0)).to_contain_text("2,500,000.00 EUR")
    expect(donors.nth(1)).to_contain_text("Norway")
    expect(donors.nth(1)).to_contain_text("18,000,000.00 NOK")
    officer.expect_latest_event("Vehicle of implementation recorded", "Support to the Electoral Cycle in Ghana")
    officer.shot("records-the-basket-fund", focus=section(officer))


def test_members_consultations_who_was_told_and_a_basket_fund(journey, mission):
    team, reference = mission["team"], mission["reference"]
    officer = journey.actor(mission["officer"], "officer")

    add_member(officer, reference, "Ingrid Solberg", "DPPA Electoral Assistance Division", "Team leader")
    add_member(officer, reference, "Fatou Ndiaye", "A regional organisation", "Member", "African Union Commission")
    record_consultation(officer, reference)

    # The mission returns and reports; the officer submits (the assessment's own journeys walk it).
    complete_assessment(mission["case"], method=AssessmentMethod.MISSION)
    services.submit_assessment(actor=mission["officer"], case=mission["case"])

    focal_point = journey.actor(team.focal_point, "focal point")
    decision = steps.DecisionToAssist(
        types=("Voter registration",),
        phase="Pre-electoral period",
        scope="Technical advice to the Electoral Commission on the voter register.",
    )
    steps.decide_to_assist(focal_point, reference, decision, requested=("Voter registration",), short_notice=False)
    tell_the_resident_coordinator(focal_point, reference)

    steps.start_implementation(officer, reference, "UNDP project")
    record_basket_fund(officer, reference)
    # The officer reads who was told, and may not record it.
    expect(section(officer).get_by_role("link", name="Record who was told")).to_have_count(0)

    assert MissionMember.objects.filter(assessment__case__reference=reference).count() == 2
    notice = DecisionNotice.objects.get(case__reference=reference)
    assert notice.letter.kind == "email" and notice.recorded_by == team.focal_point
    assert ImplementationVehicle.objects.get(case__reference=reference).donors.count() == 2
    journey.assert_clean(refused_posts=1)
