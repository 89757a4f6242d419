"""The briefing to Member States as files: CSV and an Excel workbook (the PDF: reports/pdf.py).

Each is written whole in memory from a ``briefing.Briefing``: the report is a few hundred rows
at most, whatever the number of cases. The three show the same tables as the page
(``Briefing.tables()``), in the same order, with the same words: those of the active language
(the caller's ``translation.override``).
"""

import csv
import io
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import get_language, gettext

from requests_app.core.languages import is_rtl
from requests_app.core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, neutralise, xlsx_text
from requests_app.core.written_dates import long_date
from requests_app.reports.briefing import period_text

__all__ = ["CSV_CONTENT_TYPE", "XLSX_CONTENT_TYPE", "csv_bytes", "xlsx_bytes"]


def generated_text(briefing):
    moment = timezone.localtime(briefing.generated_at)
    # The briefing reads the cases' histories; the Secretary-General's report, the cases as they stand.
    text = (
        gettext("Generated on %(date)s at %(time)s (%(zone)s) from the cases as they stand.")
        if getattr(briefing, "from_cases_as_they_stand", False)
        else gettext("Generated on %(date)s at %(time)s (%(zone)s) from the case histories.")
    )
    return text % {
        "date": long_date(moment.date()),
        "time": formats.time_format(moment, "H:i"),
        "zone": moment.tzname(),
    }


def preamble(briefing):
    """The lines that head every file: the period, when it was made, and whether the period is over."""
    lines = [
        gettext("Period: %(period)s, both days included.") % {"period": period_text(briefing.start, briefing.end)},
        generated_text(briefing),
    ]
    if not briefing.is_complete:
        lines.append(gettext("The period is not over yet: its figures will change until its last day has passed."))
    return lines


# CSV ---------------------------------------------------------------------------------------------


def _csv_cell(value):
    return neutralise(value) if isinstance(value, str) else value


def csv_bytes(briefing):
    """Each part of the report as its own block: a title line, a header row, the rows, a total row;
    blocks are separated by an empty line. A BOM first, so Excel reads the accents right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(briefing.title)])
    writer.writerow([gettext("From"), briefing.start.isoformat()])
    writer.writerow([gettext("To"), briefing.end.isoformat()])
    for line in preamble(briefing)[1:]:
        writer.writerow([_csv_cell(line)])
    for table in briefing.tables():
        writer.writerow([])
        writer.writerow([_csv_cell(table.title)])
        writer.writerow([_csv_cell(column.header) for column in table.columns])
        for row in table.rows:
            writer.writerow([_csv_cell(value) for value in row])
        if table.total is not None and table.rows:
            writer.writerow([_csv_cell(value) for value in table.total])
    writer.writerow([])
    writer.writerow([gettext("How the figures are counted")])
    for term, text in briefing.definitions():
        writer.writerow([_csv_cell(term), _csv_cell(text)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# XLSX --------------------------------------------------------------------------------------------


def _sheet_title(text, taken):
    # At most 31 characters, none of : \ / ? * [ ] (a translation may have one), and unique.
    title = "".join(" " if c in ":\\/?*[]" else c for c in text)[:31].strip() or "Sheet"
    base, number = title, 2
    while title.casefold() in taken:
        suffix = f" ({number})"
        title, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(title.casefold())
    return title


def _xlsx_value(value):
    return xlsx_text(value) if isinstance(value, str) else value


def xlsx_bytes(briefing):
    """A workbook: a summary sheet (period, key figures, definitions), then one sheet per part."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    styles = _XlsxStyles(
        bold=Font(bold=True),
        title=Font(bold=True, size=14),
        part_title=Font(bold=True, size=12),
        header_fill=PatternFill("solid", fgColor="E8EEF4"),
        wrap=Alignment(wrap_text=True, vertical="top"),
        header_wrap=Alignment(wrap_text=True, vertical="bottom"),
    )
    taken: set[str] = set()
    workbook = Workbook()
    tables = briefing.tables()
    summary = workbook.active
    summary.title = _sheet_title(tables[0].sheet, taken)
    _summary_sheet(summary, briefing, tables[0], styles)
    for table in tables[1:]:
        _part_sheet(workbook.create_sheet(_sheet_title(table.sheet, taken)), table, styles)
    if is_rtl(get_language()):
        # Arabic: each sheet reads from the right, its first column the rightmost, as Excel shows it.
        for sheet in workbook.worksheets:
            sheet.sheet_view.rightToLeft = True
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class _XlsxStyles:
    bold: object
    title: object
    part_title: object
    header_fill: object
    wrap: object
    header_wrap: object


def _summary_sheet(summary, briefing, key_figures, styles):
    """The title, the period, the key figures, and how the figures are counted."""
    summary.append([xlsx_text(str(briefing.title))])
    summary["A1"].font = styles.title
    for line in preamble(briefing):
        summary.append([xlsx_text(line)])
    summary.append([])
    summary.append([xlsx_text(column.header) for column in key_figures.columns])
    for cell in summary[summary.max_row]:
        cell.font, cell.fill = styles.bold, styles.header_fill
    for row in key_figures.rows:
        summary.append([_xlsx_value(value) for value in row])
    summary.append([])
    summary.append([xlsx_text(gettext("How the figures are counted"))])
    summary.cell(row=summary.max_row, column=1).font = styles.bold
    for term, text in briefing.definitions():
        summary.append([xlsx_text(term), xlsx_text(text)])
        summary.cell(row=summary.max_row, column=1).alignment = styles.wrap
        summary.cell(row=summary.max_row, column=2).alignment = styles.wrap
    summary.column_dimensions["A"].width = 44
    summary.column_dimensions["B"].width = 90


def _part_sheet(sheet, table, styles):
    """One part of the briefing: its title, note, header, rows and total."""
    from openpyxl.utils import get_column_letter

    sheet.append([xlsx_text(table.title)])
    sheet["A1"].font = styles.part_title
    if table.note:
        sheet.append([xlsx_text(table.note)])
    sheet.append([xlsx_text(column.header) for column in table.columns])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font, cell.fill = styles.bold, styles.header_fill
        cell.alignment = styles.header_wrap
    for row in table.rows:
        sheet.append([_xlsx_value(value) for value in row])
    if not table.rows and table.empty:
        sheet.append([xlsx_text(table.empty)])
    elif table.total is not None:
        sheet.append([_xlsx_value(value) for value in table.total])
        for cell in sheet[sheet.max_row]:
            cell.font = styles.bold
    for index, column in enumerate(table.columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width + 2
    # The header stays in view while scrolling down a long list of states.
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
