"""The briefing to Member States as files: CSV, an Excel workbook and a print-ready PDF.

Each is written whole in memory from a ``briefing.Briefing``: the report is a few hundred rows
at most, whatever the number of cases. The three show the same tables as the page
(``Briefing.tables()``), in the same order, with the same words.
"""

import csv
import io
import logging
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.utils import formats, timezone
from django.utils.translation import gettext

from requests_app.core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, neutralise, xlsx_text
from requests_app.reports.briefing import period_text

PDF_CONTENT_TYPE = "application/pdf"
__all__ = ["CSV_CONTENT_TYPE", "PDF_CONTENT_TYPE", "XLSX_CONTENT_TYPE", "csv_bytes", "pdf_bytes", "xlsx_bytes"]


def generated_text(briefing):
    moment = timezone.localtime(briefing.generated_at)
    # The briefing reads the cases' histories; the Secretary-General's report, the cases as they stand.
    text = (
        gettext("Generated on %(date)s at %(time)s (%(zone)s) from the cases as they stand.")
        if getattr(briefing, "from_cases_as_they_stand", False)
        else gettext("Generated on %(date)s at %(time)s (%(zone)s) from the case histories.")
    )
    return text % {
        "date": formats.date_format(moment, "j F Y"),
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


# PDF ---------------------------------------------------------------------------------------------
#
# fpdf2 (pure Python) with Roboto, a Unicode font that the font-roboto package installs from PyPI:
# fpdf2's built-in fonts know only Latin-1, which would fail on a state name such as "Türkiye"'s
# neighbours in other scripts, on typographic dashes and quotes, and on Cyrillic or Greek in a
# translation. A character Roboto lacks (Arabic, Chinese) is written without its accents if that
# helps, else as "?", rather than left out silently.

INK, MUTED, BRAND, LINE, ZEBRA = (31, 41, 55), (107, 114, 128), (11, 79, 113), (203, 213, 225), (245, 247, 250)
HEADER_FILL = (232, 238, 244)
# For a font without them (Latin-1 only, when font-roboto is missing).
PLAIN_PUNCTUATION = {"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "€": "EUR"}
TABLE_FONT_SIZE = 8  # points
TABLE_LINE_HEIGHT = 3.6  # mm
CELL_PAD_X, CELL_PAD_Y = 1.5, 1.1  # mm


# fontTools logs each font subset fpdf2 makes (dozens of lines per PDF) at INFO, the level of EAS's logs.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


@lru_cache(maxsize=1)
def _font_files():
    """{style: path} of the Unicode font, or {} when the package is missing (Latin-1 is used then)."""
    try:
        import font_roboto
    except ImportError:
        return {}
    return {"": font_roboto.Roboto, "B": font_roboto.RobotoBold}


def _pdf_class():
    from fpdf import FPDF

    class BriefingPDF(FPDF):
        footer_text = ""
        drawable = str  # what the font can draw of a text (set by the writer)
        eas_family: str  # the font family: Roboto, or helvetica without it (set by the writer)

        def footer(self):
            self.set_y(-12)
            self.set_font(self.eas_family, "", 8)
            self.set_text_color(*MUTED)
            self.cell(0, 5, self.footer_text, align="L")
            self.set_x(self.l_margin)
            page = gettext("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
            self.cell(0, 5, self.drawable(page), align="R")

    return BriefingPDF


class _Writer:
    def __init__(self, briefing):
        self._measured = {}  # (style, text) -> width in mm: the same names and numbers recur
        self._drawable = {}  # text -> what the font can draw of it
        pdf = _pdf_class()(orientation="portrait", unit="mm", format="A4")
        files = _font_files()
        if files:
            for style, path in files.items():
                pdf.add_font("Roboto", style, path)
            pdf.eas_family = "Roboto"
            self.known = set(pdf.fonts["roboto"].cmap)
        else:
            pdf.eas_family = "helvetica"
            self.known = set(range(32, 127)) | set(range(160, 256))
        pdf.set_title(str(briefing.title))
        pdf.set_author(gettext("EAS — Electoral Assistance"))
        pdf.set_creator("EAS")
        pdf.set_margins(15, 15, 15)
        pdf.set_auto_page_break(True, margin=18)
        pdf.drawable = self.text
        pdf.footer_text = self.text(f"{briefing.title} · {period_text(briefing.start, briefing.end)}")
        self.pdf = pdf
        self.briefing = briefing

    def text(self, value):
        """``value`` as the font can draw it."""
        value = str(value)
        drawable = self._drawable.get(value)
        if drawable is None:
            drawable = self._drawable[value] = self._drawable_text(value)
        return drawable

    def _drawable_text(self, value):
        if all(ord(c) in self.known for c in value):
            return value
        out = []
        for char in value:
            if ord(char) in self.known or char == "\n":
                out.append(char)
                continue
            if char in PLAIN_PUNCTUATION:
                out.append(PLAIN_PUNCTUATION[char])
                continue
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if ord(c) in self.known and not unicodedata.combining(c)
            )
            out.append(base or "?")
        return "".join(out)

    def font(self, size, style="", color=INK):
        self.pdf.set_font(self.pdf.eas_family, style, size)
        self.pdf.set_text_color(*color)

    def paragraph(self, value, size=9, style="", color=INK, after=1.5):
        self.font(size, style, color)
        self.pdf.multi_cell(0, size * 0.45, self.text(value), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(after)

    def heading(self, value):
        pdf = self.pdf
        # A heading alone at the foot of a page goes with its table to the next.
        if pdf.get_y() > pdf.h - pdf.b_margin - 30:
            pdf.add_page()
        pdf.ln(3)
        self.paragraph(value, size=12, style="B", color=BRAND, after=1)

    def table(self, table):
        """The table drawn row by row: fpdf2's own tables measure every cell's text again and again
        while wrapping it, which took seconds for the 193 Member States."""
        pdf = self.pdf
        self.heading(table.title)
        if table.note:
            self.paragraph(table.note, size=8.5, color=MUTED)
        if not table.rows:
            self.paragraph(table.empty or gettext("Nothing in this period."), size=9, color=MUTED, after=2)
            return
        widths = self._widths(table)
        numeric = [column.numeric for column in table.columns]
        header = self._row_lines([column.header for column in table.columns], widths, "B")
        pdf.set_draw_color(*LINE)
        pdf.set_line_width(0.2)
        self._draw_row(header, widths, numeric, "B", fill=HEADER_FILL, header=True)
        for index, row in enumerate(table.rows):
            lines = self._row_lines([self._cell(value) for value in row], widths, "")
            self._draw_on_page(lines, widths, numeric, "", header, fill=ZEBRA if index % 2 else None)
        if table.total is not None:
            lines = self._row_lines([self._cell(value) for value in table.total], widths, "B")
            self._draw_on_page(lines, widths, numeric, "B", header, fill=None, total=True)
        pdf.set_text_color(*INK)
        pdf.ln(3)

    def _widths(self, table):
        """Column widths in mm: a figure's column is wide enough for its header to wrap between
        words; text columns share the rest in proportion to their widths. A table of two columns
        (a list of figures) reads better narrow."""
        full = self.pdf.epw
        if len(table.columns) <= 2:
            full = min(full, 125)
        numeric = 17 if len(table.columns) > 2 else 25
        fixed = sum(numeric for column in table.columns if column.numeric)
        text = sum(column.width for column in table.columns if not column.numeric) or 1
        return [numeric if column.numeric else (full - fixed) * column.width / text for column in table.columns]

    def _width_of(self, value, style):
        key = (style, value)
        width = self._measured.get(key)
        if width is None:
            self.pdf.set_font(self.pdf.eas_family, style, TABLE_FONT_SIZE)
            width = self._measured[key] = self.pdf.get_string_width(value)
        return width

    def _wrap(self, value, width, style):
        """The lines of ``value`` within ``width`` mm, broken between words (within a word too long
        for the column)."""
        value = self.text(value)
        if self._width_of(value, style) <= width:
            return [value]
        lines, line = [], ""
        for word in value.split():
            candidate = f"{line} {word}" if line else word
            if self._width_of(candidate, style) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            for char in word:
                if line and self._width_of(line + char, style) > width:
                    lines.append(line)
                    line = ""
                line += char
        if line:
            lines.append(line)
        return lines or [""]

    def _row_lines(self, values, widths, style):
        return [self._wrap(value, width - 2 * CELL_PAD_X, style) for value, width in zip(values, widths, strict=True)]

    def _row_height(self, lines):
        return max(len(cell) for cell in lines) * TABLE_LINE_HEIGHT + 2 * CELL_PAD_Y

    def _needs_page(self, lines):
        pdf = self.pdf
        return pdf.get_y() + self._row_height(lines) > pdf.h - pdf.b_margin

    def _draw_on_page(self, lines, widths, numeric, style, header, **how):
        """A row, on a new page under the table's header again if it does not fit on this one."""
        if self._needs_page(lines):
            self.pdf.add_page()
            self._draw_row(header, widths, numeric, "B", fill=HEADER_FILL, header=True)
        self._draw_row(lines, widths, numeric, style, **how)

    def _draw_row(self, lines, widths, numeric, style, *, fill, header=False, total=False):
        pdf = self.pdf
        x, top = pdf.l_margin, pdf.get_y()
        height = self._row_height(lines)
        if fill:
            pdf.set_fill_color(*fill)
            pdf.rect(x, top, sum(widths), height, style="F")
        pdf.set_font(pdf.eas_family, style, TABLE_FONT_SIZE)
        pdf.set_text_color(*INK)
        # A header's lines sit at the bottom of its cell, over the values they name.
        for cell, width, is_number in zip(lines, widths, numeric, strict=True):
            first = top + CELL_PAD_Y + (height - 2 * CELL_PAD_Y - len(cell) * TABLE_LINE_HEIGHT if header else 0)
            for number, line in enumerate(cell):
                baseline = first + number * TABLE_LINE_HEIGHT + TABLE_LINE_HEIGHT * 0.75
                left = x + width - CELL_PAD_X - self._width_of(line, style) if is_number else x + CELL_PAD_X
                if line:
                    pdf.text(left, baseline, line)
            x += width
        right = pdf.l_margin + sum(widths)
        if total:
            pdf.set_draw_color(*MUTED)
            pdf.line(pdf.l_margin, top, right, top)
            pdf.set_draw_color(*LINE)
        pdf.line(pdf.l_margin, top + height, right, top + height)
        pdf.set_xy(pdf.l_margin, top + height)

    @staticmethod
    def _cell(value):
        return formats.number_format(value, force_grouping=True) if isinstance(value, int) else str(value)

    def write(self):
        pdf, briefing = self.pdf, self.briefing
        pdf.add_page()
        self.paragraph(
            gettext("United Nations · General Assembly resolution 62/150, paragraph 3"), size=9, color=MUTED, after=1
        )
        self.paragraph(briefing.title, size=17, style="B", color=BRAND, after=2)
        lines = preamble(briefing)
        self.paragraph(lines[0], size=11, style="B", after=1)
        for line in lines[1:]:
            self.paragraph(line, size=9, color=MUTED, after=0.5)
        pdf.ln(2)
        for table in briefing.tables():
            self.table(table)
        self.heading(gettext("How the figures are counted"))
        for term, explanation in briefing.definitions():
            self.paragraph(term, size=9, style="B", after=0)
            self.paragraph(explanation, size=9, after=1.5)
        return bytes(pdf.output())


def pdf_bytes(briefing):
    """The report on A4 pages, its parts as tables, each page numbered."""
    return _Writer(briefing).write()
