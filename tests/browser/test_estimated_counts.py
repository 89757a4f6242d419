"""Lists past the exact count's bound, in Chromium, on PostgreSQL (issue 16): a desk officer reads
"about" how many cases match, follows the pages to the real last one, searches and reads "more than",
and finds the same in the admin. The bound and the planner's figure are set small here, so seven
cases stand for a million. Screenshots: test-artifacts/screenshots/."""

import pytest

from tests.browser.journeys import expect
from tests.factories import new_request

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def seven_cases(officer, planner_estimates, monkeypatch):
    from requests_app.cases.admin import AssistanceRequestAdmin

    planner_estimates(60, bound=3)
    monkeypatch.setattr("requests_app.cases.views.PAGE_SIZE", 5)
    monkeypatch.setattr(AssistanceRequestAdmin, "list_per_page", 5)
    return [new_request(actor=officer, state="GHA", officer=officer) for _ in range(7)]


def log_in(page, user, path):
    page.goto(path)
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form button[type=submit], #login-form input[type=submit]").first.click()


def test_an_officer_reads_about_how_many_cases_match_and_reaches_the_last(visit, officer, seven_cases):
    page = visit.page
    log_in(page, officer, "/accounts/login/?next=/cases/")
    expect(page.locator(".count")).to_have_text("About 60 cases match")
    expect(page.locator("nav.pagination")).to_contain_text("Page 1 of about 12")
    visit.shot("about")

    page.get_by_role("link", name="last »").click()  # past the real end: counted, the real last page
    expect(page.locator(".count")).to_have_text("7 cases match")
    expect(page.locator("nav.pagination")).to_contain_text("Page 2 of 2")
    expect(page.locator("table tbody tr")).to_have_count(2)
    visit.shot("real-last-page")

    page.get_by_label("Search").fill("Ghana")
    page.get_by_label("Search").press("Enter")
    expect(page.locator(".count")).to_have_text("More than 3 cases match")  # no guess for a search
    expect(page.locator("nav.pagination")).to_contain_text("Page 1")
    expect(page.locator("nav.pagination")).not_to_contain_text("of")
    page.get_by_role("link", name="next ›").click()
    expect(page.locator("table tbody tr")).to_have_count(2)
    visit.shot("search")


def test_the_admin_says_about_and_more_than_too(visit, officer, seven_cases):
    page = visit.page
    log_in(page, officer, "/admin/login/?next=/admin/requests_app/assistancerequest/")
    expect(page.locator("#changelist-search")).to_contain_text("About 60 cases match")
    expect(page.locator("p.paginator")).to_contain_text("About 60 cases match")
    visit.shot("admin-about")

    page.locator("p.paginator").get_by_role("link", name="12").click()  # past the real end
    expect(page.locator("p.paginator")).to_contain_text("7 assistance requests")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    visit.shot("admin-real-last-page")

    page.locator("#searchbar").fill("Ghana")
    page.locator("#searchbar").press("Enter")
    expect(page.locator("#changelist-search")).to_contain_text("More than 3 cases match")
    expect(page.locator("p.paginator")).to_contain_text("More than 3 cases match")
    expect(page.locator("#result_list tbody tr")).to_have_count(5)
    visit.shot("admin-search")
