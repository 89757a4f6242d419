"""The case list as a spreadsheet: CSV or XLSX, row by row, so 100,000 cases never sit in memory.

The rows come from the same filtered, sorted queryset as the list page (views.filtered_cases);
each chunk of cases costs three queries (cases, next elections, assistance types), whatever its size.
"""

import csv
import datetime
import tempfile
from collections import defaultdict
from itertools import islice

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from .models import AssistanceRequest, Election, Origin, RegionalGroup, Stage

CHUNK_SIZE = 2000

# (header, column width in characters).
COLUMNS = [
    (_("Reference"), 16),
    (_("Member State"), 24),
    (_("Regional group"), 26),
    (_("Origin"), 30),
    (_("Requesting authority"), 32),
    (_("Letter date"), 12),
    (_("Received date"), 12),
    (_("Stage"), 20),
    (_("In stage since"), 17),
    (_("Due"), 17),
    (_("Overdue"), 9),
    (_("Officer"), 24),
    (_("Next election date"), 12),
    (_("Assistance requested"), 40),
    (_("Summary"), 80),
]

# A cell that starts with one of these is a formula to Excel, LibreOffice and Google Sheets
# (tab and carriage return too: some importers strip them and read what follows).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_CELL_CHARS = 32767  # Excel refuses to open a file with a longer cell


def headers():
    return [str(header) for header, _width in COLUMNS]


def filename(extension):
    return f"eas-cases-{timezone.localdate():%Y-%m-%d}.{extension}"


def neutralise(value):
    """A text a spreadsheet would run as a formula, made inert by a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _local(moment):
    """A stored (aware) moment in the user's time zone, without tzinfo: spreadsheets have none."""
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0) if moment else None


def _labels(choices):
    return {value: str(label) for value, label in choices.choices}


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _related_by_case(ids, today):
    """Per case of one chunk: its next election day, and the names of the assistance it asks for.

    Two queries of plain values per chunk: Django's prefetch builds a queryset and a model per
    related row, which on 100,000 cases costs more than everything else together.
    """
    next_election = dict(
        Election.objects.order_by()
        .filter(case_id__in=ids, planned_date__gte=today)
        .values("case_id")
        .annotate(day=Min("planned_date"))
        .values_list("case_id", "day")
    )
    types = defaultdict(list)
    requested = (
        AssistanceRequest.requested_types.through.objects.filter(assistancerequest_id__in=ids)
        .order_by("assistancetype__position", "assistancetype__name")
        .values_list("assistancerequest_id", "assistancetype__name")
    )
    for case_id, name in requested:
        types[case_id].append(name)
    return next_election, types


def case_rows(cases):
    """One list of values per case, in the order of COLUMNS: text, dates, datetimes or None."""
    # Labels looked up once, not once per row: 100,000 lazy translations add up.
    stages, origins, regions = _labels(Stage), _labels(Origin), _labels(RegionalGroup)
    ends = Stage.ends()
    yes, no = gettext("yes"), gettext("no")
    now, today = timezone.now(), timezone.localdate()
    for chunk in _chunks(cases.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        next_election, types = _related_by_case([case.pk for case in chunk], today)
        for case in chunk:
            is_open = case.stage not in ends
            due = case.stage_due_at if is_open else None
            officer = case.officer
            yield [
                case.reference,
                case.member_state.name,
                regions.get(case.member_state.regional_group, case.member_state.regional_group),
                origins.get(case.origin, case.origin),
                case.requesting_authority,
                case.letter_date,
                case.received_date,
                stages.get(case.stage, case.stage),
                _local(case.stage_entered_at),
                _local(due),
                yes if due is not None and due < now else no,
                (officer.get_full_name() or officer.get_username()) if officer else "",
                next_election.get(case.pk),
                "; ".join(types.get(case.pk, ())),
                case.summary,
            ]


# CSV ---------------------------------------------------------------------------------------------

class _Echo:
    """A file-like object that hands back what csv.writer writes, instead of keeping it."""

    def write(self, value):
        return value


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(value)


def csv_stream(cases, batch=200):
    """The CSV as text chunks: a BOM (so Excel reads UTF-8 accents right), the header, the rows."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers())
    lines = []
    for row in case_rows(cases):
        lines.append(writer.writerow([_csv_cell(value) for value in row]))
        if len(lines) >= batch:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


# XLSX --------------------------------------------------------------------------------------------

def write_xlsx(cases, target):
    """Write the workbook to ``target`` (a file opened for binary writing).

    A write-only workbook streams its rows to a temporary file as they come, so memory stays
    flat however many cases there are. Dates and datetimes go in as they are: openpyxl gives
    them a date format itself, and a cell made by hand for each costs twice the time.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("Cases"))
    sheet.freeze_panes = "A2"
    for index, (__, width) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header_cells = []
    for header in headers():
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)

    def text(value):
        # Control characters pasted from other programs make openpyxl refuse the whole file.
        # They go first, so "\x07=cmd" cannot turn into a formula once they are gone; the
        # apostrophe then keeps a leading "=" from being written as one.
        value = neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))[:XLSX_MAX_CELL_CHARS]
        if value in ERROR_CODES:  # "#N/A" typed by a user is text, not an error value
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell
        return value

    for row in case_rows(cases):
        sheet.append([text(value) if type(value) is str else value for value in row])
    workbook.save(target)


def xlsx_file(cases):
    """The workbook in a temporary file, positioned at its start; closing the file deletes it."""
    handle = tempfile.NamedTemporaryFile(prefix="eas-export-", suffix=".xlsx")
    try:
        write_xlsx(cases, handle)
        handle.flush()
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return handle
