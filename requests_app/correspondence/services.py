"""Writing the correspondence register: letters received and sent, replies, letters not considered.

Each write runs in one transaction and, for a letter of a case, leaves an event in the case's
history. Letters that the case's own steps make (the request, the acknowledgement, the decision
letter: ``file_from_case_event``) are recorded by the event of that step, not by one of their own.
"""

import datetime
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from requests_app.cases.choices import AuthorityType, Origin
from requests_app.cases.models import AssistanceRequest, Decision
from requests_app.cases.services import record_event
from requests_app.core.confidentiality import RANK, Level, highest, label, may_read
from requests_app.core.errors import ActionRefused
from requests_app.core.types import StrOrPromise, User
from requests_app.core.validators import has_control_characters
from requests_app.correspondence import selectors
from requests_app.correspondence.models import (
    FOCAL_POINT,
    Channel,
    Direction,
    Letter,
    LetterEvent,
    LetterKind,
    LetterStatus,
    Purpose,
    SenderKind,
    default_level,
)
from requests_app.documents.models import CaseDocument, DocumentKind
from requests_app.documents.services import document_problems, shortened_name
from requests_app.history.models import CaseEvent
from requests_app.reference.models import MemberState, UnLanguage


@dataclass
class LetterDetails:
    """What the register records of one letter, as a form or a step of a case gives it."""

    kind: str
    date: datetime.date | None
    channel: str
    sender: str
    subject: str
    recipient: str = ""
    sender_kind: str = ""
    notes: str = ""
    received_on: datetime.date | None = None
    reply_due_on: datetime.date | None = None
    purpose: str = Purpose.OTHER
    upload: File | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    level: str = ""  # empty: its kind's (models.default_level)
    language: str = ""  # empty: the case's correspondence's, else its State's (selectors.case_language)


def _choice_problems(details: LetterDetails) -> list[StrOrPromise]:
    problems: list[StrOrPromise] = []
    if details.kind not in LetterKind.values:
        problems.append(_("Choose the kind of letter."))
    if details.channel not in Channel.values:
        problems.append(_("Choose the channel the letter came or went through."))
    if details.purpose not in Purpose.values:
        problems.append(_("Choose what the letter is."))
    if details.sender_kind and details.sender_kind not in SenderKind.values:
        problems.append(_("Choose who wrote the letter."))
    if not details.sender.strip():
        problems.append(_("Say who the letter is from."))
    if not details.subject.strip():
        problems.append(_("Give the letter's subject."))
    for text, limit in ((details.sender, 200), (details.recipient, 200), (details.subject, 300)):
        if len(text.strip()) > limit:
            problems.append(_("%(text)s…: at most %(limit)d characters.") % {"text": text[:40], "limit": limit})
    if any(has_control_characters(text) for text in (details.sender, details.recipient, details.subject)):
        problems.append(_("Line breaks, tabs and other control characters are not allowed in a name or subject."))
    return problems


def level_problems(actor: User | None, level: str, default: str) -> list[StrOrPromise]:
    """Why ``actor`` may not register a letter at ``level``: an unknown level, or one below its kind's
    default chosen by someone who may not read that default."""
    if level not in Level.values:
        return [_("Choose the level of the letter.")]
    if RANK[level] < RANK[default] and not may_read(actor, default):
        return [
            _("This letter is %(default)s; only someone who may read %(default)s letters may file it as %(level)s.")
            % {"default": label(default).lower(), "level": label(level).lower()}
        ]
    return []


def _language_problems(language: str) -> list[StrOrPromise]:
    if language and language not in UnLanguage.values:
        return [_("Choose the language of the letter: one of the six official languages of the United Nations.")]
    return []


def _date_problems(details: LetterDetails, direction: str) -> list[StrOrPromise]:
    today = timezone.localdate()
    problems: list[StrOrPromise] = []
    if details.date is None:
        return [_("Give the date of the letter.")]
    if details.date > today:
        problems.append(_("The letter cannot be dated after today."))
    if direction == Direction.OUT and (details.received_on or details.reply_due_on):
        problems.append(_("Only a letter received has a date of receipt or a reply due."))
    if details.received_on is not None:
        if details.received_on > today:
            problems.append(_("The date received cannot be in the future."))
        if details.received_on < details.date:
            problems.append(_("A letter cannot be received before the date it bears."))
    if details.reply_due_on is not None and details.reply_due_on < (details.received_on or details.date):
        problems.append(_("The reply cannot be due before the letter arrived."))
    return problems


