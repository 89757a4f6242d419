"""The Trust Fund's pages (para 7): the statement of a period, its exports, and the forms that
record entries and enter rates. Who may do what comes from the permissions of migration 0011:
everyone here holds view_trust_fund_statement; finance records pledges, contributions, refunds
and rates; the focal point allocates."""

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from requests_app.cases.models import AssistanceRequest
from requests_app.core import ids
from requests_app.core.errors import ActionRefused, tell_refusal
from requests_app.core.people import display_name
from requests_app.core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, neutralise, xlsx_text
from requests_app.core.types import StrOrPromise
from requests_app.fund import alerts, money, selectors, services, statement
from requests_app.fund.forms import (
    AllocationForm,
    ContributionForm,
    PledgeForm,
    RateForm,
    RefundForm,
    StatementPeriodForm,
    default_statement_period,
)
from requests_app.fund.models import BalanceAlert, ExchangeRate, LedgerEntry

Kind = LedgerEntry.Kind


def fund_required(view):
    """Logged-in users who may read the fund's statement; everyone else is sent to log in or refused."""
    return login_required(permission_required(services.STATEMENT_PERMISSION, raise_exception=True)(view))


@dataclass(frozen=True)
class EntryKind:
    """One kind of entry as its form page offers it."""

    kind: str
    form: type
    service: object
    permission: str
    title: StrOrPromise
    button: StrOrPromise
    done: StrOrPromise


ENTRY_KINDS = {
    "pledge": EntryKind(
        Kind.PLEDGE,
        PledgeForm,
        services.record_pledge,
        services.RECORD_PERMISSION,
        gettext_lazy("Record a pledge"),
        gettext_lazy("Record the pledge"),
        gettext_lazy("Pledge recorded"),
    ),
    "contribution": EntryKind(
        Kind.CONTRIBUTION,
        ContributionForm,
        services.record_contribution,
        services.RECORD_PERMISSION,
        gettext_lazy("Record a contribution"),
        gettext_lazy("Record the contribution"),
        gettext_lazy("Contribution recorded"),
    ),
    "allocation": EntryKind(
        Kind.ALLOCATION,
        AllocationForm,
        services.allocate,
        services.ALLOCATE_PERMISSION,
        gettext_lazy("Allocate to a case"),
        gettext_lazy("Allocate"),
        gettext_lazy("Allocation recorded"),
    ),
    "refund": EntryKind(
        Kind.REFUND,
        RefundForm,
        services.record_refund,
        services.RECORD_PERMISSION,
        gettext_lazy("Record a refund from a case"),
        gettext_lazy("Record the refund"),
        gettext_lazy("Refund recorded"),
    ),
}


# What the statement's totals are called: a sum of many entries, not one.
TOTAL_LABELS = {
    Kind.PLEDGE: gettext_lazy("Pledges"),
    Kind.CONTRIBUTION: gettext_lazy("Contributions"),
    Kind.ALLOCATION: gettext_lazy("Allocations to cases"),
    Kind.REFUND: gettext_lazy("Refunds to the fund"),
}


def entry_links(user):
    """[(kind, title)] of the entries this user may record, for the statement page's buttons."""
    return [(name, kind.title) for name, kind in ENTRY_KINDS.items() if user.has_perm(kind.permission)]


def _statement_context(request, form, start, end):
    result = statement.statement(start, end)
    today = timezone.localdate()
    row = selectors.settings_row()
    balance_today = selectors.balance(today)
    return {
        "form": form,
        "statement": result,
        "start": start,
        "end": end,
        "today": today,
        "balance_today": balance_today,
        "threshold": row.alert_threshold_usd,
        "below": balance_today < row.alert_threshold_usd,
        "alert": alerts.open_alert(),
        "last_alert": BalanceAlert.objects.order_by("-crossed_at", "-id").first(),
        "kinds": [(value, TOTAL_LABELS[value], result.totals[value], result.counts[value]) for value in Kind.values],
        "entry_links": entry_links(request.user),
        "may_enter_rates": request.user.has_perm(services.RATE_PERMISSION),
        "query": request.GET.urlencode(),
    }


