"""The case list as a spreadsheet: CSV or XLSX, row by row, so 100,000 cases never sit in memory.

The rows come from the same filtered, sorted queryset as the list page (views.filtered_cases),
read as plain values, with no model instance built: one query for the cases (each with its next
election day, from a subquery), read in chunks, and one query per chunk for the assistance each
case asks for, whatever the chunk's size.
"""

import csv
import datetime
import re
import tempfile
import zipfile
from collections import defaultdict
from itertools import islice

from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app.cases.choices import Origin, Stage
from requests_app.cases.models import AssistanceRequest, Election
from requests_app.reference.models import AssistanceType, RegionalGroup

CHUNK_SIZE = 2000

# What a column holds: text; a label, text from a small set that repeats from row to row (a
# stage, a Member State, an officer); a date; or a moment (a naive local datetime). A date or a
# moment may be None (no next election, no deadline); text and labels are always strings.
TEXT, LABEL, DATE, MOMENT = "text", "label", "date", "moment"

# (header, column width in characters, kind).
COLUMNS = [
    (_("Reference"), 16, TEXT),
    (_("Member State"), 32, LABEL),
    (_("Regional group"), 34, LABEL),
    (_("Origin"), 30, LABEL),
    (_("Requesting authority"), 32, TEXT),
    (_("Letter date"), 12, DATE),
    (_("Received date"), 12, DATE),
    (_("Stage"), 20, LABEL),
    (_("In stage since"), 17, MOMENT),
    (_("Due"), 17, MOMENT),
    (_("Overdue"), 9, LABEL),
    (_("Officer"), 24, LABEL),
    (_("Next election date"), 12, DATE),
    (_("Assistance requested"), 40, LABEL),
    (_("Summary"), 80, TEXT),
]

