"""Documents attached to a case: kept under a generated name, refused when they are not what they claim."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from requests_app.core.errors import ActionRefused
from requests_app.documents import services as documents
from requests_app.documents.models import CaseDocument, DocumentKind
from requests_app.history.models import CaseEvent
from tests.factories import PDF_BYTES, case_snapshot, new_request, office_package, pdf_upload

pytestmark = pytest.mark.django_db

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
ZIP_BYTES = office_package(".docx")
OLE_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 24
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00This program cannot be run in DOS mode."


@pytest.fixture
def case(officer):
    return new_request(actor=officer)


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def attach(officer, case, upload, kind=DocumentKind.MISSION_REPORT, **kwargs):
    return documents.attach_document(actor=officer, case=case, kind=kind, upload=upload, **kwargs)


def refused(officer, case, upload, settings, kind=DocumentKind.MISSION_REPORT):
    """Attach must refuse: nothing in the database, nothing on disk. Returns the message."""
    before = case_snapshot(case)
    with pytest.raises(ActionRefused) as refusal:
        attach(officer, case, upload, kind=kind)
    assert case_snapshot(case) == before
    assert not CaseDocument.objects.exists()
    assert stored_files(settings) == []
    return " ".join(refusal.value.messages)


# Accepted files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            f"file{suffix}",
            PDF_BYTES
            if suffix == ".pdf"
            else office_package(suffix)
            if signatures[0].startswith(b"PK")
            else signatures[0] + b"\x00rest of the file",
        )
        for suffix, signatures in documents.SIGNATURES.items()
    ],
)
def test_every_accepted_type_with_its_own_content_is_kept(name, content, officer, case, settings):
    document = attach(officer, case, SimpleUploadedFile(name, content))
    assert document.size == len(content)
    assert stored_files(settings)[0].read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content", "suffix"),
    [
        ("Request letter from the Minister.pdf", PDF_BYTES, ".pdf"),
        ("terms of reference.docx", ZIP_BYTES, ".docx"),
        ("budget.xls", OLE_BYTES, ".xls"),
        ("scan.PNG", PNG_BYTES, ".png"),
        ("photo.JPEG", JPEG_BYTES, ".jpeg"),
        ("fax.tif", b"MM\x00*\x00\x00\x00\x08", ".tif"),
    ],
)
def test_a_document_is_stored_under_a_generated_name(name, content, suffix, officer, case, settings):
    document = attach(officer, case, SimpleUploadedFile(name, content), is_complete=True, comment="Final version.")

    document.refresh_from_db()
    assert re.fullmatch(rf"cases/{case.pk}/[0-9a-f]{{32}}{re.escape(suffix)}", document.file.name)
    assert Path(name).stem not in document.file.name
    assert document.original_name == name
    assert document.size == len(content)
    assert (document.kind, document.is_complete, document.uploaded_by) == (DocumentKind.MISSION_REPORT, True, officer)
    [on_disk] = stored_files(settings)
    assert on_disk.name == Path(document.file.name).name
    assert on_disk.read_bytes() == content

    event = CaseEvent.objects.filter(case=case).last()
    assert (event.action, event.actor, event.comment) == ("document_attached", officer, "Final version.")
    assert event.details == {
        "document": document.pk,
        "kind": "mission_report",
        "name": name,
        "final": True,
        "confidentiality": "confidential",  # a mission report's level by default
    }
    assert (document.level, event.level) == ("confidential", "confidential")


def test_two_files_of_the_same_name_do_not_overwrite_each_other(officer, case, settings):
    first = attach(officer, case, pdf_upload("report.pdf", PDF_BYTES + b"first"))
    second = attach(officer, case, pdf_upload("report.pdf", PDF_BYTES + b"second"))
    assert first.file.name != second.file.name
    assert {p.read_bytes() for p in stored_files(settings)} == {PDF_BYTES + b"first", PDF_BYTES + b"second"}


def test_a_file_name_with_folders_never_chooses_where_the_file_goes(officer, case, settings):
    document = attach(officer, case, pdf_upload("../../../etc/cron.d/report.pdf"))
    assert document.original_name == "report.pdf"
    assert document.file.name.startswith(f"cases/{case.pk}/")
    [on_disk] = stored_files(settings)
    assert on_disk.is_relative_to(Path(settings.MEDIA_ROOT) / "cases" / str(case.pk))


def test_a_file_at_the_size_limit_is_kept(officer, case, settings):
    settings.EAS_DOCUMENT_MAX_BYTES = 1024
    content = PDF_BYTES + b"x" * (1024 - len(PDF_BYTES))
    assert attach(officer, case, pdf_upload(content=content)).size == 1024


# Refused files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("report.pdf", EXE_BYTES, id="exe-named-pdf"),
        pytest.param("report.pdf", PNG_BYTES, id="png-named-pdf"),
        pytest.param("report.pdf", b"Just some text pretending to be a PDF.", id="text-named-pdf"),
        pytest.param("letter.docx", PDF_BYTES, id="pdf-named-docx"),
        pytest.param("budget.xls", ZIP_BYTES, id="zip-named-xls"),
        pytest.param("photo.jpg", PNG_BYTES, id="png-named-jpg"),
        pytest.param("scan.png", EXE_BYTES, id="exe-named-png"),
    ],
)
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(name, content, officer, case, settings):
    message = refused(officer, case, SimpleUploadedFile(name, content), settings)
    assert name in message
    assert "does not contain what its name says" in message


def test_a_file_over_the_size_limit_is_refused(officer, case, settings):
    settings.EAS_DOCUMENT_MAX_BYTES = 1024
    content = PDF_BYTES + b"x" * (1025 - len(PDF_BYTES))
    message = refused(officer, case, pdf_upload("annex.pdf", content), settings)
    assert "annex.pdf" in message
    assert "at most 1.0\xa0KB" in message


def test_an_empty_file_is_refused(officer, case, settings):
    message = refused(officer, case, SimpleUploadedFile("report.pdf", b""), settings)
    assert "report.pdf is empty" in message


@pytest.mark.parametrize("name", ["setup.exe", "notes.txt", "page.html", "archive.zip", "report.pdf.exe", "README"])
def test_a_file_of_a_type_not_accepted_is_refused(name, officer, case, settings):
    message = refused(officer, case, SimpleUploadedFile(name, PDF_BYTES), settings)
    assert "files of this type are not accepted" in message
    assert "Accepted: " in message
    assert ".pdf" in message


def test_a_document_needs_its_type(officer, case, settings):
    message = refused(officer, case, pdf_upload(), settings, kind="invoice")
    assert "Choose the type of document" in message


# Marking a document final ----------------------------------------------------------------------


def test_marking_a_document_final_and_back_is_recorded(officer, case):
    document = attach(officer, case, pdf_upload())
    assert not document.is_complete

    documents.set_document_final(actor=officer, document=document, is_complete=True)
    documents.set_document_final(actor=officer, document=document, is_complete=True)  # no change, no entry
    assert CaseDocument.objects.get(pk=document.pk).is_complete
    documents.set_document_final(actor=officer, document=document, is_complete=False)
    assert not CaseDocument.objects.get(pk=document.pk).is_complete

    history = CaseEvent.objects.filter(case=case).exclude(action="registered")
    details = {"document": document.pk, "kind": "mission_report", "name": "report.pdf"}
    assert list(history.values_list("action", "actor", "details"))[1:] == [
        ("document_marked_final", officer.pk, details),
        ("document_marked_draft", officer.pk, details),
    ]


def test_attaching_needs_the_permission_and_stores_nothing_without_it(case, settings):
    from tests.factories import user_with_perms

    reader = user_with_perms("view_assistancerequest")
    with pytest.raises(ActionRefused, match="permission to attach"):
        documents.attach_document(actor=reader, case=case, kind=DocumentKind.REQUEST_LETTER, upload=pdf_upload())
    assert not CaseDocument.objects.exists()
    assert stored_files(settings) == []


def test_a_closed_case_keeps_its_mission_report_final(officer):
    from requests_app.cases.choices import Stage
    from tests.factories import case_in_stage

    closed = case_in_stage(Stage.CLOSED, actor=officer)
    report = closed.documents.get(kind=DocumentKind.MISSION_REPORT)
    with pytest.raises(ActionRefused, match="stay final"):
        documents.set_document_final(actor=officer, document=report, is_complete=False)
    report.refresh_from_db()
    assert report.is_complete
