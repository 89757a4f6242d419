"""The reminder sweep: who must be told, today, about which deadline — and telling them once.

A sweep reads the open cases whose deadline is near or past (one indexed query), works out
for each the reminder levels now due and their recipients, and claims each reminder by
inserting a row under a unique constraint (case, stage entry, level, recipient). Only rows
this sweep inserted carry its claim token, so two sweeps at once, a retry or a redelivered
task can never claim — and so never send — the same reminder twice. Emails leave after
commit, one digest per recipient per sweep; a failed send stays recorded and the next sweep
tries it again, a bounded number of times.

Sending is two commits around the mail server: "sending" (with the attempt, its time and the
digest's Message-ID) before, "sent" after. A sender that dies in between leaves its reminders
"sending"; past EAS_REMINDER_SENDING_TIMEOUT_MINUTES a sweep marks them "delivery uncertain",
writes that to the case history, and never sends them again by itself: a person checks and
resends (``resend``). So no reminder is emailed twice automatically, whatever crashes when.
"""

import logging
import smtplib
import socket
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any, NamedTuple, TypeAlias, cast

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Case, Count, F, Field, QuerySet, Value, When, signals
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from requests_app.cases.choices import Origin, Stage
from requests_app.cases.models import AssistanceRequest, RegionalDesk
from requests_app.core.errors import ActionRefused
from requests_app.core.queue import enqueue
from requests_app.core.types import User
from requests_app.deadlines import services as deadlines
from requests_app.deadlines.models import StagePolicy
from requests_app.history.models import CaseEvent
from requests_app.mandates import selectors as mandate_selectors
from requests_app.reminders.digests import digest
from requests_app.reminders.models import Reminder
from requests_app.reminders.replies import LETTER_FIELDS, plan_replies, reply_moved_on

logger = logging.getLogger(__name__)

Level = Reminder.Level
Status = Reminder.Status

# What sends a claimed digest: send(claim, recipient).
Sender: TypeAlias = Callable[[uuid.UUID, str], None]


def max_attempts() -> int:
    return settings.EAS_REMINDER_MAX_ATTEMPTS


def levels_due(*, due_at: datetime, policy: StagePolicy, now: datetime) -> list[str]:
    """The reminder levels a stage due at ``due_at`` has reached at ``now``."""
    if now < due_at - timedelta(days=policy.warning_days):
        return []
    if now < due_at:
        return [Level.WARNING]
    late = now - due_at
    levels: list[str] = [Level.OVERDUE]
    if late >= timedelta(days=policy.first_escalation_days):
        levels.append(Level.TEAM_LEAD)
    if late >= timedelta(days=policy.second_escalation_days):
        levels.append(Level.FOCAL_POINT)
    return levels


def focal_point_office() -> list[str]:
    return list(settings.EAS_FOCAL_POINT_EMAILS)


def recipients(level: str, due: "DueCase", team_leads: Mapping[str, User | None]) -> list[str]:
    """Warnings go to the officer, escalations up the line; nobody is ever left without one."""
    lead_user = team_leads.get(due.regional_group)
    lead = [lead_user.email] if lead_user is not None and lead_user.email and lead_user.is_active else []
    if level in (Level.WARNING, Level.OVERDUE):
        if due.officer_email and due.officer_is_active:
            return [due.officer_email]
        return lead or focal_point_office()
    if level == Level.TEAM_LEAD:
        return lead or focal_point_office()
    return focal_point_office()


class DueCase(NamedTuple):
    """What the sweep needs of a case: read as plain rows, 10,000 at a time is cheap."""

    id: int
    stage: str
    stage_entered_at: datetime
    stage_due_at: datetime
    regional_group: str
    officer_email: str | None
    officer_is_active: bool | None


@dataclass
class SweepResult:
    claim: uuid.UUID
    dry_run: bool = False
    planned: list[Reminder] = field(default_factory=list)  # reminders newly due (not saved on a dry run)
    digests: dict[str, int] = field(default_factory=dict)  # recipient -> number of reminders claimed
    uncertain: int = 0  # reminders found "sending" past the timeout, now "delivery uncertain"

    @property
    def claimed(self) -> int:
        return sum(self.digests.values())


