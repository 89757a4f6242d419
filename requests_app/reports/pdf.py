"""The briefing to Member States (and the Secretary-General's report) as a print-ready PDF, in any
of the six languages.

fpdf2 (pure Python) with the fonts of core/pdf_fonts.py, all from PyPI: Roboto for the Latin and
Cyrillic scripts, Amiri for Arabic, Noto Sans SC for Chinese, each a fallback for the others. In
Arabic the page is mirrored: text starts on the right, a table's first column is its rightmost, the
figures sit on the left of their cells, and fpdf2's text shaping (HarfBuzz) joins the letters and
sets them right to left. The words are those of the active language (the caller's
``translation.override``); the fonts follow it.
"""

from django.utils import formats
from django.utils.translation import get_language, gettext

from requests_app.core.pdf_fonts import typeset
from requests_app.reports.briefing import period_text
from requests_app.reports.exports import preamble

PDF_CONTENT_TYPE = "application/pdf"

INK, MUTED, BRAND, LINE, ZEBRA = (31, 41, 55), (107, 114, 128), (11, 79, 113), (203, 213, 225), (245, 247, 250)
HEADER_FILL = (232, 238, 244)
TABLE_FONT_SIZE = 8  # points
TABLE_LINE_HEIGHT = 3.6  # mm
CELL_PAD_X, CELL_PAD_Y = 1.5, 1.1  # mm


def _pdf_class():
    from fpdf import FPDF

    class BriefingPDF(FPDF):
        footer_text = ""
        writer: "_Writer"

        def footer(self):
            # The title at the start of the line, the page number at its end: mirrored in Arabic.
            writer = self.writer
            self.set_y(-12)
            writer.font(8, color=MUTED)
            self.cell(0, 5, self.footer_text, align=writer.type.align("L"))
            self.set_x(self.l_margin)
            page = gettext("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
            self.cell(0, 5, writer.text(page), align=writer.type.align("R"))

    return BriefingPDF


class _Writer:
    def __init__(self, briefing, language=None):
        self._measured = {}  # (style, text) -> width in mm: the same names and numbers recur
        self._drawable = {}  # text -> what the fonts can draw of it
        pdf = _pdf_class()(orientation="portrait", unit="mm", format="A4")
        pdf.writer = self
        self.type = typeset(pdf, language or get_language())
        self.pdf = pdf
        self.briefing = briefing
        pdf.set_title(str(briefing.title))
        pdf.set_author(gettext("EAS — Electoral Assistance"))
        pdf.set_creator("EAS")
        pdf.set_lang(self.type.language)
        pdf.set_margins(15, 15, 15)
        pdf.set_auto_page_break(True, margin=18)
        pdf.footer_text = self.text(f"{briefing.title} · {period_text(briefing.start, briefing.end)}")

    def text(self, value):
        """``value`` as the fonts can draw it."""
        value = str(value)
        drawable = self._drawable.get(value)
        if drawable is None:
            drawable = self._drawable[value] = self.type.drawable(value)
        return drawable

    def font(self, size, style="", color=INK):
        self.type.set_font(style, size)
        self.pdf.set_text_color(*color)

    def paragraph(self, value, size=9, style="", color=INK, after=1.5):
        self.font(size, style, color)
        # Justified in a language read left to right (as before); set from the right in Arabic.
        align = "R" if self.type.rtl else "J"
        self.pdf.multi_cell(0, size * 0.45, self.text(value), align=align, new_x="LMARGIN", new_y="NEXT")
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
            self.type.set_font(style, TABLE_FONT_SIZE)
            width = self._measured[key] = self.pdf.get_string_width(value)
        return width

    def _wrap(self, value, width, style):
        """The lines of ``value`` within ``width`` mm, broken between words (within a word too long
        for the column: so is Chinese, written without spaces, between any two characters)."""
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

    def _columns_x(self, widths):
        """Where each column starts, from the left: the first column is the leftmost, or in Arabic the rightmost."""
        pdf, xs, x = self.pdf, [], self.pdf.l_margin
        if self.type.rtl:
            x = pdf.l_margin + sum(widths)
            for width in widths:
                x -= width
                xs.append(x)
            return xs
        for width in widths:
            xs.append(x)
            x += width
        return xs

    def _draw_row(self, lines, widths, numeric, style, *, fill, header=False, total=False):
        pdf = self.pdf
        top = pdf.get_y()
        height = self._row_height(lines)
        if fill:
            pdf.set_fill_color(*fill)
            pdf.rect(pdf.l_margin, top, sum(widths), height, style="F")
        self.type.set_font(style, TABLE_FONT_SIZE)
        pdf.set_text_color(*INK)
        margin, pdf.c_margin = pdf.c_margin, 0
        # A header's lines sit at the bottom of its cell, over the values they name; a figure at the
        # end of its cell (its right, or its left in Arabic), a text at its start.
        for cell, x, width, is_number in zip(lines, self._columns_x(widths), widths, numeric, strict=True):
            first = top + CELL_PAD_Y + (height - 2 * CELL_PAD_Y - len(cell) * TABLE_LINE_HEIGHT if header else 0)
            align = self.type.align("R" if is_number else "L")
            for number, line in enumerate(cell):
                if line:
                    self._draw_line(line, x, width, first + number * TABLE_LINE_HEIGHT, align, style)
        pdf.c_margin = margin
        right = pdf.l_margin + sum(widths)
        if total:
            pdf.set_draw_color(*MUTED)
            pdf.line(pdf.l_margin, top, right, top)
            pdf.set_draw_color(*LINE)
        pdf.line(pdf.l_margin, top + height, right, top + height)
        pdf.set_xy(pdf.l_margin, top + height)

    def _draw_line(self, line, x, width, top, align, style):
        """One line of a cell, at its start or its end (``align``: "L" or "R")."""
        pdf = self.pdf
        if self.type.plain(line):
            # The figures and most names: drawn directly, measured once (see Typesetting.plain).
            inner = width - 2 * CELL_PAD_X
            left = x + CELL_PAD_X + (inner - self._width_of(line, style) if align == "R" else 0)
            pdf.text(left, top + TABLE_LINE_HEIGHT * 0.75, line)
            return
        pdf.set_xy(x + CELL_PAD_X, top)
        pdf.cell(width - 2 * CELL_PAD_X, TABLE_LINE_HEIGHT, line, align=align)

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


def pdf_bytes(briefing, language=None):
    """The report on A4 pages, its parts as tables, each page numbered, in ``language`` (the
    active language by default: its words are the caller's, its fonts and direction follow)."""
    return _Writer(briefing, language).write()