def _asked_period(request):
    """(form, start, end, errors): the period asked for, or this year with the reasons it was not."""
    form = StatementPeriodForm(request.GET) if ("from" in request.GET or "to" in request.GET) else None
    if form is None:
        start, end = default_statement_period()
        return StatementPeriodForm(initial={"from": start, "to": end}), start, end, []
    if form.is_valid():
        start, end = form.period
        return form, start, end, []
    errors = [
        f"{form.fields[name].label}: {' '.join(e)}" if name in form.fields else " ".join(e)
        for name, e in form.errors.items()
    ]
    start, end = default_statement_period()
    return form, start, end, errors


@fund_required
@require_safe
def statement_page(request):
    """The statement of a period (this year by default): balances, pledges, every entry."""
    form, start, end, errors = _asked_period(request)
    for error in errors:
        messages.error(request, _("%(error)s The statement shows this year instead.") % {"error": error})
    return render(
        request,
        "trust_fund/statement.html",
        _statement_context(request, form, start, end),
        status=400 if errors else 200,
    )


@fund_required
@require_http_methods(["GET", "HEAD", "POST"])
def new_entry(request, kind):
    """The form of one kind of entry; a refused entry comes back as typed, with the reasons."""
    entry_kind = ENTRY_KINDS.get(kind)
    if entry_kind is None:
        raise Http404
    if not request.user.has_perm(entry_kind.permission):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = entry_kind.form(request.POST, user=request.user)
        if form.is_valid():
            try:
                entry = entry_kind.service(actor=request.user, **form.service_kwargs())
            except ActionRefused as refusal:
                tell_refusal(refusal, form=form)
            else:
                messages.success(request, _entry_done(entry_kind, entry))
                return redirect(_statement_url_showing(entry.value_date))
        status = 400
    else:
        form = entry_kind.form(initial=_initial(request, kind), user=request.user)
    today = timezone.localdate()
    return render(
        request,
        "trust_fund/entry_form.html",
        {
            "form": form,
            "kind": kind,
            "entry_kind": entry_kind,
            "balance_today": selectors.balance(today),
            "today": today,
            "currencies": _known_currencies(),
            "donors": _known_donors() if kind in ("pledge", "contribution") else [],
        },
        status=status,
    )


def _initial(request, kind):
    """A case or a pledge named in the link that led here (?case=EAS-…, ?pledge=id) is chosen already."""
    initial = {}
    reference = request.GET.get("case")
    if reference and kind in ("allocation", "refund"):
        initial["case"] = AssistanceRequest.objects.filter(reference=reference).values_list("pk", flat=True).first()
    pledge = ids.parse_id(request.GET.get("pledge"))
    if pledge is not None and kind == "contribution":
        initial["pledge"] = pledge
    return initial


def _entry_done(entry_kind, entry):
    text = _("%(done)s: %(currency)s %(amount)s on %(day)s") % {
        "done": entry_kind.done,
        "currency": entry.currency,
        "amount": money.money(entry.amount),
        "day": money.day_text(entry.value_date),
    }
    if entry.currency != money.USD:
        text += " " + _("(%(usd)s USD at %(rate)s)") % {
            "usd": money.money(entry.amount_usd),
            "rate": money.rate_text(entry.usd_per_unit),
        }
    if entry.case_id:
        text += " — " + entry.case.reference
    text += ". " + _("The fund holds %(balance)s USD today.") % {
        "balance": money.money(selectors.balance(timezone.localdate()))
    }
    return text


def _statement_url_showing(day):
    """The statement page, over a period that shows an entry of ``day`` (this year, or from that day)."""
    url = reverse("workspace:trust-fund")
    start, _end = default_statement_period()
    if day < start:
        url += f"?from={day.isoformat()}"
    return url


def _known_currencies():
    """USD and every currency with a rate, for the currency field's suggestions."""
    codes = set(ExchangeRate.objects.values_list("currency", flat=True).distinct())
    return ["USD"] + sorted(codes - {"USD"})


def _known_donors():
    return list(
        LedgerEntry.objects.filter(kind__in=[Kind.PLEDGE, Kind.CONTRIBUTION])
        .order_by("donor")
        .values_list("donor", flat=True)
        .distinct()
    )


RECENT_RATES = 60


