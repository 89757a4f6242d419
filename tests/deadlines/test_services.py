"""Stage deadlines (requests_app/deadlines/services.py): the policies, urgent elections, recomputing.

How each stage falls due along the usual road is in tests/cases/test_services.py; here: the documented
defaults, what a change of policy does to cases already in a stage, and elections that are close.
"""

import datetime
import importlib
import zoneinfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from requests_app.cases import services
from requests_app.cases.choices import DecisionOutcome, Stage
from requests_app.cases.models import AssistanceRequest, Election
from requests_app.deadlines import services as deadlines
from requests_app.deadlines.models import DeadlineReason, StagePolicy
from requests_app.history.models import CaseEvent
from requests_app.reminders import services as reminders
from requests_app.reminders.models import Reminder
from tests.factories import case_in_stage, new_request

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOW = datetime.datetime(2025, 6, 16, 9, 0, tzinfo=UTC)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def fresh(case):
    return AssistanceRequest.objects.get(pk=case.pk)


def end_of(day):
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=UTC)


# The policies ----------------------------------------------------------------------------------------


def test_every_open_stage_has_the_documented_default_policy():
    defaults = importlib.import_module("requests_app.migrations.0004_default_stage_policies").DEFAULTS
    stored = {
        p.stage: (p.days, p.anchor, p.days_if_no_anchor, p.election_cutoff_days) for p in StagePolicy.objects.all()
    }
    assert stored == defaults
    assert set(stored) == set(Stage.open_stages())  # ends have no deadline
    assert set(StagePolicy.objects.values_list("warning_days", "first_escalation_days", "second_escalation_days")) == {
        (2, 3, 7)
    }


def test_the_focal_point_is_told_after_the_team_lead():
    with pytest.raises(IntegrityError), transaction.atomic():
        StagePolicy.objects.filter(stage=Stage.RECEIVED).update(first_escalation_days=7, second_escalation_days=7)


def test_deadlines_are_timezone_aware_and_a_day_ends_where_the_unit_works(officer, frozen, settings):
    settings.TIME_ZONE = "America/New_York"
    case = case_in_stage(Stage.AWAITING_DECISION, actor=officer)
    due = fresh(case).stage_due_at
    assert timezone.is_aware(due)
    report_day = case.assessment.report_submitted_on
    new_york = zoneinfo.ZoneInfo("America/New_York")
    assert due == datetime.datetime.combine(report_day + 14 * DAY, datetime.time(23, 59, 59), tzinfo=new_york)
    assert timezone.is_aware(fresh(new_request(actor=officer)).stage_due_at)


# A change of policy ----------------------------------------------------------------------------------------


def test_a_new_policy_applies_to_cases_entering_the_stage_after_it(officer, frozen):
    before = new_request(actor=officer)
    assert before.stage_due_at == NOW + 7 * DAY

    frozen.shift(DAY)
    StagePolicy.objects.filter(stage=Stage.RECEIVED).update(days=3)
    after = new_request(actor=officer)

    assert fresh(after).stage_due_at == NOW + DAY + 3 * DAY
    assert fresh(before).stage_due_at == NOW + 7 * DAY  # kept until the administrator recomputes
    assert not CaseEvent.objects.filter(action="deadline_changed").exists()


def test_recomputing_applies_the_policy_to_open_cases_and_writes_their_history(officer, admin_user, frozen):
    open_case = new_request(actor=officer)
    reviewed = services.start_review(actor=officer, case=new_request(actor=officer))
    closed = case_in_stage(Stage.WITHDRAWN, actor=officer)
    reviewed_due = fresh(reviewed).stage_due_at
    frozen.shift(DAY)
    StagePolicy.objects.filter(stage=Stage.RECEIVED).update(days=3)
    StagePolicy.objects.filter(stage=Stage.UNDER_REVIEW).update(days=5)

    changed = deadlines.recompute_open_cases(actor=admin_user, stages=[Stage.RECEIVED, Stage.WITHDRAWN])

    assert changed == 1
    assert fresh(open_case).stage_due_at == NOW + 3 * DAY  # counted from when it entered, not from now
    assert fresh(reviewed).stage_due_at == reviewed_due  # its stage was not selected
    assert fresh(closed).stage_due_at is None
    event = CaseEvent.objects.get(action="deadline_changed")
    assert (event.case_id, event.actor, event.created_at) == (open_case.pk, admin_user, NOW + DAY)
    assert parse_datetime(event.details["from"]) == NOW + 7 * DAY
    assert parse_datetime(event.details["to"]) == NOW + 3 * DAY
    assert event.details["reason"] == DeadlineReason.POLICY
    assert str(event.action_label) == "Deadline changed"

    # Nothing changes a second time, so nothing more is written.
    assert deadlines.recompute_open_cases(actor=admin_user, stages=[Stage.RECEIVED]) == 0
    assert CaseEvent.objects.filter(action="deadline_changed").count() == 1


def test_the_sweep_follows_a_recomputed_deadline(officer, admin_user, frozen, django_capture_on_commit_callbacks):
    case = new_request(actor=officer, officer=officer)
    frozen.shift(4 * DAY)
    StagePolicy.objects.filter(stage=Stage.RECEIVED).update(days=3)
    assert reminders.plan(now=timezone.now()) == []  # the case keeps its 7 days

    deadlines.recompute_open_cases(actor=admin_user, stages=[Stage.RECEIVED])

    with django_capture_on_commit_callbacks(execute=True):
        reminders.sweep()
    assert list(Reminder.objects.values_list("case_id", "level")) == [(case.pk, Reminder.Level.OVERDUE)]


