"""Every journey a case takes, walked in a real browser by the demo staff in their roles.

The intake clerk registers the request in the admin, the team lead assigns it, the officer takes it
through review and assessment, the focal point decides, the officer implements and reports, the
focal point closes: only through the pages, each step checking what its user sees, each kept as a
screenshot under test-artifacts/screenshots/<test>/. The steps are in tests/browser/journeys.py.
"""

import pytest

from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.demo.staff import ensure_users
from tests.browser import journeys as steps
from tests.browser.journeys import Assessment, DecisionToAssist, MandateRecord, Request, expect, pdf

# The live server answers from another thread, so the data must be committed: a transactional
# database, restored afterwards with the reference data (Member States …) that migrations load.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def staff(db):
    """The demo users, made as `make run` makes them: each in their role's group and desk."""
    team = ensure_users()
    users = {user.username: user for user in [team.focal_point, team.clerk, *team.officers]}
    return users


def open_with(journey, staff, lead):
    """The four actors of a case: the demo's clerk, the desk's team lead, its officer, the focal point."""
    return (
        journey.actor(staff["pnair"], "intake clerk"),
        journey.actor(staff[lead], "team lead"),
        journey.actor(staff["lhaddad"], "officer"),
        journey.actor(staff["hlindqvist"], "focal point"),
    )


def test_an_electoral_bodys_request_is_assessed_assisted_at_short_notice_and_closed(journey, staff):
    clerk, lead, officer, focal_point = open_with(journey, staff, "aokafor")  # Ghana: the African desk
    request = Request(
        state="Ghana",
        origin="Written request from the electoral management body",
        signed_by="Chair, Electoral Commission of Ghana",
        authority="Electoral management body",
        types=("Voter registration", "Voting and counting operations"),
        election_type="Presidential",
        election_in_days=80,  # received 20 days ago: less than four months before election day
        summary="Support to the update of the voters' register and to the distribution of materials.",
    )
    reference = steps.register(clerk, request)
    steps.attach_letter(clerk, reference, pdf("letter-ec-ghana.pdf", "Letter of the Electoral Commission"))
    steps.clerk_sees_who_acts(clerk, reference, request, lead)
    steps.assign(lead, reference, officer.user)

    steps.start_review(officer, reference)
    steps.recommend(
        officer,
        reference,
        "Needs assessment mission (NAM)",
        "The Commission is the constitutional body for elections; a mission should meet it and the parties.",
        accept=True,
        focal_point=focal_point,
    )
    steps.accept_electoral_body(focal_point, reference, officer)
    steps.start_assessment(focal_point, reference, "Needs assessment mission (NAM)")
    steps.record_assessment(
        officer,
        reference,
        Assessment(
            mission=True,
            adequate_time="No",
            conditions="Yes",
            time_notes="Eleven weeks to election day: enough for logistics, not for a new register.",
            conditions_notes="Parties and civil society trust the Commission.",
            recommendations="Logistics and the update of the register; no new registration.",
        ),
    )
    steps.submit_assessment(officer, reference, focal_point)

    steps.decide_to_assist(
        focal_point,
        reference,
        DecisionToAssist(
            types=request.types,
            phase="Electoral period",
            scope="Logistics and the update of the register only.",
            justification="The Commission has a tested register; the help asked for fits in eleven weeks.",
        ),
        requested=request.types,
        short_notice=True,
    )

    steps.start_implementation(officer, reference, "UNDP project")
    steps.report_and_close(officer, focal_point, reference, documents_before=1)

    assert AssistanceRequest.objects.get(reference=reference).stage == Stage.CLOSED
    journey.assert_clean(refused_posts=1)


