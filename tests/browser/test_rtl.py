"""Arabic, right to left, in a real Chromium: the focal point switches to العربية in the menu and
reads the dashboard, the case list, a case with its history, a country file with its timeline and
the intake desk's list, each mirrored: checked by where things are on the screen, and kept as
screenshots (test-artifacts/screenshots/<test>/) to look at."""

import pytest

from requests_app.accounts.selectors import chosen_language
from requests_app.cases.models import AssistanceRequest
from requests_app.demo.engagement import EngagementSeeder
from requests_app.demo.partners import seed_partners
from requests_app.demo.roster import seed_roster
from requests_app.demo.staff import ensure_users
from tests.browser.journeys import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def staff(db):
    """The demo users and the demo's countries with several engagements (Liberia, Nepal, Haiti)."""
    import io

    from django.utils import timezone

    team = ensure_users()
    seed_partners(focal_point=team.focal_point, seed=62150)
    seed_roster(team=team)
    EngagementSeeder(seed=62150, team=team, now=timezone.now(), stdout=io.StringIO()).run()
    return {user.username: user for user in [team.focal_point, team.clerk, *team.officers]}


def box(locator):
    found = locator.bounding_box()
    assert found is not None, "not on the screen"
    return found


def right_edge(locator):
    found = box(locator)
    return found["x"] + found["width"]


def expect_right_to_left(page, lang="ar"):
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", lang)


def test_arabic_pages_are_laid_out_right_to_left(journey, staff):
    focal_point = journey.actor(staff["hlindqvist"], "focal point")
    page = focal_point.page

    # The switcher of the menu: each language by its own name; the choice is kept.
    page.locator("details.languages summary").click()
    focal_point.shot("the-switcher")
    page.locator("details.languages").get_by_role("button", name="العربية").click()
    expect_right_to_left(page)
    assert chosen_language(type(staff["hlindqvist"]).objects.get(pk=staff["hlindqvist"].pk)) == "ar"

    # The dashboard: the menu runs from the right; the bars grow from the right; the chart's first year
    # is on the right.
    menu = page.get_by_role("navigation").first.locator("a")
    assert box(menu.first)["x"] > box(menu.last)["x"]
    assert box(page.locator(".brand"))["x"] > box(page.locator(".who"))["x"]
    bar = page.locator("table.bars svg.bar").first
    rect = bar.locator("rect")
    assert abs(right_edge(rect) - right_edge(bar)) < 2, "a bar starts at the right of its cell"
    years = page.locator("svg.chart text.xlabel")
    assert box(years.first)["x"] > box(years.last)["x"]
    ticks = page.locator("svg.chart text.tick")
    assert box(ticks.first)["x"] > box(page.locator("svg.chart rect").first)["x"], "the scale is on the right"
    focal_point.shot("dashboard")

    # The case list: the first column on the right.
    page.goto("/cases/")
    expect_right_to_left(page)
    headers = page.locator("table.cases thead th")
    assert box(headers.first)["x"] > box(headers.last)["x"]
    focal_point.shot("case-list")

    # A case with its history: the timeline's line on the right of its entries.
    case = AssistanceRequest.objects.filter(member_state__iso3="LBR").order_by("-received_date").first()
    page.goto(f"/cases/{case.reference}/")
    entry = page.locator("ol.timeline > li").first
    assert entry.evaluate("e => getComputedStyle(e).borderRightWidth") == "3px"
    assert entry.evaluate("e => getComputedStyle(e).borderLeftWidth") == "0px"
    assert box(page.locator(".case-grid > :first-child"))["x"] > box(page.locator(".case-grid > aside"))["x"]
    focal_point.shot("case-page")
    focal_point.shot("case-history", focus=page.locator("ol.timeline"))

    # The country file: the timeline's first period on the right, the lanes' labels on the right.
    page.goto("/countries/LBR/")
    timeline = page.locator("table.engagement-timeline")
    periods = timeline.locator("thead tr.periods th")
    assert box(periods.first)["x"] > box(periods.last)["x"]
    assert box(timeline.locator("th.lane-label").first)["x"] > box(periods.first)["x"]
    focal_point.shot("country-file")
    focal_point.shot("country-timeline", focus=timeline)

    # The intake desk follows: Django's admin in Arabic, its list from the right.
    page.goto("/admin/requests_app/assistancerequest/")
    expect_right_to_left(page)
    columns = page.locator("#result_list thead th")
    assert box(columns.nth(1))["x"] > box(columns.last)["x"]
    focal_point.shot("admin-list")
    journey.assert_clean()