class _Unsaved:
    """Builds unsaved reminders, the defaults worked out once per sweep.

    ``Reminder(**fields)`` pops each keyword and works out each default (a new uuid, the time
    twice) for every row: over a million cases, some 160,000 reminders of a busy day, that was
    seconds. The instance is made as ``Model.__init__`` makes it — its state, then every
    concrete field's value — without the per-field work; with a receiver of ``pre_init`` or
    ``post_init`` for Reminder, through ``Reminder(...)``. The defaults an unsaved row carries
    are never written: ``_insert_claims`` writes the sweep's own claim and time.
    """

    def __init__(self) -> None:
        self.defaults = {f.attname: f.get_default() for f in Reminder._meta.concrete_fields}
        self.plain = not (signals.pre_init.has_listeners(Reminder) or signals.post_init.has_listeners(Reminder))

    def __call__(self, **values: Any) -> Reminder:
        if not self.plain:
            return Reminder(**{**self.defaults, **values})
        reminder = Reminder.__new__(Reminder)
        reminder._state = ModelState()
        reminder.__dict__.update(self.defaults)
        reminder.__dict__.update(values)
        return reminder


def _due_cases(now: datetime, horizon: datetime) -> QuerySet[AssistanceRequest, tuple[Any, ...]]:
    cases = AssistanceRequest.objects.filter(stage__in=Stage.open_stages(), stage_due_at__lte=horizon)
    return cases.exclude(origin__in=Origin.not_requests()).values_list(
        "id",
        "stage",
        "stage_entered_at",
        "stage_due_at",
        "member_state__regional_group",
        "officer__email",
        "officer__is_active",
    )


def plan(*, now: datetime) -> list[Reminder]:
    """Reminders due now that nobody has claimed yet, as unsaved rows: deadlines, mandates' expiry, replies due."""
    team_leads = {desk.regional_group: desk.team_lead for desk in RegionalDesk.objects.select_related("team_lead")}
    return (
        _plan_deadlines(now, team_leads)
        + _plan_mandate_expiries(now, team_leads)
        + plan_replies(now=now, team_leads=team_leads, recipients=recipients, due_row=DueCase)
    )


def _plan_deadlines(now: datetime, team_leads: Mapping[str, User | None]) -> list[Reminder]:
    policies = {policy.stage: policy for policy in StagePolicy.objects.all()}
    if not policies:
        return []
    horizon = now + timedelta(days=max(policy.warning_days for policy in policies.values()))
    # Claims already made for the current stage entries of these cases: one query, joined.
    taken = set(
        Reminder.objects.filter(
            case__stage__in=Stage.open_stages(),
            case__stage_due_at__lte=horizon,
            stage_entered_at=F("case__stage_entered_at"),
        ).values_list("case_id", "level", "recipient")
    )
    planned: list[Reminder] = []
    unsaved = _Unsaved()
    for row in _due_cases(now, horizon).iterator(chunk_size=2000):
        case = DueCase(*row)
        policy = policies.get(case.stage)
        if policy is None:
            continue
        levels = levels_due(due_at=case.stage_due_at, policy=policy, now=now)
        if Level.OVERDUE in levels:
            levels = [level for level in levels if level != Level.WARNING]
        for level in levels:
            for recipient in recipients(level, case, team_leads):
                if (case.id, level, recipient) in taken:
                    continue
                taken.add((case.id, level, recipient))
                planned.append(
                    unsaved(
                        case_id=case.id,
                        stage=case.stage,
                        stage_entered_at=case.stage_entered_at,
                        due_at=case.stage_due_at,
                        level=level,
                        recipient=recipient,
                    )
                )
    return planned