def test_recomputing_keeps_the_date_a_deferred_case_is_to_be_considered_again(officer, admin_user, frozen):
    case = case_in_stage(Stage.AWAITING_DECISION, actor=officer)
    revisit_on = timezone.localdate() + 90 * DAY
    services.record_decision(
        actor=officer,
        case=case,
        outcome=DecisionOutcome.DEFER,
        reason="The electoral law is not adopted yet.",
        revisit_on=revisit_on,
    )
    undeferred = case_in_stage(Stage.AWAITING_DECISION, actor=officer)
    StagePolicy.objects.filter(stage=Stage.AWAITING_DECISION).update(days=20)

    changed = deadlines.recompute_open_cases(actor=admin_user, stages=[Stage.AWAITING_DECISION])

    assert fresh(case).stage_due_at == end_of(revisit_on)
    report_day = undeferred.assessment.report_submitted_on
    assert fresh(undeferred).stage_due_at == end_of(report_day + 20 * DAY)
    assert changed == 1
    # Nor does an edit of its elections move it.
    deadlines.refresh_due(actor=officer, case=case, reason=DeadlineReason.ELECTIONS)
    assert fresh(case).stage_due_at == end_of(revisit_on)
    assert not CaseEvent.objects.filter(case=case, action="deadline_changed").exists()


# Urgent elections ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "election_in_days, cutoff_days, expected_due, urgent",
    [
        # Far away: the 7 days of the policy.
        (400, 60, lambda received: NOW + 7 * DAY, False),
        # 64 days away, help due 60 days before: the cutoff comes before the 7 days.
        (64, 60, lambda received: end_of(received + 4 * DAY), True),
        # 40 days away under a 35-day cutoff: due at the cutoff, not in 7 days.
        (40, 35, lambda received: end_of(received + 5 * DAY), True),
        # 40 days away under the default 60-day cutoff: the point has passed, so due at once.
        (40, 60, lambda received: NOW, True),
    ],
    ids=["far", "cutoff-before-the-policy", "cutoff-40-days-out", "cutoff-passed"],
)
def test_a_close_election_brings_the_deadline_forward(
    officer, frozen, election_in_days, cutoff_days, expected_due, urgent
):
    StagePolicy.objects.filter(stage=Stage.RECEIVED).update(election_cutoff_days=cutoff_days)
    case = new_request(actor=officer, received_days_ago=0, election_in_days=election_in_days)
    received = case.received_date
    assert received == NOW.date()

    case = fresh(case)
    assert case.stage_due_at == expected_due(received)
    assert deadlines.is_urgent(case) is urgent
    # The case pages read the policy with the case (no query of its own): the same answer.
    assert deadlines.is_urgent_as_loaded(with_policy(case)) is urgent


def with_policy(case):
    return deadlines.with_stage_policy(AssistanceRequest.objects.filter(pk=case.pk)).get()


def test_the_policy_read_with_the_case_is_its_stages(officer, frozen):
    case = new_request(actor=officer, received_days_ago=0, election_in_days=400)
    loaded = deadlines.loaded_policy(with_policy(case))
    policy = StagePolicy.objects.get(stage=Stage.RECEIVED)
    assert (loaded.stage, loaded.days, loaded.anchor, loaded.days_if_no_anchor, loaded.election_cutoff_days) == (
        policy.stage,
        policy.days,
        policy.anchor,
        policy.days_if_no_anchor,
        policy.election_cutoff_days,
    )
    StagePolicy.objects.filter(stage=Stage.RECEIVED).delete()
    assert deadlines.loaded_policy(with_policy(case)) is None  # a stage without a policy has no deadline
    assert deadlines.is_urgent_as_loaded(with_policy(case)) is False


def test_a_case_due_at_once_is_reminded_at_the_next_sweep(officer, frozen, django_capture_on_commit_callbacks):
    from django.core import mail

    case = new_request(actor=officer, officer=officer, received_days_ago=0, election_in_days=40)
    assert fresh(case).stage_due_at == NOW

    with django_capture_on_commit_callbacks(execute=True):
        reminders.sweep()

    assert [(m.to, case.reference in m.body) for m in mail.outbox] == [([officer.email], True)]
    assert Reminder.objects.get().level == Reminder.Level.OVERDUE


def test_only_an_election_still_ahead_counts(officer, frozen):
    case = new_request(actor=officer, received_days_ago=0, election_in_days=400)
    # An election already held does not make the case urgent.
    Election.objects.create(case=case, election_type="local", planned_date=NOW.date() - 10 * DAY)
    assert deadlines.next_election_day(case) == NOW.date() + 400 * DAY
    assert deadlines.due_at(case, Stage.RECEIVED, NOW) == NOW + 7 * DAY


def test_a_stage_without_an_election_limit_ignores_the_election(officer, frozen):
    case = new_request(actor=officer, received_days_ago=0, election_in_days=20)
    # Reporting has no election limit (the default): days count from the end of implementation.
    policy = StagePolicy.objects.get(stage=Stage.REPORTING)
    assert policy.election_cutoff_days is None
    case.implementation_ends_on = NOW.date() + 10 * DAY
    assert deadlines.deadline(case, Stage.REPORTING, NOW, policy) == (end_of(NOW.date() + 70 * DAY), False)


def test_moving_the_election_closer_moves_the_deadline_and_says_so(officer, frozen):
    case = new_request(actor=officer, received_days_ago=0, election_in_days=400)
    Election.objects.filter(case=case).update(planned_date=NOW.date() + 62 * DAY)

    deadlines.refresh_due(actor=officer, case=case, reason=DeadlineReason.ELECTIONS)

    assert fresh(case).stage_due_at == end_of(NOW.date() + 2 * DAY)
    event = CaseEvent.objects.get(case=case, action="deadline_changed")
    assert event.details["reason"] == DeadlineReason.ELECTIONS
    assert parse_datetime(event.details["from"]) == NOW + 7 * DAY
