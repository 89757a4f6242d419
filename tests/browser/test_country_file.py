"""The country file in a real browser: a desk officer goes from the case list to a country, reads
its summary and timeline and follows a case back; a team lead of another desk sees only what their
scope allows; the intake desk's list leads to the same file. Screenshots: test-artifacts/screenshots/."""

import re

import pytest

from requests_app.cases.models import AssistanceRequest
from requests_app.demo.engagement import EngagementSeeder
from requests_app.demo.partners import seed_partners
from requests_app.demo.roster import seed_roster
from requests_app.demo.staff import ensure_users
from requests_app.partners.models import PartnerContribution
from requests_app.roster.models import Deployment
from tests.browser.journeys import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def staff(db):
    """The demo users, and the demo's countries with several engagements (Liberia, Nepal, Haiti)."""
    import io

    from django.utils import timezone

    team = ensure_users()
    seed_partners(focal_point=team.focal_point, seed=62150)
    seed_roster(team=team)
    EngagementSeeder(seed=62150, team=team, now=timezone.now(), stdout=io.StringIO()).run()
    return {user.username: user for user in [team.focal_point, team.clerk, *team.officers]}


def liberia():
    return list(AssistanceRequest.objects.filter(member_state__iso3="LBR").order_by("-received_date"))


def test_a_desk_officer_reads_a_countrys_engagement_and_follows_a_case(journey, staff):
    officer = journey.actor(staff["lhaddad"], "officer")  # the African desk: Liberia's cases
    page = officer.page
    cases = liberia()
    open_case = next(case for case in cases if case.is_open)

    # From the case list, the country's name in a row of one of its cases.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases", exact=True).click()
    page.locator("#id_member_state").select_option("LBR")
    page.get_by_role("button", name="Apply").click()
    row = page.locator("table.cases tbody tr").filter(has_text=open_case.reference)
    officer.shot("case-list")
    row.get_by_role("link", name="Liberia").click()

    expect(page).to_have_url(re.compile(r"/countries/LBR/$"))
    expect(page.get_by_role("heading", name="Liberia", level=1)).to_be_visible()
    # The summary comes first: the cases, the open one with its stage and deadline, the next election.
    summary = page.locator("section.country-summary")
    expect(summary).to_contain_text(f"{len(cases)} cases since {cases[-1].received_date.year}: 1 open, 3 closed")
    expect(summary.locator(".open-cases li")).to_have_count(1)
    expect(summary.locator(".open-cases li")).to_contain_text(open_case.reference)
    expect(summary.locator(".open-cases li")).to_contain_text("In implementation")
    expect(summary.locator(".open-cases li")).to_contain_text("due")
    expect(summary.locator(".next-election")).to_contain_text(open_case.reference)
    officer.shot("country-file")

    # The timeline: the elections as milestones, one lane per case, decisions and deployments on them.
    timeline = page.locator("table.engagement-timeline")
    expect(timeline.locator("tr.milestones .mark-election")).to_have_count(
        sum(case.elections.count() for case in cases)
    )
    expect(timeline.locator("tr.lane")).to_have_count(len(cases))
    newest = timeline.locator("tr.lane").first
    expect(newest).to_contain_text(open_case.reference)
    expect(newest.locator(".mark-decision")).to_have_count(1)
    expect(newest.locator("td.deployed").first).to_have_attribute("title", re.compile(r"Civic education adviser"))
    oldest = timeline.locator("tr.lane").last
    expect(oldest.locator("td.on.ended").first).to_be_visible()
    officer.shot("timeline", focus=timeline)

    # The sections, newest first, each case's rows with it: experts, partners.
    sections = page.locator("section.country-section")
    expect(page.locator("#section-cases tbody tr").first).to_contain_text(open_case.reference)
    deployed = Deployment.objects.filter(case__in=cases).count()
    contributed = PartnerContribution.objects.filter(case__in=cases).count()
    assert deployed >= 4 and contributed >= 4
    expect(page.locator("#section-deployments tbody tr")).to_have_count(deployed)
    expect(page.locator("#section-contributions tbody tr")).to_have_count(contributed)
    expect(sections.filter(has_text="Trust Fund")).to_have_count(0)  # officers do not read the fund

    # Back to a case from its lane; the case page leads to the country file again.
    oldest.get_by_role("link", name=cases[-1].reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(cases[-1].reference)
    officer.shot("case-page")
    page.locator("h1 .country-link").click()
    expect(page.get_by_role("heading", name="Liberia", level=1)).to_be_visible()
    journey.assert_clean()


def test_a_team_lead_of_another_desk_sees_only_what_their_scope_allows(journey, staff):
    lead = journey.actor(staff["therrera"], "team lead")  # Latin America and the Caribbean, not Africa
    page = lead.page

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Countries").click()
    listed = page.locator("table.countries tbody tr")
    expect(listed.filter(has_text="Haiti")).to_have_count(1)
    expect(listed.filter(has_text="Liberia")).to_have_count(0)  # none of its cases is theirs
    lead.shot("countries")
    page.get_by_label("Country").fill("liberia")
    page.get_by_role("button", name="Apply").click()
    expect(listed).to_have_count(1)
    listed.get_by_role("link", name="Liberia").click()

    expect(page.get_by_role("heading", name="Liberia", level=1)).to_be_visible()
    expect(page.locator("section.country-summary")).to_contain_text("No case of this country that you can see.")
    for case in liberia():
        expect(page.get_by_text(case.reference)).to_have_count(0)
    expect(page.locator("table.engagement-timeline")).to_have_count(0)
    lead.shot("liberia-out-of-scope")

    # Haiti is theirs: its whole file.
    page.goto("/countries/HTI/")
    haiti = AssistanceRequest.objects.filter(member_state__iso3="HTI").count()
    expect(page.locator("table.engagement-timeline tr.lane")).to_have_count(haiti)
    lead.shot("haiti")
    journey.assert_clean()


def test_the_intake_desks_list_leads_to_the_country_file(journey, staff):
    clerk = journey.actor(staff["pnair"], "intake clerk")
    page = clerk.page
    case = liberia()[0]

    page.goto(f"/admin/requests_app/assistancerequest/?q={case.reference}")
    row = page.locator("#result_list tbody tr").filter(has_text=case.reference)
    row.get_by_role("link", name="Liberia").click()
    expect(page.get_by_role("heading", name="Liberia", level=1)).to_be_visible()
    expect(page.locator("section.country-summary")).to_contain_text(case.reference)
    clerk.shot("from-the-admin")
    journey.assert_clean()
