import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from requests_app.cases import services
from requests_app.cases.choices import DecisionOutcome, ElectoralPhase, ImplementationModality, Stage
from requests_app.documents import services as documents
from requests_app.documents.models import DocumentKind
from tests.factories import PDF_BYTES, assistance_type, complete_assessment, new_request
from tests.factories_evaluation import evaluated

pytestmark = pytest.mark.django_db


def test_a_request_goes_from_received_to_closed(officer):
    case = new_request(actor=officer)
    assert case.reference.startswith(f"EAS-{timezone.localdate().year}-")
    assert case.stage == Stage.RECEIVED

    case = services.start_review(actor=officer, case=case, comment="Acknowledged by letter.")
    case = services.recommend(actor=officer, case=case, method="desk_review", comment="The request is in order.")
    case = services.start_assessment(actor=officer, case=case, method="desk_review")
    complete_assessment(case)
    case = services.submit_assessment(actor=officer, case=case)
    today = timezone.localdate()
    case = services.record_decision(
        actor=officer,
        case=case,
        outcome=DecisionOutcome.ASSIST,
        assistance_types=[assistance_type()],
        phase=ElectoralPhase.PRE_ELECTORAL,
        period_start=today,
        period_end=today + datetime.timedelta(days=200),
    )
    assert case.stage == Stage.DECISION_COMMUNICATED
    case = services.start_implementation(
        actor=officer,
        case=case,
        modality=ImplementationModality.UNDP_PROJECT,
        ends_on=today + datetime.timedelta(days=180),
    )
    case = services.start_reporting(actor=officer, case=case)
    documents.attach_document(
        actor=officer,
        case=case,
        kind=DocumentKind.MISSION_REPORT,
        upload=SimpleUploadedFile("report.pdf", PDF_BYTES, content_type="application/pdf"),
        is_complete=True,
    )
    case = services.close_case(actor=officer, case=evaluated(case))
    assert case.stage == Stage.CLOSED
    assert list(case.events.values_list("action", flat=True)) == [
        "registered",
        "start_review",
        "recommend",
        "start_assessment",
        "submit_assessment",
        "record_decision",
        "start_implementation",
        "start_reporting",
        "document_attached",
        "close",
    ]
