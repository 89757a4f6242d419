"""The Trust Fund's statement as files: CSV, and a workbook (the entries with their totals and the
money by earmark, a summary, the pledges outstanding). Amounts stay numbers (Decimal), every text
goes through core.spreadsheets, inert."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

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
        _("Purpose"),
        _("Earmarked to"),
        _("Description"),
        _("Amount"),
        _("Currency"),
        _("Rate (USD)"),
        _("Support costs (%)"),
        _("In (USD)"),
        _("Out (USD)"),
        _("Balance (USD)"),
        _("Pays pledge of"),
        _("Recorded by"),
        _("Recorded at"),
    ]


# Where each value sits in a row (the order of columns()).
DATE, KIND, DONOR, CASE, STATE, PURPOSE, EARMARK, DESCRIPTION, AMOUNT, CURRENCY, RATE, SUPPORT_RATE = range(12)
IN, OUT, BALANCE, PAYS, RECORDER, RECORDED_AT = range(12, 18)


_NAMES = {
    "donor": DONOR,
    "case": CASE,
    "state": STATE,
    "purpose": PURPOSE,
    "earmark": EARMARK,
    "description": DESCRIPTION,
    "amount": AMOUNT,
    "currency": CURRENCY,
    "rate": RATE,
    "support_rate": SUPPORT_RATE,
    "money_in": IN,
    "money_out": OUT,
    "balance": BALANCE,
    "pays": PAYS,
    "recorder": RECORDER,
    "recorded_at": RECORDED_AT,
}
_NUMBERS = frozenset({AMOUNT, RATE, SUPPORT_RATE, IN, OUT, BALANCE})


def _row(day, kind, **values):
    """A row of the statement: its day and kind, the other columns by name, blank (None for a number) if not given."""
    row = [None if index in _NUMBERS else "" for index in range(RECORDED_AT + 1)]
    row[DATE], row[KIND] = day, kind
    for name, value in values.items():
        row[_NAMES[name]] = value
    return row


def _entry_row(line, kinds, zone):
    entry = line.entry
    case = entry.case
    description = entry.description
    if entry.charged_on_id and entry.kind == Kind.SUPPORT_COST:
        description = _("on the allocation of %(amount)s USD") % {"amount": entry.charged_on.amount_usd}
    elif entry.charged_on_id:
        description = _("returned with the refund of %(amount)s USD") % {"amount": entry.charged_on.amount_usd}
    pledge = entry.pledge
    return _row(
        entry.value_date,
        str(kinds[entry.kind]),
        donor=entry.donor,
        case=case.reference if case else "",
        state=case.member_state.local_name if case else "",
        purpose=entry.get_purpose_display() if entry.purpose else "",
        earmark=entry.earmark_text,
        description=description,
        amount=entry.amount,
        currency=entry.currency,
        rate=entry.usd_per_unit,
        support_rate=entry.support_rate,
        money_in=line.change if line.change > 0 else None,
        money_out=-line.change if line.change < 0 else None,
        balance=line.running,
        pays=f"{pledge.donor} {pledge.value_date.isoformat()} {pledge.currency} {pledge.amount}" if pledge else "",
        recorder=display_name(entry.recorded_by),
        recorded_at=entry.recorded_at.astimezone(zone).replace(tzinfo=None, microsecond=0),
    )


def statement_rows(result):
    """The statement as rows of values (dates, Decimals, text), in the order of columns(): the opening
    balance, every entry (programme support costs on lines of their own), the closing balance; then
    the period's totals by kind of entry, and the closing balance by earmark. Each total is the sum of
    its lines, and the earmarks add up to the closing balance, to the cent."""
    kinds = dict(Kind.choices)
    zone = timezone.get_current_timezone()
    yield _row(result.start, _("Opening balance"), balance=result.opening)
    for line in result.lines:
        yield _entry_row(line, kinds, zone)
    yield _row(result.end, _("Closing balance"), balance=result.closing)
    for value in Kind.values:
        if value == Kind.PLEDGE:
            continue  # promises: they move no money (the pledges outstanding are a sheet of their own)
        total = result.totals[value]
        side = "money_in" if value in Kind.ins() else "money_out"
        yield _row(result.end, _("Total: %(kind)s") % {"kind": statement.TOTAL_LABELS[value]}, **{side: total})
    yield _row(result.end, _("Total: programme support costs, net"), money_out=result.support_costs)
    yield _row(result.end, _("Closing balance: unearmarked"), balance=result.unearmarked)
    for item in result.earmarks:
        contribution = item.contribution
        yield _row(
            result.end,
            _("Closing balance: earmarked"),
            donor=contribution.donor,
            earmark=contribution.earmark_text,
            description=_("contribution of %(day)s") % {"day": contribution.value_date.isoformat()},
            amount=contribution.amount_usd,
            currency="USD",
            balance=item.held,
        )


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
    """The statement's entries, one row each, then its totals and earmarks; balances and totals in bold."""
    sheet.title = _text(_("Statement"))[:31]
    sheet.append([_text(column) for column in columns()])
    for cell in sheet[1]:
        cell.font = bold
    # The number format of each column that needs one: its date, amounts, rates and time of entry.
    formats = {DATE: "yyyy-mm-dd", RATE: RATE_FORMAT, SUPPORT_RATE: "0.00", RECORDED_AT: "yyyy-mm-dd hh:mm"}
    formats |= dict.fromkeys((AMOUNT, IN, OUT, BALANCE), MONEY_FORMAT)
    entries = len(result.lines)
    for number, row in enumerate(statement_rows(result)):
        sheet.append([(_text(value) or None) if isinstance(value, str) else value for value in row])
        for index, cell in enumerate(sheet[sheet.max_row]):
            if index in formats:
                cell.number_format = formats[index]
            if number == 0 or number > entries:  # the opening balance; the closing, the totals, the earmarks
                cell.font = bold

    widths = [12, 26, 28, 16, 22, 24, 24, 40, 16, 9, 13, 10, 16, 16, 18, 30, 22, 17]
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"


def _summary_sheet(summary, result, bold):
    """The period's balances and totals by kind of entry, and the closing balance by earmark."""
    summary.append([_text(_("Trust Fund for Electoral Assistance")), None])
    summary.append([_text(_("From")), result.start])
    summary.append([_text(_("To (inclusive)")), result.end])
    summary.append([_text(_("Opening balance (USD)")), result.opening])
    for value in Kind.values:
        summary.append([_text(_("%(kind)s (USD)") % {"kind": statement.TOTAL_LABELS[value]}), result.totals[value]])
    summary.append([_text(_("Programme support costs, net (USD)")), result.support_costs])
    summary.append([_text(_("Closing balance (USD)")), result.closing])
    summary.append([_text(_("Of it unearmarked (USD)")), result.unearmarked])
    for label, held, _items in result.earmark_groups:
        summary.append([_text(_("Of it earmarked to %(earmark)s (USD)") % {"earmark": label}), held])
    summary.append([_text(_("Pledges outstanding at the end (USD)")), result.outstanding_usd])
    summary["A1"].font = bold
    for cells in summary.iter_rows(min_row=2):
        value_cell = cells[1]
        value_cell.number_format = "yyyy-mm-dd" if isinstance(value_cell.value, date) else MONEY_FORMAT
    summary.column_dimensions["A"].width = 48
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