def _reply_problems(
    actor: User | None, details: LetterDetails, answered: Letter, country: MemberState, *, reads: bool = True
) -> list[StrOrPromise]:
    """Why a letter cannot answer ``answered``; with ``reads``, also that its author may not read it."""
    problems: list[StrOrPromise] = []
    if reads and not may_read(actor, answered.level):
        problems.append(
            _("The letter this one answers is %(level)s: only those who may read it reply to it.")
            % {"level": label(answered.level).lower()}
        )
    if answered.country_id != country.pk:
        problems.append(_("A reply concerns the same country as the letter it answers."))
    if details.date is not None and details.date < (answered.received_on or answered.date):
        problems.append(_("A reply cannot be dated before the letter it answers arrived."))
    return problems


def _store_file(letter: Letter, upload: File | None) -> None:
    if upload is None:
        return
    assert upload.name is not None  # document_problems refuses a file without a name
    letter.original_name = shortened_name(PurePath(upload.name).name)
    letter.size = upload.size
    letter.file.save(upload.name, upload, save=False)


def _where(
    actor: User | None, country: MemberState | None, case: AssistanceRequest | None, answered: Letter | None
) -> tuple[MemberState, AssistanceRequest | None]:
    """(country, case) of a new letter: the case's country; a reply's case and country are those of the
    letter it answers, unless given."""
    if case is None and answered is not None and answered.case_id is not None:
        case = answered.case
    if country is None and case is None and answered is not None:
        country = answered.country
    if case is not None:
        if country is not None and country.pk != case.member_state_id:
            raise ActionRefused(
                _("Case %(reference)s concerns %(state)s: a letter of the case concerns that country.")
                % {"reference": case.reference, "state": case.member_state.local_name}
            )
        country = case.member_state
    if country is None:
        raise ActionRefused(_("Say which country the letter concerns, or the case."))
    if actor is None or not selectors.may_file(actor, country=country, case=case):
        raise ActionRefused(_("You do not have permission to register letters of this case or country."))
    return country, case


def _event_details(letter: Letter) -> dict[str, Any]:
    details: dict[str, Any] = {
        "letter": letter.pk,
        "letter_kind": letter.kind,
        "channel": letter.channel,
        "subject": letter.subject,
        "language": letter.language,
    }
    details["sender" if letter.is_incoming else "recipient"] = letter.correspondent
    if letter.reply_due_on:
        details["reply_due"] = letter.reply_due_on
    return details


def _answer(answered: Letter, day: datetime.date) -> None:
    """Mark a letter replied on ``day`` (its first reply counts)."""
    Letter.objects.filter(pk=answered.pk, replied_on__isnull=True).update(replied_on=day)
    if answered.replied_on is None:
        answered.replied_on = day


def _fields(details: LetterDetails, *, incoming: bool) -> dict[str, Any]:
    """The letter's own fields, as checked (_choice_problems, _date_problems)."""
    assert details.date is not None  # _date_problems refuses a letter without a date
    return {
        "kind": details.kind,
        "purpose": details.purpose,
        "date": details.date,
        "received_on": details.received_on if incoming else None,
        "reply_due_on": details.reply_due_on if incoming else None,
        "channel": details.channel,
        "sender": details.sender.strip(),
        "sender_kind": details.sender_kind,
        "recipient": details.recipient.strip(),
        "subject": details.subject.strip(),
        "notes": details.notes.strip(),
    }


