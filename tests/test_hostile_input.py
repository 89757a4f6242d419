"""Hostile and careless input (issue 11): nothing a user can send answers 500.

Each input here once answered 500 on SQLite or PostgreSQL; each test names what a user gets instead.
"""

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from requests_app.calendar import services as calendar_tokens
from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest, Decision, Election
from requests_app.core import roles
from requests_app.core.errors import ActionRefused
from requests_app.core.spreadsheets import neutralise
from requests_app.documents import services as document_services
from requests_app.documents.models import CaseDocument, DocumentKind
from requests_app.fund.models import LedgerEntry
from requests_app.history.models import CaseEvent
from requests_app.roster import services as roster_services
from requests_app.roster.models import Deployment
from tests.admin_forms import change_form_data, intake_data
from tests.factories import (
    PDF_BYTES,
    ExpertFactory,
    UserFactory,
    case_in_stage,
    member_of,
    new_request,
    office_package,
    set_due,
)

NUL = "\x00"


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


# 2. NUL bytes ----------------------------------------------------------------------------------

NUL_URLS = [
    "/cases/%00/",
    "/cases/%00/act/start_review/",
    "/cases/%00/documents/1/",
    "/cases/%00/contributions/new/",
    "/cases/%00/deployments/new/",
    "/calendar/%00.ics",
    "/trust-fund/new/allocation/?case=%00",
    "/trust-fund/new/refund/?case=%00",
    "/cases/?q=%00",
    "/admin/requests_app/assistancerequest/?stage__exact=%00",
    "/admin/requests_app/reminder/?status__exact=%00",
    "/admin/requests_app/caseevent/?action__exact=%00",
    "/admin/requests_app/ledgerentry/?kind__exact=%00",
    "/admin/requests_app/assistancerequest/?q=%00",
    "/admin/requests_app/assistancerequest/?%00=1",
    "/reports/briefing/?from=%00&to=x",
]


