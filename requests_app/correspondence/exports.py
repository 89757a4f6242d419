"""Letters EAS drafts from a case: the template's text filled in from the case, and its PDF.

A template is text an administrator writes: it is rendered by an engine of its own, with no tag
library to load, no template to include and autoescape off (the text goes to a PDF, not a page), from
a context of plain strings only, so that nothing beyond the placeholders is reachable.
"""

import datetime
import unicodedata
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
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from requests_app.cases.models import AssistanceRequest, Decision
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
    """A day as a letter writes it in the active language: 3 March 2026, 3 mars 2026, 3 de marzo de 2026."""
    if not value:
        return ""
    return formats.date_format(value, "j F Y" if translation.get_language() == "en" else "DATE_FORMAT")


def latest_decision(case: AssistanceRequest) -> Decision | None:
    return case.decisions.order_by("-decided_at", "-id").first()


def case_values(case: AssistanceRequest, signatory: str = "") -> dict[str, str]:
    """What the placeholders say of a case (and of its latest decision)."""
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
            "assistance_types": ", ".join(str(kind) for kind in decision.assistance_types.all()),
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
        return Draft(subject=str(Purpose(purpose).label), body="")
    with translation.override(template.language):
        values = case_values(case, signatory="{{ signatory }}")
    try:
        subject, body = render_text(template.subject, values)[:300], render_text(template.body, values)
    except TemplateTextError:
        subject, body = template.subject[:300], template.body
    return Draft(subject=subject, body=body, language=template.language)


INK, MUTED, BRAND = (31, 41, 55), (107, 114, 128), (11, 79, 113)


class _LetterWriter:
    """An A4 letter in Roboto (font-roboto, as the briefing's PDF): a Unicode font, so that accents and
    typographic quotes print; a character it lacks prints without its accents, else as "?"."""

    def __init__(self, title: str) -> None:
        import font_roboto
        from fpdf import FPDF

        pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        pdf.add_font("Roboto", "", font_roboto.Roboto)
        pdf.add_font("Roboto", "B", font_roboto.RobotoBold)
        self.known: set[int] = set(getattr(pdf.fonts["roboto"], "cmap", {}))
        pdf.set_title(title)
        pdf.set_author(gettext("United Nations"))
        pdf.set_creator("EAS")
        pdf.set_margins(25, 25, 25)
        pdf.set_auto_page_break(True, margin=25)
        self.pdf = pdf

    def text(self, value: str) -> str:
        out = []
        for char in value:
            if ord(char) in self.known or char == "\n":
                out.append(char)
                continue
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if ord(c) in self.known and not unicodedata.combining(c)
            )
            out.append(base or "?")
        return "".join(out)

    def paragraph(
        self, value: str, *, size: int = 11, style: str = "", color: tuple[int, int, int] = INK, after: float = 4
    ) -> None:
        self.pdf.set_font("Roboto", style, size)
        self.pdf.set_text_color(*color)
        self.pdf.multi_cell(0, size * 0.5, self.text(value), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(after)


def letter_pdf(*, subject: str, body: str, signatory: str, place_and_date: str) -> bytes:
    """The letter as a PDF of A4 pages: long names wrap between words, accents print."""
    writer = _LetterWriter(title=subject)
    writer.pdf.add_page()
    writer.paragraph(gettext("United Nations"), size=10, style="B", color=BRAND, after=1)
    writer.paragraph(place_and_date, size=10, color=MUTED, after=6)
    writer.paragraph(subject, size=12, style="B", after=5)
    for paragraph in body.replace("\r\n", "\n").split("\n\n"):
        if paragraph.strip():
            writer.paragraph(paragraph.strip())
    writer.pdf.ln(4)
    writer.paragraph(signatory, after=0)
    return bytes(writer.pdf.output())
