"""Replies due in the reminders (requests_app/reminders/replies.py): a letter received with a reply due,
and none yet, is in its officer's digest before the day and on it; or its desk's, without a case."""

import datetime

import pytest
from django.core import mail

from requests_app.cases.models import AssistanceRequest
from requests_app.correspondence import services as correspondence
from requests_app.correspondence.services import LetterDetails
from requests_app.history.models import CaseEvent
from requests_app.reminders import services as reminders
from requests_app.reminders.models import Reminder
from tests.factories import UserFactory, member_state, new_request
from tests.reminders.helpers import DAY, NOW, Level, Status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_focal_point")]

TODAY = NOW.date()


def letter(actor, *, due_in_days, case=None, state="GHA"):
    return correspondence.register_incoming(
        actor=actor,
        case=case,
        country=None if case else member_state(state),
        details=LetterDetails(
            kind="note_verbale",
            date=TODAY - 3 * DAY,
            received_on=TODAY - 2 * DAY,
            channel="permanent_mission",
            sender="Permanent Mission of Ghana",
            subject="Electoral calendar: the Government asks for comments",
            reply_due_on=TODAY + due_in_days * DAY,
        ),
    )


def replies_sent():
    return sorted(
        Reminder.objects.filter(letter__isnull=False, status=Status.SENT).values_list("level", "recipient", "due_at")
    )


def at(day_offset, hour=7):
    """That day in the morning, when the first sweep of the day runs."""
    return datetime.datetime.combine(TODAY + day_offset * DAY, datetime.time(hour), tzinfo=datetime.UTC)


def test_the_officer_is_reminded_before_the_reply_is_due_and_on_the_day(
    officer, frozen, run_sweep, settings, focal_point_user
):
    settings.EAS_REPLY_WARNING_DAYS = 3
    case = new_request(officer=officer)
    received = letter(focal_point_user, case=case, due_in_days=10)
    due_at = datetime.datetime.combine(received.reply_due_on, datetime.time.min, tzinfo=datetime.UTC)

    seen = set()
    for day, expected in [
        (0, []),
        (6, []),
        (7, [(Level.WARNING, officer.email, due_at)]),  # three days before
        (8, []),  # once
        (10, [(Level.OVERDUE, officer.email, due_at)]),  # on the day
        (11, []),
    ]:
        frozen.move_to(at(day), tick=False)
        mail.outbox.clear()
        run_sweep()
        now_sent = set(replies_sent())
        assert sorted(now_sent - seen) == expected, day
        seen = now_sent
        if expected:
            [message] = [m for m in mail.outbox if "Reply due" in m.body]
            assert "Electoral calendar: the Government asks for comments" in message.body
            assert f"/correspondence/{received.pk}/" in message.body
            assert ("reply due in 3 days" if day == 7 else "reply due today") in message.body
    assert Reminder.objects.filter(letter=received).count() == 2
    # Each reminder sent is in the case's history.
    events = CaseEvent.objects.filter(case=case, action="reminder_sent", details__letter=received.pk)
    assert events.count() == 2


def test_a_letter_of_no_case_goes_to_the_desk_of_its_country(officer, lead, frozen, run_sweep, focal_point_user):
    received = letter(focal_point_user, due_in_days=1)
    run_sweep()
    assert [(level, to) for level, to, _due in replies_sent()] == [(Level.WARNING, lead.email)]
    assert not CaseEvent.objects.filter(action="reminder_sent").exists()  # no case, no case history
    assert Reminder.objects.get(letter=received).case is None


def test_a_letter_replied_is_not_reminded_and_a_claimed_reminder_is_cancelled(officer, frozen, focal_point_user):
    case = new_request(officer=officer)
    answered = letter(focal_point_user, case=case, due_in_days=1)
    waiting = letter(focal_point_user, case=case, due_in_days=1)
    correspondence.mark_replied(actor=focal_point_user, letter=answered, replied_on=TODAY)
    result = reminders.sweep(send=lambda claim, recipient: None)  # claimed, not sent yet
    assert {r.letter_id for r in result.planned if r.letter_id} == {waiting.pk}
    correspondence.mark_replied(actor=focal_point_user, letter=waiting, replied_on=TODAY)
    assert reminders.send_digest(claim=result.claim, recipient=officer.email) == 0
    assert Reminder.objects.get(letter=waiting).status == Status.CANCELLED


def test_two_sweeps_at_once_claim_a_reply_once(officer, frozen, focal_point_user):
    case = new_request(officer=officer)
    letter(focal_point_user, case=case, due_in_days=0)
    first = reminders.sweep(send=lambda claim, recipient: None)
    second = reminders.sweep(send=lambda claim, recipient: None)
    assert first.digests == {officer.email: 1} and second.digests == {}
    assert Reminder.objects.filter(letter__isnull=False).count() == 1


def test_a_former_case_that_was_never_a_request_is_not_reminded(officer, frozen, run_sweep):
    """A party's letter registered as a case before the register: its stage is nobody's work now."""
    case = new_request(officer=officer)
    AssistanceRequest.objects.filter(pk=case.pk).update(origin="other_body", stage_due_at=NOW - 30 * DAY)
    run_sweep()
    assert not Reminder.objects.exists()


@pytest.fixture
def focal_point_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


def test_the_dry_run_names_a_letter_of_no_case_by_the_letter(lead, frozen, focal_point_user):
    from io import StringIO

    from django.core.management import call_command

    received = letter(focal_point_user, due_in_days=0)
    out = StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert f"letter {received.pk}" in out.getvalue() and lead.email in out.getvalue()
    assert not Reminder.objects.exists()
