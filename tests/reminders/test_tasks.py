"""The reminder's Celery tasks and the send_reminders command."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from requests_app.history.models import CaseEvent
from requests_app.reminders import tasks
from requests_app.reminders.models import Reminder
from tests.reminders.helpers import (
    DAY,
    Status,
    assigned_case,
    outbox_to,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_focal_point")]


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