def _plan_mandate_expiries(now: datetime, team_leads: Mapping[str, User | None]) -> list[Reminder]:
    """The case's officer and the focal point's office are told, once per mandate and threshold,
    that a mandate the case rests on expires within the threshold's days (none once it is renewed)."""
    days = mandate_selectors.reminder_days()
    links = mandate_selectors.expiring_links(timezone.localdate(now), days)
    if not links:
        return []
    taken = set(
        Reminder.objects.filter(
            level=Level.MANDATE_EXPIRY,
            days_before=days,
            mandate_id__in={link.mandate_id for link in links},
            case_id__in={link.case_id for link in links},
        ).values_list("case_id", "mandate_id", "recipient")
    )
    planned: list[Reminder] = []
    for link in links:
        due = DueCase(
            link.case_id,
            link.stage,
            link.stage_entered_at,
            deadlines.end_of_day(link.expires_on),
            link.regional_group,
            link.officer_email,
            link.officer_is_active,
        )
        officer = recipients(Level.WARNING, due, team_leads)  # the officer, or whoever stands in
        for recipient in dict.fromkeys([*officer, *focal_point_office()]):
            if (link.case_id, link.mandate_id, recipient) in taken:
                continue
            taken.add((link.case_id, link.mandate_id, recipient))
            planned.append(
                Reminder(
                    case_id=link.case_id,
                    mandate_id=link.mandate_id,
                    days_before=days,
                    stage=link.stage,
                    stage_entered_at=link.stage_entered_at,
                    due_at=due.stage_due_at,
                    level=Level.MANDATE_EXPIRY,
                    recipient=recipient,
                )
            )
    return planned


CLAIM_COLUMNS = (
    "case",
    "letter",
    "stage",
    "stage_entered_at",
    "due_at",
    "level",
    "recipient",
    "status",
    "claim",
    "claimed_at",
    "attempts",
    "last_error",
    "created_at",
    "message_id",
    "mandate",
    "days_before",
)