@transaction.atomic
def _register(
    *,
    actor: User | None,
    direction: str,
    details: LetterDetails,
    country: MemberState | None = None,
    case: AssistanceRequest | None = None,
    in_reply_to: Letter | None = None,
    status: str = LetterStatus.FILED,
    comment: str = "",
    step: bool = False,
) -> Letter:
    """Register a letter. ``step``: a letter of the case's own steps (the acknowledgement, the decision
    letter drafted), which answers the request without saying what it says, whatever its level."""
    if in_reply_to is not None:
        in_reply_to = (
            Letter.objects.select_for_update(of=("self",)).select_related("case__member_state").get(pk=in_reply_to.pk)
        )
    country, case = _where(actor, country, case, in_reply_to)
    default = default_level(direction, details.purpose, status)
    problems = _choice_problems(details) + _date_problems(details, direction)
    problems += level_problems(actor, details.level or default, default) + _language_problems(details.language)
    if in_reply_to is not None:
        problems += _reply_problems(actor, details, in_reply_to, country, reads=not step)
    if details.upload is not None:
        problems += document_problems(details.upload)
    if problems:
        raise ActionRefused(*problems)
    letter = Letter(
        direction=direction,
        status=status,
        case=case,
        country=country,
        in_reply_to=in_reply_to,
        registered_by=actor,
        level=details.level or default,
        language=details.language or selectors.correspondence_language(country, case),
        **_fields(details, incoming=direction == Direction.IN),
    )
    _store_file(letter, details.upload)
    letter.save()
    if in_reply_to is not None:
        _answer(in_reply_to, letter.date)
    if case is not None:
        action = "letter_received" if direction == Direction.IN else "letter_sent"
        record_event(
            case=case,
            actor=actor,
            action=action,
            comment=comment,
            details=_event_details(letter),
            level=letter.level,
        )
    return letter


def register_incoming(
    *,
    actor: User | None,
    details: LetterDetails,
    country: MemberState | None = None,
    case: AssistanceRequest | None = None,
    in_reply_to: Letter | None = None,
    comment: str = "",
) -> Letter:
    """Register a letter received, of a case (its country is the case's) or of a country."""
    return _register(
        actor=actor,
        direction=Direction.IN,
        details=details,
        country=country,
        case=case,
        in_reply_to=in_reply_to,
        comment=comment,
    )


def register_outgoing(
    *,
    actor: User | None,
    details: LetterDetails,
    country: MemberState | None = None,
    case: AssistanceRequest | None = None,
    in_reply_to: Letter | None = None,
    comment: str = "",
) -> Letter:
    """Register a letter sent; in reply to a letter received, it marks that one replied."""
    return _register(
        actor=actor,
        direction=Direction.OUT,
        details=details,
        country=country,
        case=case,
        in_reply_to=in_reply_to,
        comment=comment,
    )


@transaction.atomic
def mark_replied(*, actor: User | None, letter: Letter, replied_on: datetime.date | None, comment: str = "") -> Letter:
    """Record that a letter received was answered, when the answer is not itself in the register
    (a reply by the Resident Coordinator, a meeting): it stops waiting, and its reminders stop."""
    letter = (
        Letter.objects.select_for_update(of=("self",)).select_related("case__member_state", "country").get(pk=letter.pk)
    )
    if actor is None or not selectors.may_file(actor, country=letter.country, case=letter.case):
        raise ActionRefused(_("You do not have permission to change the letters of this case or country."))
    problems: list[StrOrPromise] = []
    if not may_read(actor, letter.level):
        problems.append(
            _("This letter is %(level)s: only those who may read it mark it replied.")
            % {"level": label(letter.level).lower()}
        )
    if not letter.is_incoming:
        problems.append(_("Only a letter received is replied to."))
    elif letter.replied_on is not None:
        problems.append(_("This letter was already replied to on %(day)s.") % {"day": letter.replied_on.isoformat()})
    if replied_on is None:
        problems.append(_("Give the date of the reply."))
    elif replied_on > timezone.localdate():
        problems.append(_("The reply cannot be dated after today."))
    elif replied_on < (letter.received_on or letter.date):
        problems.append(_("A reply cannot be dated before the letter it answers arrived."))
    if problems:
        raise ActionRefused(*problems)
    assert replied_on is not None
    _answer(letter, replied_on)
    if letter.case is not None:
        details = _event_details(letter) | {"replied_on": replied_on}
        record_event(
            case=letter.case, actor=actor, action="letter_replied", comment=comment, details=details, level=letter.level
        )
    return letter


