"""What the reminder tests share: the frozen day, the focal point's office, what was sent."""

import datetime

from django.core import mail

from requests_app.history.models import CaseEvent
from requests_app.reminders.models import Reminder
from tests.factories import new_request

UTC = datetime.UTC
NOW = datetime.datetime(2025, 6, 16, 9, 0, tzinfo=UTC)
DAY = datetime.timedelta(days=1)
FOCAL_POINT = ["focal-point@un.example.org", "eas-director@un.example.org"]


Level = Reminder.Level
Status = Reminder.Status


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