@pytest.mark.parametrize("url", NUL_URLS)
def test_a_nul_byte_in_the_path_or_a_parameter_is_refused_with_400(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 400


@pytest.mark.postgres
@pytest.mark.parametrize("url", NUL_URLS[:6] + NUL_URLS[9:13])
def test_on_postgresql_a_nul_byte_never_reaches_the_database(admin_client, url):
    # PostgreSQL refuses a NUL in any text parameter (psycopg raises): these answered 500 there.
    assert admin_client.get(url).status_code == 400


def test_a_nul_byte_in_a_form_field_is_refused_with_400_and_nothing_is_saved(admin_client, superuser):
    case = case_in_stage(Stage.RECEIVED, actor=superuser)
    response = admin_client.post(
        reverse("workspace:case-action", args=[case.reference, "start_review"]), {"comment": "fine\x00"}
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.stage == Stage.RECEIVED


def test_the_400_page_carries_the_security_headers(client):
    response = client.get("/cases/%00/")
    assert response.status_code == 400
    assert response.has_header("Content-Security-Policy")
    assert response["X-Frame-Options"] == "DENY"


def test_a_tab_or_line_break_in_a_search_is_not_refused(admin_client):
    assert admin_client.get("/cases/?q=a%09b%0Ac").status_code == 200


# 3. Numbers that are not numbers ---------------------------------------------------------------

NOT_IDS = ["²", "٣", "1" * 5000, "9223372036854775808", "99999999999999999999999999999", "-1", "1.5", " 1"]


@pytest.mark.parametrize("value", NOT_IDS)
def test_a_pledge_that_is_not_an_id_leaves_the_contribution_form_blank(db, client, value):
    client.force_login(member_of(roles.FINANCE))
    response = client.get(reverse("workspace:trust-fund-new", args=["contribution"]), {"pledge": value})
    assert response.status_code == 200
    assert response.context["form"].initial.get("pledge") is None


@pytest.mark.parametrize("value", NOT_IDS)
def test_an_officer_filter_that_is_not_an_id_is_ignored_in_the_admin(admin_client, superuser, value):
    case_in_stage(Stage.RECEIVED, actor=superuser)
    response = admin_client.get("/admin/requests_app/assistancerequest/", {"officer": value})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize("value", NOT_IDS)
def test_an_officer_filter_that_is_not_an_id_is_an_error_in_the_case_list(admin_client, value):
    response = admin_client.get(reverse("workspace:case-list"), {"officer": value})
    assert response.status_code == 200
    assert "officer" in response.context["filter"].form.errors


def test_a_pledge_id_in_the_link_is_chosen_already(db, client):
    client.force_login(member_of(roles.FINANCE))
    response = client.get(reverse("workspace:trust-fund-new", args=["contribution"]), {"pledge": "42"})
    assert response.context["form"].initial["pledge"] == 42


ID_URLS = [
    "/partners/{}/",
    "/roster/{}/",
    "/cases/EAS-2026-0001/documents/{}/",
    "/cases/EAS-2026-0001/deployments/{}/cancel/",
    "/admin/requests_app/assistancerequest/{}/change/",
    "/admin/requests_app/ledgerentry/{}/change/",
]


@pytest.mark.parametrize("template", ID_URLS)
@pytest.mark.parametrize("value", ["9223372036854775808", "1" * 5000])
def test_an_id_out_of_range_in_an_address_is_not_found(admin_client, template, value):
    response = admin_client.get(template.format(value))
    assert response.status_code in (302, 404)


# 4. The admin add form with a Member State id that is none -------------------------------------


@pytest.mark.parametrize("value", ["abc", "1.5", " ", "1" * 30, "²", "-1"])
def test_a_member_state_that_is_no_id_is_an_error_of_the_admin_add_form(admin_client, value):
    response = admin_client.post("/admin/requests_app/assistancerequest/add/", intake_data(member_state=value))
    assert response.status_code == 200
    assert "member_state" in response.context["adminform"].form.errors
    assert not AssistanceRequest.objects.exists()


@pytest.mark.parametrize("url", ["/admin/requests_app/partner/add/", "/admin/requests_app/expert/add/"])
def test_other_autocompletes_redraw_too(admin_client, url):
    field = "country" if "partner" in url else "nationality"
    response = admin_client.post(url, {field: "1" * 30})
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors


def test_a_valid_member_state_stays_selected_when_the_form_is_redrawn(admin_client):
    data = intake_data(requesting_authority="")
    response = admin_client.post("/admin/requests_app/assistancerequest/add/", data)
    assert response.status_code == 200
    assert f'<option value="{data["member_state"]}" selected>Malawi</option>' in response.content.decode()


# 5. Control characters in a user's name --------------------------------------------------------


@pytest.mark.parametrize("first_name", ["Ann\nBob", "Ann\rX-INJECTED:1", "Ann\r\nX-INJECTED:1", "Ann\x01;,\\"])
def test_a_name_with_a_line_break_cannot_break_or_inject_into_the_calendar_feed(client, officer, first_name):
    officer.first_name = first_name  # written directly: the forms refuse it (below), older rows may hold it
    officer.save()
    case = new_request(actor=None, officer=officer)
    set_due(case, timezone.now() + datetime.timedelta(days=2))
    token = calendar_tokens.token_for(officer).token

    response = client.get(reverse("workspace:calendar-feed", args=[token]))

    assert response.status_code == 200
    body = response.content.decode()
    assert "X-INJECTED" not in [line.split(":")[0] for line in re.split(r"\r\n|\r|\n", body)]
    assert all(ord(char) >= 32 for char in body.replace("\r\n", "").replace("\t", ""))
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]).startswith("EAS — deadlines and elections of Ann")
    assert len(calendar.walk("VEVENT")) == 2


def user_form_data(client, user):
    """The user's admin change form, as the browser sends it untouched (dates in two fields)."""
    data = change_form_data(client.get(f"/admin/auth/user/{user.pk}/change/"))
    data.pop("last_login", None)
    joined = timezone.localtime(user.date_joined)
    data["date_joined_0"], data["date_joined_1"] = joined.date().isoformat(), joined.strftime("%H:%M:%S")
    return data


