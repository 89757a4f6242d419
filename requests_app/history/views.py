"""The auditor's export: the history of a case, of a period, or of a case within a period, as CSV.

Only for users with requests_app.export_history (the auditor; superusers), and only of the cases
they may see (selectors.visible_cases): a case outside their scope answers 404, as everywhere.
What each row shows of a note follows its level (history.exports).
"""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from requests_app.cases import selectors
from requests_app.core import spreadsheets
from requests_app.core.access import staff_with_permission
from requests_app.core.forms import DATE_HELP, add_reporting_period_fields
from requests_app.history import exports

EXPORT_PERMISSION = "requests_app.export_history"
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
    export = exports.Export(request.user, case=case, start=start, end=end)
    return spreadsheets.csv_response(exports.csv_stream(export), exports.export_filename(case, start, end))
