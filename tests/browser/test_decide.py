"""Who decides, follow-ups and amendments (issue 13), walked in a real browser by the demo staff.

(a) The officer recommends accepting an electoral body's request and a mission; the officer cannot
accept; the focal point accepts and chooses. (b) A follow-up request registered through the intake
form, linked both ways on the case pages. (c) The focal point amends a communicated decision (a longer
period); the case page shows the version in force and the earlier version. Screenshots under
test-artifacts/screenshots/<test>/; the shared steps are in tests/browser/journeys.py.
"""

import datetime

import pytest
from django.utils import timezone

from requests_app.cases import services
from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest, DecisionAmendment
from requests_app.demo.staff import ensure_users
from tests.browser import journeys as steps
from tests.browser.journeys import days, expect, select2_choose
from tests.factories import REQUESTERS, case_in_stage, new_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def staff(db):
    team = ensure_users()
    return {user.username: user for user in [team.focal_point, team.clerk, *team.officers]}


def test_the_officer_recommends_and_the_focal_point_accepts_and_chooses(journey, staff, officer):
    case = new_request(actor=officer, state="GHA", officer=staff["lhaddad"], **REQUESTERS["electoral_body"])
    case = services.start_review(actor=officer, case=case, comment="Acknowledged by note verbale.")
    lhaddad = journey.actor(staff["lhaddad"], "officer")
    focal_point = journey.actor(staff["hlindqvist"], "focal point")

    steps.recommend(
        lhaddad,
        case.reference,
        "Needs assessment mission (NAM)",
        "The Electoral Commission binds the state under the constitution; a mission should meet it and the parties.",
        accept=True,
        focal_point=focal_point,
    )
    # The officer cannot accept: neither on the case page nor in the intake desk.
    lhaddad.expect_may_not("Accept the electoral body's request", "Start needs assessment")
    lhaddad.expect_next_actor("focal point", focal_point.user, "Accept the electoral body's request")
    page = lhaddad.open_in_admin(case.reference)
    actions = page.locator(".eas-actions")
    expect(actions).not_to_contain_text("Accept the electoral body's request…")
    expect(actions.get_by_role("button", name="Accept the electoral body's request")).to_have_count(0)
    expect(actions.locator("[data-recommendation]")).to_contain_text("awaiting the focal point")
    lhaddad.shot("may-not-accept")

    steps.accept_electoral_body(focal_point, case.reference, lhaddad)
    steps.start_assessment(focal_point, case.reference, "Needs assessment mission (NAM)")
    latest = focal_point.page.locator("ol.timeline > li").first
    expect(latest).to_contain_text(f"recommended by: {lhaddad.name}")

    fresh = AssistanceRequest.objects.select_related("assessment").get(pk=case.pk)
    assert fresh.stage == Stage.NEEDS_ASSESSMENT
    assert fresh.emb_request_accepted_by == focal_point.user
    assert fresh.assessment.chosen_by == focal_point.user
    journey.assert_clean()


def test_a_follow_up_request_is_registered_and_linked_both_ways(journey, staff, officer):
    earlier = case_in_stage(Stage.CLOSED, actor=officer, state="KEN", received_days_ago=500)
    clerk = journey.actor(staff["pnair"], "intake clerk")

    page = clerk.open_case(earlier.reference)
    page.get_by_role("link", name="Register a follow-up request").click()
    expect(page.get_by_role("heading", name="Add assistance request")).to_be_visible()
    expect(page.locator("#id_member_state + .select2")).to_contain_text("Kenya")
    # The earlier case is chosen already; typed, the country's name offers its cases.
    expect(page.locator("#id_follows + .select2")).to_contain_text(earlier.reference)
    select2_choose(page, "id_follows", "Kenya", earlier.reference)
    page.get_by_label("Origin").select_option(label="Written request from the government")
    page.get_by_label("Requesting authority").fill("Cabinet Secretary for Foreign Affairs")
    page.get_by_label("Authority type").select_option(label="Minister for Foreign Affairs")
    page.get_by_label("Letter date").fill(days(-8))
    page.get_by_label("Date received").fill(days(-2))
    page.get_by_label("Voter registration", exact=True).check()
    page.get_by_label("Summary").fill("Follow-up: support to the voter register before the next general elections.")
    election = page.locator("#elections-group tr.dynamic-elections").first
    election.locator("select").select_option(label="General (presidential and parliamentary)")
    election.locator("input[name$='-planned_date']").fill(days(400))
    clerk.shot("registers-the-follow-up")
    clerk.save_and_continue()
    expect(clerk.admin_message()).to_contain_text("was added successfully")
    reference = page.locator(".field-reference .readonly").filter(has_text=steps.REFERENCE).inner_text().strip()
    clerk.shot("registered")

    page = clerk.open_case(reference)
    follows = page.locator("dd.follows")
    expect(follows).to_contain_text(earlier.reference)
    clerk.shot("follows-the-earlier-case")
    follows.get_by_role("link", name=earlier.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(earlier.reference)
    followed = page.locator("dd.followed-by")
    expect(followed).to_contain_text(reference)
    expect(page.locator("ol.timeline > li").first).to_contain_text("A later request follows this case")
    clerk.shot("followed-by-the-follow-up")
    followed.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)

    assert AssistanceRequest.objects.get(reference=reference).follows == earlier
    journey.assert_clean()


