"""The admin's case list on a laptop screen (1366 x 768): every column shows, regions on one or two lines.

The screenshot is kept under test-artifacts/screenshots/.
"""

import datetime

import pytest
from django.utils import timezone

from tests.factories import new_request, set_due

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture says why these tests cannot run
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def laptop(browser, live_server, screenshots_dir, request):
    from tests.browser.pages import TIMEOUT_MS, Visit

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 768}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    seen = Visit(context.new_page(), request.node.name, screenshots_dir, live_server.url)
    yield seen
    context.close()


def test_the_case_list_fits_a_1366_pixel_screen(laptop, officer):
    officer.first_name, officer.last_name = "Maria Fernanda", "Rodríguez-Castellanos"
    officer.save()
    # The longest regional groups, an overdue case (its badge is the widest due cell), a long officer name.
    for iso3 in ("VCT", "NZL", "BIH", "PNG", "COD"):
        case = new_request(actor=officer, state=iso3, officer=officer)
    set_due(case, timezone.now() - datetime.timedelta(days=12))

    page = laptop.page
    page.goto("/admin/login/?next=/admin/requests_app/assistancerequest/")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#result_list")).to_be_visible()
    laptop.shot("case-list-1366")

    results = page.locator("#changelist .results").bounding_box()
    visible_right = min(1366, results["x"] + results["width"])
    for cell in page.locator("#result_list td.field-due_display, #result_list th.column-due_display").all():
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= visible_right + 1, "the due column is cut off"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366, "the page scrolls sideways"

    lines = page.evaluate("""[...document.querySelectorAll('#result_list td.field-region')].map(td => {
        const range = document.createRange();
        range.selectNodeContents(td);
        return [td.innerText, new Set([...range.getClientRects()].map(r => Math.round(r.top))).size];
    })""")
    assert lines and all(count <= 2 for _, count in lines), lines


def test_a_case_opened_from_a_search_saves_back_to_the_same_search(laptop, officer):
    """The rows link to their cases themselves (CaseChangeList): the search goes along and Save comes
    back to it, as with Django's own links."""
    kits = new_request(actor=officer, state="GHA", officer=officer, summary="Ballot kits for the north.")
    new_request(actor=officer, state="PER", officer=officer, summary="Results transmission.")
    page = laptop.page
    page.goto("/admin/login/?next=/admin/requests_app/assistancerequest/%3Fq%3Dkits")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)

    page.locator("#result_list").get_by_role("link", name=kits.reference).click()
    expect(page.get_by_role("heading", level=2).filter(has_text=kits.reference)).to_be_visible()
    laptop.shot("case-from-search")
    page.locator("input[name=_save]").click()

    expect(page.locator(".messagelist")).to_contain_text("changed successfully")
    expect(page.locator("#searchbar")).to_have_value("kits")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text(kits.reference)
    laptop.shot("back-to-search")
