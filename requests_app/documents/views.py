"""A case's documents, served only to those who may see the case."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from requests_app.cases.views import case_or_404
from requests_app.core.access import staff_required
from requests_app.documents.models import CaseDocument


@staff_required
def case_document(request, reference, document_id):
    case = case_or_404(request, reference)
    return document_response(get_object_or_404(CaseDocument, pk=document_id, case=case))


def document_response(document):
    """The stored file, under the name it was uploaded with, as a download."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=document.original_name)