def test_the_focal_point_amends_a_decision_and_the_page_shows_its_versions(journey, staff, officer):
    case = case_in_stage(Stage.IN_IMPLEMENTATION, actor=officer, state="GHA", officer=staff["lhaddad"])
    today = timezone.localdate()
    decided_end, new_end = today + datetime.timedelta(days=200), today + datetime.timedelta(days=380)
    focal_point = journey.actor(staff["hlindqvist"], "focal point")

    page = focal_point.open_case(case.reference)
    page.get_by_role("link", name="Amend the decision…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amend the decision")
    form = page.locator("form.action-page")
    expect(form.get_by_label("Assistance until")).to_have_value(decided_end.isoformat())  # the version in force
    expect(form.get_by_label("Voter registration", exact=True)).to_be_checked()
    form.get_by_label("Assistance until").fill(new_end.isoformat())
    # Without its reason the amendment is refused, and what was typed is kept.
    form.get_by_role("button", name="Amend the decision").click()
    # The case page again, with the form as it was sent and why it was refused.
    form = focal_point.action_form("Amend the decision")
    expect(form.locator(".field-reason .error")).to_be_visible()
    expect(form.get_by_label("Assistance until")).to_have_value(new_end.isoformat())
    focal_point.expect_stage("In implementation")
    focal_point.shot("amendment-without-reason-refused")
    form.get_by_label("Reason for the amendment").fill("Polling day moved: the Government asks for support until then.")
    focal_point.shot("fills-the-amendment")
    form.get_by_role("button", name="Amend the decision").click()

    focal_point.expect_done("Amend the decision", "In implementation")
    decision = page.locator("aside .decision")
    in_force = decision.locator(".in-force")
    expect(in_force).to_contain_text("In force: version 2")
    expect(in_force).to_contain_text(f"{new_end.day} {new_end:%b %Y}")
    versions = decision.locator("li.version")
    expect(versions).to_have_count(2)
    expect(versions.nth(0)).to_contain_text("Version 1")
    expect(versions.nth(0)).to_contain_text(f"{decided_end.day} {decided_end:%b %Y}")
    expect(versions.nth(1)).to_contain_text("Version 2")
    expect(versions.nth(1)).to_contain_text(f"{decided_end.day} {decided_end:%b %Y} → ")
    expect(versions.nth(1)).to_contain_text("Polling day moved")
    expect(versions.nth(1)).to_contain_text(focal_point.name)
    focal_point.expect_latest_event("Amend the decision", "Polling day moved")
    # The planned end of implementation, and so the deadline, follow the version in force.
    expect(page.locator(".status-line")).to_contain_text(f"due {new_end.day} {new_end:%b %Y}")
    focal_point.shot("decision-amended")

    lhaddad = journey.actor(staff["lhaddad"], "officer")
    lhaddad.open_case(case.reference)
    expect(lhaddad.page.locator("aside .decision .in-force")).to_contain_text("In force: version 2")
    expect(lhaddad.page.get_by_role("link", name="Amend the decision…")).to_have_count(0)
    lhaddad.shot("reads-the-amended-decision")

    assert DecisionAmendment.objects.get().period_end == new_end
    journey.assert_clean(refused_posts=1)
