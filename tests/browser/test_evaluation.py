"""The post-electoral phase in a real browser, as the demo staff go through it.

The officer records the evaluation and two lessons learned on a case in reporting and attaches the
final mission report; the focal point, refused at first with the reasons, closes it once both are
there. Another case closes without an evaluation, the focal point giving the reason. Then /lessons/
finds a lesson by a word of its text and by its country. Screenshots: test-artifacts/screenshots/.
"""

import re

import pytest

from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.demo.staff import ensure_users
from requests_app.evaluation import services as evaluation_services
from tests.browser import evaluation_journeys as evaluation_steps
from tests.browser import journeys as steps
from tests.browser.journeys import expect, pdf
from tests.factories import assistance_type, attach_mission_report, case_in_stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WAIVER = "Two weeks of expert advice only; the electoral commission's own review stands for the evaluation."


@pytest.fixture
def cases(db):
    """Three cases of the officer's in reporting: Ghana and Kenya (to close), Peru (a lesson already drawn)."""
    team = ensure_users()
    officer = next(user for user in team.officers if user.username == "lhaddad")
    ghana, kenya, peru = (
        case_in_stage(Stage.REPORTING, actor=team.admin, officer=officer, state=state)
        for state in ("GHA", "KEN", "PER")
    )
    attach_mission_report(kenya, actor=officer)
    evaluation_services.add_lesson(
        actor=team.admin,
        case=peru,
        title="Publish results by polling station",
        lesson="Results posted at each polling station calmed the disputes over the tally.",
        areas=[assistance_type("results-management")],
    )
    return {"ghana": ghana.reference, "kenya": kenya.reference, "peru": peru.reference, "team": team}


def test_an_evaluated_case_closes_another_closes_with_a_waiver_and_lessons_are_found(journey, cases):
    team = cases["team"]
    officer = journey.actor(next(u for u in team.officers if u.username == "lhaddad"), "officer")
    focal_point = journey.actor(team.focal_point, "focal point")
    ghana = cases["ghana"]

    # Neither the final report nor the evaluation: closing is refused, with both reasons.
    focal_point.open_case(ghana)
    form = focal_point.action_form("Close the case")
    expect(form.locator(".blockers")).to_contain_text("Attach the mission report")
    expect(form.locator(".blockers")).to_contain_text("The assistance has not been evaluated")
    form.get_by_role("button", name="Close the case").click()
    errors = focal_point.page.locator(".messages .message.error")
    expect(errors).to_contain_text(["Attach the mission report", "The assistance has not been evaluated"])
    focal_point.expect_stage("Reporting")
    focal_point.shot("close-refused-with-the-reasons")

    # The officer evaluates the assistance and draws two lessons from it, and attaches the final report.
    evaluation_steps.record_evaluation(
        officer,
        ghana,
        evaluation_steps.Evaluation(
            evaluated_by="Lessons-learned workshop with the Electoral Commission of Ghana",
            worked="Mobile registration teams reached the fishing communities of the coast.",
            did_not_work="The tally software was delivered too late to be tested.",
            recommendations="Run a mock election with the tally software three months ahead.",
        ),
    )
    evaluation_steps.add_lesson(
        officer,
        ghana,
        "Register voters where they work",
        "Mobile teams at the landing beaches registered fishermen who never reach a registration centre.",
        areas=("Voter registration",),
    )
    evaluation_steps.add_lesson(
        officer,
        ghana,
        "Test the tally software in a mock election",
        "Untested software stopped twice on election night; a mock election would have shown it.",
        areas=("Results management", "Training"),
    )
    steps.attach_from_case_page(
        officer, ghana, "Mission report", pdf("mission-report.pdf", "Mission report", "Final."), documents_before=0
    )
    steps.mark_final(officer, ghana, "mission-report.pdf")

    # Now the focal point closes it: nothing blocks, and there is nothing to waive.
    focal_point.open_case(ghana)
    form = focal_point.action_form("Close the case")
    expect(form.locator(".blockers")).to_have_count(0)
    expect(form.get_by_label("Waive the evaluation: reason")).to_have_count(0)
    focal_point.act(ghana, "Close the case", stage="Closed", comment="Results reported.", step="closes-evaluated")
    section = evaluation_steps.section(focal_point)
    expect(section.locator("li.lesson")).to_have_count(2)
    expect(section).to_contain_text("Mobile registration teams reached the fishing communities")
    expect(section.get_by_role("link", name="Edit the evaluation")).to_have_count(0)  # the record of an ended case

    # Kenya has its final report but no evaluation: the focal point closes it and says why.
    evaluation_steps.close_waiving_the_evaluation(focal_point, cases["kenya"], WAIVER)

    # /lessons/: by a word of a lesson's text, then by country.
    page = officer.page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Lessons").click()
    expect(page.get_by_role("heading", name="Lessons learned", level=1)).to_be_visible()
    expect(page.locator(".page-head .count")).to_have_text("3 lessons match")
    filters = page.get_by_role("form", name="Filters")
    filters.get_by_label("Search").fill("fishermen")
    filters.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"[?&]q=fishermen"))
    expect(page.locator(".lesson-list > li")).to_have_count(1)
    expect(page.locator(".lesson-list > li h2")).to_have_text("Register voters where they work")
    officer.shot("lessons-found-by-a-word")

    filters.get_by_label("Search").fill("")
    filters.get_by_label("Country").select_option(label="Peru")
    filters.get_by_role("button", name="Apply").click()
    expect(page.locator(".page-head .count")).to_have_text("1 lesson matches")
    expect(page.locator(".lesson-list > li h2")).to_have_text("Publish results by polling station")
    filters.get_by_label("Country").select_option(label="Ghana")
    filters.get_by_role("button", name="Apply").click()
    expect(page.locator(".lesson-list > li h2")).to_have_text(
        ["Test the tally software in a mock election", "Register voters where they work"]
    )
    officer.shot("lessons-of-a-country")
    # Each lesson leads to its case.
    page.locator(".lesson-list > li").first.get_by_role("link", name=ghana).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ghana)

    assert AssistanceRequest.objects.get(reference=ghana).stage == Stage.CLOSED
    assert AssistanceRequest.objects.get(reference=cases["kenya"]).evaluation_waiver.reason == WAIVER
    journey.assert_clean(refused_posts=1)
