"""Forms of the Trust Fund's pages. They collect what a service needs; the service decides."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import cast

from django import forms
from django.db.models import DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app.cases.models import AssistanceRequest
from requests_app.core.forms import add_reporting_period_fields, day_field
from requests_app.fund import money, selectors
from requests_app.fund.models import LedgerEntry, Purpose
from requests_app.reference import selectors as reference
from requests_app.reference.models import MemberState, RegionalGroup


def _number_pattern():
    """What a typed number may look like in the current language: 150000.00, or 150,000.00 with
    its thousands separators in their places. Anything else is refused rather than guessed: read
    with English separators, "150.000,00" would otherwise become 150."""
    decimal = re.escape(formats.get_format("DECIMAL_SEPARATOR"))
    thousands = re.escape(formats.get_format("THOUSAND_SEPARATOR"))
    return re.compile(rf"(?:\d+|\d{{1,3}}(?:{thousands}\d{{3}})+)(?:{decimal}\d+)?")


class NumberField(forms.CharField):
    """A Decimal typed as people type money: with or without thousands separators, never a float."""

    decimals = 2
    default_error_messages = {
        "invalid": _("Give a number, for example 150000.00 or 150,000.00."),
        "places": _("Give it to the cent at most (two decimals)."),
        "negative": _("The amount must be more than zero."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(
            {"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false", "maxlength": "40"}
        )

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        if len(text) > 40:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        text = re.sub(r"[\s\u00a0\u202f']", "", text)  # spaces and apostrophes group digits in some languages
        if text.startswith("-"):
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        if not _number_pattern().fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        decimal_separator = formats.get_format("DECIMAL_SEPARATOR")
        whole, _sep, fraction = text.partition(decimal_separator)
        if len(fraction) > self.decimals:
            raise forms.ValidationError(self.error_messages["places"], code="places")
        whole = re.sub(r"\D", "", whole)
        try:
            return Decimal(f"{whole}.{fraction or '0'}")
        except InvalidOperation:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        # What the user typed comes back as typed; a Decimal given as initial is shown plainly.
        return format(value, "f") if isinstance(value, Decimal) else value


class RateNumberField(NumberField):
    decimals = 8
    default_error_messages = {
        "invalid": _("Give a number, for example 1.0870."),
        "places": _("Give the rate with at most eight decimals."),
        "negative": _("A rate must be more than zero."),
    }


class CurrencyField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("min_length", 3)
        kwargs.setdefault("label", _("Currency"))
        kwargs.setdefault("help_text", _("Its three-letter code (ISO 4217): USD, EUR, GBP, JPY…"))
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(
            {"list": "currencies", "autocomplete": "off", "class": "currency", "autocapitalize": "characters"}
        )

    def to_python(self, value):
        return (super().to_python(value) or "").strip().upper()


class EntryForm(forms.Form):
    """What every entry has: an amount in a currency on a day, and a description."""

    amount = NumberField(label=_("Amount"))
    currency = CurrencyField(initial="USD")
    value_date = day_field(
        _("Value date"),
        initial=timezone.localdate,  # called for each form: today, not the day the server started
        help_text=_("The day the money moved (or was pledged). It is converted at that day's rate."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "amount": data["amount"],
            "currency": data["currency"],
            "value_date": data["value_date"],
            "description": data.get("description", ""),
        }


class DonorEntryForm(EntryForm):
    donor = forms.CharField(
        label=_("Donor"),
        max_length=200,
        help_text=_("As the donor is named in the ledger, for example “Government of Norway”."),
        widget=forms.TextInput(attrs={"list": "donors", "autocomplete": "off"}),
    )
    field_order = ["donor", "amount", "currency", "value_date", "description"]

    def service_kwargs(self):
        return {**super().service_kwargs(), "donor": self.cleaned_data["donor"]}


class PledgeForm(DonorEntryForm):
    pass


class PledgeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, pledge):
        return gettext("%(donor)s — %(currency)s %(left)s outstanding of %(pledged)s pledged on %(day)s") % {
            "donor": pledge.donor,
            "currency": pledge.currency,
            "left": money.money(pledge.amount - money.cents(pledge.paid)),
            "pledged": money.money(pledge.amount),
            "day": money.day_text(pledge.value_date),
        }


def pledges_outstanding():
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))
    return (
        LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PLEDGE)
        .annotate(paid=Coalesce(Sum("payments__amount"), zero))
        .filter(amount__gt=F("paid"))
        .order_by("donor", "value_date", "id")
    )


def earmark_choices():
    """One list for the earmark: none, then the countries, the regional groups and the purposes."""
    countries = [(f"country:{iso3}", name) for iso3, name in reference.country_pairs()]
    return [
        ("", gettext("— none: unearmarked —")),
        (gettext("A country"), countries),
        (gettext("A regional group"), [(f"region:{value}", label) for value, label in RegionalGroup.choices]),
        (gettext("A purpose"), [(f"purpose:{value}", str(value.earmark_phrase).capitalize()) for value in Purpose]),
    ]


class EarmarkField(forms.ChoiceField):
    """What a contribution is earmarked to, as the service's keyword arguments."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Earmarked to"))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _(
                "Money earmarked by the donor is used only by allocations to that country, to a country of "
                "that regional group, or for that purpose. Leave it unearmarked if the donor set no condition."
            ),
        )
        super().__init__(choices=earmark_choices, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        kind, _sep, code = (value or "").partition(":")
        earmark: dict[str, object] = {"earmark_country": None, "earmark_region": "", "earmark_purpose": ""}
        if kind == "country":
            earmark["earmark_country"] = MemberState.objects.get(iso3=code)  # a valid choice: it exists
        elif kind == "region":
            earmark["earmark_region"] = code
        elif kind == "purpose":
            earmark["earmark_purpose"] = code
        return earmark


class ContributionForm(DonorEntryForm):
    pledge = PledgeChoiceField(
        label=_("Pays a pledge"),
        queryset=LedgerEntry.objects.none(),
        required=False,
        empty_label=_("— none —"),
        help_text=_("Only pledges with something outstanding are listed. The payment is in the pledge's currency."),
    )
    earmark = EarmarkField()
    field_order = ["pledge", "donor", "earmark", "amount", "currency", "value_date", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["pledge"]).queryset = pledges_outstanding()
        # Paying a pledge names its donor already.
        self.fields["donor"].required = False
        self.fields["donor"].help_text = _("Leave empty when the contribution pays a pledge: it is the pledge's donor.")

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not data.get("pledge") and not (data.get("donor") or "").strip() and "donor" not in self.errors:
            self.add_error("donor", gettext("Name the donor, or choose the pledge this contribution pays."))
        return data

    def service_kwargs(self):
        return {**super().service_kwargs(), "pledge": self.cleaned_data.get("pledge"), **self.cleaned_data["earmark"]}


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, case):
        return f"{case.reference} — {case.member_state.local_name} ({case.get_stage_display()})"


