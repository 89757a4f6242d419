"""The reminder digest: one email per person and sweep, its lines, links and Message-ID."""

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from requests_app.accounts.selectors import languages_of_addresses
from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.core.emails import templated_email
from requests_app.core.urls import absolute_url
from requests_app.core.written_dates import short_date, short_moment
from requests_app.reminders.models import Reminder
from requests_app.reminders.replies import reply_item

Level = Reminder.Level
# The most pressing level first: a case shows once in a digest, at the highest level it reached.
LEVEL_RANK: dict[str, int] = {
    Level.MANDATE_EXPIRY: 0,
    Level.WARNING: 0,
    Level.OVERDUE: 1,
    Level.TEAM_LEAD: 2,
    Level.FOCAL_POINT: 3,
}


def _case_url(case: AssistanceRequest) -> str:
    return absolute_url("workspace:case-detail", case.reference)


def _lateness(due_at: datetime, now: datetime) -> str:
    delta = now - due_at
    if delta >= timedelta(0):
        days = delta.days
        if days == 0:
            return _("due today, now overdue")
        return ngettext("%(days)d day overdue", "%(days)d days overdue", days) % {"days": days}
    days = (-delta).days
    if days == 0:
        return _("due within a day")
    return ngettext("due in %(days)d day", "due in %(days)d days", days) % {"days": days}


def _item(
    reminder: Reminder, now: datetime, stage_labels: Mapping[str, str], level_labels: Mapping[str, str]
) -> dict[str, Any]:
    case = reminder.case
    assert case is not None  # a reminder of a stage or a mandate has its case
    mandate = reminder.mandate if reminder.mandate_id is not None else None
    return {
        "reference": case.reference,
        "state": case.member_state.local_name,
        "stage": stage_labels[case.stage],
        "due": timezone.localtime(reminder.due_at),
        "due_text": short_moment(reminder.due_at),
        "lateness": _expiry(reminder.due_at, now) if mandate else _lateness(reminder.due_at, now),
        "level": level_labels[reminder.level],
        "overdue": reminder.due_at <= now,
        "url": _case_url(case),
        # A mandate the case rests on, about to expire: its symbol and its last day.
        "mandate": mandate.symbol if mandate else "",
        "mandate_expires": mandate.expires_on if mandate else None,
        "mandate_expires_text": short_date(mandate.expires_on) if mandate else "",
    }


def _expiry(expires_at: datetime, now: datetime) -> str:
    days = (timezone.localdate(expires_at) - timezone.localdate(now)).days
    if days <= 0:
        return _("the mandate expires today") if days == 0 else _("the mandate has expired")
    return ngettext("the mandate expires in %(days)d day", "the mandate expires in %(days)d days", days) % {
        "days": days
    }


def message_id(reminder_ids: Iterable[int]) -> str:
    """The Message-ID of a digest of these reminders: the same reminders, the same Message-ID.

    Should a digest ever leave twice (a person resending one whose delivery was uncertain),
    the copy carries the same Message-ID: mail clients and the mail server's log recognise it.
    """
    digest = hashlib.sha256(",".join(str(pk) for pk in sorted(reminder_ids)).encode()).hexdigest()[:40]
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "eas.invalid"
    return f"<reminders.{digest}@{domain}>"


def digest(live: list[Reminder], *, recipient: str, now: datetime) -> EmailMultiAlternatives:
    """The email telling ``recipient`` about these reminders, in the language they read EAS in
    (their preference; the site's default for an address that is no user's, such as an office's)."""
    with translation.override(languages_of_addresses([recipient])[recipient]):
        return _digest(live, recipient=recipient, now=now)


def _digest(live: list[Reminder], *, recipient: str, now: datetime) -> EmailMultiAlternatives:
    # One line per case (and per mandate about to expire that a case rests on, and per letter whose
    # reply is due), at the highest level it reached, the most pressing first.
    by_case: dict[tuple[str, int | None, int | None], Reminder] = {}
    for reminder in live:
        key = (
            ("letter", reminder.letter_id, None)
            if reminder.letter_id
            else ("case", reminder.case_id, reminder.mandate_id)
        )
        current = by_case.get(key)
        if current is None or LEVEL_RANK[reminder.level] > LEVEL_RANK[current.level]:
            by_case[key] = reminder
    ordered = sorted(by_case.values(), key=lambda r: (-LEVEL_RANK[r.level], r.due_at))
    # A person with hundreds of late cases needs the worst ones and the way to the rest,
    # not an email nobody can read to the end.
    shown = settings.EAS_REMINDER_DIGEST_MAX_CASES
    stage_labels = {key: str(label) for key, label in Stage.choices}
    level_labels = {key: str(label) for key, label in Level.choices}
    items = [
        reply_item(r, now, level_labels) if r.letter_id else _item(r, now, stage_labels, level_labels)
        for r in ordered[:shown]
    ]
    overdue = sum(1 for r in ordered if r.due_at <= now)
    subject = ngettext(
        "[EAS] %(count)d case needs your attention", "[EAS] %(count)d cases need your attention", len(ordered)
    ) % {"count": len(ordered)}
    if overdue:
        subject += " " + ngettext("(%(n)d overdue)", "(%(n)d overdue)", overdue) % {"n": overdue}
    context = {
        "items": items,
        "total": len(ordered),
        "more": len(ordered) - len(items),
        "list_url": absolute_url("workspace:case-list", query="?deadline=overdue&sort=due"),
        "recipient": recipient,
        "overdue": overdue,
    }
    return templated_email(
        "emails/reminder_digest",
        context,
        subject=subject,
        to=[recipient],
        headers={"Message-ID": message_id(r.pk for r in live)},
    )
