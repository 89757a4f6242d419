"""The country file's long tables, written here rather than through the template engine.

A country with 50 cases has some 200 rows of cases, elections and decisions and a timeline of 50
lanes: through templates they cost more than all of the page's queries (as the case list's rows
did: see eas.case_rows). Each tag takes the page's ``words`` (requests_app.engagement.words: labels,
days and the case address, read once per page) from the context; nothing here imports a domain.
"""

from html import escape

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from requests_app.core.people import display_name
from requests_app.templatetags.eas import lateness

register = template.Library()

GLYPHS = {"election": "◆", "decision": "●"}
DASH = mark_safe('<span class="muted">—</span>')


def _stage(words, stage):
    return format_html('<span class="stage stage-{}">{}</span>', stage, words.stages.get(stage, stage))


def _case_link(words, case):
    return format_html('<a href="{}">{}</a>', words.case_url(case.reference), case.reference)


@register.simple_tag(takes_context=True)
def timeline_lanes(context, timeline):
    """The rows of the timeline: one for the elections, one lane per case. Written with the standard
    library's escape: a lane of fifty cases has some five hundred cells, and format_html per cell
    cost more than the rest of the page."""
    words = context["words"]
    elections_label = escape(_("Elections"))
    rows = []
    for lane in timeline.lanes:
        if lane.case is None:
            head, kind = elections_label, "milestones"
        else:
            case = lane.case
            stage = escape(words.stages.get(case.stage, case.stage))
            head = (
                f'<a href="{escape(words.case_url(case.reference))}">{escape(case.reference)}</a> '
                f'<span class="stage stage-{escape(case.stage)}">{stage}</span>'
            )
            kind = "lane"
        hidden = f'<span class="visually-hidden">: {escape(lane.text)}</span>' if lane.text else ""
        cells = "".join(_cell(cell) for cell in lane.cells)
        rows.append(f'<tr class="{kind}"><th scope="row" class="lane-label">{head}{hidden}</th>{cells}</tr>')
    return mark_safe("\n".join(rows))  # every text in it went through escape()


def _cell(cell):
    colspan = f' colspan="{cell.span}"' if cell.span > 1 else ""
    classes = f' class="{escape(cell.classes)}"' if cell.classes else ""
    title = f' title="{escape(cell.title)}"' if cell.title else ""
    marks = "".join(
        f'<span class="mark mark-{escape(mark.kind)}" aria-hidden="true">{GLYPHS.get(mark.kind, "")}</span>'
        for mark in cell.marks[:2]
    )
    return f"<td{colspan}{classes}{title}>{marks}</td>"


@register.simple_tag(takes_context=True)
def country_case_rows(context, cases):
    words, now = context["words"], context["now"]
    unassigned = format_html('<span class="muted">{}</span>', _("Unassigned"))

    def cells(case):
        elections = format_html_join(
            mark_safe("<br>"),
            '<span class="nowrap">{}, {}</span>',
            ((words.elections.get(e.election_type), words.day(e.planned_date)) for e in case.elections.all()),
        )
        overdue = case.is_overdue
        if case.is_open and case.stage_due_at:
            due = format_html(
                '{} <span class="{}">{}</span>',
                words.day(case.stage_due_at),
                "late" if overdue else "left",
                lateness(case, now=now),
            )
        else:
            due = DASH
        return (
            mark_safe(' class="overdue"') if overdue else "",
            _case_link(words, case),
            words.origins.get(case.origin, case.origin),
            words.day(case.received_date),
            _stage(words, case.stage),
            elections or DASH,
            display_name(case.officer) if case.officer_id else unassigned,
            due,
        )

    return format_html_join(
        "\n",
        '<tr{}><td>{}<br><span class="muted small">{}</span></td><td class="nowrap">{}</td><td>{}</td><td>{}</td>'
        '<td>{}</td><td class="due">{}</td></tr>',
        (cells(case) for case in cases),
    )


@register.simple_tag(takes_context=True)
def country_election_rows(context, elections):
    words, today = context["words"], context["today"]
    return format_html_join(
        "\n",
        '<tr{}><td class="nowrap">{}</td><td>{}</td><td>{} {}</td></tr>',
        (
            (
                mark_safe(' class="ahead"') if election.planned_date >= today else "",
                words.day(election.planned_date),
                words.elections.get(election.election_type, election.election_type),
                _case_link(words, election.case),
                _stage(words, election.case.stage),
            )
            for election in elections
        ),
    )


@register.simple_tag(takes_context=True)
def country_decision_rows(context, decisions):
    words = context["words"]
    until = _("to consider again on %(day)s")

    def cells(decision):
        types = ", ".join(t.local_name for t in decision.assistance_types.all())
        if decision.period_start and decision.period_end:
            period = f"{words.day(decision.period_start)} – {words.day(decision.period_end)}"
        elif decision.revisit_on:
            period = until % {"day": words.day(decision.revisit_on)}
        else:
            period = DASH
        return (
            words.day(decision.decided_at),
            words.outcomes.get(decision.outcome, decision.outcome),
            format_html('<br><span class="muted small">{}</span>', _short(decision.reason, 160))
            if decision.reason
            else "",
            types or DASH,
            format_html('<br><span class="muted small">{}</span>', words.phases.get(decision.phase, decision.phase))
            if decision.phase
            else "",
            period,
            _case_link(words, decision.case),
            display_name(decision.decided_by),
        )

    return format_html_join(
        "\n",
        '<tr><td class="nowrap">{}</td><td><strong>{}</strong>{}</td><td>{}{}</td><td class="nowrap">{}</td>'
        "<td>{}</td><td>{}</td></tr>",
        (cells(decision) for decision in decisions),
    )


def _short(text, length):
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
