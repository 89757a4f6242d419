"""The briefing's page: who sees it, its figures, its period and what it says of a bad one."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from requests_app.core import roles
from tests.factories import UserFactory
from tests.reports.helpers import END, EXPECTED_TOTALS, PAGE, QUERY, START, focal_point

pytestmark = pytest.mark.django_db


def test_the_page_needs_the_briefing_permission(client, officer):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(officer)  # may move every case, but not see the briefing
    for url in (PAGE, PAGE + QUERY, reverse("workspace:briefing-csv"), reverse("workspace:briefing-pdf")):
        assert client.get(url).status_code == 403
    assert "Briefing" not in client.get(reverse("workspace:dashboard")).content.decode()


@pytest.mark.parametrize("role", [roles.FOCAL_POINT, roles.TEAM_LEAD, roles.AUDITOR, roles.FINANCE])
def test_the_roles_that_brief_see_the_page(client, role):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    assert client.get(PAGE).status_code == 200


def test_the_page_shows_the_figures_of_the_period(client, history):
    history.move_on()
    client.force_login(focal_point())
    response = client.get(PAGE + QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["briefing"].totals == EXPECTED_TOTALS
    assert "1 Jan 2026 – 31 Mar 2026" in html
    assert "Côte d&#x27;Ivoire" in html and "Türkiye" in html
    assert "Pending at the end of the period" in html and "How the figures are counted" in html
    for kind in ("csv", "xlsx", "pdf"):
        assert f'href="{reverse(f"workspace:briefing-{kind}")}?from=2026-01-01&amp;to=2026-03-31"' in html
    assert 'aria-current="page">Briefing</a>' in html
    assert "This period is not over" not in html


def test_the_page_defaults_to_the_last_complete_quarter(client, history):
    history.move_on()  # the clock stops on 4 May 2026
    client.force_login(focal_point())
    response = client.get(PAGE)
    assert response.status_code == 200
    assert (response.context["briefing"].start, response.context["briefing"].end) == (START, END)
    assert 'value="2026-01-01"' in response.content.decode()


def test_a_period_not_over_says_so(client, history):
    history.move_on()
    client.force_login(focal_point())
    response = client.get(PAGE + "?from=2026-04-01&to=2026-06-30")
    assert response.status_code == 200
    assert "This period is not over yet" in response.content.decode()


@pytest.mark.parametrize(
    "query, message",
    [
        ("?from=2026-02-30&to=2026-03-31", "This is not a date"),
        ("?from=2026-03-31&to=2026-01-01", "ends before it starts"),
        ("?from=%01&to=x", "This is not a date"),  # a NUL is refused before any page (test_hostile_input)
        ("?from=99999-01-01&to=2026-01-01", "This is not a date"),
    ],
)
def test_a_bad_period_gives_a_message_not_an_error(client, query, message):
    client.force_login(focal_point())
    for url in (
        PAGE,
        reverse("workspace:briefing-csv"),
        reverse("workspace:briefing-xlsx"),
        reverse("workspace:briefing-pdf"),
    ):
        response = client.get(url + query)
        assert response.status_code == 400
        assert message in response.content.decode()


def test_the_last_day_of_the_calendar_is_no_error(client):
    client.force_login(focal_point())
    assert client.get(PAGE + "?from=2026-01-01&to=9999-12-31").status_code == 200