@transaction.atomic
def register_not_considered(
    *,
    actor: User | None,
    country: MemberState | None,
    letter: LetterDetails,
    reply: LetterDetails,
) -> tuple[Letter, Letter]:
    """File a letter that cannot be a request (a party, civil society, a person) with the reply sent.

    It concerns a country and never a case: it is not counted among the requests received."""
    problems: list[StrOrPromise] = []
    if letter.sender_kind not in SenderKind.cannot_request():
        problems.append(
            _("Only a letter from a political party, civil society, a person or another body is not considered.")
        )
    if not reply.notes.strip():
        problems.append(_("Write what the reply says: why the letter is not considered as a request."))
    if problems:
        raise ActionRefused(*problems)
    # The reply names the letter's subject and speaks its language: unless told otherwise, it is read as the letter is.
    reply.level = reply.level or letter.level
    reply.language = reply.language or letter.language
    received = _register(
        actor=actor, direction=Direction.IN, details=letter, country=country, status=LetterStatus.NOT_CONSIDERED
    )
    answer = _register(actor=actor, direction=Direction.OUT, details=reply, country=country, in_reply_to=received)
    received.refresh_from_db()
    return received, answer


# The letters a case's own steps make -------------------------------------------------------------


def _request_channel(case: AssistanceRequest) -> tuple[str, str]:
    """(kind, channel) of a request: a Permanent Mission writes notes verbales."""
    if case.authority_type == AuthorityType.PERMANENT_MISSION:
        return LetterKind.NOTE_VERBALE, Channel.PERMANENT_MISSION
    return LetterKind.LETTER, Channel.DIRECT


def request_letter(case: AssistanceRequest) -> Letter | None:
    """The letter by which the case's request arrived: its first letter received as a request."""
    return (
        Letter.objects.filter(case=case, direction=Direction.IN, purpose=Purpose.REQUEST).order_by("date", "id").first()
    )


def _case_letter(event: CaseEvent, *, direction: str, purpose: str, subject: str, **fields: Any) -> Letter:
    """A letter of the case made by one of its steps (in the step's transaction), by the step's actor."""
    case = event.case
    kind, channel = _request_channel(case)
    values: dict[str, Any] = {
        "kind": kind,
        "channel": channel,
        "direction": direction,
        "purpose": purpose,
        "subject": subject,
        "date": timezone.localdate(event.created_at),
        "case": case,
        "country_id": case.member_state_id,
        "registered_by": event.actor,
        "registered_at": event.created_at,
        "level": default_level(direction, purpose),
        # The request is the case's first letter: in its State's language (no query for one not yet filed).
        "language": case.member_state.letter_language if purpose == Purpose.REQUEST else selectors.case_language(case),
    }
    if direction == Direction.IN:
        values["sender"] = case.requesting_authority
        values["sender_kind"] = SenderKind.ELECTORAL_BODY if case.origin == Origin.ELECTORAL_BODY else SenderKind.STATE
    else:
        values["sender"] = str(FOCAL_POINT)
        values["recipient"] = case.requesting_authority
        values["in_reply_to"] = request_letter(case)
    values.update(fields)
    letter = Letter.objects.create(**values)
    if letter.in_reply_to is not None:
        _answer(letter.in_reply_to, letter.date)
    return letter


def _request_received(event: CaseEvent) -> Letter | None:
    case = event.case
    if not case.has_request:
        # A mandate alone: a resolution, not a letter; a letter that comes with it is filed with its document.
        return None
    return _case_letter(
        event,
        direction=Direction.IN,
        purpose=Purpose.REQUEST,
        subject=_("Request for electoral assistance"),
        date=case.letter_date,
        received_on=case.received_date,
        notes=case.summary,
    )


def _acknowledged(event: CaseEvent) -> Letter | None:
    return _case_letter(
        event,
        direction=Direction.OUT,
        purpose=Purpose.ACKNOWLEDGEMENT,
        subject=_("Acknowledgement of the request"),
        notes=event.comment,
    )


def _decision_sent(event: CaseEvent) -> Letter | None:
    """The decision letter of a decision communicated (a deferral has none until it is decided)."""
    decision_id = (event.details or {}).get("decision")
    decision = (
        Decision.objects.filter(pk=decision_id, case=event.case).first() if isinstance(decision_id, int) else None
    )
    if decision is None or decision.communicated_on is None:
        return None
    return _case_letter(
        event,
        direction=Direction.OUT,
        purpose=Purpose.DECISION,
        subject=_("Decision on the request: %(outcome)s") % {"outcome": decision.get_outcome_display()},
        date=decision.communicated_on,
        notes=decision.reason or decision.scope,
    )


def _declined(event: CaseEvent) -> Letter | None:
    return _case_letter(
        event,
        direction=Direction.OUT,
        purpose=Purpose.DECISION,
        subject=_("Reply: the request cannot be accepted"),
        notes=event.comment,
    )


