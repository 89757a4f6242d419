"""Replies due: a letter received with a reply due, and none yet, is in the reminders.

The sweep claims them as it claims a stage's reminders (once per letter, day due, level and
recipient), and they join the same digests: before the day (EAS_REPLY_WARNING_DAYS), and from the
day on. They go to the officer of the letter's case, or to the desk of the letter's country (its
team lead) when it concerns no case or its officer is away; to the focal point's office without one.
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from requests_app.core.confidentiality import is_recorded
from requests_app.core.types import User
from requests_app.core.urls import absolute_url
from requests_app.core.written_dates import short_date
from requests_app.correspondence.models import Letter
from requests_app.correspondence.selectors import replies_due
from requests_app.reminders.models import Reminder

Level = Reminder.Level


def due_moment(day: date) -> datetime:
    """A reply due on ``day`` is due from that day's start: "due today" in the morning's digest."""
    return timezone.make_aware(datetime.combine(day, time.min))


def plan_replies(
    *, now: datetime, team_leads: Mapping[str, User | None], recipients: Callable[..., list[str]], due_row: Callable
) -> list[Reminder]:
    """Reminders of replies due now that nobody has claimed yet, as unsaved rows (one query)."""
    until = timezone.localdate(now) + timedelta(days=settings.EAS_REPLY_WARNING_DAYS)
    letters: dict[int, tuple[Any, ...]] = {}
    taken: set[tuple[int, datetime, str, str]] = set()
    for *row, claimed_due, claimed_level, claimed_to in replies_due(until=until):
        letters[row[0]] = tuple(row)
        if claimed_due is not None:
            taken.add((row[0], claimed_due, claimed_level, claimed_to))
    planned: list[Reminder] = []
    for letter_id, due_on, case_id, officer_email, officer_active, group in letters.values():
        due_at = due_moment(due_on)
        level = Level.WARNING if now < due_at else Level.OVERDUE
        due = due_row(case_id or 0, "", due_at, due_at, group, officer_email, officer_active)
        for recipient in recipients(level, due, team_leads):
            if (letter_id, due_at, level, recipient) in taken:
                continue
            taken.add((letter_id, due_at, level, recipient))
            planned.append(
                Reminder(
                    case_id=case_id,
                    letter_id=letter_id,
                    stage="",
                    stage_entered_at=None,
                    due_at=due_at,
                    level=level,
                    recipient=recipient,
                )
            )
    return planned


def reply_moved_on(reminder: Reminder) -> bool:
    """Whether a reply's reminder is no longer worth sending: answered, or due on another day now."""
    letter = reminder.letter
    assert letter is not None
    if letter.replied_on is not None or letter.reply_due_on is None:
        return True
    return due_moment(letter.reply_due_on) != reminder.due_at


def _lateness(due_on: date, today: date) -> str:
    days = (today - due_on).days
    if days == 0:
        return _("reply due today")
    if days > 0:
        return ngettext("reply %(days)d day overdue", "reply %(days)d days overdue", days) % {"days": days}
    return ngettext("reply due in %(days)d day", "reply due in %(days)d days", -days) % {"days": -days}


def _subject(letter: Letter) -> str:
    """What an email says of the letter: its subject, unless it is confidential or above (an email
    leaves the system: it never carries what only some may read)."""
    return str(letter) if is_recorded(letter.level) else letter.subject


def reply_item(reminder: Reminder, now: datetime, level_labels: Mapping[str, str]) -> dict[str, Any]:
    """A digest's line for a reply due: the letter, its country, the day, how late."""
    letter = reminder.letter
    assert letter is not None
    today = timezone.localdate(now)
    return {
        "reference": reminder.case.reference if reminder.case_id and reminder.case else _("Letter"),
        "state": letter.country.local_name,
        "stage": _("Reply due: %(subject)s") % {"subject": _subject(letter)},
        "due": timezone.localtime(reminder.due_at),
        "due_text": short_date(letter.reply_due_on or today),
        "lateness": _lateness(letter.reply_due_on or today, today),
        "level": level_labels[reminder.level],
        "overdue": (letter.reply_due_on or today) < today,
        "url": absolute_url("workspace:letter-detail", letter.pk),
    }


LETTER_FIELDS: Iterable[str] = (
    "letter__id",
    "letter__subject",
    "letter__level",
    "letter__kind",
    "letter__direction",
    "letter__date",
    "letter__replied_on",
    "letter__reply_due_on",
    "letter__country__name",
    "letter__country__names",
)