def test_a_security_council_mandate_is_assessed_by_desk_review_assisted_and_closed(journey, staff):
    clerk, lead, officer, focal_point = open_with(journey, staff, "mtanaka")  # Nepal: the Asia-Pacific desk
    steps.record_mandate(
        clerk,
        MandateRecord(
            state="Nepal",
            organ="Security Council",
            symbol="S/RES/2801 (2026)",
            adopted_days_ago=30,
            expires_in_days=335,
            tasks="The mission observes the elections and supports their security.",
        ),
    )
    request = Request(  # a mandate alone: nobody requested
        state="Nepal",
        origin="",
        mandate_symbols="S/RES/2801 (2026)",
        signed_by="",
        authority="",
        types=("Observation", "Electoral security"),
        election_type="Parliamentary",
        election_in_days=240,
        summary="The Council asks the mission to observe the elections and support their security.",
    )
    reference = steps.register(clerk, request)
    steps.attach_letter(clerk, reference, pdf("s-res-2801.pdf", "Resolution 2801 (2026)"), kind="Other")
    steps.assign(lead, reference, officer.user)

    # A mandate skips the eligibility review.
    officer.open_case(reference)
    officer.expect_may_not("Acknowledge and start review", "Accept the electoral body's request")
    steps.recommend(
        officer, reference, "Desk review", "The mission is on the ground: a desk review is enough.", stage="Received"
    )
    steps.start_assessment(focal_point, reference, "Desk review")
    steps.record_assessment(
        officer,
        reference,
        Assessment(
            mission=False,
            adequate_time="Yes",
            conditions="Yes",
            recommendations="Observation by the mission; advice to the police on election security.",
        ),
    )
    steps.submit_assessment(officer, reference, focal_point)
    steps.decide_to_assist(
        focal_point,
        reference,
        DecisionToAssist(
            types=request.types,
            phase="Electoral period",
            scope="Observation of polling and counting.",
        ),
        requested=request.types,
        short_notice=False,
    )

    steps.start_implementation(officer, reference, "Electoral component of a UN mission")
    steps.report_and_close(officer, focal_point, reference, documents_before=1)

    assert AssistanceRequest.objects.get(reference=reference).stage == Stage.CLOSED
    journey.assert_clean()


def test_a_government_request_is_withdrawn_during_the_needs_assessment(journey, staff):
    clerk, lead, officer, focal_point = open_with(journey, staff, "therrera")  # Peru: Latin America
    request = Request(
        state="Peru",
        origin="Written request from the government",
        signed_by="Minister for Foreign Affairs of Peru",
        authority="Minister for Foreign Affairs",
        types=("Electoral dispute resolution", "Results management"),
        election_type="General (presidential and parliamentary)",
        election_in_days=300,
        summary="Advice on the resolution of electoral disputes and on results management.",
    )
    reference = steps.register(clerk, request)
    steps.assign(lead, reference, officer.user)
    steps.start_review(officer, reference)
    steps.recommend(officer, reference, "Needs assessment mission (NAM)", "Disputes need a mission on the ground.")
    steps.start_assessment(focal_point, reference, "Needs assessment mission (NAM)")
    communication = "Note verbale 2026/114 of the Permanent Mission: the government withdraws its request."
    steps.withdraw(officer, reference, communication)

    focal_point.open_case(reference)
    focal_point.expect_stage("Withdrawn")
    latest = focal_point.page.locator("ol.timeline > li").first
    expect(latest).to_contain_text("Record withdrawal by the state")
    expect(latest).to_contain_text(f"by {officer.name}")
    expect(latest.locator(".comment")).to_have_text(communication)
    expect(focal_point.actions()).to_contain_text("This case has ended")
    focal_point.shot("reads-the-withdrawal")

    assert AssistanceRequest.objects.get(reference=reference).stage == Stage.WITHDRAWN
    journey.assert_clean()


def test_a_government_request_is_assessed_and_declined(journey, staff):
    clerk, lead, officer, focal_point = open_with(journey, staff, "mtanaka")  # Moldova: Eastern Europe
    request = Request(
        state="Republic of Moldova",
        origin="Written request from the government",
        signed_by="Prime Minister of the Republic of Moldova",
        authority="Head of Government",
        types=("Voter and civic education", "Support to domestic observers"),
        election_type="Local or municipal",
        election_in_days=200,
        summary="Support to voter education and to domestic observers.",
    )
    reference = steps.register(clerk, request)
    steps.assign(lead, reference, officer.user)
    steps.start_review(officer, reference)
    steps.recommend(officer, reference, "Desk review", "A desk review: the Division knows the country well.")
    steps.start_assessment(focal_point, reference, "Desk review")
    steps.record_assessment(
        officer,
        reference,
        Assessment(
            mission=False,
            adequate_time="Yes",
            conditions="No",
            conditions_notes="The main opposition parties are barred from standing.",
        ),
    )
    steps.submit_assessment(officer, reference, focal_point)
    steps.decide_to_decline(
        focal_point,
        reference,
        "The conditions for a free and fair election do not exist: opposition parties are barred.",
    )

    officer.open_case(reference)
    officer.expect_stage("Declined")
    expect(officer.actions().locator("form")).to_have_count(0)
    expect(officer.actions()).to_contain_text("This case has ended")
    officer.shot("reads-the-decline")

    assert AssistanceRequest.objects.get(reference=reference).stage == Stage.DECLINED
    journey.assert_clean()
