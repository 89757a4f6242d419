"""The country file's long tables, written here rather than through the template engine.

A country with 50 cases has some 200 rows of cases, elections and decisions and a timeline of 50
lanes: through templates they cost more than all of the page's queries (as the case list's rows
did: see eas.case_rows). Each tag takes the page's ``words`` (requests_app.engagement.words: labels,
days and the case address, read once per page) from the context; nothing here imports a domain.
"""

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
    """The rows of the timeline: one for the elections, one lane per case."""
    words = context["words"]
    elections_label = _("Elections")

    def label(lane):
        if lane.case is None:
            head = elections_label
        else:
            head = format_html("{} {}", _case_link(words, lane.case), _stage(words, lane.case.stage))
        hidden = format_html('<span class="visually-hidden">: {}</span>', lane.text) if lane.text else ""
        return format_html('<th scope="row" class="lane-label">{}{}</th>', head, hidden)

    def cell(cell):
        attributes = format_html(
            "{}{}{}",
            format_html(' colspan="{}"', cell.span) if cell.span > 1 else "",
            format_html(' class="{}"', cell.classes) if cell.classes else "",
            format_html(' title="{}"', cell.title) if cell.title else "",
        )
        marks = format_html_join(
            "",
            '<span class="mark mark-{}" aria-hidden="true">{}</span>',
            ((mark.kind, GLYPHS.get(mark.kind, "")) for mark in cell.marks[:2]),
        )
        return format_html("<td{}>{}</td>", attributes, marks)

    return format_html_join(
        "\n",
        '<tr class="{}">{}{}</tr>',
        (
            (
                "lane" if lane.case is not None else "milestones",
                label(lane),
                format_html_join("", "{}", ((cell(c),) for c in lane.cells)),
            )
            for lane in timeline.lanes
        ),
    )


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
        types = ", ".join(t.name for t in decision.assistance_types.all())
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
