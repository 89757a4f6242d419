"""The roster page: it filters by expertise, language, region, gender and availability, shows its
gender and regional balance, and is read by every role, at a fixed number of queries.
"""

import datetime

import pytest
from django.urls import reverse

from requests_app.roster import services
from requests_app.roster.models import Language
from tests.factories import (
    DeploymentFactory,
    ExpertFactory,
    member_state,
)
from tests.roster.helpers import ROSTER, D, deploy, query_count

pytestmark = pytest.mark.django_db


def listed(client, query=""):
    response = client.get(ROSTER + query)
    assert response.status_code == 200
    return {expert.given_name.lower() for expert in response.context["page"].object_list}


ACTIVE = {"amina", "carlos", "olena", "mei", "jean", "sam", "priya"}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ACTIVE),
        ("?status=active", ACTIVE),
        ("?status=inactive", {"ahmed"}),
        ("?status=all", ACTIVE | {"ahmed"}),
        ("?expertise=legal-framework", {"amina", "jean"}),
        ("?expertise=legal-framework&expertise=dispute-resolution", {"amina"}),
        ("?expertise=results-management&expertise=voter-registration", {"sam"}),
        ("?expertise=observation", set()),
        ("?language=fr", {"amina", "jean"}),
        ("?language=fr&status=all", {"amina", "jean", "ahmed"}),
        ("?language=en&language=ru", {"olena"}),
        ("?region=ASIA_PACIFIC", {"mei", "priya"}),
        ("?region=WESTERN_EUROPEAN_OTHERS", {"jean", "sam"}),
        ("?gender=female", {"amina", "olena", "mei"}),
        ("?gender=other", {"sam"}),
        ("?q=dupont", {"jean"}),
        ("?q=MEI+lin", {"mei"}),
        ("?q=ko", {"olena"}),
        ("?region=AFRICAN&language=fr&expertise=legal-framework", {"amina"}),
    ],
)
def test_each_filter_narrows_the_roster(client, team, roster, query, expected):
    client.force_login(team["officer"])
    assert listed(client, query) == expected


@pytest.mark.parametrize(
    "query, expected",
    [
        # Amina is booked 10-20 March; Jean is available from June; Sam until 30 April.
        ("?available_from=2026-03-15&available_to=2026-03-25", ACTIVE - {"amina", "jean"}),
        ("?available_from=2026-03-21&available_to=2026-03-31", ACTIVE - {"jean"}),  # the day after Amina's
        ("?available_from=2026-03-01&available_to=2026-03-10", ACTIVE - {"amina", "jean"}),  # ends on her first day
        ("?available_from=2026-03-20", ACTIVE - {"amina", "jean"}),  # one date: that day
        ("?available_to=2026-03-09", ACTIVE - {"jean"}),
        ("?available_from=2026-05-01&available_to=2026-05-31", ACTIVE - {"sam", "jean"}),
        ("?available_from=2026-06-01&available_to=2026-06-30", ACTIVE - {"sam"}),
        ("?available_from=2026-03-02&available_to=2026-03-03", ACTIVE - {"jean"}),  # Carlos's booking was cancelled
        ("?available_from=2026-03-15&available_to=2026-03-25&status=all", ACTIVE - {"amina", "jean"}),  # active only
        ("?available_from=2026-03-15&available_to=2026-03-25&language=fr", set()),
    ],
)
def test_the_availability_filter(client, team, roster, query, expected):
    client.force_login(team["officer"])
    assert listed(client, query) == expected


@pytest.mark.parametrize(
    "query",
    [
        "?expertise=bogus",
        "?language=xx",
        "?region=MARS",
        "?gender=robot",
        "?available_from=soon",
        "?available_to=2026-02-30",
        "?status=bogus",
        "?available_from=2026-05-10&available_to=2026-05-01",
    ],
)
def test_an_invalid_filter_says_so_and_never_fails(client, team, roster, query):
    client.force_login(team["officer"])
    response = client.get(ROSTER + query)
    assert response.status_code == 200
    assert any("This filter was ignored" in str(m) for m in response.context["messages"])
    # The invalid filter is ignored; the default (experts on the roster) still applies.
    assert {e.given_name.lower() for e in response.context["page"].object_list} == ACTIVE


