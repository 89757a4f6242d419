"""Every opening of a confidential document or note is recorded (who, when, what) and shown to the auditor."""

import csv
import io
import logging

import pytest
from django.test import Client
from django.urls import reverse

from requests_app.cases import services
from requests_app.cases.choices import Stage
from requests_app.core.confidentiality import Level
from requests_app.documents import services as document_services
from requests_app.documents.models import CaseDocument, ConfidentialRead, DocumentKind
from tests.core.helpers import AUDITOR, CLERK, FOCAL, OFFICER, admin_url, body_of, make_team
from tests.factories import case_in_stage, pdf_upload

pytestmark = pytest.mark.django_db

SECRET_NAME = "Coup risk memo.pdf"


@pytest.fixture
def team(db):
    return make_team()


@pytest.fixture
def report(team):
    """A needs assessment report of the officer's case (confidential by its kind), filed by the officer."""
    case = case_in_stage(Stage.NEEDS_ASSESSMENT, actor=team["registrar"], state="GHA", officer=team[OFFICER])
    return document_services.attach_document(
        actor=team[OFFICER], case=case, kind=DocumentKind.ASSESSMENT_REPORT, upload=pdf_upload(SECRET_NAME)
    )


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def download(client, document):
    return client.get(reverse("workspace:case-document", args=[document.case.reference, document.pk]))


def audit_rows(client, case):
    response = client.get(reverse("workspace:audit-history-csv"), {"case": case.reference})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(body_of(response).decode("utf-8-sig"))))


def test_a_read_of_a_confidential_document_appears_in_the_audit(team, report):
    assert report.level == Level.CONFIDENTIAL  # a needs assessment report, by default
    focal = team[FOCAL]
    assert body_of(download(logged_in(focal), report)).startswith(b"%PDF-")

    [opening] = ConfidentialRead.objects.all()
    assert (opening.reader, opening.case, opening.level, opening.place) == (
        focal,
        report.case,
        Level.CONFIDENTIAL,
        ConfidentialRead.Place.DOWNLOAD,
    )
    assert opening.subject == str(report) and SECRET_NAME not in opening.subject

    auditor = logged_in(team[AUDITOR])
    # In the auditor's export of the case's history, in time order, with who and what.
    rows = audit_rows(auditor, report.case)
    [line] = [row for row in rows if row[3] == "Opened: confidential"]
    assert line[1] == report.case.reference
    assert line[6] == focal.get_full_name()
    assert line[8] == f"{report}; downloaded from the case page"
    assert SECRET_NAME not in "".join(",".join(row) for row in rows)  # the auditor may not read its name
    # In the admin's list of openings, found by the case's reference, filtered by level.
    listing = auditor.get(
        admin_url("confidentialread_changelist"), {"q": report.case.reference, "level": "confidential"}
    )
    assert str(report) in listing.content.decode() and focal.get_full_name() in listing.content.decode()
    # On the case's page, for those who may see the openings.
    page = auditor.get(reverse("workspace:case-detail", args=[report.case.reference])).content.decode()
    assert "Openings of confidential documents and notes" in page and focal.get_full_name() in page


def test_the_openings_are_for_the_auditor_and_the_focal_point_only(team, report):
    download(logged_in(team[FOCAL]), report)
    for role, status in [(AUDITOR, 200), (FOCAL, 200), (OFFICER, 403), (CLERK, 403)]:
        assert logged_in(team[role]).get(admin_url("confidentialread_changelist")).status_code == status, role
    page = logged_in(team[OFFICER]).get(reverse("workspace:case-detail", args=[report.case.reference]))
    assert "Openings of confidential documents and notes" not in page.content.decode()


def test_a_refused_download_answers_403_with_the_reason_in_one_log_line_and_records_nothing(team, report, caplog):
    with caplog.at_level(logging.WARNING):
        response = download(logged_in(team[CLERK]), report)
    assert response.status_code == 403
    page = response.content.decode()
    assert "You may not open this page" in page and "is confidential: your role may see that it exists" in page
    assert SECRET_NAME not in page
    assert [record.getMessage() for record in caplog.records] == [
        f"Forbidden (Permission denied): /cases/{report.case.reference}/documents/{report.pk}/"
    ]
    assert not ConfidentialRead.objects.exists()


def test_an_internal_document_is_opened_without_a_record(team, report):
    letter = document_services.attach_document(
        actor=team[OFFICER], case=report.case, kind=DocumentKind.REQUEST_LETTER, upload=pdf_upload("letter.pdf")
    )
    assert letter.level == Level.INTERNAL
    assert download(logged_in(team[CLERK]), letter).status_code == 200
    assert not ConfidentialRead.objects.exists()


def test_a_confidential_comment_shown_is_an_opening_and_a_withheld_one_is_not(team, report):
    case = report.case
    services.record_event(
        case=case, actor=team[OFFICER], action="details_updated", comment="Spoke to the army.", level="confidential"
    )
    officer_page = logged_in(team[OFFICER]).get(reverse("workspace:case-detail", args=[case.reference]))
    clerk_page = logged_in(team[CLERK]).get(reverse("workspace:case-detail", args=[case.reference]))

    assert "Spoke to the army." in officer_page.content.decode()
    assert "Spoke to the army." not in clerk_page.content.decode()
    assert "Confidential: comment and details not shown to your role." in clerk_page.content.decode()
    [opening] = ConfidentialRead.objects.all()
    assert (opening.reader, opening.place) == (team[OFFICER], ConfidentialRead.Place.CASE_PAGE)
    assert opening.subject.startswith("History entry: Details edited, ")


def test_the_assessment_notes_shown_on_an_action_page_are_an_opening(team, report):
    case = report.case
    case.assessment.recommendations = "Do not deploy before the vote."
    case.assessment.save()
    url = reverse("workspace:case-action", args=[case.reference, "submit_assessment"])

    clerk_page = logged_in(team[CLERK]).get(url).content.decode()
    officer_page = logged_in(team[OFFICER]).get(url).content.decode()

    assert "Do not deploy before the vote." not in clerk_page
    assert "The assessment's notes are Confidential: not shown to your role." in clerk_page
    assert "Do not deploy before the vote." in officer_page
    [opening] = ConfidentialRead.objects.all()
    assert (opening.reader, opening.subject) == (team[OFFICER], "Notes of the needs assessment")


def test_the_openings_are_never_changed_in_the_admin(team, report):
    download(logged_in(team[FOCAL]), report)
    opening = ConfidentialRead.objects.get()
    superuser = logged_in(team["superuser"])
    assert superuser.get(admin_url("confidentialread_change", opening.pk)).status_code == 200
    assert superuser.post(admin_url("confidentialread_change", opening.pk), {"subject": "x"}).status_code == 403
    assert superuser.get(admin_url("confidentialread_delete", opening.pk)).status_code == 403
    assert ConfidentialRead.objects.get().subject == str(CaseDocument.objects.get(pk=report.pk))
