"""The briefing's period: quick choices and the form that checks a period."""

import datetime

from dateutil.relativedelta import relativedelta
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from requests_app.core.forms import DATE_HELP, add_reporting_period_fields

# The period -------------------------------------------------------------------------------------


def day_start(day):
    """The first moment of ``day`` in the current time zone; None past the calendar's ends."""
    try:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    except (OverflowError, ValueError):
        return None


def _after(day):
    """The first moment after ``day``; None when there is none (the last day of the calendar)."""
    try:
        return day_start(day + datetime.timedelta(days=1))
    except OverflowError:
        return None


def quarter_start(day):
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def last_quarter(today):
    """The last complete calendar quarter before ``today``: the default period of the report."""
    end = quarter_start(today) - datetime.timedelta(days=1)
    return quarter_start(end), end


def quick_periods(today):
    """The periods offered as links: (label, start, end)."""
    this_quarter = quarter_start(today)
    return [
        (gettext("Last quarter"), *last_quarter(today)),
        (gettext("This quarter to date"), this_quarter, today),
        (gettext("This year to date"), today.replace(month=1, day=1), today),
        (gettext("Last year"), datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)),
        (gettext("Last 12 months"), today - relativedelta(years=1) + datetime.timedelta(days=1), today),
    ]


class ReportingPeriodForm(forms.Form):
    """The period of the report, first and last days included, in the current time zone.

    The query string (and the command's options) name the days ``from`` and ``to``. With neither,
    the report covers the last complete quarter.
    """

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        add_reporting_period_fields(self, help_text=DATE_HELP)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        start, end = data.get("from"), data.get("to")
        if start is None and end is None:
            start, end = last_quarter(self.today)
        elif start is None:
            raise forms.ValidationError(gettext("Give the first day of the period as well (“from”)."))
        elif end is None:
            raise forms.ValidationError(gettext("Give the last day of the period as well (“to”)."))
        if end < start:
            raise forms.ValidationError(gettext("The period ends before it starts: “to” must not be before “from”."))
        if start > self.today:
            raise forms.ValidationError(gettext("The period has not begun yet: “from” must not be after today."))
        data["from"], data["to"] = start, end
        return data

    @property
    def period(self):
        return self.cleaned_data["from"], self.cleaned_data["to"]


class ReportLanguageForm(forms.Form):
    """The language of a report's file (``?language=``): one of EAS's six; blank for the interface's."""

    language = forms.ChoiceField(
        required=False,
        choices=[("", "")] + list(settings.LANGUAGES),
        error_messages={
            "invalid_choice": gettext_lazy(
                "“%(value)s” is not one of the languages of EAS: ar, zh-hans, en, fr, ru or es."
            )
        },
    )

    def language_or(self, default):
        """The language asked for, else ``default``: call once the form is valid."""
        return self.cleaned_data.get("language") or default
