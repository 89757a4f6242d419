"""The staff workspace in a real browser: log in, filter and sort the list, open a case, act on it.

Every page visited is kept as a full-page screenshot under test-artifacts/screenshots/.
"""

import re

import pytest

from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from tests.factories import case_in_stage, new_request

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture says why these tests cannot run
    expect = None

# The live server answers from another thread, so the data must be committed: a transactional
# database, restored afterwards with the reference data (Member States …) that migrations load.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct horse battery staple"


def log_in(visit, user):
    page = visit.page
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Log in to EAS")).to_be_visible()
    visit.shot("login")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(visit.server_url)  # the dashboard, not the login page again
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    visit.shot("dashboard")


def listed_references(page):
    return page.locator("table.cases tbody tr td:first-child a").all_inner_texts()


def action_form(page, label):
    """The form of one action in the case page's action panel, found by its heading."""
    return page.locator("form.action").filter(has=page.get_by_role("heading", name=label, exact=True))


# A refused action answers 400 with the case page, which Chromium logs as a failed load.
REFUSED_POST = re.compile(r"status of 400 \(Bad Request\) \(.*/act/\w+/\)$")


def assert_stayed_on_the_live_server(visit, refused_posts=0):
    """No script error or failed load, and no request to any host but the live server."""
    errors = visit.console_errors
    assert [error for error in errors if not REFUSED_POST.search(error)] == []
    assert len(errors) == refused_posts
    assert visit.requests, "no request was recorded"
    assert visit.outside_requests() == [], "the pages must work without any outside network (no CDN)"


def test_an_officer_filters_the_list_opens_a_case_and_starts_its_review(visit, live_server, officer):
    ghana = new_request(actor=officer, state="GHA", received_days_ago=1)
    kenya = new_request(actor=officer, state="KEN", received_days_ago=3)
    benin = new_request(actor=officer, state="BEN", received_days_ago=5)
    case_in_stage(Stage.UNDER_REVIEW, actor=officer, state="NGA")  # African, another stage
    new_request(actor=officer, state="PER", received_days_ago=2)  # received, another region
    page = visit.page

    log_in(visit, officer)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases", exact=True).click()
    expect(page.get_by_role("heading", name="Cases", level=1)).to_be_visible()
    expect(page.locator(".page-head .count")).to_have_text("5 cases match")
    visit.shot("cases")

    filters = page.get_by_role("form", name="Filters")
    filters.get_by_role("checkbox", name="Received", exact=True).check()
    filters.get_by_label("Region", exact=True).select_option(label="African States")
    filters.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"[?&]stage=received(&|$)"))
    assert "region=AFRICAN" in page.url
    expect(page.locator(".page-head .count")).to_have_text("3 cases match")
    # Newest first by default; the filter keeps what was chosen.
    assert listed_references(page) == [ghana.reference, kenya.reference, benin.reference]
    expect(filters.get_by_role("checkbox", name="Received", exact=True)).to_be_checked()
    expect(filters.get_by_label("Region", exact=True)).to_have_value("AFRICAN")
    visit.shot("cases-filtered")

    page.locator("table.cases thead").get_by_role("link", name="Country or territory").click()
    expect(page).to_have_url(re.compile(r"[?&]sort=state(&|$)"))
    assert "stage=received" in page.url and "region=AFRICAN" in page.url, "sorting must keep the filters"
    assert listed_references(page) == [benin.reference, ghana.reference, kenya.reference]
    expect(page.locator("table.cases thead th[aria-sort=ascending]")).to_contain_text("Country or territory")
    visit.shot("cases-sorted")

    page.locator("table.cases thead").get_by_role("link", name=re.compile("Country or territory")).click()
    expect(page).to_have_url(re.compile(r"[?&]sort=-state(&|$)"))
    assert listed_references(page) == [kenya.reference, ghana.reference, benin.reference]
    visit.shot("cases-sorted-descending")

    page.get_by_role("link", name=ghana.reference, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/cases/{ghana.reference}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(ghana.reference)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ghana")
    expect(page.locator(".status-line .stage")).to_have_text("Received")
    visit.shot("case")

    comment = "Acknowledged by note verbale; the Division reviews the request."
    form = action_form(page, "Acknowledge and start review")
    form.get_by_label("Comment").fill(comment)
    form.get_by_role("button", name="Acknowledge and start review").click()

    expect(page).to_have_url(re.compile(rf"/cases/{ghana.reference}/$"))
    expect(page.locator(".messages .message.success")).to_have_text(
        "Acknowledge and start review: done. The case is now under review."
    )
    expect(page.locator(".status-line .stage")).to_have_text("Under review")
    latest = page.locator("ol.timeline > li").first
    expect(latest).to_contain_text("Acknowledge and start review")
    expect(latest).to_contain_text("Received → Under review")
    expect(latest.locator(".comment")).to_have_text(comment)
    expect(latest).to_contain_text(f"by {officer.get_full_name()}")
    visit.shot("case-after-action")

    assert AssistanceRequest.objects.get(pk=ghana.pk).stage == Stage.UNDER_REVIEW
    assert_stayed_on_the_live_server(visit)


def test_a_refused_action_says_why_and_leaves_the_stage_as_it_was(visit, live_server, officer):
    case = case_in_stage(Stage.NEEDS_ASSESSMENT, actor=officer, state="GHA")  # assessment still blank
    events_before = case.events.count()
    page = visit.page
    log_in(visit, officer)

    page.goto(f"/cases/{case.reference}/")
    expect(page.locator(".status-line .stage")).to_have_text("Needs assessment")
    submit = action_form(page, "Submit assessment for decision")
    # The page says beforehand what is missing …
    expect(submit.locator(".blockers")).to_contain_text("The needs assessment is not complete. Still to record:")
    visit.shot("case")

    # … and refuses the action when it is tried anyway.
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        submit.get_by_role("button", name="Submit assessment for decision").click()
    assert answer.value.status == 400
    expect(page.locator(".messages .message.error")).to_contain_text(
        "The needs assessment is not complete. Still to record:"
    )
    expect(page.locator(".messages .message.success")).to_have_count(0)
    expect(page.locator(".status-line .stage")).to_have_text("Needs assessment")
    expect(page.locator("ol.timeline")).not_to_contain_text("Submit assessment for decision")
    visit.shot("case-submit-refused")

    # A withdrawal must quote the state's communication.
    withdraw = action_form(page, "Record withdrawal by the state")
    withdraw.get_by_role("button", name="Record withdrawal by the state").click()
    expect(page.locator(".messages .message.error")).to_have_text("Please correct the errors in the form.")
    withdraw = action_form(page, "Record withdrawal by the state")
    expect(withdraw.locator(".field-comment .error")).to_have_text("This field is required.")
    expect(page.locator(".status-line .stage")).to_have_text("Needs assessment")
    visit.shot("case-withdrawal-refused")

    case.refresh_from_db()
    assert case.stage == Stage.NEEDS_ASSESSMENT
    assert case.events.count() == events_before
    assert_stayed_on_the_live_server(visit, refused_posts=2)
