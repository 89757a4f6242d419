"""A case's documents, served only to those who may see the case and read the document's level."""

from django.core.exceptions import PermissionDenied
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from requests_app.cases.views import case_or_404
from requests_app.core.access import staff_required
from requests_app.core.confidentiality import label, may_read
from requests_app.documents import services
from requests_app.documents.models import CaseDocument, ConfidentialRead


@staff_required
def case_document(request, reference, document_id):
    case = case_or_404(request, reference)
    document = get_object_or_404(CaseDocument, pk=document_id, case=case)
    return serve_document(request, document, place=ConfidentialRead.Place.DOWNLOAD)


def serve_document(request: HttpRequest, document: CaseDocument, *, place: str) -> FileResponse:
    """The document's file for a reader of a case they see: 403 below its level, else served and,
    when confidential, the opening recorded. The caller has checked the case's scope."""
    return serve_protected(
        request,
        opened=services.opened_document(document),
        file=document.file,
        filename=document.original_name,
        place=place,
    )


def serve_protected(
    request: HttpRequest, *, opened: services.Opened, file: FieldFile, filename: str, place: str
) -> FileResponse:
    """Serve a stored file that carries a level (a document, a letter, a correspondence file...).

    Refused (403: the site's page with the reason, and Django's one line in the log,
    "Forbidden (Permission denied): <path>") to a reader who may not read
    ``opened.level``; otherwise the file is sent and an opening at a recorded level is written down
    (documents.services.record_reads). Scope comes first: the caller has found the case visible."""
    user = request.user
    if not user.is_authenticated or not may_read(user, opened.level):
        raise PermissionDenied(
            _("“%(what)s” is %(level)s: your role may see that it exists, not open it.")
            % {"what": opened.subject, "level": label(opened.level).lower()}
        )
    response = file_response(file, filename)
    services.record_reads(reader=user, place=place, opened=[opened])
    return response


def file_response(file: FieldFile, filename: str) -> FileResponse:
    """The stored file, under the name it was uploaded with, as a download."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=filename)
