"""The briefing's three downloads read back (the PDF with pypdf), and the command that writes them."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from requests_app.reference.models import MemberState
from requests_app.reports.pdf import _Writer, pdf_bytes
from requests_app.reports.selectors import build_briefing
from tests.reports.helpers import (
    END,
    EXPECTED_REGIONS,
    EXPECTED_STATES,
    EXPECTED_TOTALS,
    QUERY,
    START,
    F,
    focal_point,
)

pytestmark = pytest.mark.django_db


# Downloads ------------------------------------------------------------------------------------


def download(client, kind, query=QUERY):
    client.force_login(focal_point())
    response = client.get(reverse(f"workspace:briefing-{kind}") + query)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (f'attachment; filename="eas-briefing-2026-01-01-to-2026-03-31.{kind}"')
    return response


def csv_sections(content):
    """The CSV's blocks (separated by an empty line) by their first line."""
    assert content.startswith("\ufeff".encode()), "without a BOM Excel garbles accented names"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sections, current = {}, []
    for row in rows + [[]]:
        if row:
            current.append(row)
        elif current:
            sections[current[0][0]] = current[1:]
            current = []
    return sections


def figures_of(cells):
    return F(*(int(cell) for cell in cells))


def test_the_csv_holds_every_figure(client, history):
    history.move_on()
    sections = csv_sections(download(client, "csv").content)
    assert sections["Electoral assistance: briefing to Member States"][:2] == [
        ["From", "2026-01-01"],
        ["To", "2026-03-31"],
    ]

    header, *rows, total = sections["Requests and responses by State or territory"]
    assert header == [
        "State or territory",
        "Region",
        "Requests received",
        "Assisted",
        "Assisted, narrowed scope",
        "Deferred",
        "Declined",
        "Withdrawn",
        "Pending at the end of the period",
    ]
    names = {state.name: state.iso3 for state in MemberState.objects.all()}
    assert {names[row[0]]: figures_of(row[2:]) for row in rows} == EXPECTED_STATES
    assert total[0] == "Total" and figures_of(total[2:]) == EXPECTED_TOTALS

    header, *rows, total = sections["Requests and responses by region"]
    assert [row[0] for row in rows] == [
        "African States",
        "Asia-Pacific States",
        "Eastern European States",
        "Latin American and Caribbean States",
        "Western European and other States",
    ]
    assert [figures_of(row[1:]) for row in rows] == list(EXPECTED_REGIONS.values())
    assert figures_of(total[1:]) == EXPECTED_TOTALS

    _header, *rows = sections["Nature of the assistance decided, by type"]
    by_type = {row[0]: [int(cell) for cell in row[1:]] for row in rows}
    assert by_type["Voter registration"] == [1, 1, 1, 0, 0, 0, 0]
    assert by_type["Training"] == [1, 1, 1, 0, 0, 0, 0]
    assert by_type["Observation"] == [0, 0, 0, 0, 0, 0, 0]

    _header, *rows, total = sections["States and territories assisted in the period"]
    assert rows == [
        [
            "Côte d'Ivoire",
            "African States",
            "2",
            "2",
            "Voter registration, Voting and counting operations, Results management",
        ],
        ["Ghana", "African States", "0", "1", ""],
        ["Kenya", "African States", "1", "1", "Training"],
    ]
    assert dict(sections["Key figures"][1:])["Pending at the end of the period"] == "4"
    assert dict(sections["Requests received by basis"][1:])["A Security Council or General Assembly mandate"] == "1"
    assert dict(sections["Implementation started in the period, by modality"][1:])["UNDP project"] == "1"
    assert "Pending at the end of the period" in dict(sections["How the figures are counted"])


