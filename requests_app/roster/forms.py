"""Forms to deploy an expert to a case and to cancel a deployment. They collect what the service
needs (requests_app.roster.services); the service decides, and says why it refuses."""

from typing import cast

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from requests_app.core.forms import DateInput
from requests_app.roster import selectors as selectors_roster
from requests_app.roster.models import Deployment, Expert

# What the Division most often calls the people it sends; any other role may be typed.
COMMON_ROLES = [
    _("Chief electoral adviser"),
    _("Legal adviser"),
    _("Voter registration expert"),
    _("Electoral operations and logistics expert"),
    _("Procurement specialist"),
    _("Training expert"),
    _("Civic and voter education expert"),
    _("Results management expert"),
    _("Electoral dispute resolution expert"),
    _("Electoral security adviser"),
    _("Gender and elections adviser"),
    _("Needs assessment mission member"),
    _("Expert panel member"),
]


class RoleInput(forms.TextInput):
    """A text box offering the common roles (an HTML datalist; no script)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or name}-roles"
        attrs["list"] = list_id
        box = super().render(name, value, attrs, renderer)
        options = format_html_join("", '<option value="{}"></option>', ((str(role),) for role in COMMON_ROLES))
        return format_html('{}<datalist id="{}">{}</datalist>', box, list_id, options)


class DeployForm(forms.Form):
    starts_on = forms.DateField(label=_("From"), widget=DateInput)
    ends_on = forms.DateField(label=_("Until"), widget=DateInput)
    expert = forms.ModelChoiceField(
        label=_("Expert"),
        queryset=Expert.objects.all(),
        empty_label="—",
        error_messages={"invalid_choice": _("This expert is not on the roster.")},
    )
    role = forms.CharField(
        label=_("Role on this case"),
        max_length=Deployment._meta.get_field("role").max_length,
        widget=RoleInput,
        help_text=_("Choose one or type another."),
    )

    def __init__(self, *args, dates=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Every expert validates (the service says why one off the roster cannot go); the
        # select offers those on the roster, free ones first for the dates chosen.
        starts_on, ends_on = dates or (None, None)
        choices, self.unavailable = selectors_roster.expert_choices(starts_on, ends_on, user)
        cast(forms.ChoiceField, self.fields["expert"]).choices = choices
        free = str(selectors_roster.AVAILABLE)
        self.free_count = sum(len(options) for label, options in choices[1:] if label == free)
        self.dates = dates

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The deployment cannot end before it starts."))
        return cleaned

    def service_kwargs(self):
        return {name: self.cleaned_data[name] for name in ("expert", "role", "starts_on", "ends_on")}


class DeploymentDatesForm(forms.Form):
    """The dates a deployment is planned for: the deploy page lists who is free then."""

    starts_on = forms.DateField(label=_("From"), widget=DateInput)
    ends_on = forms.DateField(label=_("Until"), widget=DateInput)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The deployment cannot end before it starts."))
        return cleaned


class CancelDeploymentForm(forms.Form):
    comment = forms.CharField(
        label=_("Why is it cancelled?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        help_text=_("Kept in the case's history."),
    )
