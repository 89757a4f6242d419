"""The Trust Fund's pages (para 7): the statement of a period and its downloads (fund/exports.py
writes the files), and the forms that record entries and enter rates. Who may do what comes from
the permissions of migration 0011: everyone here holds view_trust_fund_statement; finance records
pledges, contributions, refunds and rates; the focal point allocates."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
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
from requests_app.core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from requests_app.core.types import StrOrPromise
from requests_app.fund import alerts, earmarks, exports, money, selectors, services, statement
from requests_app.fund.forms import (
    AllocationForm,
    ContributionForm,
    PledgeForm,
    RateForm,
    RefundForm,
    StatementPeriodForm,
    default_statement_period,
)
from requests_app.fund.models import BalanceAlert, ExchangeRate, LedgerEntry, Purpose

Kind = LedgerEntry.Kind


def fund_required(view):
    """Logged-in users who may read the fund's statement; everyone else is sent to log in or refused."""
    return login_required(permission_required(services.STATEMENT_PERMISSION, raise_exception=True)(view))


@dataclass(frozen=True)
class EntryKind:
    """One kind of entry as its form page offers it."""

    kind: str
    form: type
    service: Callable[..., LedgerEntry]
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
        "kinds": [
            (value, statement.TOTAL_LABELS[value], result.totals[value], result.counts[value]) for value in Kind.values
        ],
        "ins": sorted(Kind.ins()),
        "outs": sorted(Kind.outs()),
        "support_rate": row.support_cost_rate,
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
        f"{form.fields[name].label}: {' '.join(map(str, e))}" if name in form.fields else " ".join(map(str, e))
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
    context = {
        "form": form,
        "kind": kind,
        "entry_kind": entry_kind,
        "balance_today": selectors.balance(today),
        "today": today,
        "currencies": _known_currencies(),
        "donors": _known_donors() if kind in ("pledge", "contribution") else [],
    }
    if kind == "allocation":
        context.update(_allocation_context(form, today))
    return render(request, "trust_fund/entry_form.html", context, status=status)


def _allocation_context(form, today):
    """What the allocation form shows of the money: the rate of support costs, the fund's money today by
    earmark, and, once a case is chosen, what it may use for each purpose on the day typed (or today)."""
    rate = selectors.settings_row().support_cost_rate
    unearmarked, earmarked = earmarks.pools(today)
    context = {"support_rate": rate, "unearmarked": unearmarked, "earmarked": [p for p in earmarked if p.held > 0]}
    case = _chosen_case(form)
    if case is not None:
        day = _typed_day(form) or today
        approved = case.stage in selectors.FUNDABLE_STAGES
        context["room"] = {
            "case": case,
            "day": day,
            "rows": [
                (purpose, seen, largest, approved or purpose in Purpose.before_decision())
                for purpose, seen, largest in earmarks.room(case, day, rate)
            ],
        }
    return context


def _chosen_case(form):
    """The case chosen in the form (typed, or from the link that led here), if the user may allocate to it."""
    field = form["case"]
    pk = ids.parse_id(str(field.value() or ""))
    if pk is None:
        return None
    return form.fields["case"].queryset.filter(pk=pk).first()


def _typed_day(form):
    """The value date typed, if it is a day that may carry an entry (not in the future)."""
    if not form.is_bound:
        return None
    try:
        day = form.fields["value_date"].clean(form["value_date"].value())
    except ValidationError:
        return None
    return day if day and day <= timezone.localdate() else None


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
    support = entry.support_entries.first() if entry.kind == Kind.ALLOCATION else None
    if support is not None:
        text += " " + _("with %(support)s USD of programme support costs (%(rate)s)") % {
            "support": money.money(support.amount_usd),
            "rate": money.percent_text(entry.support_rate),
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
                messages.success(request, _rate_entered(rate))
                return redirect("workspace:trust-fund-rates")
        status = 400
    return render(request, "trust_fund/rates.html", _rates_context(form), status=status)


def _rate_entered(rate):
    return _("%(currency)s on %(day)s: 1 %(currency)s = %(rate)s USD.") % {
        "currency": rate.currency,
        "day": money.day_text(rate.day),
        "rate": money.rate_text(rate.usd_per_unit),
    }


def _rates_context(form):
    """The recent rates, and the currencies finance has been entering with whether today's rate of each is in."""
    today = timezone.localdate()
    recent = list(ExchangeRate.objects.select_related("entered_by").order_by("-day", "currency")[:RECENT_RATES])
    since = today - timedelta(days=90)
    used = sorted(set(ExchangeRate.objects.filter(day__gte=since).values_list("currency", flat=True)))
    entered_today = set(ExchangeRate.objects.filter(day=today).values_list("currency", flat=True))
    return {
        "form": form,
        "rates": recent,
        "today": today,
        "today_status": [(code, code in entered_today) for code in used],
        "currencies": _known_currencies()[1:],
    }


# Downloads ---------------------------------------------------------------------------------------


def _export_period(request):
    form, start, end, errors = _asked_period(request)
    if errors:
        for error in errors:
            messages.error(request, error)
        return None, render(
            request, "trust_fund/statement.html", _statement_context(request, form, start, end), status=400
        )
    return statement.statement(start, end), None


def _download(content, content_type, name):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@fund_required
@require_safe
@never_cache
def statement_csv(request):
    """The statement of the period asked for, as CSV (fund/exports.py)."""
    result, refused = _export_period(request)
    if refused is not None:
        return refused
    return _download(exports.csv_text(result), CSV_CONTENT_TYPE, exports.file_name(result, "csv"))


@fund_required
@require_safe
@never_cache
def statement_xlsx(request):
    """The statement of the period asked for, as a workbook (fund/exports.py)."""
    result, refused = _export_period(request)
    if refused is not None:
        return refused
    return _download(exports.xlsx_bytes(result), XLSX_CONTENT_TYPE, exports.file_name(result, "xlsx"))
