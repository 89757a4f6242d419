"""The briefing to Member States (para 3) over 100,000 cases: the page for last calendar year, the
same period as a PDF, and the page for a year in the middle of the twelve years of history.

What was pending and under way needs the history on one side of the period: after it (read back
from today) for a recent period, before it for an old one. A year in the middle is the most either
way has to read: the slowest period there is.
"""

import datetime

from django.utils import timezone

from bench.core import as_in_use, benchmark
from requests_app.reports.selectors import build_briefing

PAGE = "/reports/briefing/"
PDF = "/reports/briefing.pdf"


_noted = set()


def _year(ctx, year):
    as_in_use(ctx)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    query = f"?from={start.isoformat()}&to={end.isoformat()}"
    if year in _noted:
        return query
    _noted.add(year)
    report = build_briefing(start, end)
    totals = report.totals
    ctx.note(
        f"Briefing {start:%d %b %Y} – {end:%d %b %Y}: {totals.received:,} requests received, "
        f"{report.decisions_to_assist:,} decisions to assist, {totals.deferred:,} deferred, {totals.declined:,} "
        f"declined, {totals.withdrawn:,} withdrawn, {totals.pending:,} pending at its end; {len(report.by_state)} "
        f"States and territories listed, {len(report.states_assisted)} assisted."
    )
    return query


def _last_year(ctx):
    return _year(ctx, timezone.localdate().year - 1)


def _middle_year(ctx):
    return _year(ctx, timezone.localdate().year - 6)


@benchmark("briefing, one year", setup=_last_year)
def briefing_page(ctx, query):
    ctx.get(PAGE + query)


@benchmark("briefing, one year in mid-history", setup=_middle_year)
def briefing_page_middle(ctx, query):
    ctx.get(PAGE + query)


@benchmark("briefing PDF", setup=_last_year)
def briefing_pdf(ctx, query):
    response = ctx.get(PDF + query)
    assert response.content.startswith(b"%PDF-")
