"""Sending a digest: failures retried up to a limit; "sending" before the mail server, "sent" after,
and a crash in between "uncertain", never sent again by itself.
"""

import datetime

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from requests_app.history.models import CaseEvent
from requests_app.reminders import digests, tasks
from requests_app.reminders import services as reminders
from requests_app.reminders.models import Reminder
from tests.factories import (
    UserFactory,
    set_due,
)
from tests.reminders.helpers import (
    DAY,
    Level,
    Status,
    assigned_case,
    outbox_to,
    reminder_events,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_focal_point")]


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

    message_id = digests.message_id([Reminder.objects.get().pk])
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
    same = digests.message_id([3, 1, 2])
    assert same == digests.message_id([1, 2, 3])
    assert same.startswith("<reminders.") and same.endswith("@un.example.org>")
    assert same != digests.message_id([1, 2]) != digests.message_id([1, 2, 4])


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
