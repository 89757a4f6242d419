"""Documents attached to a case: checked by size, name and content before they are kept; their
level; and the record of who opened a confidential document or note."""

import zipfile
from collections.abc import Iterable
from pathlib import PurePath
from typing import NamedTuple, cast

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import File
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from requests_app.cases import selectors
from requests_app.cases.models import AssistanceRequest, NeedsAssessment
from requests_app.cases.services import record_event
from requests_app.core import presence
from requests_app.core.confidentiality import Level, highest, is_recorded, label, may_read
from requests_app.core.errors import ActionRefused
from requests_app.core.types import StrOrPromise, User
from requests_app.documents.models import CaseDocument, ConfidentialRead, DocumentKind, default_level
from requests_app.documents.selectors import carries_note, document_levels, mark_withheld, may_read_findings
from requests_app.history.models import CaseEvent

# What a file of each accepted kind starts with. A file whose content does not match
# its name (an executable renamed .pdf, say) is refused.
_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".docx": _ZIP,
    ".xlsx": _ZIP,
    ".pptx": _ZIP,
    ".odt": _ZIP,
    ".ods": _ZIP,
    ".doc": _OLE,
    ".xls": _OLE,
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".tif": (b"II*\x00", b"MM\x00*"),
    ".tiff": (b"II*\x00", b"MM\x00*"),
}
ALLOWED_EXTENSIONS = tuple(sorted(SIGNATURES))
# Office Open XML packages name their parts in [Content_Types].xml; OpenDocument ones say
# their type in a first entry, "mimetype".
OOXML = {".docx", ".xlsx", ".pptx"}
ODF_MIMETYPES = {
    ".odt": b"application/vnd.oasis.opendocument.text",
    ".ods": b"application/vnd.oasis.opendocument.spreadsheet",
}