@pytest.mark.parametrize("name", ["Ann\nBob", "Ann\rBob", "Ann\tBob", "Ann\x00Bob", "Ann\u2028Bob"])
@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_the_user_admin_refuses_a_name_with_a_control_character(admin_client, officer, name, field):
    url = f"/admin/auth/user/{officer.pk}/change/"
    data = user_form_data(admin_client, officer)
    data[field] = name
    response = admin_client.post(url, data)
    if "\x00" in name:
        assert response.status_code == 400
    else:
        assert response.status_code == 200
        assert field in response.context["adminform"].form.errors
    officer.refresh_from_db()
    assert getattr(officer, field) != name


def test_the_user_admin_still_saves_a_name_in_any_script(admin_client, officer):
    url = f"/admin/auth/user/{officer.pk}/change/"
    data = user_form_data(admin_client, officer)
    data["first_name"], data["last_name"] = "Nguyễn Thị", "الحسيني"
    assert admin_client.post(url, data).status_code == 302
    officer.refresh_from_db()
    assert officer.get_full_name() == "Nguyễn Thị الحسيني"


# 6. A forged case form -------------------------------------------------------------------------


def _case_change_form(admin_client, superuser):
    case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=superuser)
    url = f"/admin/requests_app/assistancerequest/{case.pk}/change/"
    response = admin_client.get(url)
    prefixes = [inline.formset.prefix for inline in response.context["inline_admin_formsets"]]
    data = change_form_data(response)
    data["requesting_authority"] = ""  # the main form is invalid: the page is drawn again
    return case, url, prefixes, data


def test_a_case_form_with_an_unknown_inline_id_is_drawn_again_with_its_errors(admin_client, superuser):
    _case, url, prefixes, data = _case_change_form(admin_client, superuser)
    for prefix in prefixes:
        total = int(data[f"{prefix}-TOTAL_FORMS"])
        data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
        data[f"{prefix}-INITIAL_FORMS"] = str(total + 1)
        data[f"{prefix}-{total}-id"] = "987654"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors


@pytest.mark.parametrize("extra", [1, 3])
def test_a_case_form_with_extra_inline_forms_is_drawn_again_with_its_errors(admin_client, superuser, extra):
    _case, url, prefixes, data = _case_change_form(admin_client, superuser)
    for prefix in prefixes:
        total = int(data[f"{prefix}-TOTAL_FORMS"])
        data[f"{prefix}-TOTAL_FORMS"] = str(total + extra)
        for index in range(total, total + extra):
            data[f"{prefix}-{index}-comment"] = "forged"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors


@pytest.mark.parametrize("model", [Decision, Election, CaseEvent, Deployment, LedgerEntry])
def test_an_unsaved_row_has_a_name(model):
    assert isinstance(str(model()), str)  # a form drawing a blank row names it


# 7. Very long searches -------------------------------------------------------------------------

LONG = "x" * 60_000


def searchable_changelists():
    from django.contrib import admin

    return sorted(
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for model, model_admin in admin.site._registry.items()
        if model_admin.search_fields
    )


