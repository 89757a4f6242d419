"""Reports for the focal point: the briefing to Member States (resolution 62/150, para 3), and the
Secretary-General's report to the General Assembly every two years (reports/sg_report.py).

Only for users with requests_app.view_briefing (the focal point, team leads, finance, auditors;
superusers). The briefing counts every case, whatever the reader's regional desks: it is what
all Member States are told.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from requests_app.core.access import staff_with_permission
from requests_app.core.types import StrOrPromise
from requests_app.reports import exports as briefing_export
from requests_app.reports import pdf as briefing_pdf_export
from requests_app.reports import sg_report
from requests_app.reports.briefing import definitions, file_name, named_in, period_text
from requests_app.reports.forms import ReportingPeriodForm, ReportLanguageForm, quick_periods
from requests_app.reports.selectors import build_briefing
from requests_app.reports.selectors_sg import build_sg_report

BRIEFING_PERMISSION = "requests_app.view_briefing"

DOWNLOADS = {
    "csv": (briefing_export.csv_bytes, briefing_export.CSV_CONTENT_TYPE),
    "xlsx": (briefing_export.xlsx_bytes, briefing_export.XLSX_CONTENT_TYPE),
    "pdf": (briefing_pdf_export.pdf_bytes, briefing_pdf_export.PDF_CONTENT_TYPE),
}
DOWNLOAD_LABELS = (("pdf", _lazy("PDF, to print")), ("xlsx", _lazy("Excel")), ("csv", _lazy("CSV")))


# Staff who may see cases and hold the permission to see the briefing.
briefing_required = staff_with_permission(BRIEFING_PERMISSION)


def _period_query(start, end):
    return "?" + urlencode({"from": start.isoformat(), "to": end.isoformat()})


@dataclass(frozen=True)
class _Report:
    """One of the reports: its page, how it is built, how its files are named."""

    url_name: str
    title: StrOrPromise
    build: Callable[[date, date], Any]
    file_name: Callable[[date, date, str], str]


REPORTS = {
    "briefing": _Report("briefing", _lazy("Briefing to Member States"), build_briefing, file_name),
    "sg": _Report("sg-report", _lazy("Report of the Secretary-General"), build_sg_report, sg_report.file_name),
}


def _page(request, which):
    """The report for the period asked (the last complete quarter by default), with its downloads.
    A bad period answers 400 with the form and what is wrong with it."""
    spec = REPORTS[which]
    form = ReportingPeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/briefing.html", _context(form, spec), status=400)
    start, end = form.period
    report = spec.build(start, end)
    query = _period_query(start, end)
    tables = report.tables()
    key_figures = report.key_figures() if which == "briefing" else [(row[0], row[1], "") for row in tables[0].rows]
    other = REPORTS["sg" if which == "briefing" else "briefing"]
    # The fields show the period the report covers, the default one included.
    return render(
        request,
        "reports/briefing.html",
        {
            **_context(ReportingPeriodForm(initial={"from": start, "to": end}), spec),
            "briefing": report,
            "period": period_text(start, end),
            "key_figures": key_figures,
            "tables": [_html_table(table) for table in tables[1:]],
            "definitions": report.definitions(),
            "other_report": (other.title, reverse(f"workspace:{other.url_name}") + query),
            "downloads": [
                (label, reverse(f"workspace:{spec.url_name}-{kind}") + query) for kind, label in DOWNLOAD_LABELS
            ],
            "in_language": _in_language(spec, start, end),
        },
    )


def _in_language(spec, start, end):
    """What the page's "in another language" form needs: the period, the six languages by their own
    names (the interface's chosen), and a button per format."""
    current = translation.get_language()
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "languages": [
            (code, get_language_info(code)["name_local"], code == current) for code, _name in settings.LANGUAGES
        ],
        "formats": [(label, reverse(f"workspace:{spec.url_name}-{kind}")) for kind, label in DOWNLOAD_LABELS],
    }


@briefing_required
@require_safe
def briefing_page(request):
    return _page(request, "briefing")


@briefing_required
@require_safe
def sg_report_page(request):
    """The Secretary-General's report to the General Assembly, every two years."""
    return _page(request, "sg")


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


def _context(form, spec):
    page_url = reverse(f"workspace:{spec.url_name}")
    return {
        "form": form,
        "page_title": spec.title,
        "page_url": page_url,
        "quick_periods": [
            (label, _period_query(start, end)) for label, start, end in quick_periods(timezone.localdate())
        ],
        "definitions": definitions(),
        "time_zone": timezone.get_current_timezone_name(),
    }


def _download(request, kind, which="briefing"):
    """The report as a file, in the language of ``?language=`` (the interface's without one)."""
    spec = REPORTS[which]
    form = ReportingPeriodForm(request.GET)
    chosen = ReportLanguageForm(request.GET)
    if not form.is_valid() or not chosen.is_valid():
        for error in chosen.errors.get("language", []):
            form.add_error(None, error)
        return render(request, "reports/briefing.html", _context(form, spec), status=400)
    start, end = form.period
    language = chosen.language_or(translation.get_language())
    write, content_type = DOWNLOADS[kind]
    with translation.override(language):
        content = write(spec.build(start, end))
    response = HttpResponse(content, content_type=content_type)
    name = named_in(spec.file_name(start, end, kind), language)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Content-Language"] = language
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


@briefing_required
@require_safe
@never_cache
def sg_report_csv(request):
    return _download(request, "csv", "sg")


@briefing_required
@require_safe
@never_cache
def sg_report_xlsx(request):
    return _download(request, "xlsx", "sg")


@briefing_required
@require_safe
@never_cache
def sg_report_pdf(request):
    return _download(request, "pdf", "sg")
