"""A case for a territory or an observer State: opened at intake, found by the filters, shown with
what the country is, counted in the briefing under its name and region."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app.cases.models import AssistanceRequest
from requests_app.reference.models import MemberState
from requests_app.reports.selectors import build_briefing
from tests.admin_forms import intake_data
from tests.cases.helpers import LIST, listed
from tests.factories import assistance_type, new_request

pytestmark = pytest.mark.django_db

ADMIN_ADD = reverse("admin:requests_app_assistancerequest_add")
ADMIN_LIST = reverse("admin:requests_app_assistancerequest_changelist")
COUNTRIES = reverse("admin:requests_app_memberstate_changelist")


@pytest.fixture
def cases(officer):
    return {
        "ghana": new_request(actor=officer, state="GHA"),
        "caledonia": new_request(actor=officer, state="NCL", summary="Special electoral rolls."),
        "palestine": new_request(actor=officer, state="PSE", summary="Local elections."),
        "kosovo": new_request(actor=officer, state="XKX", summary="Municipal elections."),
    }


def test_the_intake_desk_opens_a_case_for_a_territory(client, clerk):
    client.force_login(clerk)
    tokelau = MemberState.objects.get(iso3="TKL")
    types = [assistance_type("civic-education"), assistance_type("national-observers")]
    data = intake_data(
        member_state=str(tokelau.pk),
        requesting_authority="Permanent Representative of New Zealand, for the administering Power",
        authority_type="permanent_mission",
        requested_types=[str(t.pk) for t in types],
    )
    response = client.post(ADMIN_ADD, data, follow=True)
    assert response.status_code == 200
    case = AssistanceRequest.objects.get()
    assert case.member_state == tokelau and set(case.requested_types.all()) == set(types)
    assert "Tokelau (territory)" in response.content.decode()  # the intake desk's list of cases
    page = client.get(reverse("admin:requests_app_assistancerequest_change", args=[case.pk])).content.decode()
    assert "Territory, administered by New Zealand" in page


def test_the_intake_form_offers_the_types_under_the_typology_headings(client, clerk):
    client.force_login(clerk)
    page = client.get(ADMIN_ADD).content.decode()
    assert page.index("Technical assistance") < page.index("Women&#x27;s participation and inclusion")
    assert page.index("Expert panels") < page.index("Only on a Security Council or General Assembly mandate")
    assert "Election situation room" not in page


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?status=member_state", {"ghana"}),
        ("?status=observer_state", {"palestine"}),
        ("?status=territory", {"caledonia", "kosovo"}),
        ("?status=territory&region=ASIA_PACIFIC", {"caledonia"}),
        ("?member_state=XKX", {"kosovo"}),
        ("?region=ASIA_PACIFIC", {"caledonia", "palestine"}),
        ("?q=caledonia", {"caledonia"}),
        ("?q=kosovo", {"kosovo"}),
    ],
)
def test_the_case_list_filters_by_status_and_finds_territories(client, officer, cases, query, expected):
    client.force_login(officer)
    assert set(listed(client, query)) == {cases[name].reference for name in expected}


def test_the_case_list_marks_what_is_not_a_member_state_and_groups_its_country_filter(client, officer, cases):
    client.force_login(officer)
    page = client.get(LIST).content.decode()
    assert 'New Caledonia</a> <span class="muted">(territory)</span>' in page
    assert 'State of Palestine</a> <span class="muted">(observer State)</span>' in page
    assert 'Ghana</a> <span class="muted">' not in page
    assert page.index('<optgroup label="Member State">') < page.index('<optgroup label="Observer State">')
    assert page.index('<optgroup label="Observer State">') < page.index('<optgroup label="Territory">')
    assert page.index('<optgroup label="Territory">') < page.index('<option value="NCL">New Caledonia</option>')
    refused = client.get(LIST + "?status=banana")
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()


def test_the_case_page_shows_what_the_country_is(client, officer, cases):
    client.force_login(officer)
    page = client.get(reverse("workspace:case-detail", args=[cases["kosovo"].reference])).content.decode()
    assert "Territory" in page and "Security Council resolution 1244 (1999)" in page
    assert "Eastern European States (by geography)" in page
    page = client.get(reverse("workspace:case-detail", args=[cases["caledonia"].reference])).content.decode()
    assert "Territory, administered by France" in page


def test_the_admin_case_list_filters_by_status(client, officer, cases):
    client.force_login(officer)
    response = client.get(ADMIN_LIST + "?country_status=territory")
    shown = {case.reference for case in response.context["cl"].result_list}
    assert shown == {cases["caledonia"].reference, cases["kosovo"].reference}
    assert "Member State, observer State or territory" in response.content.decode()


def test_the_admin_country_list_filters_by_status_and_searches(client, officer):
    client.force_login(officer)
    response = client.get(COUNTRIES + "?status__exact=territory")
    names = {country.name for country in response.context["cl"].result_list}
    assert len(names) == 18 and "New Caledonia" in names and "Ghana" not in names
    response = client.get(COUNTRIES + "?status__exact=observer_state")
    assert {c.name for c in response.context["cl"].result_list} == {"Holy See", "State of Palestine"}
    response = client.get(COUNTRIES + "?q=malvinas")
    assert [c.iso3 for c in response.context["cl"].result_list] == ["FLK"]
    assert "Territory" in response.content.decode()


def test_the_types_are_not_added_or_removed_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:requests_app_assistancetype_add")).status_code == 403
    observation = assistance_type("observation")
    page = admin_client.get(reverse("admin:requests_app_assistancetype_change", args=[observation.pk]))
    assert page.status_code == 200
    assert 'name="requires_mandate"' not in page.content.decode()  # the rule of the typology, not a setting


def test_the_briefing_names_a_territory_as_such_and_counts_it_in_its_region(officer, cases):
    today = timezone.localdate()
    report = build_briefing(today - datetime.timedelta(days=30), today)
    caledonia = report.by_state["NCL"]
    assert caledonia.label == "New Caledonia (territory)"
    assert report.by_state["GHA"].label == "Ghana"
    assert report.by_region["ASIA_PACIFIC"].received == 2  # New Caledonia and the State of Palestine
    assert report.states_requesting == 4
    rows = next(table for table in report.tables() if table.key == "states").rows
    assert ["New Caledonia (territory)", "Asia-Pacific States"] == rows[[r[0] for r in rows].index(caledonia.label)][:2]


def test_a_territorys_case_belongs_to_the_desk_of_its_region(cases):
    from django.contrib.auth.models import Group

    from requests_app.cases import selectors
    from tests.factories import team_lead_of

    lead = team_lead_of("NCL")
    lead.groups.add(Group.objects.get(name="Team lead"))
    lead = type(lead).objects.get(pk=lead.pk)  # without a stale permission cache
    visible = set(selectors.visible_cases(lead).values_list("reference", flat=True))
    assert visible == {cases["caledonia"].reference, cases["palestine"].reference}  # the Asia-Pacific desk's
    assert selectors.may_work_on(lead, cases["caledonia"])
