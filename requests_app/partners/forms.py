"""The form for a partner's contribution to a case; the service decides whether it may be recorded."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from requests_app.core.forms import DateInput
from requests_app.partners.models import Partner, PartnerContribution


class ContributionForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=Partner.objects.filter(is_active=True), empty_label=_("Choose a partner")
    )
    kind = forms.ChoiceField(label=_("Contributes"), choices=PartnerContribution.Kind.choices, widget=forms.RadioSelect)
    people = forms.IntegerField(
        label=_("Number of observers or experts"), required=False, min_value=1, max_value=100_000
    )
    amount = forms.DecimalField(
        label=_("Amount of the funds"), required=False, max_digits=16, decimal_places=2, min_value=Decimal("0.01")
    )
    currency = forms.CharField(
        label=_("Currency"), required=False, max_length=3, help_text=_("Three letters, e.g. USD, EUR.")
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the partner provides, e.g. 40 long-term observers for the presidential election."),
    )
    starts_on = forms.DateField(label=_("From"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), required=False, widget=DateInput())

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data["currency"] = (data.get("currency") or "").strip().upper()
        return data