def _insert_claims(planned: list[Reminder], *, claim: uuid.UUID, now: datetime) -> None:
    """Insert the claims, skipping any row another sweep inserted first (it stays theirs).

    This is bulk_create(ignore_conflicts=True) in one statement run for many rows: the ORM
    prepares every value of every row through its SQL compiler, which costs over a second for
    the 16,000 reminders of a busy day, and SQLite's 999-parameter limit would split them into
    some 180 queries. Values are prepared by their fields, as the ORM would.
    """
    if not planned:
        return
    fields = [cast(Field, Reminder._meta.get_field(name)) for name in CLAIM_COLUMNS]  # their columns
    columns = ", ".join(connection.ops.quote_name(cast(str, field.column)) for field in fields)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(Reminder._meta.db_table)} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT DO NOTHING"
    )
    moment = Reminder._meta.get_field("due_at")
    prepared: dict[datetime, Any] = {}

    def at(value: datetime | None) -> Any:
        if value is None:
            return None
        if value not in prepared:
            prepared[value] = moment.get_db_prep_save(value, connection)
        return prepared[value]

    claim_value = Reminder._meta.get_field("claim").get_db_prep_save(claim, connection)
    rows = [
        (
            r.case_id,
            r.letter_id,
            r.stage,
            at(r.stage_entered_at),
            at(r.due_at),
            r.level,
            r.recipient,
            Status.PENDING.value,
            claim_value,
            at(now),
            0,
            "",
            at(now),
            "",
            r.mandate_id,
            r.days_before,
        )
        for r in planned
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY into a temporary table, then one INSERT from it: executemany, even pipelined,
            # sends and plans each row (some 20 s for the 160,000 claims of a million open cases).
            table = connection.ops.quote_name(Reminder._meta.db_table)
            cursor.execute(f"CREATE TEMPORARY TABLE reminder_claims AS SELECT {columns} FROM {table} WITH NO DATA")
            with cursor.copy(f"COPY reminder_claims ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM reminder_claims ON CONFLICT DO NOTHING"
            )
            cursor.execute("DROP TABLE reminder_claims")
        else:
            cursor.executemany(sql, rows)


# The task that sends one digest (requests_app.reminders.tasks), queued by its name.
SEND_DIGEST_TASK = "requests_app.send_reminder_digest"


def _queue_digest(claim: uuid.UUID, recipient: str) -> None:
    enqueue(SEND_DIGEST_TASK, str(claim), recipient)


def sweep(*, now: datetime | None = None, dry_run: bool = False, send: Sender | None = None) -> SweepResult:
    """Claim every reminder now due, and the failed ones worth another try; then send.

    ``send(claim, recipient)`` is called after commit for each digest; by default it queues
    the Celery task that sends it.
    """
    now = now or timezone.now()
    claim = uuid.uuid4()
    result = SweepResult(claim=claim, dry_run=dry_run)
    planned = plan(now=now)
    result.planned = planned
    if dry_run:
        return result
    with transaction.atomic():
        _insert_claims(planned, claim=claim, now=now)
        # Failed sends, and claims whose sender died, are claimed again for another try.
        Reminder.objects.filter(status=Status.FAILED, attempts__lt=max_attempts()).update(
            claim=claim, claimed_at=now, status=Status.PENDING
        )
        # Claimed but never handed to the mail server: nothing left, safe to send.
        Reminder.objects.filter(
            status=Status.PENDING, claimed_at__lt=now - timedelta(minutes=settings.EAS_REMINDER_STALE_MINUTES)
        ).update(claim=claim, claimed_at=now)
        # Handed to the mail server by a sender that never said how it went: maybe delivered.
        result.uncertain = mark_uncertain(now=now)
        result.digests = dict(
            Reminder.objects.filter(claim=claim, status=Status.PENDING)
            .values_list("recipient")
            .annotate(n=Count("id"))
            .order_by()
        )
        send = send or _queue_digest
        for recipient in result.digests:
            transaction.on_commit(partial(send, claim, recipient))
    return result


# The mail server refused, or no connection was ever made: the email surely did not leave.
# Anything else raised during a send (a connection cut or timed out in mid-message) may have
# followed the server's acceptance: the reminders are then "delivery uncertain", not retried.
NOT_SENT_ERRORS = (
    smtplib.SMTPResponseException,  # a refusal: data, sender, HELO, authentication, connect
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPNotSupportedError,
    ConnectionRefusedError,
    socket.gaierror,
)


def _events(
    reminders_: Iterable[Reminder], action: str, *, now: datetime, recipient: str | None, actor: User | None = None
) -> None:
    CaseEvent.objects.bulk_create(
        (
            CaseEvent(
                case_id=r.case_id,
                actor=actor,
                action=action,
                created_at=now,
                details={
                    "level": r.level,
                    "to": recipient or r.recipient,
                    "due": r.due_at,
                    **({"mandate": r.mandate.symbol} if r.mandate is not None else {}),
                    **({"letter": r.letter_id} if r.letter_id else {}),
                },
            )
            for r in reminders_
            if r.case_id is not None  # a reply due of a letter that concerns no case: no case history
        ),
        batch_size=2000,
    )


def mark_uncertain(*, now: datetime) -> int:
    """Reminders left "sending" past the timeout become "delivery uncertain", in their case's history."""
    cutoff = now - timedelta(minutes=settings.EAS_REMINDER_SENDING_TIMEOUT_MINUTES)
    with transaction.atomic():
        stuck = list(
            Reminder.objects.select_for_update(skip_locked=connection.features.has_select_for_update_skip_locked)
            .filter(status=Status.SENDING, sending_at__lt=cutoff)
            .only("id", "case_id", "letter_id", "level", "recipient", "due_at", "mandate_id")
        )
        if not stuck:
            return 0
        Reminder.objects.filter(pk__in=[r.pk for r in stuck], status=Status.SENDING).update(
            status=Status.UNCERTAIN,
            last_error=_("The sender stopped after handing the email to the mail server: it may have been delivered."),
        )
        _events(stuck, "reminder_uncertain", now=now, recipient=None)
    logger.warning("%d reminder(s) of uncertain delivery: a person must check and resend them", len(stuck))
    return len(stuck)


def resend(
    reminders_: Iterable[Reminder | int],
    *,
    actor: User | None,
    now: datetime | None = None,
    send: Sender | None = None,
) -> int:
    """A person resends reminders whose delivery was uncertain: claimed again, then sent.

    Returns the number claimed; raises ActionRefused when none of them is uncertain.
    """
    now = now or timezone.now()
    ids = cast(list[int], [getattr(r, "pk", r) for r in reminders_])
    claim = uuid.uuid4()
    with transaction.atomic():
        rows = list(
            Reminder.objects.select_for_update(of=("self",))
            .filter(pk__in=ids, status=Status.UNCERTAIN)
            .only("id", "case_id", "letter_id", "level", "recipient", "due_at", "mandate_id")
        )
        if not rows:
            raise ActionRefused(_("Only reminders whose delivery is uncertain can be resent."))
        Reminder.objects.filter(pk__in=[r.pk for r in rows]).update(status=Status.PENDING, claim=claim, claimed_at=now)
        _events(rows, "reminder_resent", now=now, recipient=None, actor=actor)
        send = send or _queue_digest
        for recipient in sorted({r.recipient for r in rows}):
            transaction.on_commit(partial(send, claim, recipient))
    return len(rows)


def send_digest(
    *, claim: uuid.UUID | str, recipient: str, final_attempt: bool = True, now: datetime | None = None
) -> int:
    """Send one recipient the reminders of one sweep, in one email. Safe to run twice.

    First commit: the reminders are "sending" (a second delivery of this task finds nothing
    pending). Then the email goes to the mail server. Second commit: "sent", or on a refusal
    back to be retried; a sender that dies in between leaves them "sending" (see mark_uncertain).
    """
    now = now or timezone.now()
    pending = Reminder.objects.filter(claim=claim, recipient=recipient, status=Status.PENDING)
    with transaction.atomic():
        live, message = _mark_sending(pending, recipient, now)
        if message is None:
            return 0
    attempt = Reminder.objects.filter(pk__in=[r.pk for r in live], sending_at=now)
    mail_connection = get_connection()
    try:
        failure = _hand_over(message, mail_connection)
    except Exception as error:  # noqa: BLE001 - maybe delivered: recorded, never sent again by itself
        _record_uncertain(attempt, live, error, now=now, recipient=recipient)
        _close(mail_connection)
        return 0
    if failure is None:
        _record_sent(attempt, live, now=now, recipient=recipient)
        _close(mail_connection)  # after the commit: the server has the message, whatever QUIT says
        return len({r.case_id for r in live})
    _close(mail_connection)
    _record_failed(attempt, live, failure, final_attempt=final_attempt)
    if not final_attempt and pending.exists():
        raise failure  # for the task to retry what is still worth a try
    return 0


def _hand_over(message: EmailMultiAlternatives, mail_connection: Any) -> Exception | None:
    """Give the digest to the mail server: None once it took it, the error if it surely did not.

    Any other error raised while sending propagates: the message may have left (NOT_SENT_ERRORS).
    """
    try:
        mail_connection.open()
    except Exception as error:  # noqa: BLE001 - no connection: nothing left
        return error
    message.connection = mail_connection
    try:
        message.send()
    except NOT_SENT_ERRORS as error:
        return error
    return None


def _record_sent(attempt: QuerySet[Reminder], live: list[Reminder], *, now: datetime, recipient: str) -> None:
    with transaction.atomic():
        # "uncertain" too: a send slower than the timeout that did end well is known to have.
        attempt.filter(status__in=[Status.SENDING, Status.UNCERTAIN]).update(
            status=Status.SENT, sent_at=now, last_error=""
        )
        _events(live, "reminder_sent", now=now, recipient=recipient)


def _record_uncertain(
    attempt: QuerySet[Reminder], live: list[Reminder], error: Exception, *, now: datetime, recipient: str
) -> None:
    with transaction.atomic():
        attempt.filter(status=Status.SENDING).update(
            status=Status.UNCERTAIN, last_error=str(error)[:2000] or error.__class__.__name__
        )
        _events(live, "reminder_uncertain", now=now, recipient=recipient)
    # Ids only in the log: the address, and an SMTP error's text that may quote it, are on the reminders.
    logger.warning("Reminder digest of reminders %s may or may not have left: %s", _ids(live), type(error).__name__)


def _ids(reminders_: list[Reminder]) -> str:
    return ", ".join(str(r.pk) for r in sorted(reminders_, key=lambda r: r.pk))


def _record_failed(
    attempt: QuerySet[Reminder], live: list[Reminder], failure: Exception, *, final_attempt: bool
) -> None:
    logger.warning("Reminder digest of reminders %s failed: %s", _ids(live), type(failure).__name__)
    # Each reminder counts its own attempts (one that joined this digest after an older one
    # kept failing is not given up with it), and no reminder is tried more than
    # EAS_REMINDER_MAX_ATTEMPTS times in all: by its task's retries, then by later sweeps.
    status = Case(
        When(attempts__gte=max_attempts(), then=Value(Status.GAVE_UP)),
        # PENDING: the task retries it shortly; FAILED: the next sweep claims it again.
        default=Value(Status.FAILED if final_attempt else Status.PENDING),
    )
    attempt.filter(status=Status.SENDING).update(
        last_error=str(failure)[:2000] or failure.__class__.__name__, status=status
    )


def _mark_sending(
    pending: QuerySet[Reminder], recipient: str, now: datetime
) -> tuple[list[Reminder], EmailMultiAlternatives | None]:
    """(reminders, message): the pending reminders still worth sending, now "sending", and their
    digest; those whose case moved on are cancelled. Runs in the caller's transaction."""
    reminders = list(
        pending.select_for_update(of=("self",))
        .select_related("case__member_state", "mandate", "letter__country")
        .only(
            "id",
            "case_id",
            "letter_id",
            "level",
            "due_at",
            "stage_entered_at",
            "attempts",
            "case__reference",
            "case__stage",
            "case__stage_entered_at",
            "case__member_state__name",
            "case__member_state__names",
            "mandate__symbol",
            "mandate__expires_on",
            *LETTER_FIELDS,
        )
        .order_by("due_at", "id")
    )
    # A mandate's expiry concerns the case whatever its stage, while it rests on the mandate unrenewed.
    depended_on = mandate_selectors.still_depended_on(
        (r.case_id, r.mandate_id) for r in reminders if r.mandate_id is not None and r.case_id is not None
    )
    live: list[Reminder] = []
    gone: list[Reminder] = []
    for reminder in reminders:
        if reminder.letter_id is not None:
            moved_on = reply_moved_on(reminder)
        elif reminder.mandate_id is not None:
            moved_on = (reminder.case_id, reminder.mandate_id) not in depended_on
        else:
            case = reminder.case
            assert case is not None  # a reminder of a stage has its case (reminder_of_a_stage_or_a_letter)
            moved_on = case.stage in Stage.ends() or case.stage_entered_at != reminder.stage_entered_at
        (gone if moved_on else live).append(reminder)
    if gone:
        Reminder.objects.filter(pk__in=[r.pk for r in gone]).update(status=Status.CANCELLED)
    if not live:
        return [], None
    message = digest(live, recipient=recipient, now=now)
    Reminder.objects.filter(pk__in=[r.pk for r in live]).update(
        status=Status.SENDING,
        sending_at=now,
        attempts=F("attempts") + 1,
        message_id=message.extra_headers["Message-ID"],
    )
    return live, message


def _close(mail_connection: Any) -> None:
    try:
        mail_connection.close()
    except Exception as error:  # noqa: BLE001 - the message is already accepted or refused
        logger.info("Closing the mail connection failed: %s", error)