def test_the_downloads_neutralise_formulas_in_names(client, history):
    MemberState.objects.filter(iso3="PER").update(name='=HYPERLINK("http://evil")')
    rows = csv_sections(download(client, "csv").content)["Requests and responses by State or territory"]
    assert ['\'=HYPERLINK("http://evil")'] == [row[0] for row in rows if "HYPERLINK" in row[0]]
    book = load_workbook(io.BytesIO(download(client, "xlsx").content))
    cells = [
        cell for row in book["States and territories"].iter_rows() for cell in row if "HYPERLINK" in str(cell.value)
    ]
    assert [(cell.value, cell.data_type) for cell in cells] == [('\'=HYPERLINK("http://evil")', "s")]


def test_the_workbook_has_a_sheet_per_part(client, history):
    history.move_on()
    book = load_workbook(io.BytesIO(download(client, "xlsx").content))
    assert book.sheetnames == [
        "Key figures",
        "Regions",
        "States and territories",
        "Bases",
        "Types of assistance",
        "Implementation",
        "States assisted",
    ]
    summary = book["Key figures"]
    assert summary["A1"].value == "Electoral assistance: briefing to Member States" and summary["A1"].font.b
    figures = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row and isinstance(row[1], int)}
    assert figures["Requests received"] == 7 and figures["Pending at the end of the period"] == 4

    sheet = book["States and territories"]
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if row[0] == "State or territory")
    assert all(cell.font.b for cell in sheet[header_at + 1])
    assert sheet.freeze_panes == f"A{header_at + 2}"
    assert sheet.column_dimensions["A"].width >= 30
    states = {row[0]: F(*row[2:]) for row in rows[header_at + 1 : -1]}
    names = {state.name: state.iso3 for state in MemberState.objects.all()}
    assert {names[name]: figures for name, figures in states.items()} == EXPECTED_STATES
    assert rows[-1][0] == "Total" and F(*rows[-1][2:]) == EXPECTED_TOTALS
    assert all(cell.font.b for cell in sheet[sheet.max_row])

    types = {row[0]: row[1:] for row in book["Types of assistance"].iter_rows(values_only=True) if row[0]}
    assert types["Results management"] == (1, 1, 1, 0, 0, 0, 0)
    assisted = [row for row in book["States assisted"].iter_rows(values_only=True)]
    assert ("Kenya", "African States", 1, 1, "Training") in assisted


def pdf_text(content):
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_reads_back_with_every_part(client, history):
    history.move_on()
    # A name outside Latin-1, as a state name or a translated label may be.
    MemberState.objects.filter(iso3="UKR").update(name="Україна (Ukraine)")
    response = download(client, "pdf")
    assert response["Content-Type"] == "application/pdf"
    reader, text = pdf_text(response.content)
    assert reader.metadata.title == "Electoral assistance: briefing to Member States"
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.1)  # A4
    assert reader.pages[0].mediabox.height == pytest.approx(841.89, abs=0.1)
    assert "Electoral assistance: briefing to Member States" in text
    assert "Period: 1 Jan 2026 – 31 Mar 2026, both days included." in text
    for name in ("Côte d'Ivoire", "Türkiye", "Україна (Ukraine)", "Kenya", "Nepal", "Peru", "Ghana"):
        assert name in text
    for title in (
        "Key figures",
        "Requests and responses by region",
        "Requests and responses by State or territory",
        "Requests received by basis",
        "Nature of the assistance decided, by type",
        "Implementation started in the period, by modality",
        "States and territories assisted in the period",
        "How the figures are counted",
    ):
        assert title in text
    pages = len(reader.pages)
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text