# A cell that starts with one of these is a formula to Excel, LibreOffice and Google Sheets
# (tab and carriage return too: some importers strip them and read what follows).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Whitespace (non-breaking spaces included) and C0 controls and DEL.
_SKIPPED_BEFORE_FORMULA = "".join(
    map(
        chr,
        [
            *range(0x21),
            0x7F,
            0x85,
            0xA0,
            0x1680,
            *range(0x2000, 0x200C),
            0x2028,
            0x2029,
            0x202F,
            0x205F,
            0x3000,
            0xFEFF,
        ],
    )
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_CELL_CHARS = 32767  # Excel refuses to open a file with a longer cell


def headers():
    return [str(header) for header, _width, _kind in COLUMNS]


def filename(extension):
    return f"eas-cases-{timezone.localdate():%Y-%m-%d}.{extension}"


def neutralise(text):
    """A text a spreadsheet would run as a formula, made inert by a leading apostrophe.

    The one function every CSV and XLSX cell of EAS goes through. Spreadsheets skip leading
    spaces and control characters before they look for a formula (" =1+1", "\x01=cmd"): a
    formula start after any of them counts too.
    """
    if text.startswith(FORMULA_STARTS) or text.lstrip(_SKIPPED_BEFORE_FORMULA).startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _labels(choices):
    return {value: str(label) for value, label in choices.choices}


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


class _RequestedTypes:
    """Per case of a chunk, the names of the assistance it asks for, in the types' order.

    One query of bare ids per chunk, named and ordered here from the few types there are
    (as of the export's start: a type added meanwhile is left out, not an error mid-file).
    The query is the ORM's, compiled once for a chunk's size and run again with each chunk's
    ids: building a queryset of 2,000 ids costs more than running it. Over 100,000 cases,
    0.6 s of processor time instead of 0.2 s on SQLite, 1.5 s instead of 0.8 s on PostgreSQL.
    """

    def __init__(self):
        self.names = dict(AssistanceType.objects.order_by("position", "name").values_list("pk", "name"))
        self.rank = {pk: rank for rank, pk in enumerate(self.names)}
        self.sql = {}  # chunk size -> SQL with one placeholder per case id

    def _query(self, ids):
        return (
            AssistanceRequest.requested_types.through.objects.filter(assistancerequest_id__in=ids)
            .order_by()
            .values_list("assistancerequest_id", "assistancetype_id")
        )

    def _rows(self, ids):
        sql = self.sql.get(len(ids))
        if sql is None:
            sql, params = self._query(ids).query.sql_with_params()
            if list(params) != ids:  # the ids are not all the query's parameters: run it as it is
                return list(self._query(ids))
            self.sql[len(ids)] = sql
        with connection.cursor() as cursor:
            cursor.execute(sql, ids)
            return cursor.fetchall()

    def of_chunk(self, ids):
        names, rank = self.names, self.rank
        requested = defaultdict(list)
        for case_id, type_id in self._rows(ids):
            if type_id in names:
                requested[case_id].append(type_id)
        return {
            case_id: "; ".join([names[t] for t in sorted(type_ids, key=rank.__getitem__)])
            for case_id, type_ids in requested.items()
        }


# The columns each row is read with: plain values, no model instances (building three models per
# case, with select_related, cost more than all the rest of an export together).
VALUES = (
    "pk",
    "reference",
    "member_state__name",
    "member_state__regional_group",
    "origin",
    "requesting_authority",
    "letter_date",
    "received_date",
    "stage",
    "stage_entered_at",
    "stage_due_at",
    "officer__first_name",
    "officer__last_name",
    "officer__username",
    "next_election",
    "summary",
)


def case_rows(cases):
    """One list of values per case, in the order of COLUMNS: text, dates, datetimes or None."""
    # Labels looked up once, not once per row: 100,000 lazy translations add up.
    stages, origins, regions = _labels(Stage), _labels(Origin), _labels(RegionalGroup)
    ends = Stage.ends()
    yes, no = gettext("yes"), gettext("no")
    now, today = timezone.now(), timezone.localdate()
    zone = timezone.get_current_timezone()
    requested_types = _RequestedTypes()

    def local(moment):
        # A stored (aware) moment in the user's time zone, without tzinfo: spreadsheets have none.
        return moment.astimezone(zone).replace(tzinfo=None, microsecond=0)

    # The next election day comes with its case, a subquery on the election's case index:
    # cheaper than a query per chunk with the chunk's ids.
    next_election = (
        Election.objects.filter(case=OuterRef("pk"), planned_date__gte=today)
        .order_by("planned_date")
        .values("planned_date")[:1]
    )
    values = cases.annotate(next_election=Subquery(next_election)).values_list(*VALUES)
    for chunk in _chunks(values.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        types = requested_types.of_chunk([row[0] for row in chunk])
        for (
            pk,
            reference,
            state,
            region,
            origin,
            authority,
            letter_date,
            received_date,
            stage,
            entered_at,
            due_at,
            first_name,
            last_name,
            username,
            election_day,
            summary,
        ) in chunk:
            due = due_at if due_at is not None and stage not in ends else None
            yield [
                reference,
                state,
                regions.get(region, region),
                origins.get(origin, origin),
                authority,
                letter_date,
                received_date,
                stages.get(stage, stage),
                local(entered_at),
                None if due is None else local(due),
                yes if due is not None and due < now else no,
                # As User.get_full_name() or get_username(); no username: no officer (the join found none).
                "" if username is None else (f"{first_name} {last_name}".strip() or username),
                election_day,
                types.get(pk, ""),
                summary,
            ]


# CSV ---------------------------------------------------------------------------------------------


class _Echo:
    """A file-like object that hands back what csv.writer writes, instead of keeping it."""

    def write(self, value):
        return value


def _csv_date(value):
    return "" if value is None else value.isoformat()


def _csv_moment(value):
    return "" if value is None else value.isoformat(" ", "minutes")  # 2030-01-02 05:30


_CSV_CELL = {TEXT: neutralise, LABEL: neutralise, DATE: _csv_date, MOMENT: _csv_moment}


def csv_stream(cases, batch=500):
    """The CSV as text chunks: a BOM (so Excel reads UTF-8 accents right), the header, the rows."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers())
    cells = [_CSV_CELL[kind] for _header, _width, kind in COLUMNS]
    lines = []
    for row in case_rows(cases):
        lines.append(writer.writerow([cell(value) for cell, value in zip(cells, row, strict=True)]))
        if len(lines) >= batch:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


# XLSX --------------------------------------------------------------------------------------------
#
# An .xlsx file is a zip of XML parts. All but two are a few fixed lines; the sheet is written
# here row by row, straight into its compressed zip entry, so memory stays flat however many
# cases there are. For the 1.5 million cells of 100,000 cases, on a 2-core server, writing them
# takes about 2 s here; XlsxWriter's constant-memory mode took 10 to 12 s for the cells alone,
# and with openpyxl's write-only mode the export took 26 to 41 s. The parts are those XlsxWriter
# writes, without the optional theme and document properties; the tests read them back with
# openpyxl.

XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"

XLSX_CONTENT_TYPES = XML_HEAD + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{OFFICE_TYPE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{OFFICE_TYPE}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{OFFICE_TYPE}.styles+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{OFFICE_TYPE}.sharedStrings+xml"/>'
    "</Types>"
)
XLSX_PACKAGE_RELS = XML_HEAD + (
    f'<Relationships xmlns="{PACKAGE_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
XLSX_WORKBOOK_RELS = XML_HEAD + (
    f'<Relationships xmlns="{PACKAGE_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL_NS}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
# Cell styles by index (the s="" of a cell): 0 plain, 1 bold (the header), 2 a date, 3 a moment.
XLSX_STYLES = XML_HEAD + (
    f'<styleSheet xmlns="{MAIN_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
BOLD, DATE_STYLE, MOMENT_STYLE = 1, 2, 3

# Control characters XML 1.0 cannot carry (all but tab, line feed and carriage return), the two
# non-characters, and halves of surrogate pairs, which cannot be written as UTF-8.
XLSX_ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Excel reads "_x0041_" in a text as the character it codes ("A"): a typed one keeps its
# underscore by having it coded too ("_x005F_x0041_").
EXCEL_ESCAPE = re.compile("_(x[0-9A-Fa-f]{4}_)")
EXCEL_EPOCH = datetime.date(1899, 12, 30).toordinal()  # day 0 of Excel's 1900 date system
# Labels are written once, in the shared strings, and cells point to them; past this many
# different ones (never, with a few hundred Member States and officers), the rest go in their
# cells, so memory stays bounded whatever the data.
XLSX_SHARED_STRINGS_LIMIT = 20_000


def xlsx_text(value):
    """A text as a workbook can hold it, inert.

    Control characters pasted from other programs go first (XML cannot carry them), so a
    bell then "=cmd" cannot turn into a formula once the bell is gone; then the apostrophe
    keeps a formula-like text inert once the file is opened, edited and saved elsewhere.
    Every cell is written as text, never guessed from it, so "=1+1" is no formula and "#N/A"
    typed by a user no error value.
    """
    if XLSX_ILLEGAL_CHARACTERS.search(value):
        value = XLSX_ILLEGAL_CHARACTERS.sub("", value)
    value = neutralise(value)
    if len(value) > XLSX_MAX_CELL_CHARS // 2:  # the limit counts UTF-16 units: an emoji is two
        value = value.encode("utf-16-le")[: 2 * XLSX_MAX_CELL_CHARS].decode("utf-16-le", "ignore")
    return value


def _t(value):
    """<t>the text, made inert (xlsx_text) and escaped</t>; "" when nothing is left of it."""
    value = xlsx_text(value)
    if not value:
        return ""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "_x" in value:
        value = EXCEL_ESCAPE.sub(r"_x005F_\1", value)
    if value[0].isspace() or value[-1].isspace():  # else Excel drops the spaces
        return f'<t xml:space="preserve">{value}</t>'
    return f"<t>{value}</t>"


def _inline(value):
    """The end of a text cell holding its text, after the cell's reference; "" for no cell."""
    t = _t(value)
    return f'" t="inlineStr"><is>{t}</is></c>' if t else ""


class _SharedStrings:
    """The workbook's table of labels: each written once, cells point to it by number."""

    def __init__(self):
        self.items = []  # <si> elements, in the order of their numbers
        self.cells = {}  # label as read -> the end of a cell pointing to it ("" for no cell)

    def cell(self, value):
        """The end of a cell showing ``value``, after its reference; "" for no cell."""
        end = self.cells.get(value)
        if end is None:
            if len(self.cells) >= XLSX_SHARED_STRINGS_LIMIT:
                return _inline(value)
            t = _t(value)
            if t:
                end = f'" t="s"><v>{len(self.items)}</v></c>'
                self.items.append(f"<si>{t}</si>")
            else:
                end = ""
            self.cells[value] = end
        return end

    def xml(self):
        return XML_HEAD + f'<sst xmlns="{MAIN_NS}" uniqueCount="{len(self.items)}">{"".join(self.items)}</sst>'


def _sheet_name(name):
    # At most 31 characters, none of : \ / ? * [ ] (a translation might have one).
    return re.sub(r"[:\\/?*\[\]]", " ", name)[:31] or "Cases"


def _sheet_rows(cases, shared):
    """The sheet's XML, <row> by <row>, header first; labels go to ``shared``.

    Dates and moments are numbers, days since Excel's epoch (a fraction of a day for the
    time), with a date format. The loop is written out for speed: it runs for every cell.
    """
    letters = [chr(ord("A") + index) for index in range(len(COLUMNS))]  # fewer than 27 columns
    header = "".join(
        f'<c r="{letter}1" s="{BOLD}{end}'
        for letter, text in zip(letters, headers(), strict=True)
        if (end := _inline(text))
    )
    yield f'<row r="1">{header}</row>'
    # Per column: the start of its cells' XML, and what it holds.
    columns = [(f'<c r="{letter}', kind) for letter, (_header, _width, kind) in zip(letters, COLUMNS, strict=True)]
    label, epoch = shared.cell, EXCEL_EPOCH
    for number, row in enumerate(case_rows(cases), 2):
        n = str(number)
        cells = ['<row r="', n, '">']
        for (start, kind), value in zip(columns, row, strict=True):
            if kind is LABEL:
                if value and (end := label(value)):
                    cells.append(f"{start}{n}{end}")
            elif kind is TEXT:
                if value and (end := _inline(value)):
                    cells.append(f"{start}{n}{end}")
            elif value is None:
                continue
            elif kind is DATE:
                cells.append(f'{start}{n}" s="{DATE_STYLE}"><v>{value.toordinal() - epoch}</v></c>')
            else:
                day = value.toordinal() - epoch + (value.hour * 3600 + value.minute * 60 + value.second) / 86400
                cells.append(f'{start}{n}" s="{MOMENT_STYLE}"><v>{day!r}</v></c>')
        cells.append("</row>")
        yield "".join(cells)


def write_xlsx(cases, target, batch=500):
    """Write the workbook to ``target`` (a seekable file opened for binary writing).

    Dates and moments are real Excel dates (numbers with a date format), which sort and
    compute; the header is bold and stays in view (a frozen first row); columns have widths.
    """
    workbook = XML_HEAD + (
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><bookViews><workbookView/></bookViews>'
        f'<sheets><sheet name="{_attribute(_sheet_name(gettext("Cases")))}" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )
    widths = "".join(
        f'<col min="{index}" max="{index}" width="{width}" customWidth="1"/>'
        for index, (_header, width, _kind) in enumerate(COLUMNS, 1)
    )
    sheet_start = XML_HEAD + (
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{widths}</cols><sheetData>'
    )
    sheet_end = (
        '</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        "</worksheet>"
    )
    shared = _SharedStrings()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", XLSX_CONTENT_TYPES)
        archive.writestr("_rels/.rels", XLSX_PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", XLSX_WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", XLSX_STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(sheet_start.encode())
            for rows in _chunks(_sheet_rows(cases, shared), batch):
                sheet.write("".join(rows).encode())
            sheet.write(sheet_end.encode())
        # Known only once every row is written; the parts of a zip may come in any order.
        archive.writestr("xl/sharedStrings.xml", shared.xml())


def _attribute(value):
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def xlsx_file(cases):
    """The workbook in a temporary file, positioned at its start; closing the file deletes it."""
    handle = tempfile.NamedTemporaryFile(prefix="eas-export-", suffix=".xlsx")  # noqa: SIM115 - the caller closes it
    try:
        write_xlsx(cases, handle)
        handle.flush()
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return handle
