"""Documents attached to a case: checked by size, name and content before they are kept."""

import zipfile
from pathlib import PurePath
from typing import cast

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from requests_app.cases import selectors
from requests_app.cases.models import AssistanceRequest
from requests_app.cases.services import record_event
from requests_app.core.errors import ActionRefused
from requests_app.core.types import StrOrPromise, User
from requests_app.documents.models import CaseDocument, DocumentKind

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


@transaction.atomic
def attach_document(
    *,
    actor: User | None,
    case: AssistanceRequest,
    kind: str,
    upload: File,
    is_complete: bool = False,
    comment: str = "",
) -> CaseDocument:
    if actor is None or not actor.has_perm("requests_app.add_casedocument") or not selectors.may_work_on(actor, case):
        raise ActionRefused(_("You do not have permission to attach documents to this case."))
    problems = document_problems(upload)
    if kind not in DocumentKind.values:
        problems.append(_("Choose the type of document."))
    if problems:
        raise ActionRefused(*problems)
    assert upload.name is not None  # document_problems refuses a file without a name
    document = CaseDocument(
        case=case,
        kind=kind,
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
        details={"document": document.pk, "kind": kind, "name": document.original_name, "final": is_complete},
    )
    return document


@transaction.atomic
def set_document_final(*, actor: User | None, document: CaseDocument, is_complete: bool) -> CaseDocument:
    # Read again, locked: the caller's instance may already carry the new value (a bound model
    # form sets it while validating), and the case may have closed meanwhile.
    document = CaseDocument.objects.select_for_update(of=("self",)).select_related("case").get(pk=document.pk)
    if (
        actor is None
        or not actor.has_perm("requests_app.change_casedocument")
        or not selectors.may_work_on(actor, document.case)
    ):
        raise ActionRefused(_("You do not have permission to change this case's documents."))
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
    )
    return document