@pytest.mark.parametrize("url", searchable_changelists())
def test_a_very_long_admin_search_is_not_run_and_says_why(admin_client, url):
    response = admin_client.get(url, {"q": LONG, "o": "1"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(f"{url}?o=1", 302)]
    assert "A search holds at most 200 characters; yours held 60,000 and was not run." in response.content.decode()


def test_a_search_of_200_characters_is_run(admin_client):
    response = admin_client.get("/admin/requests_app/caseevent/", {"q": "x" * 200})
    assert response.status_code == 200
    assert response.context["cl"].query == "x" * 200


def test_a_very_long_autocomplete_term_searches_its_first_200_characters(admin_client):
    params = {"app_label": "requests_app", "model_name": "assistancerequest", "field_name": "member_state"}
    response = admin_client.get("/admin/autocomplete/", {**params, "term": "Ghana" + LONG}, follow=True)
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("url", ["/cases/", "/partners/", "/roster/"])
def test_a_very_long_workspace_search_is_ignored_with_a_message(admin_client, url):
    response = admin_client.get(url, {"q": LONG})
    assert response.status_code == 200
    assert "This filter was ignored." in response.content.decode()


# 8. Uploads that are not what they say ---------------------------------------------------------


def _refusal(officer, name, content):
    case = new_request(actor=officer)
    with pytest.raises(ActionRefused) as refusal:
        document_services.attach_document(
            actor=officer, case=case, kind=DocumentKind.OTHER, upload=SimpleUploadedFile(name, content)
        )
    assert not CaseDocument.objects.exists()
    return " ".join(refusal.value.messages)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"%PDF-1.7\n<html><script>alert(1)</script></html>"),
        ("report.pdf", b"%PDF-1.7\n%%EOF\n"),
        ("letter.docx", b"PK\x03\x04 not a zip at all"),
        ("letter.docx", office_package(".odt")),  # a zip, but no [Content_Types].xml
        ("sheet.ods", office_package(".docx")),
        ("sheet.ods", office_package(".odt")),  # a text document named as a spreadsheet
    ],
)
def test_a_file_that_only_starts_like_its_type_is_refused(officer, name, content):
    assert "does not contain what its name says" in _refusal(officer, name, content)


def test_an_office_file_that_expands_beyond_the_limit_is_refused(officer, settings):
    settings.EAS_DOCUMENT_MAX_EXPANDED_BYTES = 1024 * 1024
    bomb = office_package(".docx", extra=[("word/media/padding.bin", b"\x00" * (2 * 1024 * 1024))])
    assert len(bomb) < 10_000  # it compresses to almost nothing
    message = _refusal(officer, "letter.docx", bomb)
    assert "letter.docx expands to 2.0\xa0MB when opened; documents may expand to at most 1.0\xa0MB." in message


def test_the_default_expansion_limit_refuses_a_gibibyte(officer, settings):
    assert settings.EAS_DOCUMENT_MAX_EXPANDED_BYTES < 1024**3


def test_a_real_pdf_and_office_files_are_kept(officer):
    case = new_request(actor=officer)
    for name, content in [
        ("report.pdf", PDF_BYTES),
        ("letter.docx", office_package(".docx")),
        ("table.ods", office_package(".ods")),
        ("letter.odt", office_package(".odt")),
    ]:
        document_services.attach_document(
            actor=officer, case=case, kind=DocumentKind.OTHER, upload=SimpleUploadedFile(name, content)
        )
    assert CaseDocument.objects.count() == 4


