"""The roster of experts and their deployments (resolution 62/150, paras 8-9).

No expert is booked twice for overlapping dates; the roster filters by expertise, language,
region, gender and availability and shows its gender and regional balance; every booking and
cancellation is in its case's history. Users are fresh members of the real groups (migrations
0007 and 0011): the officer works on the African desk, whose team lead is ``lead``; Ghana is the
officer's case, Kenya a desk colleague's, Peru a case outside the desk.
"""

import datetime
import threading
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app.cases.choices import Stage
from requests_app.cases.models import RegionalDesk
from requests_app.core import roles
from requests_app.core.errors import ActionRefused
from requests_app.history.models import CaseEvent
from requests_app.reference.models import RegionalGroup
from requests_app.roster import services
from requests_app.roster.models import Deployment, Expert, Language
from tests.factories import (
    DeploymentFactory,
    ExpertFactory,
    UserFactory,
    case_in_stage,
    member_state,
    new_request,
)

pytestmark = pytest.mark.django_db

D = datetime.date
ROSTER = reverse("workspace:roster")
NOW = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def role_user(role=None, **fields):
    """A fresh staff user in the real group of ``role`` (in none when None)."""
    user = UserFactory(is_staff=True, **fields)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return type(user).objects.get(pk=user.pk)  # without a stale permission cache


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def team(db):
    people = {
        "officer": role_user(roles.ELECTORAL_OFFICER),
        "colleague": role_user(roles.ELECTORAL_OFFICER),
        "andean": role_user(roles.ELECTORAL_OFFICER),
        "lead": role_user(roles.TEAM_LEAD),
        "focal": role_user(roles.FOCAL_POINT),
        "clerk": role_user(roles.INTAKE_CLERK),
        "finance": role_user(roles.FINANCE),
        "auditor": role_user(roles.AUDITOR),
        "nobody": role_user(None),
        "registrar": UserFactory(is_staff=True, is_superuser=True),
    }
    african = RegionalDesk.objects.get(regional_group=RegionalGroup.AFRICAN)
    african.team_lead = people["lead"]
    african.save()
    african.members.add(people["officer"], people["colleague"])
    RegionalDesk.objects.get(regional_group=RegionalGroup.LATIN_AMERICAN_CARIBBEAN).members.add(people["andean"])
    return people


@pytest.fixture
def cases(team, frozen):
    registrar = team["registrar"]
    return {
        "ghana": new_request(actor=registrar, state="GHA", officer=team["officer"]),
        "kenya": new_request(actor=registrar, state="KEN", officer=team["colleague"]),
        "peru": new_request(actor=registrar, state="PER", officer=team["andean"]),
    }


@pytest.fixture
def amina(db):
    return ExpertFactory(given_name="Amina", family_name="Diallo", nationality=member_state("SEN"))


def deploy(actor, case, expert, starts_on, ends_on, role="Legal adviser"):
    return services.deploy_expert(
        actor=actor, case=case, expert=expert, role=role, starts_on=starts_on, ends_on=ends_on
    )


def refusal(callable_, *args, **kwargs):
    with pytest.raises(ActionRefused) as caught:
        callable_(*args, **kwargs)
    return " ".join(caught.value.messages)


# Double booking -----------------------------------------------------------------------------------


@pytest.fixture
def booked(team, cases, amina):
    """Amina is deployed to Ghana from 10 to 20 March 2026."""
    return deploy(team["officer"], cases["ghana"], amina, D(2026, 3, 10), D(2026, 3, 20))


@pytest.mark.parametrize(
    "starts_on, ends_on",
    [
        (D(2026, 3, 5), D(2026, 3, 10)),  # ends on its first day
        (D(2026, 3, 20), D(2026, 3, 25)),  # starts on its last day
        (D(2026, 3, 12), D(2026, 3, 15)),  # inside
        (D(2026, 3, 1), D(2026, 3, 31)),  # around
        (D(2026, 3, 10), D(2026, 3, 20)),  # the same dates
        (D(2026, 3, 15), D(2026, 3, 15)),  # one day inside
    ],
    ids=["overlap-at-start", "overlap-at-end", "inside", "around", "same-dates", "one-day"],
)
def test_an_expert_is_not_booked_twice_for_overlapping_dates(team, cases, amina, booked, starts_on, ends_on):
    lead = team["lead"]
    message = refusal(deploy, lead, cases["kenya"], amina, starts_on, ends_on, role="Trainer")
    assert message == (
        f"Amina Diallo is already deployed to {cases['ghana'].reference} as Legal adviser "
        "from 10 Mar 2026 to 20 Mar 2026."
    )
    assert Deployment.objects.filter(expert=amina).count() == 1
    assert not CaseEvent.objects.filter(case=cases["kenya"], action="expert_deployed").exists()


