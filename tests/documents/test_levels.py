"""A document's level: its default by kind, who may file, change or mark it, and the history it leaves."""

import json
from importlib import import_module

import pytest
from django.test import Client
from django.urls import reverse

from requests_app.cases.choices import Stage
from requests_app.cases.models import NeedsAssessment
from requests_app.core.confidentiality import Level, may_read, readable_levels
from requests_app.core.errors import ActionRefused
from requests_app.documents import services
from requests_app.documents.models import CaseDocument, DocumentKind, default_level
from requests_app.history.models import CaseEvent
from tests.admin_forms import change_form_data, post_as_browser
from tests.core.helpers import CLERK, FOCAL, LEAD, NOBODY, OFFICER, make_team, role_user
from tests.factories import case_in_stage, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db):
    return make_team()


@pytest.fixture
def case(team):
    return case_in_stage(Stage.NEEDS_ASSESSMENT, actor=team["registrar"], state="GHA", officer=team[OFFICER])


def attach(actor, case, kind=DocumentKind.ASSESSMENT_REPORT, name="report.pdf", **kwargs):
    return services.attach_document(actor=actor, case=case, kind=kind, upload=pdf_upload(name), **kwargs)


@pytest.mark.parametrize(
    ("kind", "level"),
    [
        (DocumentKind.ASSESSMENT_REPORT, Level.CONFIDENTIAL),
        (DocumentKind.MISSION_REPORT, Level.CONFIDENTIAL),
        (DocumentKind.PANEL_REPORT, Level.CONFIDENTIAL),
        (DocumentKind.REQUEST_LETTER, Level.INTERNAL),
        (DocumentKind.ACKNOWLEDGEMENT, Level.INTERNAL),
        (DocumentKind.TERMS_OF_REFERENCE, Level.INTERNAL),
        (DocumentKind.DECISION_LETTER, Level.INTERNAL),
        (DocumentKind.OTHER, Level.INTERNAL),
    ],
)
def test_a_document_is_filed_at_its_kinds_level_unless_told(team, case, kind, level):
    assert default_level(kind) == level
    assert attach(team[OFFICER], case, kind).level == level
    assert attach(team[OFFICER], case, kind, level=Level.PUBLIC).level == Level.PUBLIC


def test_the_roles_read_the_levels_of_the_readme(team):
    assert {role: sorted(readable_levels(team[role])) for role in (CLERK, OFFICER, FOCAL, NOBODY)} == {
        CLERK: ["internal", "public"],
        OFFICER: ["confidential", "internal", "public"],
        FOCAL: ["confidential", "internal", "public", "strictly_confidential"],
        NOBODY: ["public"],
    }
    inactive = role_user(FOCAL, is_active=False)
    assert not may_read(inactive, Level.PUBLIC)


def test_a_clerk_may_not_file_a_report_below_its_level(team, case):
    refusal = "A needs assessment report is confidential; only someone who may read confidential documents may file it"
    with pytest.raises(ActionRefused, match=refusal):
        attach(team[CLERK], case, level=Level.INTERNAL)
    assert not CaseDocument.objects.exists()
    # Filing it at its level, or above, is theirs to do: they then see that it exists.
    assert attach(team[CLERK], case).level == Level.CONFIDENTIAL


def test_only_a_reader_of_a_document_changes_it(team, case):
    report = attach(team[OFFICER], case, level=Level.STRICTLY_CONFIDENTIAL)
    for change in (
        lambda: services.set_document_final(actor=team[OFFICER], document=report, is_complete=True),
        lambda: services.set_document_level(actor=team[OFFICER], document=report, level=Level.INTERNAL),
    ):
        with pytest.raises(ActionRefused, match="strictly confidential: only those who may read it may change it"):
            change()
    report.refresh_from_db()
    assert (report.level, report.is_complete) == (Level.STRICTLY_CONFIDENTIAL, False)
    services.set_document_level(actor=team[FOCAL], document=report, level=Level.CONFIDENTIAL)
    report.refresh_from_db()
    assert report.level == Level.CONFIDENTIAL


def test_a_change_of_level_is_in_the_history_read_at_the_higher_level(team, case):
    report = attach(team[OFFICER], case, name="Army plans.pdf")
    services.set_document_level(actor=team[LEAD], document=report, level=Level.INTERNAL)
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.action, event.actor, event.level) == ("document_level_changed", team[LEAD], Level.CONFIDENTIAL)
    assert event.details_text == "level: Confidential → Internal; type: Needs assessment report; file: Army plans.pdf"


