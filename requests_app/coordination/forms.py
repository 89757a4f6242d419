"""Forms of who took part. They collect what a service needs; the service decides."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app.cases.models import AssistanceRequest
from requests_app.coordination import selectors
from requests_app.coordination.models import (
    Audience,
    Counterpart,
    MemberRole,
    Organisation,
    VehicleKind,
)
from requests_app.coordination.services import Notice, Pledge, VehicleTerms
from requests_app.core.confidentiality import Level
from requests_app.core.forms import day_field
from requests_app.core.validators import validate_single_line
from requests_app.correspondence.models import Channel, LetterKind
from requests_app.mandates.models import Mandate
from requests_app.partners.models import Partner
from requests_app.reference.models import CountryStatus, MemberState
from requests_app.roster.models import Expert

TEXT_MAX = 20_000


def _line(label, *, required=True, help_text=""):
    return forms.CharField(
        label=label, max_length=200, required=required, validators=[validate_single_line], help_text=help_text
    )


class MemberForm(forms.Form):
    name = _line(_("Name"), required=False, help_text=_("Leave empty to take the name of the expert chosen below."))
    expert = forms.ModelChoiceField(
        label=_("Expert of the roster"),
        queryset=Expert.objects.select_related("nationality").order_by("family_name", "given_name", "id"),
        required=False,
        empty_label=_("Not from the roster"),
        help_text=_("When the member is an expert of the roster."),
    )
    organisation = forms.ChoiceField(label=_("Organisation"), choices=Organisation.choices)
    organisation_name = _line(
        _("Name of the organisation"),
        required=False,
        help_text=_("For a regional organisation or another one, e.g. African Union Commission."),
    )
    role = forms.ChoiceField(
        label=_("Role on the mission"), choices=MemberRole.choices, initial=MemberRole.MEMBER, widget=forms.RadioSelect
    )

    def clean(self):
        data = super().clean() or {}
        if not (data.get("name") or "").strip() and not data.get("expert") and not self.has_error("name"):
            self.add_error("name", _("Give the member's name, or choose the expert of the roster."))
        return data


class ConsultationForm(forms.Form):
    counterpart = forms.ChoiceField(label=_("With"), choices=Counterpart.choices)
    name = _line(
        _("Name or organisation"),
        help_text=_("Who was met, e.g. Independent National Electoral Commission, its chair and two commissioners."),
    )
    held_on = day_field(_("Held on"))
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What came of it: what was asked, agreed or feared."),
    )
    level = forms.ChoiceField(
        label=_("Level of the outcome"),
        choices=Level.choices,
        initial=Level.INTERNAL,
        help_text=_("Who may read the outcome."),
    )

    def clean_held_on(self):
        day = self.cleaned_data.get("held_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The consultation cannot have been held after today."))
        return day


# Vehicles of implementation ----------------------------------------------------------------------------

DONOR_ROWS = 3  # empty rows offered below the donors already recorded


def donor_choices():
    """Partners and Member States, as "partner:<id>" and "state:<ISO code>" under two headings (two queries)."""
    partners = [(f"partner:{p.pk}", str(p)) for p in Partner.objects.filter(is_active=True).order_by("name")]
    states = [
        (f"state:{iso3}", name)
        for iso3, name in MemberState.objects.filter(status=CountryStatus.MEMBER_STATE)
        .order_by("name")
        .values_list("iso3", "name")
    ]
    return [("", "—"), (gettext("Partner organisations"), partners), (gettext("Member States"), states)]


def donor_value(pledge):
    if pledge.partner is not None:
        return f"partner:{pledge.partner.pk}"
    return f"state:{pledge.member_state.iso3}" if pledge.member_state is not None else ""


class DonorForm(forms.Form):
    donor = forms.ChoiceField(label=_("Donor"), required=False)
    pledged = forms.DecimalField(
        label=_("Pledged"), required=False, max_digits=16, decimal_places=2, min_value=Decimal("0.01")
    )
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["donor"]).choices = choices

    def clean(self):
        data = super().clean() or {}
        if not data.get("donor") and (data.get("pledged") is not None or (data.get("currency") or "").strip()):
            self.add_error("donor", _("Choose the donor, or empty the row."))
        return data

    def pledge(self):
        """The row as the service takes it; None for an empty row."""
        value = self.cleaned_data.get("donor") or ""
        if not value:
            return None
        kind, _sep, key = value.partition(":")
        partner = Partner.objects.filter(pk=int(key)).first() if kind == "partner" and key.isdigit() else None
        state = MemberState.objects.filter(iso3=key).first() if kind == "state" else None
        return Pledge(partner, state, self.cleaned_data.get("pledged"), self.cleaned_data.get("currency") or "")


class BaseDonorFormSet(forms.BaseFormSet):
    def __init__(self, *args, **kwargs):
        choices = donor_choices()
        kwargs["form_kwargs"] = {"choices": choices}
        super().__init__(*args, **kwargs)

    def pledges(self):
        return [pledge for form in self.forms if (pledge := form.pledge()) is not None]


DonorFormSet = forms.formset_factory(
    DonorForm, formset=BaseDonorFormSet, extra=DONOR_ROWS, max_num=30, absolute_max=60, validate_max=True
)


class VehicleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Vehicle"), choices=VehicleKind.choices, widget=forms.RadioSelect)
    title = _line(
        _("Title or name"),
        required=False,
        help_text=_("A UNDP project's title, or the peace operation's or special political mission's name."),
    )
    mandate = forms.ModelChoiceField(
        label=_("Mandate"),
        queryset=Mandate.objects.none(),  # the case's country's: __init__
        required=False,
        help_text=_("A peace operation or special political mission: the mandate it rests on."),
    )
    project_id = forms.CharField(
        label=_("Atlas/Quantum project ID"), max_length=40, required=False, validators=[validate_single_line]
    )
    signed_on = day_field(_("Project document signed on"), required=False)
    budget = forms.DecimalField(
        label=_("Budget"), required=False, max_digits=16, decimal_places=2, min_value=Decimal("0.01")
    )
    currency = forms.CharField(
        label=_("Currency"), required=False, max_length=3, help_text=_("Three letters, e.g. USD, EUR.")
    )
    basket_fund = forms.BooleanField(
        label=_("Basket fund"), required=False, help_text=_("Several donors fund the project through one budget.")
    )

    def __init__(self, *args: Any, case: AssistanceRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["mandate"]).queryset = selectors.mandate_choices(case)

    def clean_signed_on(self):
        day = self.cleaned_data.get("signed_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The project document cannot have been signed after today."))
        return day

    def terms(self, donors):
        data = self.cleaned_data
        return VehicleTerms(
            kind=data["kind"],
            title=data.get("title") or "",
            project_id=data.get("project_id") or "",
            signed_on=data.get("signed_on"),
            budget=data.get("budget"),
            currency=data.get("currency") or "",
            basket_fund=bool(data.get("basket_fund")),
            mandate=data.get("mandate"),
            donors=donors,
        )


# Who was told ------------------------------------------------------------------------------------------


class ToldForm(forms.Form):
    version = forms.ChoiceField(label=_("Of"))
    audience = forms.ChoiceField(label=_("Who was told"), choices=Audience.choices)
    date = day_field(_("Date of the letter"))
    recipient = _line(_("To"))
    subject = forms.CharField(label=_("Subject"), max_length=300, validators=[validate_single_line])
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=LetterKind.choices)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, versions: list[selectors.VersionToTell], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(version.key, version_label(version)) for version in versions]
        cast(forms.ChoiceField, self.fields["version"]).choices = choices

    def notice(self):
        return Notice(**self.cleaned_data)


def version_label(version: selectors.VersionToTell) -> str:
    return gettext("%(what)s, %(day)s") % {"what": version.label, "day": formats.date_format(version.day)}