def test_a_reversed_period_says_which_end_is_wrong(client, team, roster):
    client.force_login(team["officer"])
    response = client.get(ROSTER + "?available_from=2026-05-10&available_to=2026-05-01")
    messages = " ".join(str(m) for m in response.context["messages"])
    assert "Available until: The end of the period is before its start. This filter was ignored." in messages


def test_paging_and_bad_page_numbers(client, team, db):
    for n in range(55):
        ExpertFactory(family_name=f"Expert{n:02d}")
    client.force_login(team["officer"])
    response = client.get(ROSTER)
    assert "55 experts match" in response.content.decode()
    assert len(response.context["page"].object_list) == 50
    assert len(client.get(ROSTER + "?page=2").context["page"].object_list) == 5
    assert client.get(ROSTER + "?page=zzz").status_code == 200
    assert client.get(ROSTER + "?page=99").context["page"].number == 2


def test_the_filters_live_in_the_url_and_survive_paging(client, team, db):
    for n in range(55):
        ExpertFactory(family_name=f"Expert{n:02d}", languages=["fr"])
    client.force_login(team["officer"])
    html = client.get(ROSTER + "?language=fr").content.decode().split("<main", 1)[1]  # not the menu's switcher
    assert 'href="?language=fr&amp;page=2"' in html
    assert 'value="fr" checked' in html or 'value="fr"\n' in html or "checked" in html.split('value="fr"', 1)[1][:40]


def test_official_languages_come_first_in_their_own_group(client, team, db):
    client.force_login(team["officer"])
    response = client.get(ROSTER)
    groups = response.context["filter"].form.fields["language"].choices
    assert [label for label, _options in groups] == ["Official UN languages", "Other languages"]
    assert [str(option[1]) for option in groups[0][1]] == [
        "Arabic",
        "Chinese",
        "English",
        "French",
        "Russian",
        "Spanish",
    ]
    assert Language.objects.count() == 6 + len(groups[1][1])


# Diversity ----------------------------------------------------------------------------------------


def shares(rows, field="value"):
    return {row["key"]: row[field] for row in rows if row["value"] or field != "value"}


def test_the_diversity_of_the_whole_roster(client, team, roster):
    client.force_login(team["officer"])
    figures = client.get(ROSTER).context["figures"]
    # The seven experts on the roster (Ahmed is off it).
    assert figures["total"] == 7 and not figures["compared"]
    assert shares(figures["gender"]) == {"female": 3, "male": 2, "other": 1, "undisclosed": 1}
    assert shares(figures["gender"], "pct") == {"female": 42.9, "male": 28.6, "other": 14.3, "undisclosed": 14.3}
    assert figures["women_pct"] == 43
    assert shares(figures["region"]) == {
        "AFRICAN": 1,
        "LATIN_AMERICAN_CARIBBEAN": 1,
        "EASTERN_EUROPEAN": 1,
        "ASIA_PACIFIC": 2,
        "WESTERN_EUROPEAN_OTHERS": 2,
    }
    assert shares(figures["region"], "pct")["ASIA_PACIFIC"] == 28.6
    assert figures["regions_present"] == 5


def test_the_diversity_of_the_experts_matching_the_filters_beside_the_whole_roster(client, team, roster):
    client.force_login(team["officer"])
    response = client.get(ROSTER + "?language=fr")
    figures = response.context["figures"]
    assert figures["compared"] and (figures["total"], figures["whole_total"]) == (2, 7)
    assert shares(figures["gender"]) == {"female": 1, "male": 1}
    assert shares(figures["gender"], "pct") == {"female": 50.0, "male": 50.0, "other": 0, "undisclosed": 0}
    assert shares(figures["gender"], "whole_pct") == {"female": 42.9, "male": 28.6, "other": 14.3, "undisclosed": 14.3}
    assert shares(figures["region"]) == {"AFRICAN": 1, "WESTERN_EUROPEAN_OTHERS": 1}
    html = response.content.decode()
    assert "Diversity of the 2 experts matching these filters" in html
    assert "the whole roster (7 experts)" in html