DOCUMENT_PURPOSES = {
    DocumentKind.REQUEST_LETTER: Purpose.REQUEST,
    DocumentKind.ACKNOWLEDGEMENT: Purpose.ACKNOWLEDGEMENT,
    DocumentKind.DECISION_LETTER: Purpose.DECISION,
}


def _document_filed(event: CaseEvent) -> Letter | None:
    """A letter's file, attached to its case: it joins the letter's entry (the latest of its kind
    still without a file), or is an entry of its own when there is none."""
    details = event.details or {}
    purpose = DOCUMENT_PURPOSES.get(details.get("kind", ""))
    document_id = details.get("document")
    document = (
        CaseDocument.objects.filter(pk=document_id, case=event.case).first() if isinstance(document_id, int) else None
    )
    if purpose is None or document is None:
        return None
    waiting = Letter.objects.filter(case=event.case, purpose=purpose, document__isnull=True, file="")
    ordered = waiting.order_by("date", "id")
    letter = ordered.first() if purpose == Purpose.REQUEST else ordered.last()
    if letter is not None:
        letter.document = document
        letter.save(update_fields=["document"])
        return letter
    return _case_letter(
        event,
        direction=Direction.IN if purpose == Purpose.REQUEST else Direction.OUT,
        purpose=purpose,
        subject=str(DocumentKind(document.kind).label),
        document=document,
    )


CASE_STEPS = {
    "registered": _request_received,
    "start_review": _acknowledged,
    "record_decision": _decision_sent,
    "decline_request": _declined,
    "document_attached": _document_filed,
}


def file_from_case_event(event: CaseEvent) -> Letter | None:
    """The letter a step of a case sends or receives, filed in the register as the step is recorded:
    the request on registration, the acknowledgement on review, the decision letter, a letter's file."""
    step = CASE_STEPS.get(event.action)
    return step(event) if step is not None else None


# Letters EAS drafts (correspondence.exports) and a person sends ----------------------------------


@dataclass
class DraftedLetter:
    """A letter drafted from a case's template, as the person sending it edited and signed it."""

    purpose: str
    subject: str
    signatory: str
    pdf: bytes
    # The language it is written in (selectors.letter_language), stored as the filed Letter's
    # ``language``; empty: the case's correspondence's (selectors.case_language).
    language: str = ""


def _drafted_problems(case: AssistanceRequest, drafted: DraftedLetter) -> list[StrOrPromise]:
    problems: list[StrOrPromise] = []
    if drafted.purpose not in (Purpose.ACKNOWLEDGEMENT, Purpose.DECISION):
        problems.append(_("Only the acknowledgement and the decision letter are drafted from a case."))
    elif drafted.purpose == Purpose.DECISION and not case.decisions.exists():
        problems.append(_("The case has no decision yet: there is no decision letter to send."))
    if not drafted.signatory.strip():
        problems.append(_("Say who signs the letter."))
    if has_control_characters(drafted.signatory) or len(drafted.signatory.strip()) > 200:
        problems.append(_("The signatory is one line of at most 200 characters."))
    return problems + _language_problems(drafted.language)


def _waiting_entry(case: AssistanceRequest, purpose: str) -> Letter | None:
    """The entry the case's step filed for this letter, still without its file (the latest)."""
    waiting = Letter.objects.select_for_update().filter(
        case=case, purpose=purpose, direction=Direction.OUT, document__isnull=True, file=""
    )
    return waiting.order_by("date", "id").last()