def document_problems(upload: File) -> list[StrOrPromise]:
    """Why an uploaded file cannot be kept, as messages; empty when it can."""
    name = getattr(upload, "name", "") or ""
    suffix = PurePath(name).suffix.lower()
    if suffix not in SIGNATURES:
        return [
            _("%(name)s: files of this type are not accepted. Accepted: %(types)s.")
            % {"name": name, "types": ", ".join(ALLOWED_EXTENSIONS)}
        ]
    limit = settings.EAS_DOCUMENT_MAX_BYTES
    if upload.size > limit:
        return [
            _("%(name)s is %(size)s; documents may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        ]
    if upload.size == 0:
        return [_("%(name)s is empty.") % {"name": name}]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(SIGNATURES[suffix]) or not _well_formed(upload, suffix):
        return [
            _("%(name)s does not contain what its name says (%(type)s): it was refused.")
            % {"name": name, "type": suffix}
        ]
    if suffix in OOXML or suffix in ODF_MIMETYPES:
        expanded, limit = _expanded_size(upload), settings.EAS_DOCUMENT_MAX_EXPANDED_BYTES
        if expanded > limit:
            return [
                _("%(name)s expands to %(size)s when opened; documents may expand to at most %(limit)s.")
                % {"name": name, "size": filesizeformat(expanded), "limit": filesizeformat(limit)}
            ]
    return []


def _well_formed(upload: File, suffix: str) -> bool:
    """Whether a PDF or an Office package is one beyond its first bytes: an HTML page that
    starts with "%PDF-", or any zip named .docx, is not."""
    try:
        if suffix == ".pdf":
            return _is_pdf(upload)
        if suffix in OOXML:
            with zipfile.ZipFile(upload) as package:
                return "[Content_Types].xml" in package.namelist()
        if suffix in ODF_MIMETYPES:
            with zipfile.ZipFile(upload) as package:
                return package.read("mimetype").strip() == ODF_MIMETYPES[suffix]
        return True  # images and the old binary Office formats: their signature only
    except Exception:  # noqa: BLE001 - whatever a malformed file makes the parser raise
        return False
    finally:
        upload.seek(0)


def _is_pdf(upload: File) -> bool:
    from pypdf import PdfReader

    reader = PdfReader(upload, strict=False)
    if reader.is_encrypted:  # a protected PDF: its pages cannot be counted without the password
        return "/Root" in reader.trailer
    return len(reader.pages) > 0


def _expanded_size(upload: File) -> int:
    """What the package's entries say they expand to: what Word or Excel would unpack."""
    try:
        with zipfile.ZipFile(upload) as package:
            return sum(entry.file_size for entry in package.infolist())
    finally:
        upload.seek(0)


ORIGINAL_NAME_MAX_LENGTH = cast(int, CaseDocument._meta.get_field("original_name").max_length)


def shortened_name(name: str, limit: int = ORIGINAL_NAME_MAX_LENGTH) -> str:
    """The name cut to ``limit`` characters, its extension kept: "report … .pdf" stays a PDF."""
    if len(name) <= limit:
        return name
    suffix = PurePath(name).suffix
    if len(suffix) >= limit // 2:  # no extension worth the name: cut at the end
        return name[:limit]
    return name[: limit - len(suffix)].rstrip() + suffix


def level_problems(actor: User, kind: str, level: str) -> list[StrOrPromise]:
    """Why ``actor`` may not file a document of ``kind`` at ``level``: an unknown level, or one below
    its kind's default chosen by someone who may not read that default (an intake clerk cannot
    make a needs assessment report internal)."""
    if level not in Level.values:
        return [_("Choose the level of the document.")]
    default = default_level(kind)
    if Level.values.index(level) < Level.values.index(default) and not may_read(actor, default):
        return [
            _("A %(kind)s is %(default)s; only someone who may read %(default)s documents may file it as %(level)s.")
            % {
                "kind": str(dict(DocumentKind.choices).get(kind, kind)).lower(),
                "default": label(default).lower(),
                "level": label(level).lower(),
            }
        ]
    return []


@transaction.atomic
def attach_document(
    *,
    actor: User | None,
    case: AssistanceRequest,
    kind: str,
    upload: File,
    is_complete: bool = False,
    comment: str = "",
    level: str = "",
) -> CaseDocument:
    """Keep a checked upload as the case's document, at ``level`` (empty: its kind's default)."""
    if actor is None or not actor.has_perm("requests_app.add_casedocument") or not selectors.may_work_on(actor, case):
        raise ActionRefused(_("You do not have permission to attach documents to this case."))
    problems = document_problems(upload)
    if kind not in DocumentKind.values:
        problems.append(_("Choose the type of document."))
    level = level or default_level(kind)
    problems.extend(level_problems(actor, kind, level))
    if problems:
        raise ActionRefused(*problems)
    assert upload.name is not None  # document_problems refuses a file without a name
    document = CaseDocument(
        case=case,
        kind=kind,
        level=level,
        original_name=shortened_name(PurePath(upload.name).name),
        size=upload.size,
        is_complete=is_complete,
        uploaded_by=actor,
    )
    document.file.save(upload.name, upload, save=False)
    document.save()
    record_event(
        case=case,
        actor=actor,
        action="document_attached",
        comment=comment,
        details={
            "document": document.pk,
            "kind": kind,
            "name": document.original_name,
            "final": is_complete,
            "confidentiality": level,
        },
        level=level,
    )
    return document


def _locked_for_change(actor: User | None, document: CaseDocument) -> CaseDocument:
    """The document read again and locked, if ``actor`` may change it: the case's worker who may read it."""
    # Read again, locked: the caller's instance may already carry the new value (a bound model
    # form sets it while validating), and the case may have closed meanwhile.
    document = CaseDocument.objects.select_for_update(of=("self",)).select_related("case").get(pk=document.pk)
    if (
        actor is None
        or not actor.has_perm("requests_app.change_casedocument")
        or not selectors.may_work_on(actor, document.case)
    ):
        raise ActionRefused(_("You do not have permission to change this case's documents."))
    if not may_read(actor, document.level):
        raise ActionRefused(
            _("This document is %(level)s: only those who may read it may change it.")
            % {"level": label(document.level).lower()}
        )
    return document


@transaction.atomic
def set_document_final(*, actor: User | None, document: CaseDocument, is_complete: bool) -> CaseDocument:
    document = _locked_for_change(actor, document)
    if document.is_complete == is_complete:
        return document
    if not is_complete and not document.case.is_open:
        raise ActionRefused(_("The case has ended: its final documents stay final."))
    document.is_complete = is_complete
    document.save(update_fields=["is_complete"])
    record_event(
        case=document.case,
        actor=actor,
        action="document_marked_final" if is_complete else "document_marked_draft",
        details={"document": document.pk, "kind": document.kind, "name": document.original_name},
        level=document.level,
    )
    return document


@transaction.atomic
def set_document_level(*, actor: User | None, document: CaseDocument, level: str) -> CaseDocument:
    """Change who may open a document. Only someone who may read it changes it, to any level."""
    document = _locked_for_change(actor, document)
    if level not in Level.values:
        raise ActionRefused(_("Choose the level of the document."))
    if document.level == level:
        return document
    before = document.level
    document.level = level
    document.save(update_fields=["level"])
    record_event(
        case=document.case,
        actor=actor,
        action="document_level_changed",
        details={
            "document": document.pk,
            "kind": document.kind,
            "name": document.original_name,
            "changes": {str(_("level")): [label(before), label(level)]},
        },
        level=highest([before, level]),  # the name was as protected as the higher of the two
    )
    return document


# Who opened what -------------------------------------------------------------------------------


class Opened(NamedTuple):
    """Something with a level that a reader opened: its case (none for a letter of a country), the row, its
    level, and how the auditor names it."""

    case_id: int | None
    row: models.Model
    level: str
    subject: str


def opened_document(document: CaseDocument) -> Opened:
    return Opened(document.case_id, document, document.level, str(document))


def opened_note(event: models.Model, level: str, subject: str) -> Opened:
    return Opened(event.case_id, event, level, subject)  # type: ignore[attr-defined]  # a case's row


def record_reads(*, reader: User, place: str, opened: Iterable[Opened]) -> int:
    """Write down each opening at a recorded level (confidential, strictly confidential): one query.

    Returns how many were written. Called by the pages after the content is served or shown."""
    types: dict[type, ContentType] = {}
    rows = []
    for item in opened:
        if not is_recorded(item.level):
            continue
        model = type(item.row)
        if model not in types:
            types[model] = ContentType.objects.get_for_model(model)
        rows.append(
            ConfidentialRead(
                case_id=item.case_id,
                reader=reader,
                level=item.level,
                subject_type=types[model],
                subject_id=item.row.pk,
                subject=item.subject[:200],
                place=place,
            )
        )
    if len(rows) == 1:
        rows[0].save()  # one INSERT, without the transaction bulk_create opens around its statements
    else:
        ConfidentialRead.objects.bulk_create(rows)
    return len(rows)


def _notes_readable(reader: User, assessment: NeedsAssessment) -> bool:
    """Whether the assessment has notes and ``reader`` may read them."""
    has_notes = any(getattr(assessment, name) for name in NeedsAssessment.NOTE_FIELDS)
    return has_notes and may_read_findings(reader, assessment)


def note_subject(event: CaseEvent) -> str:
    """A history entry as the auditor's list names it: "History entry: Submit assessment for decision, 3 Mar 2026"."""
    day = formats.date_format(timezone.localtime(event.created_at), "DATETIME_FORMAT")
    return _("History entry: %(action)s, %(when)s") % {"action": event.action_label, "when": day}


def record_notes_shown(
    *,
    reader: User,
    case: AssistanceRequest,
    place: str,
    entries: bool = True,
    events: Iterable[CaseEvent] | None = None,
    findings: bool = False,
) -> int:
    """Write down the confidential notes of ``case`` that a page showed ``reader``: with ``entries``,
    its history entries with a comment or details at a recorded level the reader may read (each
    marked for the page: documents.selectors.mark_withheld), the ``events`` the page showed or else
    all of them; with ``findings``, the assessment's notes. Reads what the page loaded with the case
    (cases.selectors.case_detail)."""
    opened = []
    if entries:
        events = case.events.all() if events is None else events
        shown = mark_withheld(reader, events, document_levels(case.documents.all()))
        opened = [
            opened_note(event, event.shown_level, note_subject(event))  # type: ignore[attr-defined]  # mark_withheld
            for event in shown
            if carries_note(event)
        ]
    assessment = getattr(case, "assessment", None)
    if findings and assessment is not None and _notes_readable(reader, assessment):
        opened.append(Opened(case.pk, assessment, assessment.level, _("Notes of the needs assessment")))
    written = record_reads(reader=reader, place=place, opened=opened)
    if written:
        presence.forget(case, "confidential_reads")  # the page's list of reads shows these too
    return written