@pytest.mark.parametrize(
    "starts_on, ends_on",
    [(D(2026, 3, 1), D(2026, 3, 9)), (D(2026, 3, 21), D(2026, 3, 31))],
    ids=["the-days-before", "the-days-after"],
)
def test_adjacent_dates_may_be_booked(team, cases, amina, booked, starts_on, ends_on):
    deployment = deploy(team["lead"], cases["kenya"], amina, starts_on, ends_on)
    assert deployment.pk and Deployment.objects.filter(expert=amina, cancelled_at__isnull=True).count() == 2


def test_every_conflicting_booking_is_named(team, cases, amina, booked):
    deploy(team["officer"], cases["ghana"], amina, D(2026, 3, 25), D(2026, 3, 28), role="Trainer")
    message = refusal(deploy, team["focal"], cases["peru"], amina, D(2026, 3, 18), D(2026, 3, 26))
    ghana = cases["ghana"].reference
    assert message == (
        f"Amina Diallo is already deployed to {ghana} as Legal adviser from 10 Mar 2026 to 20 Mar 2026. "
        f"Amina Diallo is already deployed to {ghana} as Trainer from 25 Mar 2026 to 28 Mar 2026."
    )


def test_a_cancelled_deployment_frees_its_dates(team, cases, amina, booked):
    services.cancel_deployment(actor=team["officer"], deployment=booked, comment="The mission was postponed.")
    again = deploy(team["lead"], cases["kenya"], amina, D(2026, 3, 12), D(2026, 3, 18))
    assert again.case == cases["kenya"]
    booked.refresh_from_db()
    assert booked.is_cancelled and booked.cancelled_by == team["officer"]


