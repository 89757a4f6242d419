"""The list of countries' filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from requests_app.core.validators import SEARCH_MAX_LENGTH
from requests_app.reference.models import RegionalGroup


class CountryFilterForm(forms.Form):
    q = forms.CharField(label=_("Country"), required=False, max_length=SEARCH_MAX_LENGTH, strip=True)
    region = forms.ChoiceField(
        label=_("Regional group"), required=False, choices=[("", _("Every regional group")), *RegionalGroup.choices]
    )
    without_cases = forms.BooleanField(
        label=_("Also countries without a case"),
        required=False,
        help_text=_("A search by name always looks at every country."),
    )

    def filters(self):
        """What the list applies: the valid filters, the others left out (the view says which)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "text": data.get("q") or "",
            "region": data.get("region") or "",
            "without_cases": bool(data.get("without_cases")),
        }
