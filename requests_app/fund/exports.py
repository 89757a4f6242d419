"""The Trust Fund's statement as files: CSV, and a workbook (the entries, a summary, the pledges
outstanding). Amounts stay numbers (Decimal), every text goes through core.spreadsheets, inert."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from requests_app.core.people import display_name
from requests_app.core.spreadsheets import neutralise, xlsx_text
from requests_app.fund import statement
from requests_app.fund.models import LedgerEntry

Kind = LedgerEntry.Kind


def columns():
    return [
        _("Date"),
        _("Kind"),
        _("Donor"),
        _("Case"),
        _("Member State"),
        _("Description"),
        _("Amount"),
        _("Currency"),
        _("Rate (USD)"),
        _("In (USD)"),
        _("Out (USD)"),
        _("Balance (USD)"),
        _("Pays pledge of"),
        _("Recorded by"),
        _("Recorded at"),
    ]


def statement_rows(result):
    """The statement as rows of values (dates, Decimals, text), in the order of columns():
    the opening balance, every entry, the closing balance."""
    kinds = dict(Kind.choices)
    zone = timezone.get_current_timezone()
    blank = [""] * 3
    yield [result.start, _("Opening balance"), "", "", "", "", None, "", None, None, None, result.opening, *blank]
    for line in result.lines:
        entry = line.entry
        case = entry.case
        recorder = entry.recorded_by
        yield [
            entry.value_date,
            str(kinds[entry.kind]),
            entry.donor,
            case.reference if case else "",
            case.member_state.name if case else "",
            entry.description,
            entry.amount,
            entry.currency,
            entry.usd_per_unit,
            line.change if line.change > 0 else None,
            -line.change if line.change < 0 else None,
            line.running,
            (
                f"{entry.pledge.donor} {entry.pledge.value_date.isoformat()} {entry.pledge.currency} "
                f"{entry.pledge.amount}"
            )
            if entry.pledge_id
            else "",
            display_name(recorder),
            entry.recorded_at.astimezone(zone).replace(tzinfo=None, microsecond=0),
        ]
    yield [result.end, _("Closing balance"), "", "", "", "", None, "", None, None, None, result.closing, *blank]


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(" ", "minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")  # a plain number a spreadsheet reads in any language
    return neutralise(str(value))


def file_name(result, extension):
    return f"eas-trust-fund-{result.start.isoformat()}-to-{result.end.isoformat()}.{extension}"


MONEY_FORMAT = "#,##0.00"
RATE_FORMAT = "0.0000########"


def _text(value):
    return xlsx_text(str(value))


def _entries_sheet(sheet, result, bold):
    """The statement's entries, one row each, the opening and closing balances in bold."""
    sheet.title = _text(_("Statement"))[:31]
    headers = columns()
    sheet.append([_text(column) for column in headers])
    for cell in sheet[1]:
        cell.font = bold
    # The number format of each column that needs one: its date, amounts, rate and time of entry.
    formats = {0: "yyyy-mm-dd", 8: RATE_FORMAT, 14: "yyyy-mm-dd hh:mm"} | dict.fromkeys((6, 9, 10, 11), MONEY_FORMAT)
    for row in statement_rows(result):
        sheet.append([(_text(value) or None) if isinstance(value, str) else value for value in row])
        for index, cell in enumerate(sheet[sheet.max_row]):
            if index in formats:
                cell.number_format = formats[index]
    for row_cells in (sheet[2], sheet[sheet.max_row]):
        for cell in row_cells:
            cell.font = bold
    widths = [12, 22, 28, 16, 22, 40, 16, 9, 13, 16, 16, 18, 30, 22, 17]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"


def _summary_sheet(summary, result, bold):
    """The period's balances and totals by kind of entry."""
    summary.append([_text(_("Trust Fund for Electoral Assistance")), None])
    summary.append([_text(_("From")), result.start])
    summary.append([_text(_("To (inclusive)")), result.end])
    summary.append([_text(_("Opening balance (USD)")), result.opening])
    for value in Kind.values:
        summary.append([_text(_("%(kind)s (USD)") % {"kind": statement.TOTAL_LABELS[value]}), result.totals[value]])
    summary.append([_text(_("Closing balance (USD)")), result.closing])
    summary.append([_text(_("Pledges outstanding at the end (USD)")), result.outstanding_usd])
    summary["A1"].font = bold
    for cells in summary.iter_rows(min_row=2):
        value_cell = cells[1]
        value_cell.number_format = "yyyy-mm-dd" if isinstance(value_cell.value, date) else MONEY_FORMAT
    summary.column_dimensions["A"].width = 40
    summary.column_dimensions["B"].width = 18


def _pledges_sheet(pledges, result, bold):
    """The pledges still outstanding at the end of the period."""
    pledges.append(
        [
            _text(h)
            for h in (
                _("Donor"),
                _("Pledged on"),
                _("Currency"),
                _("Pledged"),
                _("Paid"),
                _("Outstanding"),
                _("Outstanding (USD)"),
            )
        ]
    )
    for cell in pledges[1]:
        cell.font = bold
    for item in result.pledges:
        pledge = item.pledge
        pledges.append(
            [
                _text(pledge.donor),
                pledge.value_date,
                pledge.currency,
                pledge.amount,
                item.paid,
                item.left,
                item.left_usd,
            ]
        )
        for index, cell in enumerate(pledges[pledges.max_row]):
            cell.number_format = "yyyy-mm-dd" if index == 1 else (MONEY_FORMAT if index >= 3 else "General")
    for index, width in enumerate([30, 12, 9, 18, 18, 18, 18]):
        pledges.column_dimensions[chr(ord("A") + index)].width = width


def csv_text(result):
    """The statement as CSV: a BOM (Excel reads UTF-8 right), the header, a row per entry."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([str(column) for column in columns()])
    for row in statement_rows(result):
        writer.writerow([_csv_cell(value) for value in row])
    return buffer.getvalue()


def xlsx_bytes(result):
    """The statement as a workbook: the entries, a summary, and the pledges outstanding.

    A statement is a few hundred rows at most, so openpyxl builds it in memory; amounts are real
    numbers with a money format, so they add up in the spreadsheet.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    workbook = Workbook()
    _entries_sheet(workbook.active, result, bold)
    _summary_sheet(workbook.create_sheet(_text(_("Summary"))[:31]), result, bold)
    _pledges_sheet(workbook.create_sheet(_text(_("Pledges outstanding"))[:31]), result, bold)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