def test_raising_a_documents_level_withholds_its_name_in_the_entries_before(team, case):
    letter = attach(team[OFFICER], case, DocumentKind.OTHER, name="Talks with the opposition.pdf")
    url = reverse("workspace:case-detail", args=[case.reference])
    clerk = Client()
    clerk.force_login(team[CLERK])
    assert "Talks with the opposition.pdf" in clerk.get(url).content.decode()

    services.set_document_level(actor=team[OFFICER], document=letter, level=Level.CONFIDENTIAL)

    page = clerk.get(url).content.decode()
    assert "Talks with the opposition.pdf" not in page
    assert "Confidential: comment and details not shown to your role." in page


# The intake desk's document rows -------------------------------------------------------------------


def admin_change(case):
    return reverse("admin:requests_app_assistancerequest_change", args=[case.pk])


def new_row(data, index, *, kind, name, level=""):
    data.update(
        {
            "documents-TOTAL_FORMS": str(index + 1),
            f"documents-{index}-kind": kind,
            f"documents-{index}-file": pdf_upload(name),
            f"documents-{index}-level": level,
        }
    )
    return data


def test_the_intake_desk_files_a_report_at_its_kinds_level_and_changes_a_level(team, case):
    client = Client()
    client.force_login(team[OFFICER])
    page = client.get(admin_change(case))
    data = new_row(change_form_data(page), 0, kind=DocumentKind.ASSESSMENT_REPORT, name="NAM report.pdf")
    assert post_as_browser(client, admin_change(case), page, data, follow=True).status_code == 200
    report = CaseDocument.objects.get(case=case)
    assert report.level == Level.CONFIDENTIAL

    page = client.get(admin_change(case))
    data = change_form_data(page)
    data["documents-0-level"] = Level.INTERNAL
    post_as_browser(client, admin_change(case), page, data, follow=True)
    report.refresh_from_db()
    assert report.level == Level.INTERNAL
    assert CaseEvent.objects.filter(case=case, action="document_level_changed", actor=team[OFFICER]).exists()


def test_the_intake_desk_tells_a_clerk_who_files_a_report_below_its_level(team, case):
    client = Client()
    client.force_login(team[CLERK])
    page = client.get(admin_change(case))
    data = new_row(change_form_data(page), 0, kind=DocumentKind.ASSESSMENT_REPORT, name="x.pdf", level="internal")
    response = post_as_browser(client, admin_change(case), page, data)
    assert response.status_code == 200
    assert "only someone who may read confidential documents may file it as internal" in response.content.decode()
    assert not CaseDocument.objects.exists()


def test_a_row_the_reader_may_not_open_shows_no_name_and_no_control(team, case):
    attach(team[OFFICER], case, name="Coup risk.pdf", level=Level.STRICTLY_CONFIDENTIAL)
    client = Client()
    client.force_login(team[OFFICER])
    page = client.get(admin_change(case))
    html = page.content.decode()
    assert "Coup risk.pdf" not in html and "not yours to open" in html
    form = page.context["inline_admin_formsets"][-2].formset.forms[0]
    assert form.fields["level"].disabled and form.fields["is_complete"].disabled


# The assessment's notes ----------------------------------------------------------------------------


def test_an_edit_of_the_assessments_notes_is_read_at_their_level_an_edit_of_dates_is_internal(team, case):
    client = Client()
    client.force_login(team[OFFICER])
    page = client.get(admin_change(case))
    data = change_form_data(page)
    data["assessment-0-risks"] = "Violence in the north."
    post_as_browser(client, admin_change(case), page, data, follow=True)
    page = client.get(admin_change(case))
    data = change_form_data(page)
    data["assessment-0-tor_sent_on"] = "2026-01-05"
    post_as_browser(client, admin_change(case), page, data, follow=True)

    edits = list(CaseEvent.objects.filter(case=case, action="assessment_updated").order_by("id"))
    assert [(edit.level, "Violence" in edit.details_text) for edit in edits] == [
        (Level.CONFIDENTIAL, True),
        (Level.INTERNAL, False),
    ]
    assert NeedsAssessment.objects.get(case=case).risks == "Violence in the north."


# The admin's own log ---------------------------------------------------------------------------------


def test_the_admin_log_names_a_document_by_its_kind_after_the_migration():
    migration = import_module("requests_app.migrations.0022_confidentiality14")
    message = json.dumps(
        [
            {"changed": {"fields": ["Summary"]}},
            {"added": {"name": "document", "object": "Needs assessment report: Coup risk.pdf"}},
            {"changed": {"name": "election concerned", "object": "General: 2027"}},
        ]
    )
    assert json.loads(migration._without_file_names(message)) == [
        {"changed": {"fields": ["Summary"]}},
        {"added": {"name": "document", "object": "Needs assessment report"}},
        {"changed": {"name": "election concerned", "object": "General: 2027"}},
    ]
    assert migration._without_file_names("Changed the summary.") == "Changed the summary."
