"""Letters EAS drafts from a case: the template's text filled in from the case, and its PDF.

A template is text an administrator writes: it is rendered by an engine of its own, with no tag
library to load, no template to include and autoescape off (the text goes to a PDF, not a page), from
a context of plain strings only, so that nothing beyond the placeholders is reachable.
"""

import datetime
from dataclasses import dataclass

from django.template import (
    Context,
    Engine,
    Library,
    TemplateDoesNotExist,
    TemplateSyntaxError,
    defaultfilters,
    defaulttags,
)
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext

from requests_app.cases.models import AssistanceRequest, Decision
from requests_app.core.pdf_fonts import typeset
from requests_app.core.written_dates import long_date
from requests_app.correspondence.models import LetterTemplate, Purpose

# What a template may use: conditions, comments and a few filters that change a text's case. No
# filter that pads or repeats (center:"99999999" would fill the memory), no tag that reads elsewhere.
register = Library()
register.tag("if", defaulttags.do_if)
register.tag("comment", defaulttags.comment)
for _name in ("upper", "lower", "capfirst", "title", "default"):
    register.filter(_name, getattr(defaultfilters, _name))


class _SandboxEngine(Engine):
    default_builtins = [__name__]


ENGINE = _SandboxEngine(dirs=[], app_dirs=False, loaders=[], libraries={}, autoescape=False, string_if_invalid="")
PLACEHOLDERS = (
    "state",
    "requesting_authority",
    "reference",
    "letter_date",
    "received_date",
    "today",
    "outcome",
    "assistance_types",
    "period_start",
    "period_end",
    "scope",
    "reason",
    "signatory",
)


class TemplateTextError(ValueError):
    """A template's text that cannot be rendered, with why."""


def render_text(text: str, values: dict[str, str]) -> str:
    """``text`` with its placeholders filled in from ``values`` (strings only)."""
    try:
        template = ENGINE.from_string(text)
        return template.render(Context({key: str(values.get(key, "")) for key in PLACEHOLDERS}, autoescape=False))
    except (TemplateSyntaxError, TemplateDoesNotExist) as error:
        raise TemplateTextError(str(error)) from error


def _day(value: datetime.date | None) -> str:
    """A day as the letter's language writes it (the active one): 5 January 2026, 2026年1月5日."""
    return long_date(value)


# How a list (the types of assistance) is joined in a sentence; a comma elsewhere.
LIST_SEPARATORS = {"zh-hans": "、", "ar": "، "}


def latest_decision(case: AssistanceRequest) -> Decision | None:
    return case.decisions.order_by("-decided_at", "-id").first()


def case_values(case: AssistanceRequest, signatory: str = "") -> dict[str, str]:
    """What the placeholders say of a case (and of its latest decision), in the active language: the
    caller writes the letter inside ``translation.override(<its language>)``."""
    values = {
        "state": case.member_state.name,
        "requesting_authority": case.requesting_authority,
        "reference": case.reference,
        "letter_date": _day(case.letter_date),
        "received_date": _day(case.received_date),
        "today": _day(timezone.localdate()),
        "signatory": signatory,
    }
    decision = latest_decision(case)
    if decision is not None:
        values |= {
            "outcome": decision.get_outcome_display(),
            "assistance_types": LIST_SEPARATORS.get(get_language(), ", ").join(
                str(kind) for kind in decision.assistance_types.all()
            ),
            "period_start": _day(decision.period_start),
            "period_end": _day(decision.period_end),
            "scope": decision.scope,
            "reason": decision.reason,
        }
    return values


@dataclass
class Draft:
    subject: str
    body: str
    language: str = "en"  # the language of the template it was drafted from


def draft(case: AssistanceRequest, purpose: str, language: str = "en") -> Draft:
    """The letter's subject and body as its template (in ``language``, else English) words them, the
    days and the decision's terms written in the template's language."""
    templates = LetterTemplate.objects.filter(purpose=purpose)
    template = templates.filter(language=language).first() or templates.filter(language="en").first()
    if template is None:
        with translation.override(language):
            return Draft(subject=str(Purpose(purpose).label), body="", language=language)
    with translation.override(template.language):
        values = case_values(case, signatory="{{ signatory }}")
    try:
        subject, body = render_text(template.subject, values)[:300], render_text(template.body, values)
    except TemplateTextError:
        subject, body = template.subject[:300], template.body
    return Draft(subject=subject, body=body, language=template.language)


INK, MUTED, BRAND = (31, 41, 55), (107, 114, 128), (11, 79, 113)


class _LetterWriter:
    """An A4 letter in the fonts of its language (core.pdf_fonts): Roboto, Amiri for Arabic (shaped,
    right to left), Noto Sans SC for Chinese, each a fallback for the others; a character none has
    prints as "?"."""

    def __init__(self, title: str, language: str) -> None:
        from fpdf import FPDF

        pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        self.type = typeset(pdf, language)
        pdf.set_title(self.type.drawable(title))
        pdf.set_author(gettext("United Nations"))
        pdf.set_creator("EAS")
        pdf.set_lang(self.type.language)
        pdf.set_margins(25, 25, 25)
        pdf.set_auto_page_break(True, margin=25)
        self.pdf = pdf

    def paragraph(
        self,
        value: str,
        *,
        size: int = 11,
        style: str = "",
        color: tuple[int, int, int] = INK,
        after: float = 4,
        justify: bool = True,
    ) -> None:
        self.type.set_font(style, size)
        self.pdf.set_text_color(*color)
        # The body justified; a heading from the start of the line (the left, the right in Arabic).
        align = "R" if self.type.rtl else "J" if justify else "L"
        self.pdf.multi_cell(0, size * 0.5, self.type.drawable(value), align=align, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(after)


def letter_pdf(*, subject: str, body: str, signatory: str, place_and_date: str, language: str = "en") -> bytes:
    """The letter as a PDF of A4 pages in ``language`` (its letterhead's words, its fonts, its
    direction): long names wrap between words, accents print, Arabic joins right to left."""
    with translation.override(language):
        writer = _LetterWriter(title=subject, language=language)
        writer.pdf.add_page()
        writer.paragraph(gettext("United Nations"), size=10, style="B", color=BRAND, after=1)
        writer.paragraph(place_and_date, size=10, color=MUTED, after=6)
        writer.paragraph(subject, size=12, style="B", after=5, justify=False)
        for paragraph in body.replace("\r\n", "\n").split("\n\n"):
            if paragraph.strip():
                writer.paragraph(paragraph.strip())
        writer.pdf.ln(4)
        writer.paragraph(signatory, after=0)
        return bytes(writer.pdf.output())
