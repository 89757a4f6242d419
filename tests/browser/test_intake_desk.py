"""The intake desk as issue 10 left it, walked in a real browser by the demo's intake clerk.

"Save" on the admin's add form opens the new case's page in the workspace, saying what was
registered; the admin's case page shows the latest entries of a long history and leads to the
whole of it. Screenshots under test-artifacts/screenshots/<test>/.
"""

import pytest

from requests_app.cases import services
from requests_app.cases.admin_inlines import HISTORY_SHOWN
from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.demo.staff import ensure_users
from tests.browser import journeys as steps
from tests.browser.journeys import Request, expect
from tests.factories import case_in_stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def team(db):
    return ensure_users()


def test_save_on_the_intake_form_opens_the_new_case_in_the_workspace(journey, team):
    clerk = journey.actor(team.clerk, "intake clerk")
    request = Request(
        state="Malawi",
        origin="Written request from the government",
        signed_by="Minister of Foreign Affairs and International Cooperation",
        authority="Minister for Foreign Affairs",
        types=("Voter registration", "Voter and civic education"),
        election_type="General (presidential and parliamentary)",
        election_in_days=600,
        summary="Support to the voter registration ahead of the general elections.",
    )
    page = steps.fill_intake_form(clerk, request)
    page.get_by_role("button", name="Save", exact=True).click()

    case = AssistanceRequest.objects.get(member_state__iso3="MWI")
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    message = page.locator(".messages .message.success")
    expect(message).to_contain_text(
        f"The request is registered as {case.reference} (Malawi). The case is received, waiting for review."
    )
    clerk.expect_stage("Received")
    expect(page.locator("dl.facts").first).to_contain_text(request.signed_by)
    clerk.shot("sees-the-case-registered")

    message.get_by_role("link", name="Register another request").click()
    expect(page.get_by_role("heading", name="Add assistance request")).to_be_visible()
    clerk.shot("registers-the-next-request")
    journey.assert_clean()


def test_the_admin_case_page_shows_the_latest_history_and_leads_to_the_whole(journey, team):
    case = case_in_stage(Stage.IN_IMPLEMENTATION, actor=team.admin, state="GHA")
    for number in range(HISTORY_SHOWN + 10):
        services.record_details_changed(
            actor=team.admin, case=case, changes={"Summary": [f"draft {number}", f"draft {number + 1}"]}
        )
    total = case.events.count()
    clerk = journey.actor(team.clerk, "intake clerk")
    page = clerk.page
    page.goto(f"/admin/requests_app/assistancerequest/{case.pk}/change/")

    history = page.locator("#events-group")
    expect(history.locator("tbody tr.has_original")).to_have_count(HISTORY_SHOWN)
    expect(history).to_contain_text(f"The {HISTORY_SHOWN} latest of {total} entries.")
    expect(history.locator("tbody tr.has_original").last).to_contain_text(f"draft {HISTORY_SHOWN + 10}")
    expect(history).not_to_contain_text("Request registered")
    clerk.shot("reads-the-latest-history", focus=history.locator(".eas-history-more"))

    history.get_by_role("link", name="The whole history, on the case's page").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    timeline = page.locator("ol.timeline")
    expect(timeline.locator("> li")).to_have_count(total)
    expect(timeline.locator("> li").last).to_contain_text("Request registered")
    clerk.shot("reads-the-whole-history", focus=timeline)
    journey.assert_clean()