def test_the_pdf_tables_hold_the_figures(history):
    history.move_on()
    _reader, text = pdf_text(pdf_bytes(build_briefing(START, END)))
    lines = [line.strip() for line in text.splitlines()]
    # A table row is one line (or more, where a long name wraps): the name, then the figures.
    assert "Western European and other States 2 0 0 0 2 0 0" in lines  # by regional group
    assert "All States and territories 7 2 1 1 2 2 4" in lines
    assert "Côte d'Ivoire African States 2 1 1 0 0 0 0" in lines  # by Member State
    assert "Ghana African States 1 0 0 0 0 1 1" in lines
    assert "Nepal Asia-Pacific States 0 0 0 1 0 0 1" in lines
    assert "Total 7 2 1 1 2 2 4" in lines
    assert "Pending at the end of the period 4" in lines  # key figures
    assert "A Security Council or General Assembly mandate 1" in lines  # by basis
    assert "Training 1 1 1 0 0 0 0" in lines  # by type
    assert "Experts from the roster 1" in lines  # by modality
    assert "Kenya African States 1 1 Training" in lines  # states assisted
    assert "Ghana African States 0 1" in lines


def test_the_pdf_writes_what_its_fonts_lack_without_failing(history):
    writer = _Writer(build_briefing(START, END))
    assert writer.text("Türkiye — Україна") == "Türkiye — Україна"
    # Chinese and Arabic have fonts of their own, whatever the document's language; Devanagari has none.
    assert writer.text("東京 Tōkyō") == "東京 Tōkyō"
    assert writer.text("مصر") == "مصر"
    assert writer.text("नेपाल Nepal") == "????? Nepal"
    MemberState.objects.filter(iso3="NPL").update(name="नेपाल Nepal")
    _reader, text = pdf_text(pdf_bytes(build_briefing(START, END)))
    assert "Nepal" in text


# The command ----------------------------------------------------------------------------------


def test_the_command_writes_each_format(history, tmp_path):
    history.move_on()
    out = io.StringIO()
    call_command(
        "briefing",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--format",
        "pdf",
        "--output",
        str(tmp_path / "q1.pdf"),
        stdout=out,
    )
    assert "written to" in out.getvalue()
    _reader, text = pdf_text((tmp_path / "q1.pdf").read_bytes())
    assert "Côte d'Ivoire" in text and "Total 7 2 1 1 2 2 4" in text

    call_command(
        "briefing",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--output",
        str(tmp_path / "q1.xlsx"),
        stdout=io.StringIO(),
    )
    book = load_workbook(tmp_path / "q1.xlsx")
    assert book["States and territories"]["A4"].value == "Côte d'Ivoire"

    out = io.StringIO()
    call_command(
        "briefing", "--from", "2026-01-01", "--to", "2026-03-31", "--format", "csv", "--output", "-", stdout=out
    )
    sections = csv_sections(("\ufeff" + out.getvalue()).encode())
    assert figures_of(sections["Requests and responses by State or territory"][-1][2:]) == EXPECTED_TOTALS


def test_the_command_defaults_to_the_last_quarter_and_a_named_file(history, tmp_path, monkeypatch):
    history.move_on()
    monkeypatch.chdir(tmp_path)
    call_command("briefing", "--format", "csv", stdout=io.StringIO())
    content = (tmp_path / "eas-briefing-2026-01-01-to-2026-03-31.csv").read_bytes()
    assert figures_of(csv_sections(content)["Requests and responses by region"][-1][1:]) == EXPECTED_TOTALS


@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "2026-02-30", "--to", "2026-03-31", "--format", "pdf"], "--from: This is not a date"),
        (["--from", "2026-03-31", "--to", "2026-01-01", "--format", "pdf"], "ends before it starts"),
        (["--from", "2026-01-01", "--format", "pdf"], "last day of the period"),
        (["--format", "docx"], "Unknown format 'docx'"),
        (["--output", "briefing"], "Give the format"),
        (["--output", "briefing.txt"], "Unknown format 'txt'"),
        (["--format", "pdf", "--output", "-"], "cannot go to standard output"),
        (
            ["--format", "pdf", "--output", "/nonexistent-dir/briefing.pdf"],
            "Cannot write /nonexistent-dir/briefing.pdf",
        ),
    ],
)
def test_the_command_refuses_bad_arguments_with_a_reason(db, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("briefing", *args, stdout=io.StringIO())