def test_other_experts_are_not_in_the_way(team, cases, amina, booked):
    other = ExpertFactory(given_name="Jean", family_name="Dupont")
    assert deploy(team["officer"], cases["ghana"], other, D(2026, 3, 10), D(2026, 3, 20)).expert == other


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_bookings_at_the_same_moment_cannot_both_pass():
    """Both check for overlaps before either writes: without the lock on the expert, both would pass."""
    lead = role_user(roles.TEAM_LEAD)
    focal = role_user(roles.FOCAL_POINT)
    registrar = UserFactory(is_staff=True, is_superuser=True)
    RegionalDesk.objects.filter(regional_group=RegionalGroup.AFRICAN).update(team_lead=lead)
    ghana = new_request(actor=registrar, state="GHA")
    kenya = new_request(actor=registrar, state="KEN")
    expert = ExpertFactory(given_name="Amina", family_name="Diallo")
    barrier = threading.Barrier(2)
    booked, refused, errors = [], [], []

    def book(actor, case, starts_on, ends_on):
        try:
            barrier.wait(timeout=10)
            booked.append(deploy(actor, case, expert, starts_on, ends_on).case.reference)
        except ActionRefused as refusal_:
            refused.append(" ".join(refusal_.messages))
        except Exception as error:  # noqa: BLE001 - reported below, with the thread's error
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=book, args=(lead, ghana, D(2026, 5, 1), D(2026, 5, 20))),
        threading.Thread(target=book, args=(focal, kenya, D(2026, 5, 15), D(2026, 5, 30))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(booked) == 1 and len(refused) == 1
    assert "Amina Diallo is already deployed to" in refused[0]
    assert Deployment.objects.filter(expert=expert).count() == 1
    assert CaseEvent.objects.filter(action="expert_deployed").count() == 1


# What else the service refuses ---------------------------------------------------------------------


def test_deploying_needs_the_permission(team, cases, amina):
    for who in ("clerk", "finance", "auditor", "nobody"):
        assert refusal(deploy, team[who], cases["ghana"], amina, D(2026, 4, 1), D(2026, 4, 5)) == (
            "You do not have permission to deploy experts."
        )
    assert not Deployment.objects.exists()


@pytest.mark.parametrize(
    "who, case_name, allowed",
    [
        ("officer", "ghana", True),  # their own case
        ("officer", "kenya", False),  # a desk colleague's
        ("officer", "peru", False),  # outside the desk
        ("lead", "kenya", True),  # the desk they lead
        ("lead", "peru", False),
        ("focal", "peru", True),  # every case
    ],
)
def test_who_deploys_to_which_case(team, cases, amina, who, case_name, allowed):
    case = cases[case_name]
    if allowed:
        assert deploy(team[who], case, amina, D(2026, 4, 1), D(2026, 4, 5)).case == case
    else:
        assert "This case is not assigned to you" in refusal(
            deploy, team[who], case, amina, D(2026, 4, 1), D(2026, 4, 5)
        )
        assert not Deployment.objects.exists()


@pytest.mark.parametrize("stage", [Stage.CLOSED, Stage.WITHDRAWN, Stage.DECLINED])
def test_no_deployment_to_a_case_that_has_ended(team, amina, frozen, stage):
    case = case_in_stage(stage, actor=team["registrar"])
    message = refusal(deploy, team["focal"], case, amina, D(2026, 4, 1), D(2026, 4, 5))
    assert message == f"{case.reference} is {stage.phrase}: experts are deployed only to open cases."


def test_dates_in_order_and_a_role_are_required(team, cases, amina):
    officer, ghana = team["officer"], cases["ghana"]
    assert refusal(deploy, officer, ghana, amina, D(2026, 4, 5), D(2026, 4, 1)) == (
        "The deployment cannot end (1 Apr 2026) before it starts (5 Apr 2026)."
    )
    assert (
        refusal(deploy, officer, ghana, amina, None, D(2026, 4, 1))
        == "Give the dates of the deployment, from and until."
    )
    assert refusal(deploy, officer, ghana, amina, D(2026, 4, 1), D(2026, 4, 5), role="   ") == (
        "Give the expert's role on this case, e.g. Legal adviser."
    )
    deployment = deploy(officer, ghana, amina, D(2026, 4, 1), D(2026, 4, 1), role="  Legal   adviser ")
    assert deployment.role == "Legal adviser"  # a one-day deployment; spaces tidied


def test_an_expert_off_the_roster_or_unavailable_is_refused(team, cases):
    officer, ghana = team["officer"], cases["ghana"]
    retired = ExpertFactory(given_name="Ahmed", family_name="Hassan", is_active=False)
    assert (
        refusal(deploy, officer, ghana, retired, D(2026, 4, 1), D(2026, 4, 5))
        == "Ahmed Hassan is no longer on the roster."
    )
    window = ExpertFactory(
        given_name="Jean", family_name="Dupont", available_from=D(2026, 6, 1), available_until=D(2026, 9, 30)
    )
    expected = "Jean Dupont is available only from 1 Jun 2026 to 30 Sep 2026."
    assert refusal(deploy, officer, ghana, window, D(2026, 5, 25), D(2026, 6, 10)) == expected
    assert refusal(deploy, officer, ghana, window, D(2026, 9, 20), D(2026, 10, 2)) == expected
    assert deploy(officer, ghana, window, D(2026, 6, 1), D(2026, 9, 30)).pk
    later = ExpertFactory(given_name="Sam", family_name="Taylor", available_until=D(2026, 4, 30))
    assert refusal(deploy, officer, ghana, later, D(2026, 4, 20), D(2026, 5, 5)) == (
        "Sam Taylor is available only until 30 Apr 2026."
    )


def test_cancelling_needs_a_reason_the_right_and_the_case(team, cases, amina, booked):
    assert refusal(services.cancel_deployment, actor=team["officer"], deployment=booked, comment="  ") == (
        "Say why the deployment is cancelled."
    )
    assert refusal(services.cancel_deployment, actor=team["clerk"], deployment=booked, comment="No.") == (
        "You do not have permission to cancel deployments."
    )
    assert "not assigned to you" in refusal(
        services.cancel_deployment, actor=team["colleague"], deployment=booked, comment="Not mine."
    )
    services.cancel_deployment(actor=team["lead"], deployment=booked, comment="Postponed.")
    assert refusal(services.cancel_deployment, actor=team["officer"], deployment=booked, comment="Again.") == (
        "This deployment was already cancelled on 1 Mar 2026."
    )


def test_a_deployment_on_a_case_that_ended_may_still_be_cancelled(team, cases, amina, booked):
    from requests_app.cases import services as workflow

    workflow.withdraw(actor=team["officer"], case=cases["ghana"], comment="Note verbale: elections postponed.")
    services.cancel_deployment(actor=team["officer"], deployment=booked, comment="The State withdrew its request.")
    booked.refresh_from_db()
    assert booked.is_cancelled
    assert (booked.cancelled_by, booked.cancel_reason) == (team["officer"], "The State withdrew its request.")


# The case's history (para 9) ---------------------------------------------------------------------


def test_booking_and_cancelling_are_written_to_the_case_history(team, cases, amina, booked):
    services.cancel_deployment(actor=team["lead"], deployment=booked, comment="The elections were postponed.")
    deployed, cancelled = CaseEvent.objects.filter(
        case=cases["ghana"], action__in=["expert_deployed", "deployment_cancelled"]
    ).order_by("id")
    assert (deployed.action, deployed.actor, deployed.from_stage, deployed.to_stage) == (
        "expert_deployed",
        team["officer"],
        "",
        "",
    )
    assert deployed.details == {
        "deployment": booked.pk,
        "expert": "Amina Diallo",
        "expert_role": "Legal adviser",
        "period": ["2026-03-10", "2026-03-20"],
    }
    assert deployed.action_label == "Expert deployed"
    assert deployed.details_text == "expert: Amina Diallo; period: 10 Mar 2026 – 20 Mar 2026; role: Legal adviser"
    assert (cancelled.action_label, cancelled.actor, cancelled.comment) == (
        "Deployment cancelled",
        team["lead"],
        "The elections were postponed.",
    )
    assert cancelled.details["deployment"] == booked.pk


def test_the_case_page_timeline_shows_deployments(client, team, cases, amina, booked):
    client.force_login(team["officer"])
    html = client.get(reverse("workspace:case-detail", args=[cases["ghana"].reference])).content.decode()
    assert (
        "Expert deployed" in html
        and "expert: Amina Diallo; period: 10 Mar 2026 – 20 Mar 2026; role: Legal adviser" in html
    )


# The roster page ----------------------------------------------------------------------------------


@pytest.fixture
def roster(team, cases, frozen):
    """Eight experts, counted by hand below; Amina booked 10-20 March; Carlos's booking cancelled."""
    experts = {
        "amina": ExpertFactory(
            given_name="Amina",
            family_name="Diallo",
            gender="female",
            nationality=member_state("SEN"),
            expertise=["legal-framework", "dispute-resolution"],
            languages=["fr", "en"],
        ),
        "carlos": ExpertFactory(
            given_name="Carlos",
            family_name="Mendes",
            gender="male",
            nationality=member_state("BRA"),
            expertise=["voter-registration", "logistics"],
            languages=["pt", "es", "en"],
        ),
        "olena": ExpertFactory(
            given_name="Olena",
            family_name="Kovalenko",
            gender="female",
            nationality=member_state("UKR"),
            expertise=["results-management"],
            languages=["uk", "ru", "en"],
        ),
        "mei": ExpertFactory(
            given_name="Mei",
            family_name="Lin",
            gender="female",
            nationality=member_state("CHN"),
            expertise=["training", "civic-education"],
            languages=["zh", "en"],
        ),
        "jean": ExpertFactory(
            given_name="Jean",
            family_name="Dupont",
            gender="male",
            nationality=member_state("FRA"),
            expertise=["legal-framework"],
            languages=["fr", "en"],
            available_from=D(2026, 6, 1),
        ),
        "ahmed": ExpertFactory(
            given_name="Ahmed",
            family_name="Hassan",
            gender="male",
            nationality=member_state("EGY"),
            expertise=["electoral-security"],
            languages=["ar", "en", "fr"],
            is_active=False,
        ),
        "sam": ExpertFactory(
            given_name="Sam",
            family_name="Taylor",
            gender="other",
            nationality=member_state("NZL"),
            expertise=["results-management", "voter-registration"],
            languages=["en"],
            available_until=D(2026, 4, 30),
        ),
        "priya": ExpertFactory(
            given_name="Priya",
            family_name="Rao",
            gender="undisclosed",
            nationality=member_state("IND"),
            expertise=["logistics", "procurement"],
            languages=["hi", "en"],
        ),
    }
    deploy(team["officer"], cases["ghana"], experts["amina"], D(2026, 3, 10), D(2026, 3, 20))
    cancelled = deploy(team["andean"], cases["peru"], experts["carlos"], D(2026, 3, 1), D(2026, 3, 5))
    services.cancel_deployment(actor=team["andean"], deployment=cancelled, comment="Visa refused.")
    return experts


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
    html = client.get(ROSTER + "?language=fr").content.decode()
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


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_roster_costs_a_fixed_number_of_queries(client, team, cases, frozen, django_assert_num_queries):
    client.force_login(team["officer"])
    # One expert, booked on a desk colleague's case: the desks are read once, whatever the rows.
    DeploymentFactory(case=cases["kenya"], starts_on=D(2026, 4, 20), ends_on=D(2026, 5, 5))
    few = _queries(client, ROSTER)
    few_filtered = _queries(client, ROSTER + "?language=fr&expertise=legal-framework&available_from=2026-04-01")
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
    few = _queries(client, url)
    for n in range(20):
        deployment = DeploymentFactory(
            expert=expert,
            case=cases[["ghana", "kenya", "peru"][n % 3]],
            starts_on=D(2025, 1, 1) + datetime.timedelta(days=10 * n),
            ends_on=D(2025, 1, 5) + datetime.timedelta(days=10 * n),
        )
        if n % 4 == 0:
            services.cancel_deployment(actor=team["focal"], deployment=deployment, comment=f"Reason {n}")
    assert _queries(client, url) == few


# Deploying from the case page ---------------------------------------------------------------------


def case_page(client, case):
    return client.get(reverse("workspace:case-detail", args=[case.reference]))


def deploy_url(case):
    return reverse("workspace:deployment-new", args=[case.reference])


def cancel_url(deployment):
    return reverse("workspace:deployment-cancel", args=[deployment.case.reference, deployment.pk])


def test_the_case_page_lists_the_deployments_and_offers_to_deploy(client, team, cases, roster):
    client.force_login(team["officer"])
    html = case_page(client, cases["ghana"]).content.decode()
    assert "Experts deployed" in html and "Amina Diallo" in html and "10 Mar 2026" in html
    assert f'action="{deploy_url(cases["ghana"])}"' in html
    assert 'action="' + cancel_url(Deployment.objects.get(expert=roster["amina"])) + '"' in html
    # A desk colleague's case: seen, not worked on.
    html = case_page(client, cases["kenya"]).content.decode()
    assert "Experts deployed" in html and deploy_url(cases["kenya"]) not in html


def test_the_clerk_sees_deployments_but_no_deploy_or_cancel_form(client, team, cases, roster):
    client.force_login(team["clerk"])
    html = case_page(client, cases["ghana"]).content.decode()
    assert "Amina Diallo" in html
    assert deploy_url(cases["ghana"]) not in html and "/cancel/" not in html


def test_the_case_page_costs_a_fixed_number_of_queries_whatever_its_deployments(client, team, cases, frozen):
    client.force_login(team["officer"])
    ghana = cases["ghana"]
    DeploymentFactory(case=ghana)
    few = _queries(client, reverse("workspace:case-detail", args=[ghana.reference]))
    for n in range(15):
        DeploymentFactory(case=ghana, starts_on=D(2026, 1, 1) + datetime.timedelta(days=30 * n))
    assert _queries(client, reverse("workspace:case-detail", args=[ghana.reference])) == few


def test_the_deploy_page_lists_who_is_free_first(client, team, cases, roster):
    client.force_login(team["officer"])
    response = client.get(deploy_url(cases["ghana"]) + "?starts_on=2026-03-15&ends_on=2026-03-25")
    assert response.status_code == 200
    choices = response.context["form"].fields["expert"].choices
    free, busy = choices[1], choices[2]
    assert free[0] == "Available on these dates"
    assert {label.split(",")[0] for _pk, label in free[1]} == {"Mendes", "Kovalenko", "Lin", "Taylor", "Rao"}
    assert busy[0] == "Booked or not available on these dates"
    reasons = dict((label.split(",")[0], label) for _pk, label in busy[1])
    assert reasons["Diallo"] == (
        f"Diallo, Amina (Senegal) — booked on {cases['ghana'].reference} until 20 Mar 2026"
        " · Legal framework, Electoral dispute resolution"
    )
    assert reasons["Dupont"] == "Dupont, Jean (France) — available from 1 Jun 2026 · Legal framework"
    assert "Hassan" not in reasons  # off the roster: not offered
    html = response.content.decode()
    assert "available_from=2026-03-15" in html  # the roster, filtered for these dates


def test_deploying_from_the_case_page(client, team, cases, roster):
    client.force_login(team["officer"])
    response = client.post(
        deploy_url(cases["ghana"]),
        {
            "starts_on": "2026-04-01",
            "ends_on": "2026-04-30",
            "expert": roster["mei"].pk,
            "role": "Training expert",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("workspace:case-detail", args=[cases["ghana"].reference])
    messages = " ".join(str(m) for m in response.context["messages"])
    assert (
        f"Mei Lin is deployed to {cases['ghana'].reference} as Training expert from 1 Apr 2026 to 30 Apr 2026."
        in messages
    )
    assert Deployment.objects.filter(expert=roster["mei"], case=cases["ghana"], cancelled_at__isnull=True).exists()


def test_a_double_booking_from_the_case_page_says_why_and_keeps_what_was_typed(client, team, cases, roster):
    client.force_login(team["lead"])
    response = client.post(
        deploy_url(cases["kenya"]),
        {
            "starts_on": "2026-03-18",
            "ends_on": "2026-03-28",
            "expert": roster["amina"].pk,
            "role": "Electoral dispute adviser",
        },
    )
    assert response.status_code == 400
    messages = " ".join(str(m) for m in response.context["messages"])
    assert (
        f"Amina Diallo is already deployed to {cases['ghana'].reference} as Legal adviser "
        "from 10 Mar 2026 to 20 Mar 2026."
    ) in messages
    html = response.content.decode()
    assert 'value="Electoral dispute adviser"' in html and 'value="2026-03-18"' in html
    assert f'<option value="{roster["amina"].pk}" selected' in html
    assert not Deployment.objects.filter(case=cases["kenya"]).exists()


def test_a_deploy_form_with_errors_says_so(client, team, cases, roster):
    client.force_login(team["officer"])
    response = client.post(
        deploy_url(cases["ghana"]),
        {"starts_on": "2026-04-10", "ends_on": "2026-04-01", "expert": "", "role": "Adviser"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "The deployment cannot end before it starts." in form.errors["ends_on"]
    assert "expert" in form.errors and 'value="Adviser"' in response.content.decode()


def test_checking_who_is_free_keeps_what_was_typed_and_books_nothing(client, team, cases, roster):
    client.force_login(team["officer"])
    response = client.post(
        deploy_url(cases["ghana"]),
        {"starts_on": "2026-05-01", "ends_on": "2026-05-31", "role": "Logistics adviser", "check": "1"},
    )
    assert response.status_code == 200
    assert response.context["period"] == (D(2026, 5, 1), D(2026, 5, 31))
    assert 'value="Logistics adviser"' in response.content.decode()
    assert not Deployment.objects.filter(case=cases["ghana"], role="Logistics adviser").exists()


@pytest.mark.parametrize(
    "who, case_name, status, reason",
    [
        ("officer", "ghana", 302, None),
        ("officer", "kenya", 400, "This case is not assigned to you"),  # seen, not theirs
        ("officer", "peru", 404, None),  # not seen at all
        ("lead", "kenya", 302, None),
        ("focal", "peru", 302, None),
        ("clerk", "ghana", 400, "You do not have permission to deploy experts."),
        ("finance", "ghana", 400, "You do not have permission to deploy experts."),
        ("nobody", "ghana", 403, None),
    ],
)
def test_who_deploys_from_which_case_page(client, team, cases, roster, who, case_name, status, reason):
    client.force_login(team[who])
    case = cases[case_name]
    response = client.post(
        deploy_url(case),
        {"starts_on": "2026-04-01", "ends_on": "2026-04-05", "expert": roster["priya"].pk, "role": "Logistics expert"},
    )
    assert response.status_code == status
    if reason:
        assert reason in " ".join(str(m) for m in response.context["messages"])
    assert Deployment.objects.filter(expert=roster["priya"]).exists() == (status == 302)


def test_the_deploy_page_of_a_case_one_may_not_deploy_to_says_why(client, team, cases, frozen):
    client.force_login(team["clerk"])
    response = client.get(deploy_url(cases["ghana"]))
    assert response.status_code == 200
    assert "You do not have permission to deploy experts." in response.content.decode()
    assert 'name="expert"' not in response.content.decode()


def test_cancelling_from_the_case_page(client, team, cases, roster):
    deployment = Deployment.objects.get(expert=roster["amina"])
    client.force_login(team["officer"])
    assert client.get(cancel_url(deployment)).status_code == 200
    response = client.post(cancel_url(deployment), {"comment": "The government postponed the elections."}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("workspace:case-detail", args=[cases["ghana"].reference])
    deployment.refresh_from_db()
    assert deployment.is_cancelled
    html = response.content.decode()
    assert "Deployment cancelled" in html and "The government postponed the elections." in html


def test_cancelling_without_a_reason_or_the_right_is_refused(client, team, cases, roster):
    deployment = Deployment.objects.get(expert=roster["amina"])
    client.force_login(team["officer"])
    response = client.post(cancel_url(deployment), {"comment": " "})
    assert response.status_code == 400 and "Say why the deployment is cancelled." in response.content.decode()
    client.force_login(team["clerk"])
    response = client.post(cancel_url(deployment), {"comment": "I would like to."})
    assert response.status_code == 400
    assert "You do not have permission to cancel deployments." in " ".join(str(m) for m in response.context["messages"])
    client.force_login(team["andean"])
    assert client.post(cancel_url(deployment), {"comment": "Outside."}).status_code == 404
    deployment.refresh_from_db()
    assert not deployment.is_cancelled


def test_a_deployment_is_cancelled_only_from_its_own_case(client, team, cases, roster):
    deployment = Deployment.objects.get(expert=roster["amina"])
    client.force_login(team["lead"])
    url = reverse("workspace:deployment-cancel", args=[cases["kenya"].reference, deployment.pk])
    assert client.post(url, {"comment": "Wrong case."}).status_code == 404


# The admin ----------------------------------------------------------------------------------------


def admin_url(name, *args):
    return reverse(f"admin:requests_app_{name}", args=args)


def test_the_admin_lists_and_searches_experts(client, team, roster):
    client.force_login(team["lead"])
    response = client.get(admin_url("expert_changelist") + "?q=diallo")
    assert (
        response.status_code == 200
        and "Diallo" in response.content.decode()
        and "Mendes" not in response.content.decode()
    )
    assert (
        client.get(admin_url("expert_changelist") + "?nationality__regional_group__exact=ASIA_PACIFIC").status_code
        == 200
    )
    response = client.get(admin_url("expert_change", roster["amina"].pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "selectfilter" in html  # filter_horizontal for expertise and languages
    assert cases_reference_in(html, roster)


def cases_reference_in(html, roster):
    return Deployment.objects.filter(expert=roster["amina"]).first().case.reference in html


def test_a_team_lead_adds_an_expert_in_the_admin(client, team, db):
    from requests_app.reference.models import AssistanceType

    client.force_login(team["lead"])
    response = client.post(
        admin_url("expert_add"),
        {
            "given_name": "Fatou",
            "family_name": "Ndiaye",
            "email": "fatou.ndiaye@example.org",
            "gender": "female",
            "nationality": member_state("SEN").pk,
            "expertise": [AssistanceType.objects.get(code="civic-education").pk],
            "languages": [Language.objects.get(code="fr").pk, Language.objects.get(code="wo").pk]
            if Language.objects.filter(code="wo").exists()
            else [Language.objects.get(code="fr").pk],
            "is_active": "on",
            "available_from": "2026-05-01",
            "available_until": "2026-04-01",
            "deployments-TOTAL_FORMS": "0",
            "deployments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # availability in the wrong order
    assert "Availability cannot end before it starts." in response.content.decode()
    response = client.post(
        admin_url("expert_add"),
        {
            "given_name": "Fatou",
            "family_name": "Ndiaye",
            "email": "fatou.ndiaye@example.org",
            "gender": "female",
            "nationality": member_state("SEN").pk,
            "expertise": [AssistanceType.objects.get(code="civic-education").pk],
            "languages": [Language.objects.get(code="fr").pk],
            "is_active": "on",
            "deployments-TOTAL_FORMS": "0",
            "deployments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert Expert.objects.get(email="fatou.ndiaye@example.org").languages.get().code == "fr"


def test_officers_read_experts_in_the_admin_but_do_not_change_them(client, team, roster):
    client.force_login(team["officer"])
    assert client.get(admin_url("expert_changelist")).status_code == 200
    assert client.get(admin_url("expert_add")).status_code == 403
    response = client.post(admin_url("expert_change", roster["amina"].pk), {"given_name": "X"})
    assert response.status_code == 403


def test_the_admin_cannot_book_change_or_delete_a_deployment(admin_client, team, roster):
    deployment = Deployment.objects.get(expert=roster["amina"])
    assert admin_client.get(admin_url("deployment_changelist")).status_code == 200
    assert admin_client.get(admin_url("deployment_add")).status_code == 403
    response = admin_client.post(
        admin_url("deployment_change", deployment.pk),
        {
            "expert": roster["carlos"].pk,
            "case": deployment.case_id,
            "role": "Forged",
            "starts_on": "2026-03-10",
            "ends_on": "2026-03-20",
        },
    )
    assert response.status_code == 403
    assert admin_client.post(admin_url("deployment_delete", deployment.pk), {"post": "yes"}).status_code == 403
    deployment.refresh_from_db()
    assert (deployment.expert, deployment.role) == (roster["amina"], "Legal adviser")
    assert admin_client.get(admin_url("expert_delete", roster["amina"].pk)).status_code == 403


def test_the_admin_lists_deployments_of_the_cases_in_scope_only(client, team, cases, roster):
    client.force_login(team["officer"])
    response = client.get(admin_url("deployment_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert cases["ghana"].reference in html and cases["peru"].reference not in html
    peru_booking = Deployment.objects.get(case=cases["peru"])
    assert client.get(admin_url("deployment_change", peru_booking.pk)).status_code == 404


def test_the_admin_edits_languages(client, team, db):
    client.force_login(team["lead"])
    assert client.get(admin_url("language_changelist")).status_code == 200
    response = client.post(admin_url("language_add"), {"code": "wo", "name": "Wolof"})
    assert response.status_code == 302 and Language.objects.filter(code="wo", is_un_official=False).exists()


# Demo data ----------------------------------------------------------------------------------------


def test_the_demo_roster_is_varied_and_its_deployments_are_in_the_cases_histories():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    experts = Expert.objects.all()
    assert 25 <= experts.count() <= 40
    assert set(experts.values_list("gender", flat=True)) >= {"female", "male"}
    assert experts.values("nationality__regional_group").distinct().count() == 5
    assert experts.filter(languages__code="ar").exists() and experts.filter(languages__code="zh").exists()
    deployments = Deployment.objects.all()
    assert deployments.filter(cancelled_at__isnull=True).count() >= 4
    assert deployments.filter(cancelled_at__isnull=False).exists()
    for deployment in deployments:
        assert CaseEvent.objects.filter(
            case=deployment.case, action="expert_deployed", details__deployment=deployment.pk
        ).exists()
    counts = (Expert.objects.count(), Deployment.objects.count(), CaseEvent.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Expert.objects.count(), Deployment.objects.count(), CaseEvent.objects.count()) == counts


@pytest.mark.parametrize(
    "query, message",
    [
        ("?starts_on=2026-04-10&ends_on=2026-04-01", "Until: The deployment cannot end before it starts."),
        ("?starts_on=soon&ends_on=2026-04-01", "From: Enter a valid date."),
        ("?ends_on=2026-04-01", "From: This field is required."),
    ],
)
def test_dates_the_deploy_page_cannot_use_are_kept_and_said_to_be_wrong(client, team, cases, roster, query, message):
    client.force_login(team["officer"])
    response = client.get(deploy_url(cases["ghana"]) + query)
    assert response.status_code == 200
    assert message in " ".join(str(m) for m in response.context["messages"])
    assert 'value="2026-04-01"' in response.content.decode()
    assert response.context["period"] is None


def test_the_roster_pages_work_under_the_content_security_policy(admin_client, team, cases, roster):
    from tests.test_security import assert_strict_policy_and_nothing_inline

    amina, ghana = roster["amina"], cases["ghana"]
    urls = [admin_url(f"{name}_changelist") for name in ("expert", "language", "deployment")] + [
        admin_url("expert_change", amina.pk),
        admin_url("expert_add"),
        ROSTER + "?language=fr",
        reverse("workspace:expert-detail", args=[amina.pk]),
        deploy_url(ghana) + "?starts_on=2026-04-01&ends_on=2026-04-05",
        cancel_url(Deployment.objects.get(expert=amina)),
        reverse("workspace:case-detail", args=[ghana.reference]),
    ]
    for url in urls:
        assert_strict_policy_and_nothing_inline(admin_client.get(url))