@fund_required
@require_http_methods(["GET", "HEAD", "POST"])
def rates_page(request):
    """Enter the day's rate of a currency (finance), and read the recent ones (everyone here)."""
    may_enter = request.user.has_perm(services.RATE_PERMISSION)
    status = 200
    form = RateForm() if may_enter else None
    if request.method == "POST":
        if not may_enter:
            raise PermissionDenied
        form = RateForm(request.POST)
        if form.is_valid():
            try:
                rate = services.enter_rate(actor=request.user, **form.cleaned_data)
            except ActionRefused as refusal:
                tell_refusal(refusal, form=form)
            else:
                messages.success(
                    request,
                    _("%(currency)s on %(day)s: 1 %(currency)s = %(rate)s USD.")
                    % {
                        "currency": rate.currency,
                        "day": money.day_text(rate.day),
                        "rate": money.rate_text(rate.usd_per_unit),
                    },
                )
                return redirect("workspace:trust-fund-rates")
        status = 400
    today = timezone.localdate()
    recent = list(ExchangeRate.objects.select_related("entered_by").order_by("-day", "currency")[:RECENT_RATES])
    # The currencies finance has been entering, and whether today's rate of each is in.
    since = today - timedelta(days=90)
    used = sorted(set(ExchangeRate.objects.filter(day__gte=since).values_list("currency", flat=True)))
    entered_today = set(ExchangeRate.objects.filter(day=today).values_list("currency", flat=True))
    return render(
        request,
        "trust_fund/rates.html",
        {
            "form": form,
            "rates": recent,
            "today": today,
            "today_status": [(code, code in entered_today) for code in used],
            "currencies": _known_currencies()[1:],
        },
        status=status,
    )


# Exports -----------------------------------------------------------------------------------------


def _columns():
    return [
        _("Date"),
        _("Kind"),
        _("Donor"),
        _("Case"),
        _("Member State"),
        _("Description"),
        _("Amount"),
        _("Currency"),
        _("Rate (USD)"),
        _("In (USD)"),
        _("Out (USD)"),
        _("Balance (USD)"),
        _("Pays pledge of"),
        _("Recorded by"),
        _("Recorded at"),
    ]


def statement_rows(result):
    """The statement as rows of values (dates, Decimals, text), in the order of _columns():
    the opening balance, every entry, the closing balance."""
    kinds = dict(Kind.choices)
    zone = timezone.get_current_timezone()
    blank = [""] * 3
    yield [result.start, _("Opening balance"), "", "", "", "", None, "", None, None, None, result.opening, *blank]
    for line in result.lines:
        entry = line.entry
        case = entry.case
        recorder = entry.recorded_by
        yield [
            entry.value_date,
            str(kinds[entry.kind]),
            entry.donor,
            case.reference if case else "",
            case.member_state.name if case else "",
            entry.description,
            entry.amount,
            entry.currency,
            entry.usd_per_unit,
            line.change if line.change > 0 else None,
            -line.change if line.change < 0 else None,
            line.running,
            (
                f"{entry.pledge.donor} {entry.pledge.value_date.isoformat()} {entry.pledge.currency} "
                f"{entry.pledge.amount}"
            )
            if entry.pledge_id
            else "",
            display_name(recorder),
            entry.recorded_at.astimezone(zone).replace(tzinfo=None, microsecond=0),
        ]
    yield [result.end, _("Closing balance"), "", "", "", "", None, "", None, None, None, result.closing, *blank]


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat(" ", "minutes") if hasattr(value, "hour") else value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")  # a plain number a spreadsheet reads in any language
    return neutralise(str(value))


def _filename(result, extension):
    return f"eas-trust-fund-{result.start.isoformat()}-to-{result.end.isoformat()}.{extension}"


def _export_period(request):
    form, start, end, errors = _asked_period(request)
    if errors:
        for error in errors:
            messages.error(request, error)
        return None, render(
            request, "trust_fund/statement.html", _statement_context(request, form, start, end), status=400
        )
    return statement.statement(start, end), None


@fund_required
@require_safe
@never_cache
def statement_csv(request):
    """The statement as CSV: a BOM (Excel reads UTF-8 right), the header, a row per entry."""
    result, refused = _export_period(request)
    if refused is not None:
        return refused
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([str(column) for column in _columns()])
    for row in statement_rows(result):
        writer.writerow([_csv_cell(value) for value in row])
    response = HttpResponse(buffer.getvalue(), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, _filename(result, "csv"))
    return response


