"""Documents on the admin's case page, sent as a browser sends them (issue 10, found 1 and 2)."""

import pytest
from django.urls import reverse

from requests_app.cases.choices import Stage
from requests_app.documents.models import CaseDocument
from requests_app.history.models import CaseEvent
from tests.admin_forms import change_form_data, post_as_browser
from tests.factories import attach_mission_report, case_in_stage, pdf_upload
from tests.factories_evaluation import evaluated

pytestmark = pytest.mark.django_db


def change_url(case):
    return reverse("admin:requests_app_assistancerequest_change", args=[case.pk])


def add_document_row(data, index, *, kind, upload, final=False):
    data["documents-TOTAL_FORMS"] = str(index + 1)
    data[f"documents-{index}-kind"] = kind
    data[f"documents-{index}-file"] = upload
    if final:
        data[f"documents-{index}-is_complete"] = "on"
    return data


def test_a_second_document_is_uploaded_next_to_the_first(client, officer):
    case = case_in_stage(Stage.REPORTING, actor=officer)
    attach_mission_report(case, actor=officer, final=False)
    client.force_login(officer)
    page = client.get(change_url(case))
    assert 'enctype="multipart/form-data"' in page.content.decode()

    data = add_document_row(
        change_form_data(page), 1, kind="mission_report", upload=pdf_upload("Final report.pdf"), final=True
    )
    response = post_as_browser(client, change_url(case), page, data, follow=True)

    assert response.status_code == 200
    assert "This field is required" not in response.content.decode()
    second = CaseDocument.objects.get(case=case, original_name="Final report.pdf")
    assert second.is_complete
    assert CaseEvent.objects.filter(case=case, action="document_attached", details__document=second.pk).exists()


def test_ticking_final_on_a_stored_document_is_saved_with_its_history_and_the_case_can_close(client, officer):
    case = case_in_stage(Stage.REPORTING, actor=officer)
    report = attach_mission_report(case, actor=officer, final=False)
    client.force_login(officer)
    page = client.get(change_url(case))
    data = change_form_data(page)
    data["documents-0-is_complete"] = "on"

    response = post_as_browser(client, change_url(case), page, data, follow=True)

    assert response.status_code == 200
    report.refresh_from_db()
    assert report.is_complete
    event = CaseEvent.objects.get(case=case, action="document_marked_final")
    assert (event.actor, event.details["document"]) == (officer, report.pk)
    evaluated(case)
    close = reverse("admin:requests_app_assistancerequest_act", args=[case.pk, "close"])
    client.post(close, {"close-comment": "Results reported."}, follow=True)
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED


@pytest.mark.parametrize("stage", [Stage.CLOSED, Stage.WITHDRAWN, Stage.DECLINED])
def test_a_case_that_has_ended_offers_no_attachment(client, officer, stage):
    case = case_in_stage(stage, actor=officer)
    client.force_login(officer)
    page = client.get(change_url(case))
    documents = next(i for i in page.context["inline_admin_formsets"] if i.formset.model is CaseDocument)
    assert not documents.has_add_permission
    assert "documents-__prefix__-file" not in page.content.decode()

    # A POST made up all the same adds nothing.
    data = add_document_row(
        change_form_data(page), len(documents.formset.forms), kind="other", upload=pdf_upload("late.pdf")
    )
    client.post(change_url(case), data)
    assert not CaseDocument.objects.filter(case=case, original_name="late.pdf").exists()

    workspace = client.get(reverse("workspace:case-detail", args=[case.reference])).content.decode()
    assert "Attach a document" not in workspace


def test_an_open_case_offers_attachment_in_both_places(client, officer):
    case = case_in_stage(Stage.REPORTING, actor=officer)
    client.force_login(officer)
    assert "documents-__prefix__-file" in client.get(change_url(case)).content.decode()
    assert "Attach a document" in client.get(reverse("workspace:case-detail", args=[case.reference])).content.decode()
