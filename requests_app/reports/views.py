"""Reports for the focal point: the briefing to Member States (resolution 62/150, para 3).

Only for users with requests_app.view_briefing (the focal point, team leads, finance, auditors;
superusers). The briefing counts every case, whatever the reader's regional desks: it is what
all Member States are told.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from requests_app.core.access import staff_with_permission
from requests_app.reports import exports as briefing_export
from requests_app.reports.briefing import definitions, file_name, period_text
from requests_app.reports.forms import ReportingPeriodForm, quick_periods
from requests_app.reports.selectors import build_briefing

BRIEFING_PERMISSION = "requests_app.view_briefing"

DOWNLOADS = {
    "csv": (briefing_export.csv_bytes, briefing_export.CSV_CONTENT_TYPE),
    "xlsx": (briefing_export.xlsx_bytes, briefing_export.XLSX_CONTENT_TYPE),
    "pdf": (briefing_export.pdf_bytes, briefing_export.PDF_CONTENT_TYPE),
}


# Staff who may see cases and hold the permission to see the briefing.
briefing_required = staff_with_permission(BRIEFING_PERMISSION)


def _period_query(start, end):
    return "?" + urlencode({"from": start.isoformat(), "to": end.isoformat()})


@briefing_required
@require_safe
def briefing_page(request):
    """The report for the period asked (the last complete quarter by default), with its downloads.
    A bad period answers 400 with the form and what is wrong with it."""
    form = ReportingPeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/briefing.html", _context(form), status=400)
    start, end = form.period
    report = build_briefing(start, end)
    query = _period_query(start, end)
    # The fields show the period the report covers, the default one included.
    return render(
        request,
        "reports/briefing.html",
        {
            **_context(ReportingPeriodForm(initial={"from": start, "to": end})),
            "briefing": report,
            "period": period_text(start, end),
            "key_figures": report.key_figures(),
            "tables": [_html_table(table) for table in report.tables()[1:]],
            "downloads": [
                (label, reverse(f"workspace:briefing-{kind}") + query)
                for kind, label in (("pdf", _("PDF, to print")), ("xlsx", _("Excel")), ("csv", _("CSV")))
            ],
        },
    )


def _html_table(table):
    """A table with each cell paired with its kind (the template cannot zip): a number, a short
    text kept on one line (a regional group), or a long one that wraps (a list of types)."""
    kinds = ["num" if column.numeric else "wrap" if column.width >= 50 else "text" for column in table.columns]
    return {
        "table": table,
        "kinds": kinds,
        "rows": [list(zip(row, kinds, strict=True)) for row in table.rows],
        "total": list(zip(table.total, kinds, strict=True)) if table.total is not None and table.rows else None,
    }


def _context(form):
    return {
        "form": form,
        "quick_periods": [
            (label, _period_query(start, end)) for label, start, end in quick_periods(timezone.localdate())
        ],
        "definitions": definitions(),
        "time_zone": timezone.get_current_timezone_name(),
    }


def _download(request, kind):
    form = ReportingPeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/briefing.html", _context(form), status=400)
    start, end = form.period
    write, content_type = DOWNLOADS[kind]
    response = HttpResponse(write(build_briefing(start, end)), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, file_name(start, end, kind))
    return response


@briefing_required
@require_safe
@never_cache
def briefing_csv(request):
    return _download(request, "csv")


@briefing_required
@require_safe
@never_cache
def briefing_xlsx(request):
    return _download(request, "xlsx")


@briefing_required
@require_safe
@never_cache
def briefing_pdf(request):
    return _download(request, "pdf")