@transaction.atomic
def file_drafted(*, actor: User | None, case: AssistanceRequest, drafted: DraftedLetter) -> Letter:
    """File a drafted letter as sent, with its PDF, by the person sending it.

    When the case's step (the review, the decision) already filed the letter's entry without a file,
    the PDF joins that entry: it is the same letter, and the register counts it once."""
    _where(actor, None, case, None)
    problems = _drafted_problems(case, drafted)
    if problems:
        raise ActionRefused(*problems)
    name = f"{case.reference}-{drafted.purpose}.pdf"
    upload = ContentFile(drafted.pdf, name=name)
    letter = _waiting_entry(case, drafted.purpose)
    if letter is None:
        kind, channel = _request_channel(case)
        details = LetterDetails(
            kind=kind,
            date=timezone.localdate(),
            channel=channel,
            sender=str(FOCAL_POINT),
            recipient=case.requesting_authority,
            subject=drafted.subject,
            purpose=drafted.purpose,
            notes=_("Signed by %(signatory)s.") % {"signatory": drafted.signatory.strip()},
            upload=upload,
            language=drafted.language,
        )
        return _register(
            actor=actor,
            direction=Direction.OUT,
            details=details,
            case=case,
            in_reply_to=request_letter(case),
            comment=details.notes,
            step=True,
        )
    problems = _choice_problems(_details_of(letter, drafted.subject)) + document_problems(upload)
    if not may_read(actor, letter.level):
        problems.append(
            _("The entry of this letter is %(level)s: only those who may read it file its PDF.")
            % {"level": label(letter.level).lower()}
        )
    if problems:
        raise ActionRefused(*problems)
    letter.subject = drafted.subject.strip()
    letter.language = drafted.language or letter.language
    _store_file(letter, upload)
    letter.save(update_fields=["subject", "language", "file", "original_name", "size"])
    event = _event_details(letter) | {"signatory": drafted.signatory.strip()}
    record_event(case=case, actor=actor, action="letter_sent", details=event, level=letter.level)
    return letter


def _details_of(letter: Letter, subject: str) -> LetterDetails:
    return LetterDetails(
        kind=letter.kind,
        date=letter.date,
        channel=letter.channel,
        sender=letter.sender,
        subject=subject,
        recipient=letter.recipient,
        purpose=letter.purpose,
    )


# A letter's level -----------------------------------------------------------------------------------


def _locked_for_level(actor: User | None, letter: Letter) -> Letter:
    """The letter read again and locked, if ``actor`` may change its level: who may register the
    letters of its case or country and read the letter as it is."""
    letter = (
        Letter.objects.select_for_update(of=("self",)).select_related("case__member_state", "country").get(pk=letter.pk)
    )
    if actor is None or not selectors.may_file(actor, country=letter.country, case=letter.case):
        raise ActionRefused(_("You do not have permission to change the letters of this case or country."))
    if not may_read(actor, letter.level):
        raise ActionRefused(
            _("This letter is %(level)s: only those who may read it may change its level.")
            % {"level": label(letter.level).lower()}
        )
    return letter


# The case's entries that say what a letter is (its subject among their details); a reminder's does not.
LETTER_ENTRIES = ["letter_received", "letter_sent", "letter_replied", "letter_level_changed"]


def _raise_case_entries(letter: Letter, level: str) -> None:
    """The case's entries about the letter (its subject is in their details) are read at least at its
    new level. Lowering a letter leaves them as they were: what they say was written at their level."""
    if letter.case_id is None:
        return
    lower = [name for name in Level.values if RANK[name] < RANK[level]]
    entries = CaseEvent.objects.filter(case_id=letter.case_id, action__in=LETTER_ENTRIES, details__letter=letter.pk)
    entries.filter(level__in=lower).update(level=level)


@transaction.atomic
def change_level(*, actor: User | None, letter: Letter, level: str, comment: str) -> Letter:
    """Change who may read a letter (its subject, notes and file), saying why: written in the letter's
    history and, for a letter of a case, in the case's, at the higher of the two levels."""
    letter = _locked_for_level(actor, letter)
    problems: list[StrOrPromise] = []
    if level not in Level.values:
        problems.append(_("Choose the level of the letter."))
    elif level == letter.level:
        problems.append(_("The letter is already %(level)s.") % {"level": label(level).lower()})
    if not comment.strip():
        problems.append(_("Say why the level changes: it is written in the letter's history."))
    if problems:
        raise ActionRefused(*problems)
    before = letter.level
    letter.level = level
    letter.save(update_fields=["level"])
    changes = {str(_("level")): [str(label(before)), str(label(level))]}
    entry_level = highest([before, level])  # the comment may say what the letter holds
    LetterEvent.objects.create(
        letter=letter,
        actor=actor,
        action="level_changed",
        comment=comment.strip(),
        details={"changes": changes},
        level=entry_level,
    )
    _raise_case_entries(letter, level)
    if letter.case is not None:
        record_event(
            case=letter.case,
            actor=actor,
            action="letter_level_changed",
            comment=comment.strip(),
            details=_event_details(letter) | {"level_was": before, "level_now": level, "changes": changes},
            level=entry_level,
        )
    return letter
