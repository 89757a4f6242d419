"""The list of countries (/countries/): each with its open and closed cases the reader may see and
its last activity; searchable by name, accents ignored; by regional group."""

import pytest
from django.urls import reverse

from requests_app.cases import services
from requests_app.history.models import CaseEvent
from tests.factories import new_request

pytestmark = pytest.mark.django_db

URL = reverse("workspace:country-list")


@pytest.fixture
def cases(officer):
    ghana = [new_request(actor=officer, state="GHA") for _ in range(3)]
    services.withdraw(actor=officer, case=ghana[0], comment="Note verbale withdrawing the request.")
    peru = new_request(actor=officer, state="PER")
    ivory = new_request(actor=officer, state="CIV")
    return {"ghana": ghana, "peru": peru, "ivory": ivory}


def rows(response):
    return {row.country.iso3: row for row in response.context["rows"]}


def test_each_country_with_cases_shows_its_open_and_closed_cases_and_last_activity(client, focal, cases):
    client.force_login(focal)
    response = client.get(URL)

    assert response.status_code == 200
    listed = rows(response)
    assert set(listed) == {"GHA", "PER", "CIV"}
    ghana = listed["GHA"]
    assert (ghana.open, ghana.closed) == (2, 1)
    assert ghana.last_activity == CaseEvent.objects.filter(case__in=cases["ghana"]).latest("created_at").created_at
    assert (listed["PER"].open, listed["PER"].closed) == (1, 0)
    page = response.content.decode()
    assert f'href="{reverse("workspace:country-file", args=["GHA"])}"' in page
    # By name.
    assert [row.country.iso3 for row in response.context["rows"]] == ["CIV", "GHA", "PER"]


def test_the_search_finds_a_country_by_its_name_without_accents_even_without_cases(client, focal, cases):
    client.force_login(focal)

    assert set(rows(client.get(URL + "?q=cote+d%27ivoire"))) == {"CIV"}
    assert set(rows(client.get(URL + "?q=ghana"))) == {"GHA"}
    assert set(rows(client.get(URL + "?q=civ"))) == {"CIV"}  # its ISO code
    norway = rows(client.get(URL + "?q=norw"))
    assert set(norway) == {"NOR"} and (norway["NOR"].open, norway["NOR"].closed, norway["NOR"].last_activity) == (
        0,
        0,
        None,
    )


def test_filters_by_regional_group_and_lists_countries_without_cases_on_request(client, focal, cases):
    client.force_login(focal)

    assert set(rows(client.get(URL + "?region=AFRICAN"))) == {"GHA", "CIV"}
    everyone = rows(client.get(URL + "?without_cases=on"))
    assert len(everyone) > 150 and everyone["NOR"].open == 0


def test_a_filter_that_cannot_be_read_is_said_and_ignored(client, focal, cases):
    client.force_login(focal)
    response = client.get(URL + "?region=ATLANTIS&q=" + "x" * 300)

    assert response.status_code == 200
    assert set(rows(response)) == {"GHA", "PER", "CIV"}
    assert response.content.decode().count("This filter was ignored") == 2


def test_a_user_sees_the_counts_of_the_cases_in_their_scope_only(client, other_desk, cases):
    client.force_login(other_desk)

    listed = rows(client.get(URL))

    assert set(listed) == {"PER"}
    assert rows(client.get(URL + "?q=ghana"))["GHA"].open == 0


def test_the_list_costs_the_same_queries_for_few_or_many_cases(client, focal, officer, django_assert_num_queries):
    for state in ("GHA", "PER", "KEN", "NPL"):
        new_request(actor=officer, state=state)
    client.force_login(focal)
    # The user, their permissions and groups, the countries, the figures (the session is in the cache).
    with django_assert_num_queries(5):
        client.get(URL)
    for state in ("GHA", "MLI", "BRA", "IND", "FRA"):
        new_request(actor=officer, state=state)
    with django_assert_num_queries(5):
        client.get(URL)
