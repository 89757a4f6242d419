"""The auditor's export: the history of a case, of a period, or of a case within a period, as CSV.

Only for users with requests_app.export_history (the auditor; superusers), and only of the cases
they may see (selectors.visible_cases): a case outside their scope answers 404, as everywhere.
"""

import datetime

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from requests_app.cases import selectors
from requests_app.cases.choices import Stage
from requests_app.core import spreadsheets
from requests_app.core.access import staff_with_permission
from requests_app.core.forms import DATE_HELP, add_reporting_period_fields
from requests_app.core.people import display_name
from requests_app.core.spreadsheets import neutralise
from requests_app.history.models import CaseEvent

EXPORT_PERMISSION = "requests_app.export_history"
CHUNK_SIZE = 2000

COLUMNS = [
    _("When"),
    _("Case"),
    _("Member State"),
    _("Action"),
    _("From stage"),
    _("To stage"),
    _("By"),
    _("Comment"),
    _("Details"),
]

# Staff who may see cases and hold the permission to export their history.
auditor_required = staff_with_permission(EXPORT_PERMISSION)


class HistoryExportForm(forms.Form):
    """What to export: a case (its reference), a period (days in the current time zone, both
    included), or both. The query string names the dates ``from`` and ``to``."""

    case = forms.CharField(
        label=_("Case reference"),
        required=False,
        max_length=40,
        help_text=_("For example EAS-2026-0042. Empty: every case you may see, within the period."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_reporting_period_fields(self, help_text=DATE_HELP)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        data["case"] = (data.get("case") or "").strip()
        start, end = data.get("from"), data.get("to")
        if self.errors:
            return data
        if not data["case"] and start is None and end is None:
            raise forms.ValidationError(gettext("Give a case reference, a period, or both."))
        if start and end and end < start:
            raise forms.ValidationError(gettext("The period ends before it starts: “to” must not be before “from”."))
        return data


def _day_start(day):
    """The first moment of a day in the current time zone, in UTC; None when out of range."""
    try:
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        return start.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        return None


def history_events(user, *, case=None, start=None, end=None):
    """The events of the cases ``user`` may see, oldest first, each with its case, state and actor."""
    events = CaseEvent.objects.filter(case__in=selectors.visible_cases(user))
    if case is not None:
        events = events.filter(case=case)
    if start is not None:
        since = _day_start(start)
        if since is not None:
            events = events.filter(created_at__gte=since)
    if end is not None:
        until = _day_start(end + datetime.timedelta(days=1)) if end < datetime.date.max else None
        if until is not None:
            events = events.filter(created_at__lt=until)
    return events.select_related("case__member_state", "actor").order_by("created_at", "id")


def history_rows(events):
    """One list of strings per event, in the order of COLUMNS."""
    stages = {value: str(label) for value, label in Stage.choices}
    system = gettext("EAS")
    zone = timezone.get_current_timezone()
    for event in events.iterator(chunk_size=CHUNK_SIZE):
        actor = event.actor
        yield [
            event.created_at.astimezone(zone).isoformat(" ", "seconds"),
            event.case.reference,
            event.case.member_state.name,
            str(event.action_label),
            stages.get(event.from_stage, event.from_stage),
            stages.get(event.to_stage, event.to_stage),
            system if actor is None else display_name(actor),
            event.comment,
            event.details_text,
        ]


def csv_stream(events, batch=500):
    """The CSV as text chunks: a BOM (Excel then reads UTF-8 right), the header, the rows."""
    rows = ([neutralise(cell) for cell in row] for row in history_rows(events))
    return spreadsheets.csv_stream([str(header) for header in COLUMNS], rows, batch=batch)


def export_filename(case, start, end):
    parts = ["eas-history"]
    if case is not None:
        parts.append(case.reference)
    if start or end:
        parts.append(f"{start.isoformat() if start else 'start'}-to-{end.isoformat() if end else 'now'}")
    return "-".join(parts) + ".csv"


@auditor_required
@require_safe
def audit_page(request):
    """The form that asks for a case, a period or both, and downloads the history."""
    form = HistoryExportForm(initial={"case": request.GET.get("case", "")})
    return render(request, "audit/history.html", {"form": form})


@auditor_required
@require_safe
@never_cache
def history_csv(request):
    """The history as CSV, streamed as it is read. A bad date answers 400 and says why."""
    form = HistoryExportForm(request.GET)
    if not form.is_valid():
        return render(request, "audit/history.html", {"form": form}, status=400)
    reference = form.cleaned_data["case"]
    case = None
    if reference:
        case = selectors.visible_cases(request.user).filter(reference=reference).first()
        if case is None:
            raise Http404
    start, end = form.cleaned_data["from"], form.cleaned_data["to"]
    events = history_events(request.user, case=case, start=start, end=end)
    return spreadsheets.csv_response(csv_stream(events), export_filename(case, start, end))