class CaseEntryForm(EntryForm):
    case = CaseChoiceField(label=_("Case"), queryset=AssistanceRequest.objects.none())
    field_order = ["case", "amount", "currency", "value_date", "description"]

    def service_kwargs(self):
        return {**super().service_kwargs(), "case": self.cleaned_data["case"]}


class AllocationForm(CaseEntryForm):
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=[("", "---------"), *Purpose.choices],
        help_text=_(
            "A needs assessment mission or an expert panel may be paid for before the decision; a deployment "
            "or project support only once the case is approved for assistance."
        ),
    )
    field_order = ["case", "purpose", "amount", "currency", "value_date", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["case"]).queryset = selectors.fundable_cases(self.user)
        self.fields["case"].help_text = _(
            "Cases under review, in needs assessment or awaiting a decision (for an assessment or a panel), "
            "and cases approved for assistance, from the decision until reporting."
        )

    def service_kwargs(self):
        return {**super().service_kwargs(), "purpose": self.cleaned_data["purpose"]}


class RefundForm(CaseEntryForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["case"]).queryset = selectors.funded_cases(self.user)
        self.fields["case"].help_text = _(
            "Cases that received an allocation. A case gives back at most what it "
            "was allocated, net of its earlier refunds."
        )


class RateForm(forms.Form):
    currency = CurrencyField(help_text=_("Its three-letter code (ISO 4217): EUR, GBP, JPY…"))
    day = day_field(_("Day"), initial=timezone.localdate)
    usd_per_unit = RateNumberField(
        label=_("US dollars for one unit"), help_text=_("For example 1.0870 for one euro; up to eight decimals.")
    )


class StatementPeriodForm(forms.Form):
    """The statement's period, both days included. The query string names them ``from`` and ``to``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_reporting_period_fields(self, from_label=_("From"))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        start, end = data.get("from"), data.get("to")
        if start and end and end < start:
            raise forms.ValidationError(gettext("The period ends before it starts: “to” must not be before “from”."))
        return data

    @property
    def period(self):
        """(start, end): what was asked, completed by the default (this year, to today)."""
        return statement_period(self.cleaned_data.get("from"), self.cleaned_data.get("to"))


def default_statement_period(today=None):
    today = today or timezone.localdate()
    return date(today.year, 1, 1), today


def statement_period(start, end, today=None):
    today = today or timezone.localdate()
    if start is None and end is None:
        return default_statement_period(today)
    if end is None:
        end = max(start, today)
    if start is None:
        start = date(end.year, 1, 1)
    return start, end