def test_the_diversity_charts_are_drawn_on_the_server(client, team, roster):
    client.force_login(team["officer"])
    html = client.get(ROSTER).content.decode()
    section = html.split('class="card diversity"', 1)[1].split("</section>", 1)[0]
    assert "<svg" in section and "<script" not in html and "style=" not in section
    assert 'width="42.9"' in section  # women's share of the stacked bar
    assert "http" not in section.replace("http://www.w3.org", "")


def test_nobody_to_count_says_so(client, team, db):
    client.force_login(team["officer"])
    response = client.get(ROSTER + "?gender=female")
    assert response.context["figures"]["total"] == 0
    assert "No expert to count." in response.content.decode()


# Who sees the roster ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status",
    [
        ("clerk", 200),
        ("officer", 200),
        ("lead", 200),
        ("focal", 200),
        ("finance", 200),
        ("auditor", 200),
        ("nobody", 403),
    ],
)
def test_every_role_reads_the_roster(client, team, roster, who, status):
    client.force_login(team[who])
    assert client.get(ROSTER).status_code == status
    assert client.get(reverse("workspace:expert-detail", args=[roster["amina"].pk])).status_code == status


def test_anonymous_users_are_sent_to_log_in(client, roster):
    for url in (ROSTER, reverse("workspace:expert-detail", args=[roster["amina"].pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_roster_is_in_the_menu_of_those_who_may_read_it(client, team):
    client.force_login(team["clerk"])
    assert f'href="{ROSTER}"' in client.get(reverse("workspace:dashboard")).content.decode()


def test_the_roster_shows_current_and_next_deployments_linking_only_cases_in_scope(client, team, cases, roster):
    deploy(team["focal"], cases["peru"], roster["olena"], D(2026, 2, 20), D(2026, 3, 10), role="Results adviser")
    deploy(team["focal"], cases["peru"], roster["olena"], D(2026, 4, 1), D(2026, 4, 10), role="Results adviser")
    client.force_login(team["officer"])
    response = client.get(ROSTER)
    rows = {e.given_name: e for e in response.context["page"].object_list}
    assert rows["Olena"].current_deployment.starts_on == D(2026, 2, 20)
    assert rows["Olena"].next_deployment.starts_on == D(2026, 4, 1)
    assert rows["Amina"].current_deployment is None and rows["Amina"].next_deployment.case == cases["ghana"]
    html = response.content.decode()
    assert reverse("workspace:case-detail", args=[cases["ghana"].reference]) in html
    # Peru is outside the officer's desks: the booking matters to planning, its case does not.
    assert cases["peru"].reference not in html
    assert "Booked" in html


def test_the_roster_costs_a_fixed_number_of_queries(client, team, cases, frozen, django_assert_num_queries):
    client.force_login(team["officer"])
    # One expert, booked on a desk colleague's case: the desks are read once, whatever the rows.
    DeploymentFactory(case=cases["kenya"], starts_on=D(2026, 4, 20), ends_on=D(2026, 5, 5))
    few = query_count(client, ROSTER)
    few_filtered = query_count(client, ROSTER + "?language=fr&expertise=legal-framework&available_from=2026-04-01")
    for n in range(30):
        expert = ExpertFactory(
            languages=["fr", "ar", "sw"],
            expertise=["legal-framework", "training"],
            nationality=member_state(["GHA", "PER", "FRA", "IND"][n % 4]),
        )
        DeploymentFactory(
            expert=expert, case=cases["ghana" if n % 2 else "peru"], starts_on=D(2026, 2, 20), ends_on=D(2026, 3, 5)
        )
        DeploymentFactory(expert=expert, case=cases["kenya"], starts_on=D(2026, 4, 20), ends_on=D(2026, 5, 5))
    with django_assert_num_queries(few):
        client.get(ROSTER)
    with django_assert_num_queries(few_filtered):
        client.get(ROSTER + "?language=fr&expertise=legal-framework&available_from=2026-04-01")


# An expert's page ---------------------------------------------------------------------------------


def test_the_expert_page_shows_details_and_history(client, team, cases, roster):
    amina = roster["amina"]
    deploy(team["focal"], cases["peru"], amina, D(2026, 5, 1), D(2026, 5, 10), role="Dispute resolution adviser")
    past = deploy(team["lead"], cases["kenya"], amina, D(2026, 1, 5), D(2026, 1, 14))
    services.cancel_deployment(actor=team["lead"], deployment=past, comment="Replaced by a national expert.")
    client.force_login(team["officer"])
    response = client.get(reverse("workspace:expert-detail", args=[amina.pk]))
    html = response.content.decode()
    for text in (
        "Amina Diallo",
        "Senegal",
        "African States",
        "Female",
        "Legal framework",
        "French",
        "Replaced by a national expert.",
        "Cancelled",
        "Upcoming",
    ):
        assert text in html, text
    assert [d.status for d in response.context["deployments"]] == ["upcoming", "upcoming", "cancelled"]
    assert response.context["days_deployed"] == 0  # the cancelled one does not count; the others lie ahead
    deploy(team["lead"], cases["kenya"], amina, D(2026, 2, 20), D(2026, 3, 5))
    response = client.get(reverse("workspace:expert-detail", args=[amina.pk]))
    assert response.context["days_deployed"] == 10  # 20 February to 1 March, today
    assert reverse("workspace:case-detail", args=[cases["ghana"].reference]) in html
    assert reverse("workspace:case-detail", args=[cases["kenya"].reference]) in html
    # Peru is outside the officer's desks: "booked", its dates, neither its reference nor the role.
    assert cases["peru"].reference not in html
    assert "Dispute resolution adviser" not in html
    assert "Booked" in html and "1 May 2026" in html
    assert "outside your desks" in html


def test_the_expert_page_hides_the_reason_for_a_cancellation_outside_scope(client, team, cases, roster):
    client.force_login(team["officer"])
    html = client.get(reverse("workspace:expert-detail", args=[roster["carlos"].pk])).content.decode()
    assert "Booked" in html and cases["peru"].reference not in html and "Visa refused." not in html
    client.force_login(team["andean"])
    assert (
        "Visa refused." in client.get(reverse("workspace:expert-detail", args=[roster["carlos"].pk])).content.decode()
    )


def test_an_unknown_expert_is_not_found(client, team, db):
    client.force_login(team["officer"])
    assert client.get(reverse("workspace:expert-detail", args=[999999])).status_code == 404


def test_the_expert_page_costs_a_fixed_number_of_queries(client, team, cases, frozen):
    expert = ExpertFactory()
    first = DeploymentFactory(expert=expert, case=cases["kenya"], starts_on=D(2024, 1, 1), ends_on=D(2024, 1, 5))
    services.cancel_deployment(actor=team["focal"], deployment=first, comment="Reason")
    client.force_login(team["officer"])
    url = reverse("workspace:expert-detail", args=[expert.pk])
    few = query_count(client, url)
    for n in range(20):
        deployment = DeploymentFactory(
            expert=expert,
            case=cases[["ghana", "kenya", "peru"][n % 3]],
            starts_on=D(2025, 1, 1) + datetime.timedelta(days=10 * n),
            ends_on=D(2025, 1, 5) + datetime.timedelta(days=10 * n),
        )
        if n % 4 == 0:
            services.cancel_deployment(actor=team["focal"], deployment=deployment, comment=f"Reason {n}")
    assert query_count(client, url) == few


def test_the_roster_names_languages_and_nationalities_in_the_readers_language(client, team, db):
    ExpertFactory(family_name="Okonjo", languages=["zh", "sw"], nationality=member_state("CIV"))
    client.force_login(team["officer"])
    page = client.get(ROSTER, HTTP_ACCEPT_LANGUAGE="fr").content.decode().split("<main", 1)[1]
    assert "Chinois" in page and "Swahili" in page and "Côte d&#x27;Ivoire" in page
    page = client.get(ROSTER, HTTP_ACCEPT_LANGUAGE="ru").content.decode().split("<main", 1)[1]
    assert "Китайский" in page and "Суахили" in page and "Кот-д&#x27;Ивуар" in page
    assert "Chinese" not in page
