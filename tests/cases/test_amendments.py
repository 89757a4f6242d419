"""Amendments of a communicated decision (issue 13): a new version with its reason, who and when; the
case stays in its stage; the version in force sets the period, and the planned end of implementation."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app.cases import services, versions
from requests_app.cases.choices import DecisionOutcome, ImplementationModality, Stage
from requests_app.cases.models import AssistanceRequest, DecisionAmendment
from requests_app.core import roles
from requests_app.core.errors import ActionRefused
from requests_app.deadlines import services as deadlines
from tests.factories import (
    REQUESTERS,
    amend_params,
    assist_params,
    assistance_type,
    case_in_stage,
    case_snapshot,
    member_of,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


def detail(case):
    return reverse("workspace:case-detail", args=[case.reference])


def act(case, action):
    return reverse("workspace:case-action", args=[case.reference, action])


def text_of(page):
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def focal(db):
    return member_of(roles.FOCAL_POINT, first_name="Helena", last_name="Lindqvist")


# The service ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", [Stage.DECISION_COMMUNICATED, Stage.IN_IMPLEMENTATION, Stage.REPORTING])
def test_an_amendment_is_a_new_version_and_the_case_stays_where_it_is(stage, officer, focal):
    case = case_in_stage(stage, actor=officer)
    entered, due = case.stage_entered_at, case.stage_due_at
    decision = case.decisions.get()

    services.amend_decision(actor=focal, case=case, **amend_params())

    fresh = AssistanceRequest.objects.get(pk=case.pk)
    assert (fresh.stage, fresh.stage_entered_at) == (stage, entered)
    if stage != Stage.IN_IMPLEMENTATION:
        assert fresh.stage_due_at == due
    amendment = DecisionAmendment.objects.get(decision=decision)
    assert (amendment.version, amendment.amended_by) == (2, focal)
    assert amendment.reason == amend_params()["reason"]
    assert amendment.communicated_on == today()
    decision.refresh_from_db()
    assert decision.period_end == today() + 200 * DAY  # the decision stays as it was communicated
    event = fresh.events.last()
    assert (event.action, event.actor, event.from_stage, event.to_stage) == ("amend_decision", focal, stage, stage)
    assert event.details["version"] == 2
    assert event.details["changes"] == {
        "period": [
            f"{today():%-d %b %Y} – {today() + 200 * DAY:%-d %b %Y}",
            f"{today():%-d %b %Y} – {today() + 300 * DAY:%-d %b %Y}",
        ]
    }
    assert "because: The electoral calendar moved" in event.details_text


def test_each_amendment_builds_on_the_version_in_force(officer, focal):
    case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=officer)
    services.amend_decision(actor=focal, case=case, **amend_params())
    training = [assistance_type(), assistance_type("training")]
    services.amend_decision(
        actor=focal, case=case, **amend_params(assistance_types=training, scope="Training of polling staff too.")
    )

    _decision, in_force = versions.decision_in_force(case)
    assert in_force.number == 3
    assert in_force.types == ["Training", "Voter registration"]
    assert in_force.period_end == today() + 300 * DAY
    assert set(in_force.changes) == {"scope", "assistance"}  # from version 2: the period stayed
    assert versions.decided_period_end(case) == today() + 300 * DAY


def test_implementation_starts_within_the_period_in_force(officer, focal):
    case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=officer)
    services.amend_decision(actor=focal, case=case, **amend_params())
    # After the decided end (200 days), within the amended one (300): no confirmation needed.
    services.start_implementation(
        actor=officer, case=case, modality=ImplementationModality.UNDP_PROJECT, ends_on=today() + 250 * DAY
    )
    assert AssistanceRequest.objects.get(pk=case.pk).stage == Stage.IN_IMPLEMENTATION


def test_in_implementation_the_planned_end_and_its_deadline_follow_the_version_in_force(officer, focal):
    case = case_in_stage(Stage.IN_IMPLEMENTATION, actor=officer)
    assert case.implementation_ends_on == today() + 180 * DAY

    services.amend_decision(actor=focal, case=case, **amend_params())

    fresh = AssistanceRequest.objects.get(pk=case.pk)
    assert fresh.implementation_ends_on == today() + 300 * DAY
    assert fresh.stage_due_at == deadlines.due_at(fresh, fresh.stage, fresh.stage_entered_at)
    assert fresh.stage_due_at.date() >= today() + 300 * DAY
    details = fresh.events.last().details
    assert (details["planned_end"], details["ends_on"]) == (
        (today() + 180 * DAY).isoformat(),
        (today() + 300 * DAY).isoformat(),
    )


def test_in_reporting_the_end_of_implementation_is_a_fact_and_stays(officer, focal):
    case = case_in_stage(Stage.REPORTING, actor=officer)
    ended = case.implementation_ends_on
    services.amend_decision(actor=focal, case=case, **amend_params())
    assert AssistanceRequest.objects.get(pk=case.pk).implementation_ends_on == ended


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"reason": "  "}, "Give the reason for the amendment"),
        ({"period_end": None}, "Give the period of assistance"),
        ({"period_end": datetime.date(2000, 1, 1)}, "cannot end before it starts"),
        ({"assistance_types": []}, "Name the types of assistance"),
        ({"communicated_on": datetime.date(2999, 1, 1)}, "cannot have been sent after today"),
    ],
)
def test_an_amendment_missing_what_a_decision_holds_is_refused_and_changes_nothing(change, says, officer, focal):
    case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=officer)
    before = case_snapshot(case)
    with pytest.raises(ActionRefused) as refused:
        services.amend_decision(actor=focal, case=case, **amend_params(**change))
    assert says in " ".join(refused.value.messages)
    assert case_snapshot(case) == before
    assert not DecisionAmendment.objects.exists()


def test_an_amendment_that_changes_nothing_is_refused(officer, focal):
    case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=officer)
    same = assist_params()
    with pytest.raises(ActionRefused, match="changes nothing"):
        services.amend_decision(
            actor=focal,
            case=case,
            **amend_params(period_start=same["period_start"], period_end=same["period_end"]),
        )


def test_observation_is_not_amended_into_a_request_without_a_mandate(officer, focal):
    case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=officer)
    observation = assistance_type("observation")
    with pytest.raises(ActionRefused, match="only be provided on a Security Council or General Assembly mandate"):
        services.amend_decision(actor=focal, case=case, **amend_params(assistance_types=[observation]))
    mandate = case_in_stage(Stage.DECISION_COMMUNICATED, actor=officer, **REQUESTERS["security_council"])
    services.amend_decision(actor=focal, case=mandate, **amend_params(assistance_types=[observation]))


def test_only_the_focal_point_amends(officer, focal):
    case = case_in_stage(Stage.IN_IMPLEMENTATION, actor=officer, state="GHA")
    for role in (roles.ELECTORAL_OFFICER, roles.TEAM_LEAD, roles.INTAKE_CLERK, roles.FINANCE, roles.AUDITOR):
        with pytest.raises(ActionRefused, match="permission"):
            services.amend_decision(actor=member_of(role), case=case, **amend_params())
    assert not DecisionAmendment.objects.exists()


def test_a_deferral_is_not_amended_it_is_decided(officer, focal):
    case = case_in_stage(Stage.AWAITING_DECISION, actor=officer)
    services.record_decision(
        actor=focal, case=case, outcome=DecisionOutcome.DEFER, reason="Law pending.", revisit_on=today() + 30 * DAY
    )
    with pytest.raises(ActionRefused, match="awaiting a decision"):
        services.amend_decision(actor=focal, case=case, **amend_params())


# The pages ---------------------------------------------------------------------------------------------


def test_the_focal_point_amends_on_the_workspace_and_the_case_page_shows_the_versions(client, officer, focal):
    case = case_in_stage(Stage.IN_IMPLEMENTATION, actor=officer)
    client.force_login(focal)
    assert act(case, "amend_decision") in client.get(detail(case)).content.decode()
    form = client.get(act(case, "amend_decision"))
    # The form starts from the version in force.
    assert form.context["form"]["period_end"].value() == today() + 200 * DAY
    new_end = today() + 400 * DAY

    response = client.post(
        act(case, "amend_decision"),
        {
            "amend_decision-assistance_types": [str(assistance_type().pk)],
            "amend_decision-period_start": today().isoformat(),
            "amend_decision-period_end": new_end.isoformat(),
            "amend_decision-reason": "Polling day moved to next year.",
        },
        follow=True,
    )

    assert "Amend the decision: done. The case is now in implementation." in [
        str(m) for m in response.context["messages"]
    ]
    shown = text_of(response.content.decode())
    assert "In force: version 2" in shown
    assert f"{new_end:%-d %b %Y}" in shown
    assert "Version 1" in shown and "Version 2" in shown
    assert (
        f"Period: {today():%-d %b %Y} – {today() + 200 * DAY:%-d %b %Y} → {today():%-d %b %Y} – {new_end:%-d %b %Y}"
        in (shown)
    )
    assert "Reason: Polling day moved to next year." in shown


def test_the_officer_is_offered_no_amendment_and_is_not_told_one_is_awaited(client, officer):
    case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=officer, state="GHA")
    own = member_of(roles.ELECTORAL_OFFICER)
    AssistanceRequest.objects.filter(pk=case.pk).update(officer=own)
    client.force_login(own)
    page = client.get(detail(case)).content.decode()
    assert act(case, "amend_decision") not in page
    assert "Amend the decision" not in page


def test_the_focal_point_amends_in_the_admin(client, officer, focal):
    case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=officer)
    client.force_login(focal)
    url = reverse("admin:requests_app_assistancerequest_act", args=[case.pk, "amend_decision"])
    change = reverse("admin:requests_app_assistancerequest_change", args=[case.pk])
    assert url in client.get(change).content.decode()
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "amend_decision-assistance_types": [str(assistance_type().pk)],
            "amend_decision-period_start": today().isoformat(),
            "amend_decision-period_end": (today() + 250 * DAY).isoformat(),
            "amend_decision-reason": "Extended at the Government's request.",
        },
    )

    assert response.status_code == 302 and response.url == change
    assert DecisionAmendment.objects.get().period_end == today() + 250 * DAY
