"""The roster of experts and their deployments (resolution 62/150, paras 8-9): the service.

No expert is booked twice for overlapping dates; what else a booking or a cancellation needs; every
booking and cancellation is in its case's history. The team and the cases: tests/roster/conftest.py.
"""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from requests_app.cases.choices import Stage
from requests_app.cases.models import RegionalDesk
from requests_app.core import roles
from requests_app.core.errors import ActionRefused
from requests_app.history.models import CaseEvent
from requests_app.reference.models import RegionalGroup
from requests_app.roster import services
from requests_app.roster.models import Deployment
from tests.factories import (
    ExpertFactory,
    UserFactory,
    case_in_stage,
    new_request,
)
from tests.roster.helpers import D, deploy, refusal, role_user

pytestmark = pytest.mark.django_db


# Double booking -----------------------------------------------------------------------------------


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
