"""Spreadsheets EAS hands out: CSV streamed as it is read, XLSX written row by row, every text cell inert.

What is generic lives here: making a text that a spreadsheet would run as a formula inert
(``neutralise``, ``xlsx_text``), streaming CSV, and the streaming XLSX writer. What a domain
exports (its columns and rows) stays in that domain's ``exports``.
"""

import csv
import datetime
import re
import tempfile
import zipfile
from itertools import islice

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_CELL_CHARS = 32767  # Excel refuses to open a file with a longer cell

# What a column holds: text; a label, text from a small set that repeats from row to row (a
# stage, a Member State, an officer); a date; or a moment (a naive local datetime). A date or a
# moment may be None (no next election, no deadline); text and labels are always strings.
TEXT, LABEL, DATE, MOMENT = "text", "label", "date", "moment"

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


def neutralise(text):
    """A text a spreadsheet would run as a formula, made inert by a leading apostrophe.

    The one function every CSV and XLSX cell of EAS goes through. Spreadsheets skip leading
    spaces and control characters before they look for a formula (" =1+1", "\x01=cmd"): a
    formula start after any of them counts too.
    """
    if text.startswith(FORMULA_STARTS) or text.lstrip(_SKIPPED_BEFORE_FORMULA).startswith(FORMULA_STARTS):
        return "'" + text
    return text


def batches(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


# CSV ---------------------------------------------------------------------------------------------


class _Echo:
    """A file-like object that hands back what csv.writer writes, instead of keeping it."""

    def write(self, value):
        return value


def csv_stream(header, rows, batch=500):
    """The CSV as text chunks of ``batch`` rows: a BOM (so Excel reads UTF-8 accents right), the
    header, the rows. Each row's cells are written as given: made inert by the caller."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    rows = iter(rows)
    while lines := [writer.writerow(row) for row in islice(rows, batch)]:
        yield "".join(lines)


def csv_response(chunks, filename):
    """A download of the CSV ``chunks``, sent as they are made."""
    response = StreamingHttpResponse(chunks, content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# XLSX --------------------------------------------------------------------------------------------
#
# An .xlsx file is a zip of XML parts. All but two are a few fixed lines; the sheet is written
# here row by row, straight into its compressed zip entry, so memory stays flat however many
# rows there are. For the 1.5 million cells of 100,000 cases, on a 2-core server, writing them
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
    return re.sub(r"[:\\/?*\[\]]", " ", name)[:31] or "Sheet1"


def _sheet_rows(columns, rows, shared):
    """The sheet's XML, <row> by <row>, header first; labels go to ``shared``.

    Dates and moments are numbers, days since Excel's epoch (a fraction of a day for the
    time), with a date format. The loop is written out for speed: it runs for every cell.
    """
    letters = [chr(ord("A") + index) for index in range(len(columns))]  # fewer than 27 columns
    header = "".join(
        f'<c r="{letter}1" s="{BOLD}{end}'
        for letter, (text, _width, _kind) in zip(letters, columns, strict=True)
        if (end := _inline(str(text)))
    )
    yield f'<row r="1">{header}</row>'
    # Per column: the start of its cells' XML, and what it holds.
    columns = [(f'<c r="{letter}', kind) for letter, (_header, _width, kind) in zip(letters, columns, strict=True)]
    label, epoch = shared.cell, EXCEL_EPOCH
    for number, row in enumerate(rows, 2):
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


def write_xlsx(target, *, sheet_name, columns, rows, batch=500):
    """Write a workbook of one sheet to ``target`` (a seekable file opened for binary writing).

    ``columns`` are (header, width in characters, kind: TEXT, LABEL, DATE or MOMENT), ``rows``
    lists of values in their order (text, or a date or naive datetime or None).

    Dates and moments are real Excel dates (numbers with a date format), which sort and
    compute; the header is bold and stays in view (a frozen first row); columns have widths.
    """
    workbook = XML_HEAD + (
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><bookViews><workbookView/></bookViews>'
        f'<sheets><sheet name="{_attribute(_sheet_name(sheet_name))}" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )
    widths = "".join(
        f'<col min="{index}" max="{index}" width="{width}" customWidth="1"/>'
        for index, (_header, width, _kind) in enumerate(columns, 1)
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
            for lines in batches(_sheet_rows(columns, rows, shared), batch):
                sheet.write("".join(lines).encode())
            sheet.write(sheet_end.encode())
        # Known only once every row is written; the parts of a zip may come in any order.
        archive.writestr("xl/sharedStrings.xml", shared.xml())


def _attribute(value):
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def xlsx_file(**workbook):
    """The workbook ``write_xlsx`` writes, in a temporary file positioned at its start; closing the
    file deletes it."""
    handle = tempfile.NamedTemporaryFile(prefix="eas-export-", suffix=".xlsx")  # noqa: SIM115 - the caller closes it
    try:
        write_xlsx(handle, **workbook)
        handle.flush()
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return handle