def test_the_upload_form_says_why_a_fake_pdf_is_refused(admin_client, superuser):
    case = case_in_stage(Stage.RECEIVED, actor=superuser)
    url = f"/admin/requests_app/assistancerequest/{case.pk}/change/"
    data = change_form_data(admin_client.get(url))
    data.update(
        {
            "documents-TOTAL_FORMS": "1",
            "documents-0-kind": "other",
            "documents-0-file": SimpleUploadedFile("fake.pdf", b"%PDF-1.7\n<html></html>"),
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "fake.pdf does not contain what its name says (.pdf)" in response.content.decode()
    assert not CaseDocument.objects.exists()


# 9. Formulas behind a space or a control character ---------------------------------------------

FORMULAS = [' =HYPERLINK("http://x")', "\x01=cmd|' /C calc'!A0", "\u00a0+1+1", "\n@SUM(A1)", "  -2+3"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_after_spaces_or_control_characters_is_inert(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Minister of Foreign Affairs", " a = b", "", "   "])
def test_ordinary_text_is_left_as_it_is(text):
    assert neutralise(text) == text


@pytest.mark.parametrize("text", FORMULAS)
def test_the_case_export_neutralises_a_hidden_formula(admin_client, superuser, text):
    new_request(actor=superuser, summary=text + " end")
    response = admin_client.get(reverse("workspace:case-export-csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert any(cell == "'" + text + " end" for cell in rows[1])


# 10. The roster does not name another desk's case ---------------------------------------------


@pytest.fixture
def two_desks(db, superuser):
    """An officer of the African desk, and an expert booked 10-20 March 2026 on a Peruvian case."""
    from requests_app.cases.models import RegionalDesk
    from requests_app.reference.models import RegionalGroup

    officer = member_of(roles.ELECTORAL_OFFICER)
    RegionalDesk.objects.get(regional_group=RegionalGroup.AFRICAN).members.add(officer)
    ghana = new_request(actor=superuser, state="GHA", officer=officer)
    peru = new_request(actor=superuser, state="PER")
    expert = ExpertFactory(given_name="Amina", family_name="Diallo")
    roster_services.deploy_expert(
        actor=superuser,
        case=peru,
        expert=expert,
        role="Results adviser",
        starts_on=datetime.date(2026, 3, 10),
        ends_on=datetime.date(2026, 3, 20),
    )
    return officer, ghana, peru, expert


@pytest.mark.parametrize("page", ["roster", "expert"])
def test_the_roster_says_booked_with_the_dates_only(client, two_desks, page):
    officer, _ghana, peru, expert = two_desks
    client.force_login(officer)
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)):
        url = reverse("workspace:roster") if page == "roster" else reverse("workspace:expert-detail", args=[expert.pk])
        html = client.get(url).content.decode()
    assert "Booked" in html and "10 Mar 2026" in html
    assert peru.reference not in html
    assert "Results adviser" not in html


def test_the_deploy_form_and_its_refusal_do_not_name_another_desks_case(client, two_desks):
    officer, ghana, peru, expert = two_desks
    client.force_login(officer)
    url = reverse("workspace:deployment-new", args=[ghana.reference])
    shown = client.get(url, {"starts_on": "2026-03-12", "ends_on": "2026-03-14"}).content.decode()
    assert "booked until 20 Mar 2026" in shown and peru.reference not in shown
    refused = client.post(
        url,
        {"starts_on": "2026-03-12", "ends_on": "2026-03-14", "expert": expert.pk, "role": "Legal adviser"},
        follow=True,
    ).content.decode()
    assert "Amina Diallo is already booked from 10 Mar 2026 to 20 Mar 2026." in refused
    assert peru.reference not in refused


# 11. A long file name keeps its extension -------------------------------------------------------


@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".jpeg"])
def test_a_250_character_file_name_is_cut_but_keeps_its_extension(officer, suffix):
    case = new_request(actor=officer)
    name = "Rapport de la mission d'évaluation des besoins " * 6
    name = name[: 250 - len(suffix)] + suffix
    content = {".pdf": PDF_BYTES, ".docx": office_package(".docx"), ".jpeg": b"\xff\xd8\xff\xe0 JFIF"}[suffix]
    document = document_services.attach_document(
        actor=officer, case=case, kind=DocumentKind.OTHER, upload=SimpleUploadedFile(name, content)
    )
    document.refresh_from_db()
    assert len(document.original_name) <= 200
    assert document.original_name.endswith(suffix)
    assert document.original_name.startswith("Rapport de la mission")
    assert document.file.name.endswith(suffix)


def test_the_download_of_a_document_with_a_long_name_is_named_with_its_extension(admin_client, superuser):
    case = new_request(actor=superuser)
    name = "x" * 246 + ".pdf"
    document = document_services.attach_document(
        actor=superuser, case=case, kind=DocumentKind.OTHER, upload=SimpleUploadedFile(name, PDF_BYTES)
    )
    response = admin_client.get(reverse("workspace:case-document", args=[case.reference, document.pk]))
    assert response.status_code == 200
    assert '.pdf"' in response["Content-Disposition"]
