"""The reminder sweep (requests_app/reminders/services.py): who is told, when, and only once.

Time is frozen and moved with time-machine; emails land in Django's locmem outbox; the fixtures are
in tests/reminders/conftest.py.
"""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
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
from tests.reminders.helpers import (
    DAY,
    FOCAL_POINT,
    NOW,
    Level,
    Status,
    assigned_case,
    outbox_to,
    reminder_events,
    sent,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_focal_point")]


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
    # The stages' policies, the desks' leads, the claims taken, the cases due; the mandates about to expire
    # and the replies due with their claims.
    assert len(six_cases) == len(one_case) <= 6


@pytest.mark.postgres
def test_the_due_cases_are_found_through_the_stage_and_deadline_index(officer, frozen):
    set_due(assigned_case(officer), NOW - DAY)
    query = reminders._due_cases(NOW, NOW + 2 * DAY)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    assert "case_stage_due_idx" in plan or "case_due_idx" in plan
