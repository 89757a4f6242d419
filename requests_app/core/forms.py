"""Fields and widgets every form of EAS uses: days and reporting periods.

"Period" alone is the period of assistance a decision grants; the days a report, statement or
export covers are its "reporting period"; the days an expert is deployed are "dates"."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


DATE_HELP = _("As YYYY-MM-DD, for example 2026-05-04.")
DATE_ERRORS = {"invalid": _("This is not a date: give it as YYYY-MM-DD, for example 2026-05-04.")}


def day_field(label, **kwargs):
    """A day typed or picked as YYYY-MM-DD, the one format every page and export uses."""
    return forms.DateField(
        label=label, input_formats=["%Y-%m-%d"], widget=DateInput(), error_messages=DATE_ERRORS, **kwargs
    )


def add_reporting_period_fields(form, *, from_label=_("From (inclusive)"), to_label=_("To (inclusive)"), **kwargs):
    """The optional days ``from`` and ``to`` a report covers: names a class body cannot use, so added here."""
    form.fields["from"] = day_field(from_label, required=False, **kwargs)
    form.fields["to"] = day_field(to_label, required=False, **kwargs)
