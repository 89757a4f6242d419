"""The reminder sweep (requests_app/services/reminders.py): who is told, when, and only once.

Time is frozen and moved with time-machine; emails land in Django's locmem outbox. The sweep
sends its digests after commit, so the tests run it inside
``django_capture_on_commit_callbacks(execute=True)`` (the ``run_sweep`` fixture); settings for
tests make Celery run ``send_reminder_digest.delay`` inline.
"""

import datetime
import io
import threading

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from requests_app.cases import services
from requests_app.cases.choices import DecisionOutcome, Stage
from requests_app.cases.models import AssistanceRequest, RegionalDesk
from requests_app.history.models import CaseEvent
from requests_app.reminders import services as reminders
from requests_app.reminders import tasks
from requests_app.reminders.models import Reminder
from tests.factories import (
    UserFactory,
    case_in_stage,
    intake_clerk,
    member_state,
    new_request,
    set_due,
    team_lead_of,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOW = datetime.datetime(2025, 6, 16, 9, 0, tzinfo=UTC)
DAY = datetime.timedelta(days=1)
FOCAL_POINT = ["focal-point@un.example.org", "eas-director@un.example.org"]

Level = Reminder.Level
Status = Reminder.Status


@pytest.fixture(autouse=True)
def _focal_point(settings):
    settings.EAS_FOCAL_POINT_EMAILS = FOCAL_POINT
    settings.SITE_URL = "https://eas.example.org/"


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def lead(db):
    return team_lead_of("GHA")


@pytest.fixture
def run_sweep(django_capture_on_commit_callbacks):
    """One sweep, with what it sends after commit sent."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.sweep(**kwargs)

    return run


@pytest.fixture
def failing_send(monkeypatch):
    """Make the mail server refuse the next ``times`` emails (every one with times=None)."""
    real_send = EmailMultiAlternatives.send
    state = {"left": 0, "calls": 0}

    def send(self, *args, **kwargs):
        state["calls"] += 1
        if state["left"] is None or state["left"] > 0:
            if state["left"] is not None:
                state["left"] -= 1
            raise ConnectionRefusedError("[Errno 111] Connection refused by mail.un.example.org")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)

    def fail(times=1):
        state["left"] = times
        return state

    return fail


def sent():
    """(level, recipient) of the reminders sent, in a stable order."""
    return sorted(Reminder.objects.filter(status=Status.SENT).values_list("level", "recipient"))


def outbox_to():
    return sorted(address for message in mail.outbox for address in message.to)


def reminder_events(case):
    return list(
        CaseEvent.objects.filter(case=case, action="reminder_sent").order_by("id").values_list("details", flat=True)
    )


def assigned_case(officer, **fields):
    """A request registered by the intake desk and assigned to ``officer``."""
    return new_request(officer=officer, **fields)


# When each reminder goes out -----------------------------------------------------------------------


def test_the_officer_is_warned_reminded_then_the_team_lead_then_the_focal_point_told(officer, lead, frozen, run_sweep):
    case = assigned_case(officer)
    due = case.stage_due_at
    assert due == NOW + 7 * DAY  # received: 7 days (the default policy)

    timeline = [
        (due - 2 * DAY - datetime.timedelta(seconds=1), []),
        (due - 2 * DAY, [(Level.WARNING, officer.email)]),  # warned two days ahead
        (due - DAY, []),
        (due - datetime.timedelta(seconds=1), []),
        (due, [(Level.OVERDUE, officer.email)]),  # the first reminder
        (due + 3 * DAY - datetime.timedelta(seconds=1), []),
        (due + 3 * DAY, [(Level.TEAM_LEAD, lead.email)]),  # escalated to the desk's team lead
        (due + 5 * DAY, []),
        (due + 7 * DAY, [(Level.FOCAL_POINT, address) for address in FOCAL_POINT]),  # and to the focal point
        (due + 30 * DAY, []),
    ]
    for moment, expected in timeline:
        frozen.move_to(moment, tick=False)
        mail.outbox.clear()
        result = run_sweep()
        claimed = sorted(Reminder.objects.filter(claim=result.claim).values_list("level", "recipient"))
        assert claimed == sorted(expected), moment
        assert outbox_to() == sorted(recipient for _, recipient in expected), moment

    assert Reminder.objects.exclude(status=Status.SENT).count() == 0
    assert [(e["level"], e["to"]) for e in reminder_events(case)][:3] == [
        ("warning", officer.email),
        ("overdue", officer.email),
        ("team_lead", lead.email),
    ]
    assert sorted((e["level"], e["to"]) for e in reminder_events(case)[3:]) == sorted(
        ("focal_point", address) for address in FOCAL_POINT
    )
    reminder = Reminder.objects.get(level=Level.TEAM_LEAD)
    assert (reminder.case, reminder.stage, reminder.stage_entered_at, reminder.due_at) == (
        case,
        Stage.RECEIVED,
        NOW,
        due,
    )
    assert reminder.sent_at == due + 3 * DAY and reminder.attempts == 1


def test_a_case_first_seen_late_gets_every_level_it_reached_at_once_without_the_warning(
    officer, lead, frozen, run_sweep
):
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + 8 * DAY, tick=False)

    result = run_sweep()

    assert sent() == sorted(
        [(Level.OVERDUE, officer.email), (Level.TEAM_LEAD, lead.email)]
        + [(Level.FOCAL_POINT, address) for address in FOCAL_POINT]
    )
    assert result.digests == {officer.email: 1, lead.email: 1, FOCAL_POINT[0]: 1, FOCAL_POINT[1]: 1}
    assert outbox_to() == sorted([officer.email, lead.email, *FOCAL_POINT])


def test_nothing_is_sent_before_the_warning_window_nor_for_closed_cases(officer, lead, frozen, run_sweep):
    assigned_case(officer)  # due in 7 days
    withdrawn = case_in_stage(Stage.WITHDRAWN, actor=officer, officer=officer)
    AssistanceRequest.objects.filter(pk=withdrawn.pk).update(stage_due_at=NOW - 30 * DAY)

    result = run_sweep()

    assert (result.planned, result.digests, mail.outbox) == ([], {}, [])
    assert not Reminder.objects.exists()


def test_the_warning_days_come_from_the_stage_policy(officer, frozen, run_sweep):
    from requests_app.deadlines.models import StagePolicy

    StagePolicy.objects.filter(stage=Stage.RECEIVED).update(warning_days=5)
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at - 5 * DAY, tick=False)

    run_sweep()

    assert sent() == [(Level.WARNING, officer.email)]


# Who receives them -----------------------------------------------------------------------------------


def test_a_case_without_an_officer_goes_to_the_team_lead_of_its_desk(officer, lead, frozen, run_sweep):
    case = new_request(actor=officer)  # nobody assigned
    assert case.officer is None
    frozen.move_to(case.stage_due_at + DAY, tick=False)

    run_sweep()

    assert sent() == [(Level.OVERDUE, lead.email)]
    assert outbox_to() == [lead.email]


def test_a_case_of_another_region_goes_to_that_regions_team_lead(officer, lead, frozen, run_sweep):
    europe_lead = team_lead_of("FRA")
    case = new_request(actor=officer, state="FRA")
    frozen.move_to(case.stage_due_at + DAY, tick=False)

    run_sweep()

    assert sent() == [(Level.OVERDUE, europe_lead.email)]


def test_without_officer_nor_team_lead_the_focal_points_office_is_told(officer, frozen, run_sweep):
    assert RegionalDesk.objects.get(regional_group=member_state("GHA").regional_group).team_lead is None
    case = new_request(actor=officer)
    frozen.move_to(case.stage_due_at + DAY, tick=False)

    run_sweep()

    assert sent() == [(Level.OVERDUE, address) for address in sorted(FOCAL_POINT)]


def test_an_inactive_officers_reminders_go_to_the_team_lead(officer, lead, frozen, run_sweep):
    case = assigned_case(officer)
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    frozen.move_to(case.stage_due_at - DAY, tick=False)

    run_sweep()

    assert sent() == [(Level.WARNING, lead.email)]
    assert outbox_to() == [lead.email]


def test_an_inactive_team_lead_is_passed_over_for_the_focal_points_office(officer, lead, frozen, run_sweep):
    case = new_request(actor=officer)
    lead.is_active = False
    lead.save(update_fields=["is_active"])
    frozen.move_to(case.stage_due_at + 3 * DAY, tick=False)

    run_sweep()

    assert {recipient for _, recipient in sent()} == set(FOCAL_POINT)


# Once, and only once ---------------------------------------------------------------------------------


def test_a_second_sweep_sends_nothing_again(officer, lead, frozen, run_sweep):
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + 3 * DAY, tick=False)
    run_sweep()
    assert len(mail.outbox) == 2
    frozen.shift(datetime.timedelta(minutes=15))

    result = run_sweep()

    assert (result.planned, result.digests, result.claimed) == ([], {}, 0)
    assert len(mail.outbox) == 2
    assert Reminder.objects.count() == 2
    assert len(reminder_events(case)) == 2


def test_a_reminder_another_sweep_claimed_first_is_not_ours_to_send(officer, frozen, run_sweep, monkeypatch):
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + DAY, tick=False)
    planned_by_us = reminders.plan(now=timezone.now())
    # Meanwhile another sweep claims and sends the same reminder.
    run_sweep()
    assert len(mail.outbox) == 1

    # Ours inserts the same rows: the unique constraint keeps them theirs.
    monkeypatch.setattr(reminders, "plan", lambda **kwargs: planned_by_us)
    result = run_sweep()

    assert len(result.planned) == 1 and result.digests == {}
    assert len(mail.outbox) == 1
    assert Reminder.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_once_send_each_reminder_once(monkeypatch, settings):
    settings.EAS_FOCAL_POINT_EMAILS = FOCAL_POINT
    mail.outbox = []
    clerk = intake_clerk()
    officers = [UserFactory(), UserFactory()]
    lead = team_lead_of("GHA")
    cases = [new_request(actor=clerk, officer=officers[n % 2]) for n in range(4)] + [new_request(actor=clerk)]
    for case in cases:
        set_due(case, timezone.now() - 8 * DAY)  # every level is due

    barrier = threading.Barrier(2)
    original_plan = reminders.plan

    def plan_then_wait(**kwargs):
        planned = original_plan(**kwargs)
        barrier.wait(timeout=10)  # both sweeps have planned before either inserts
        return planned

    monkeypatch.setattr(reminders, "plan", plan_then_wait)
    results, errors = [], []

    def sweep():
        try:
            results.append(reminders.sweep())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(results) == 2
    # Both planned everything; between them they claimed it once.
    expected_rows = 4 * 4 + 1 * 4  # overdue + team lead + 2 focal point; the unassigned case: lead twice
    assert [len(result.planned) for result in results] == [expected_rows, expected_rows]
    assert sum(result.claimed for result in results) == expected_rows
    assert Reminder.objects.count() == expected_rows
    assert Reminder.objects.filter(status=Status.SENT).count() == expected_rows
    per_key = Reminder.objects.values_list("case_id", "level", "recipient")
    assert len(set(per_key)) == expected_rows
    # One digest per recipient, whichever sweep sent it.
    recipients = [officers[0].email, officers[1].email, lead.email, *FOCAL_POINT]
    assert sorted(outbox_to()) == sorted(recipients)
    assert CaseEvent.objects.filter(action="reminder_sent").count() == expected_rows


def test_a_digest_task_delivered_twice_sends_one_email(officer, frozen, run_sweep):
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + DAY, tick=False)
    claims = []
    result = run_sweep(send=lambda claim, recipient: claims.append((claim, recipient)))
    assert claims == [(result.claim, officer.email)]
    claim, recipient = claims[0]

    assert reminders.send_digest(claim=claim, recipient=recipient) == 1
    assert reminders.send_digest(claim=claim, recipient=recipient) == 0
    # and the Celery task, delivered again after that (acks_late redelivery)
    tasks.send_reminder_digest.delay(str(claim), recipient)

    assert len(mail.outbox) == 1
    assert len(reminder_events(case)) == 1
    assert Reminder.objects.get().status == Status.SENT


# A case that moved on ----------------------------------------------------------------------------------


def test_a_case_that_moved_on_before_the_sweep_gets_no_reminder_for_its_old_stage(officer, frozen, run_sweep):
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + DAY, tick=False)
    services.start_review(actor=officer, case=case)  # due in 14 days from now

    result = run_sweep()

    assert (result.planned, mail.outbox) == ([], [])


def test_a_case_that_moves_on_between_claim_and_send_gets_no_reminder(officer, lead, frozen, run_sweep, monkeypatch):
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + 3 * DAY, tick=False)
    original_plan = reminders.plan

    def plan_then_the_officer_acts(**kwargs):
        planned = original_plan(**kwargs)
        services.start_review(actor=officer, case=AssistanceRequest.objects.get(pk=case.pk))
        return planned

    monkeypatch.setattr(reminders, "plan", plan_then_the_officer_acts)

    run_sweep()

    assert mail.outbox == []
    assert sorted(Reminder.objects.values_list("level", "status")) == [
        (Level.OVERDUE, Status.CANCELLED),
        (Level.TEAM_LEAD, Status.CANCELLED),
    ]
    assert reminder_events(case) == []


def test_a_case_closed_after_its_reminder_failed_is_not_retried(officer, frozen, run_sweep, failing_send):
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + DAY, tick=False)
    failing_send(times=1)
    run_sweep()
    assert Reminder.objects.get().status == Status.FAILED
    services.withdraw(actor=officer, case=case, comment="Note verbale withdrawing the request.")
    frozen.shift(datetime.timedelta(minutes=15))

    run_sweep()

    assert mail.outbox == []
    assert Reminder.objects.get().status == Status.CANCELLED


def test_a_deferred_case_is_reminded_again_for_its_new_date(officer, frozen, run_sweep):
    case = case_in_stage(Stage.AWAITING_DECISION, actor=officer, officer=officer)
    frozen.move_to(case.stage_due_at + DAY, tick=False)
    run_sweep()
    assert sent() == [(Level.OVERDUE, officer.email)]

    revisit_on = timezone.localdate() + datetime.timedelta(days=30)
    case = services.record_decision(
        actor=officer,
        case=case,
        outcome=DecisionOutcome.DEFER,
        reason="The electoral law is not adopted yet.",
        revisit_on=revisit_on,
    )
    new_due = AssistanceRequest.objects.get(pk=case.pk).stage_due_at
    assert timezone.localdate(new_due) == revisit_on

    mail.outbox.clear()
    run_sweep()  # the new entry is not due for a month
    assert mail.outbox == []

    frozen.move_to(new_due - DAY, tick=False)
    run_sweep()
    frozen.move_to(new_due + datetime.timedelta(hours=1), tick=False)
    run_sweep()

    assert [(message.to, "overdue" in message.subject) for message in mail.outbox] == [
        ([officer.email], False),
        ([officer.email], True),
    ]
    rows = list(Reminder.objects.order_by("id").values_list("level", "stage_entered_at", "status"))
    assert [(level, status) for level, _, status in rows] == [
        (Level.OVERDUE, Status.SENT),
        (Level.WARNING, Status.SENT),
        (Level.OVERDUE, Status.SENT),
    ]
    assert rows[0][1] < rows[1][1] == rows[2][1]  # the deferral entered the stage anew


# Failed sends --------------------------------------------------------------------------------------------


def test_a_failed_send_is_recorded_and_retried_by_the_next_sweep(officer, frozen, run_sweep, failing_send):
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + DAY, tick=False)
    failing_send(times=1)

    run_sweep()

    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.attempts, reminder.sent_at) == (Status.FAILED, 1, None)
    assert "Connection refused" in reminder.last_error
    assert reminder_events(case) == []
    assert mail.outbox == []

    frozen.shift(datetime.timedelta(minutes=15))
    result = run_sweep()

    assert result.planned == [] and result.digests == {officer.email: 1}  # re-claimed, not planned anew
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, reminder.last_error) == (Status.SENT, 2, "")
    assert reminder.sent_at == timezone.now()
    assert outbox_to() == [officer.email]
    assert [e["level"] for e in reminder_events(case)] == ["overdue"]


def test_a_reminder_that_keeps_failing_is_given_up_after_the_maximum_attempts(
    officer, frozen, run_sweep, failing_send, settings
):
    settings.EAS_REMINDER_MAX_ATTEMPTS = 3
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + DAY, tick=False)
    send = failing_send(times=None)

    statuses = []
    for _ in range(4):
        run_sweep()
        reminder = Reminder.objects.get()
        statuses.append((reminder.status, reminder.attempts))
        frozen.shift(datetime.timedelta(minutes=15))

    assert statuses == [(Status.FAILED, 1), (Status.FAILED, 2), (Status.GAVE_UP, 3), (Status.GAVE_UP, 3)]
    assert send["calls"] == 3  # not tried after giving up
    assert reminder_events(case) == [] and mail.outbox == []


def test_a_new_reminder_in_a_failing_digest_keeps_its_own_attempts(officer, frozen, run_sweep, failing_send, settings):
    settings.EAS_REMINDER_MAX_ATTEMPTS = 2
    first = assigned_case(officer)
    frozen.move_to(first.stage_due_at + DAY, tick=False)
    failing_send(times=1)
    run_sweep()
    assert Reminder.objects.get().attempts == 1

    # A second case of the same officer falls due; the mail server is down again.
    second = assigned_case(officer)
    set_due(second, timezone.now() - DAY)
    frozen.shift(datetime.timedelta(minutes=15))
    failing_send(times=1)
    run_sweep()

    rows = dict(Reminder.objects.values_list("case_id", "status"))
    assert rows == {first.pk: Status.GAVE_UP, second.pk: Status.FAILED}

    frozen.shift(datetime.timedelta(minutes=15))
    run_sweep()
    assert dict(Reminder.objects.values_list("case_id", "status")) == {first.pk: Status.GAVE_UP, second.pk: Status.SENT}
    assert len(mail.outbox) == 1 and second.reference in mail.outbox[0].body
    assert first.reference not in mail.outbox[0].body


def test_a_send_whose_sender_died_is_claimed_again_once_stale(officer, frozen, run_sweep, settings):
    settings.EAS_REMINDER_STALE_MINUTES = 60
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + DAY, tick=False)
    run_sweep(send=lambda claim, recipient: None)  # claimed, then the worker died before sending
    assert Reminder.objects.get().status == Status.PENDING

    frozen.shift(datetime.timedelta(minutes=30))
    assert run_sweep().digests == {}  # maybe still being sent: left alone
    frozen.shift(datetime.timedelta(minutes=31))
    assert run_sweep().digests == {officer.email: 1}

    assert outbox_to() == [officer.email]
    assert Reminder.objects.get().status == Status.SENT


def test_a_failure_on_a_retrying_task_keeps_the_reminder_claimed_for_the_retry(
    officer, frozen, run_sweep, failing_send
):
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + DAY, tick=False)
    claims = []
    run_sweep(send=lambda claim, recipient: claims.append((claim, recipient)))
    claim, recipient = claims[0]
    failing_send(times=1)

    with pytest.raises(ConnectionRefusedError):
        reminders.send_digest(claim=claim, recipient=recipient, final_attempt=False)
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.attempts) == (Status.PENDING, 1)
    assert "Connection refused" in reminder.last_error

    assert reminders.send_digest(claim=claim, recipient=recipient, final_attempt=False) == 1
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (Status.SENT, 2)
    assert len(mail.outbox) == 1 and len(reminder_events(case)) == 1


def test_task_retries_and_sweeps_together_try_a_reminder_at_most_the_maximum_times(
    officer, frozen, run_sweep, failing_send, settings
):
    settings.EAS_REMINDER_MAX_ATTEMPTS = 3
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + DAY, tick=False)
    claims = []
    run_sweep(send=lambda claim, recipient: claims.append((claim, recipient)))
    claim, recipient = claims[0]
    state = failing_send(times=None)

    for _ in range(2):  # the task's own quick retries
        with pytest.raises(ConnectionRefusedError):
            reminders.send_digest(claim=claim, recipient=recipient, final_attempt=False)
    reminders.send_digest(claim=claim, recipient=recipient, final_attempt=False)  # the third try is the last
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.attempts) == (Status.GAVE_UP, 3)
    run_sweep(send=lambda claim, recipient: claims.append((claim, recipient)))
    assert len(claims) == 1 and state["calls"] == 3


# The digest -------------------------------------------------------------------------------------------------


def test_one_digest_per_recipient_lists_each_case_with_how_late_and_a_link(officer, lead, frozen, run_sweep):
    late = assigned_case(officer)
    soon = assigned_case(officer, state="MWI")
    other = assigned_case(UserFactory())
    frozen.move_to(late.stage_due_at + 3 * DAY + datetime.timedelta(hours=2), tick=False)
    set_due(soon, timezone.now() + DAY + datetime.timedelta(hours=1))
    set_due(other, timezone.now() + 20 * DAY)

    run_sweep()

    to_officer = [message for message in mail.outbox if message.to == [officer.email]]
    assert len(to_officer) == 1  # both cases in one email
    message = to_officer[0]
    assert message.subject == "[EAS] 2 cases need your attention (1 overdue)"
    assert message.from_email == "EAS <eas@localhost>"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    late_url = f"https://eas.example.org/cases/{late.reference}/"
    soon_url = f"https://eas.example.org/cases/{soon.reference}/"
    for text in (message.body, html):
        assert late.reference in text and soon.reference in text
        assert "Ghana" in text and "Malawi" in text  # the Member State
        assert "Received" in text  # the stage
        assert "3 days overdue" in text
        assert "due in 1 day" in text
        assert late_url in text and soon_url in text
        assert other.reference not in text
    # the most pressing case comes first
    assert message.body.index(late.reference) < message.body.index(soon.reference)
    assert html.index(late.reference) < html.index(soon.reference)
    assert f'href="{late_url}"' in html

    to_lead = [message for message in mail.outbox if message.to == [lead.email]]
    assert len(to_lead) == 1
    assert to_lead[0].subject == "[EAS] 1 case needs your attention (1 overdue)"
    assert "Escalated to the team lead" in to_lead[0].body


def test_a_case_at_two_levels_for_one_person_is_listed_once_at_the_higher(officer, frozen, run_sweep):
    # The officer leads the desk: the overdue reminder and the escalation both go to them.
    RegionalDesk.objects.filter(regional_group=member_state("GHA").regional_group).update(team_lead=officer)
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + 3 * DAY, tick=False)

    run_sweep()

    assert sent() == [(Level.OVERDUE, officer.email), (Level.TEAM_LEAD, officer.email)]
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert body.count(f"{case.reference} —") == 1
    assert "Escalated to the team lead" in body
    assert len(reminder_events(case)) == 2


def test_each_reminder_sent_is_written_to_the_case_history(officer, frozen, run_sweep):
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + DAY, tick=False)

    run_sweep()

    event = CaseEvent.objects.get(case=case, action="reminder_sent")
    assert event.created_at == timezone.now()
    assert (event.details["level"], event.details["to"]) == ("overdue", officer.email)
    assert parse_datetime(event.details["due"]) == case.stage_due_at
    assert event.actor is None  # the system, not a person
    assert str(event.action_label) == "Reminder sent"
    assert "Overdue" in event.details_text and officer.email in event.details_text


# The queries -------------------------------------------------------------------------------------------------


def test_planning_costs_the_same_few_queries_however_many_cases_are_due(officer, lead, frozen):
    first = assigned_case(officer)
    frozen.move_to(first.stage_due_at + 8 * DAY, tick=False)
    with CaptureQueriesContext(connection) as one_case:
        assert len(reminders.plan(now=timezone.now())) == 4
    for _ in range(5):
        set_due(assigned_case(UserFactory()), timezone.now() - 8 * DAY)
    with CaptureQueriesContext(connection) as six_cases:
        assert len(reminders.plan(now=timezone.now())) == 24
    assert len(six_cases) == len(one_case) <= 4


@pytest.mark.postgres
def test_the_due_cases_are_found_through_the_stage_and_deadline_index(officer, frozen):
    set_due(assigned_case(officer), NOW - DAY)
    query = reminders._due_cases(NOW, NOW + 2 * DAY)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    assert "case_stage_due_idx" in plan or "case_due_idx" in plan


# The Celery tasks, the command and the admin --------------------------------------------------------------------


def test_the_sweep_task_sends_through_the_digest_task(officer, frozen, django_capture_on_commit_callbacks):
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + DAY, tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = tasks.sweep_reminders.delay().get()

    assert outcome == {"claimed": 1, "recipients": 1}
    assert outbox_to() == [officer.email]


# The command sends once the sweep has committed, as it does outside a test's transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_command_runs_one_sweep_and_says_what_it_sent(officer, lead, frozen):
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + 3 * DAY, tick=False)
    out = io.StringIO()

    call_command("send_reminders", stdout=out)

    output = out.getvalue()
    assert f"sent to {officer.email}: 1 case(s)" in output
    assert f"sent to {lead.email}: 1 case(s)" in output
    assert "2 digest(s) sent, 2 reminder(s) claimed." in output
    assert outbox_to() == sorted([officer.email, lead.email])
    assert Reminder.objects.filter(status=Status.SENT).count() == 2

    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "0 digest(s) sent, 0 reminder(s) claimed." in out.getvalue()
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_command_says_when_a_digest_could_not_be_sent(officer, frozen, failing_send):
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + DAY, tick=False)
    failing_send(times=1)
    out = io.StringIO()

    call_command("send_reminders", stdout=out)

    assert f"not sent to {officer.email}" in out.getvalue()
    assert "0 digest(s) sent, 1 reminder(s) claimed." in out.getvalue()
    assert Reminder.objects.get().status == Status.FAILED


def test_the_command_dry_run_lists_without_storing_or_sending(
    officer, lead, frozen, django_capture_on_commit_callbacks
):
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + 3 * DAY, tick=False)
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("send_reminders", "--dry-run", stdout=out)

    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(case.reference) and "Overdue" in lines[0] and officer.email in lines[0]
    assert "Escalated to the team lead" in lines[1] and lead.email in lines[1]
    assert timezone.localtime(case.stage_due_at).strftime("due %Y-%m-%d %H:%M") in lines[0]
    assert lines[2] == "2 reminder(s) due; nothing sent (dry run)."
    assert callbacks == []
    assert not Reminder.objects.exists()
    assert mail.outbox == []
    assert not CaseEvent.objects.filter(action="reminder_sent").exists()


def test_reminders_are_listed_in_the_admin_and_nobody_edits_them(admin_client, officer, frozen, run_sweep):
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + DAY, tick=False)
    run_sweep()
    reminder = Reminder.objects.get()

    response = admin_client.get(reverse("admin:requests_app_reminder_changelist"))
    assert response.status_code == 200
    assert case.reference in response.content.decode() and officer.email in response.content.decode()
    assert response.context["has_add_permission"] is False

    assert admin_client.get(reverse("admin:requests_app_reminder_add")).status_code == 403
    detail = admin_client.get(reverse("admin:requests_app_reminder_change", args=[reminder.pk]))
    assert detail.status_code == 200 and detail.context["has_change_permission"] is False
    assert (
        admin_client.post(
            reverse("admin:requests_app_reminder_change", args=[reminder.pk]), {"recipient": "x@example.org"}
        ).status_code
        == 403
    )
    assert (
        admin_client.post(
            reverse("admin:requests_app_reminder_delete", args=[reminder.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Reminder.objects.get().recipient == officer.email

    from django.contrib import admin

    model_admin = admin.site._registry[Reminder]
    request = response.wsgi_request
    assert request.user.is_superuser
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, reminder)
    assert not model_admin.has_delete_permission(request, reminder)


# Sending: "sending" before the mail server, "sent" after; a crash in between is "uncertain" ---------


class Killed(BaseException):
    """The worker process dying (SIGKILL): nothing after it runs, no handler catches it."""


@pytest.fixture
def dies_after_the_send(monkeypatch):
    """The mail server accepts the digest, then the sender dies before it can commit."""
    real_send = EmailMultiAlternatives.send

    def send(self, *args, **kwargs):
        real_send(self, *args, **kwargs)
        raise Killed

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    return lambda: monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)


def claimed(officer, frozen, run_sweep):
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + DAY, tick=False)
    claims = []
    run_sweep(send=lambda claim, recipient: claims.append((claim, recipient)))
    return case, claims[0]


def test_the_attempt_is_committed_as_sending_before_the_mail_server_is_called(officer, frozen, run_sweep, monkeypatch):
    case, (claim, recipient) = claimed(officer, frozen, run_sweep)
    seen = []
    real_send = EmailMultiAlternatives.send

    def send(self, *args, **kwargs):
        seen.append(Reminder.objects.values("status", "attempts", "sending_at", "message_id").get())
        assert not connection.in_atomic_block or connection.savepoint_ids == []  # no transaction of ours open
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    assert reminders.send_digest(claim=claim, recipient=recipient) == 1

    message_id = reminders.message_id([Reminder.objects.get().pk])
    now = timezone.now()
    assert seen == [{"status": Status.SENDING, "attempts": 1, "sending_at": now, "message_id": message_id}]
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.attempts, reminder.sent_at) == (Status.SENT, 1, now)
    assert mail.outbox[0].message()["Message-ID"] == message_id == reminder.message_id
    assert reminder_events(case) == [
        {"level": Level.OVERDUE, "to": officer.email, "due": case.stage_due_at.isoformat().replace("+00:00", "Z")}
    ]


def test_the_message_id_is_the_same_for_the_same_reminders_and_only_for_them(settings):
    settings.DEFAULT_FROM_EMAIL = "EAS <eas@un.example.org>"
    same = reminders.message_id([3, 1, 2])
    assert same == reminders.message_id([1, 2, 3])
    assert same.startswith("<reminders.") and same.endswith("@un.example.org>")
    assert same != reminders.message_id([1, 2]) != reminders.message_id([1, 2, 4])


def test_a_sender_that_dies_after_the_send_leaves_the_reminder_uncertain_and_never_sends_it_again(
    officer, frozen, run_sweep, dies_after_the_send, settings, client, admin_user
):
    settings.EAS_REMINDER_SENDING_TIMEOUT_MINUTES = 30
    settings.EAS_REMINDER_STALE_MINUTES = 10
    case, (claim, recipient) = claimed(officer, frozen, run_sweep)
    with pytest.raises(Killed):
        tasks.send_reminder_digest.delay(str(claim), recipient)
    dies_after_the_send()  # the mail server works again
    assert len(mail.outbox) == 1
    assert Reminder.objects.get().status == Status.SENDING

    # The task redelivered (acks_late), then sweeps before and after the timeout: nothing leaves.
    tasks.send_reminder_digest.delay(str(claim), recipient)
    frozen.shift(datetime.timedelta(minutes=29))
    assert run_sweep().digests == {}
    assert Reminder.objects.get().status == Status.SENDING
    frozen.shift(datetime.timedelta(minutes=2))
    result = run_sweep()
    assert (result.digests, result.uncertain) == ({}, 1)
    frozen.shift(datetime.timedelta(days=1))
    assert run_sweep().digests == {}
    tasks.send_reminder_digest.delay(str(claim), recipient)

    assert len(mail.outbox) == 1
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.attempts) == (Status.UNCERTAIN, 1)
    assert list(
        CaseEvent.objects.filter(case=case).filter(action__startswith="reminder").values_list("action", flat=True)
    ) == ["reminder_uncertain"]

    client.force_login(admin_user)  # now: a session started before the time travel has expired
    listing = client.get(reverse("admin:requests_app_reminder_changelist"), {"status__exact": "uncertain"})
    assert "Delivery uncertain" in listing.content.decode() and case.reference in listing.content.decode()
    history = client.get(reverse("workspace:case-detail", args=[case.reference]))
    assert "Reminder delivery uncertain" in history.content.decode()


def test_a_person_resends_an_uncertain_reminder_with_one_action_and_the_copy_has_the_same_message_id(
    officer, frozen, run_sweep, dies_after_the_send, client, admin_user, django_capture_on_commit_callbacks
):
    case, (claim, recipient) = claimed(officer, frozen, run_sweep)
    with pytest.raises(Killed):
        reminders.send_digest(claim=claim, recipient=recipient)
    dies_after_the_send()
    frozen.shift(datetime.timedelta(hours=1))
    run_sweep()
    reminder = Reminder.objects.get()
    assert reminder.status == Status.UNCERTAIN
    client.force_login(admin_user)
    admin_client = client

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:requests_app_reminder_changelist"),
            {"action": "resend", "_selected_action": [reminder.pk]},
            follow=True,
        )
    assert "1 reminder is being sent again." in response.content.decode()
    assert len(mail.outbox) == 2
    assert mail.outbox[0].message()["Message-ID"] == mail.outbox[1].message()["Message-ID"]
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (Status.SENT, 2)
    resent = CaseEvent.objects.get(case=case, action="reminder_resent")
    assert resent.actor == response.wsgi_request.user
    assert list(
        CaseEvent.objects.filter(case=case, action__startswith="reminder").values_list("action", flat=True)
    ) == ["reminder_uncertain", "reminder_resent", "reminder_sent"]

    # Once sent it is not uncertain any more: resending it again is refused, with a message.
    response = admin_client.post(
        reverse("admin:requests_app_reminder_changelist"),
        {"action": "resend", "_selected_action": [reminder.pk]},
        follow=True,
    )
    assert "Only reminders whose delivery is uncertain can be resent." in response.content.decode()
    assert len(mail.outbox) == 2


def test_only_who_may_change_reminders_is_offered_the_resend_action(officer, frozen, run_sweep, client):
    from django.contrib.auth.models import Permission

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_reminder"))
    viewer.user_permissions.add(Permission.objects.get(codename="view_all_cases"))
    client.force_login(viewer)
    response = client.get(reverse("admin:requests_app_reminder_changelist"))
    assert response.status_code == 200 and "resend" not in response.content.decode()
    viewer.user_permissions.add(Permission.objects.get(codename="change_reminder"))
    response = client.get(reverse("admin:requests_app_reminder_changelist"))
    assert 'value="resend"' in response.content.decode()


def test_a_connection_cut_during_the_send_is_uncertain_at_once_and_not_retried(officer, frozen, run_sweep, monkeypatch):
    import smtplib

    case, (claim, recipient) = claimed(officer, frozen, run_sweep)

    def send(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    # Even on a task that would retry a refusal: the message may have left.
    assert reminders.send_digest(claim=claim, recipient=recipient, final_attempt=False) == 0
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.attempts) == (Status.UNCERTAIN, 1)
    assert "unexpectedly closed" in reminder.last_error
    frozen.shift(datetime.timedelta(days=1))
    assert run_sweep().digests == {}
    assert CaseEvent.objects.filter(case=case, action="reminder_uncertain").count() == 1


def test_a_refusal_by_the_mail_server_is_retried_as_before(officer, frozen, run_sweep, monkeypatch):
    import smtplib

    _, (claim, recipient) = claimed(officer, frozen, run_sweep)
    real_send = EmailMultiAlternatives.send

    def send(self, *args, **kwargs):
        raise smtplib.SMTPDataError(451, b"Temporary local problem, try again")

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    with pytest.raises(smtplib.SMTPDataError):
        reminders.send_digest(claim=claim, recipient=recipient, final_attempt=False)
    assert Reminder.objects.values_list("status", "attempts").get() == (Status.PENDING, 1)
    assert reminders.send_digest(claim=claim, recipient=recipient) == 0
    assert Reminder.objects.values_list("status", "attempts").get() == (Status.FAILED, 2)

    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    frozen.shift(datetime.timedelta(minutes=15))
    assert run_sweep().digests == {officer.email: 1}
    assert Reminder.objects.values_list("status", "attempts").get() == (Status.SENT, 3)
    assert len(mail.outbox) == 1


def test_a_send_slower_than_the_timeout_that_ends_well_is_recorded_as_sent(
    officer, frozen, run_sweep, monkeypatch, settings
):
    settings.EAS_REMINDER_SENDING_TIMEOUT_MINUTES = 30
    _, (claim, recipient) = claimed(officer, frozen, run_sweep)
    real_send = EmailMultiAlternatives.send

    def slow_send(self, *args, **kwargs):
        frozen.shift(datetime.timedelta(minutes=45))
        run_sweep()  # another worker's sweep meanwhile
        assert Reminder.objects.get().status == Status.UNCERTAIN
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", slow_send)
    assert reminders.send_digest(claim=claim, recipient=recipient) == 1
    assert Reminder.objects.get().status == Status.SENT
    assert len(mail.outbox) == 1