MONEY_FORMAT = "#,##0.00"
RATE_FORMAT = "0.0000########"


def _text(value):
    return xlsx_text(str(value))


def _entries_sheet(sheet, result, bold):
    """The statement's entries, one row each, the opening and closing balances in bold."""
    sheet.title = _text(_("Statement"))[:31]
    columns = _columns()
    sheet.append([_text(column) for column in columns])
    for cell in sheet[1]:
        cell.font = bold
    # The number format of each column that needs one: its date, amounts, rate and time of entry.
    formats = {0: "yyyy-mm-dd", 8: RATE_FORMAT, 14: "yyyy-mm-dd hh:mm"} | dict.fromkeys((6, 9, 10, 11), MONEY_FORMAT)
    for row in statement_rows(result):
        sheet.append([(_text(value) or None) if isinstance(value, str) else value for value in row])
        for index, cell in enumerate(sheet[sheet.max_row]):
            if index in formats:
                cell.number_format = formats[index]
    for row_cells in (sheet[2], sheet[sheet.max_row]):
        for cell in row_cells:
            cell.font = bold
    widths = [12, 22, 28, 16, 22, 40, 16, 9, 13, 16, 16, 18, 30, 22, 17]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"


def _summary_sheet(summary, result, bold):
    """The period's balances and totals by kind of entry."""
    summary.append([_text(_("Trust Fund for Electoral Assistance")), None])
    summary.append([_text(_("From")), result.start])
    summary.append([_text(_("To (inclusive)")), result.end])
    summary.append([_text(_("Opening balance (USD)")), result.opening])
    for value in Kind.values:
        summary.append([_text(_("%(kind)s (USD)") % {"kind": TOTAL_LABELS[value]}), result.totals[value]])
    summary.append([_text(_("Closing balance (USD)")), result.closing])
    summary.append([_text(_("Pledges outstanding at the end (USD)")), result.outstanding_usd])
    summary["A1"].font = bold
    for cells in summary.iter_rows(min_row=2):
        value_cell = cells[1]
        value_cell.number_format = "yyyy-mm-dd" if isinstance(value_cell.value, date) else MONEY_FORMAT
    summary.column_dimensions["A"].width = 40
    summary.column_dimensions["B"].width = 18


def _pledges_sheet(pledges, result, bold):
    """The pledges still outstanding at the end of the period."""
    pledges.append(
        [
            _text(h)
            for h in (
                _("Donor"),
                _("Pledged on"),
                _("Currency"),
                _("Pledged"),
                _("Paid"),
                _("Outstanding"),
                _("Outstanding (USD)"),
            )
        ]
    )
    for cell in pledges[1]:
        cell.font = bold
    for item in result.pledges:
        pledge = item.pledge
        pledges.append(
            [
                _text(pledge.donor),
                pledge.value_date,
                pledge.currency,
                pledge.amount,
                item.paid,
                item.left,
                item.left_usd,
            ]
        )
        for index, cell in enumerate(pledges[pledges.max_row]):
            cell.number_format = "yyyy-mm-dd" if index == 1 else (MONEY_FORMAT if index >= 3 else "General")
    for index, width in enumerate([30, 12, 9, 18, 18, 18, 18]):
        pledges.column_dimensions[chr(ord("A") + index)].width = width


@fund_required
@require_safe
@never_cache
def statement_xlsx(request):
    """The statement as a workbook: the entries, a summary, and the pledges outstanding.

    A statement is a few hundred rows at most, so openpyxl builds it in memory; amounts are real
    numbers with a money format, so they add up in the spreadsheet.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    result, refused = _export_period(request)
    if refused is not None:
        return refused
    bold = Font(bold=True)
    workbook = Workbook()
    _entries_sheet(workbook.active, result, bold)
    _summary_sheet(workbook.create_sheet(_text(_("Summary"))[:31]), result, bold)
    _pledges_sheet(workbook.create_sheet(_text(_("Pledges outstanding"))[:31]), result, bold)

    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, _filename(result, "xlsx"))
    return response
