"""Forms for the actions on a case. They collect what a service needs; the service decides."""

from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.cases.choices import AssessmentMethod, DecisionOutcome, ElectoralPhase, ImplementationModality
from requests_app.cases.workflow import ACTIONS
from requests_app.core.confidentiality import Level, label
from requests_app.core.forms import DateInput
from requests_app.reference.models import AssistanceType


class ActionForm(forms.Form):
    """Every action takes a comment; actions that need one say so."""

    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    own_page = False

    def __init__(self, *args, action, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        self.case = case
        if action.needs_comment:
            self.fields["comment"].required = True
            self.fields["comment"].help_text = action.help_text
        elif action.comment_level != Level.INTERNAL:
            self.fields["comment"].help_text = _("Kept %(level)s: read only by those who may read %(level)s notes.") % {
                "level": label(action.comment_level).lower()
            }

    def service_kwargs(self):
        return dict(self.cleaned_data)

    def field_groups(self):
        """[(title, [bound fields])] for the page; one untitled group unless the form says more."""
        groups = getattr(self, "groups", None) or [(None, list(self.fields))]
        return [(title, [self[name] for name in names]) for title, names in groups]


class StartAssessmentForm(ActionForm):
    method = forms.ChoiceField(
        label=_("Method"), choices=AssessmentMethod.choices, widget=forms.RadioSelect, initial=AssessmentMethod.MISSION
    )
    field_order = ["method", "comment"]


class DecisionForm(ActionForm):
    own_page = True  # too much to write in the action panel of the case page
    outcome = forms.ChoiceField(label=_("Outcome"), choices=DecisionOutcome.choices, widget=forms.RadioSelect)
    assistance_types = forms.ModelMultipleChoiceField(
        label=_("Assistance to provide"),
        queryset=AssistanceType.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    phase = forms.ChoiceField(
        label=_("Phase of the electoral cycle"), choices=[("", "—"), *ElectoralPhase.choices], required=False
    )
    period_start = forms.DateField(label=_("Assistance from"), required=False, widget=DateInput)
    period_end = forms.DateField(label=_("Assistance until"), required=False, widget=DateInput)
    scope = forms.CharField(label=_("Scope and parameters"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    short_notice_justification = forms.CharField(
        label=_("Justification for short notice"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to assist when time before the election is short."),
    )
    reason = forms.CharField(
        label=_("Reason (to decline or defer)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    revisit_on = forms.DateField(label=_("Consider again on (to defer)"), required=False, widget=DateInput)
    communicated_on = forms.DateField(
        label=_("Decision letter sent on"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty for today."),
    )
    groups = [
        (None, ["outcome"]),
        (
            _("When assisting"),
            ["assistance_types", "phase", "period_start", "period_end", "scope", "short_notice_justification"],
        ),
        (_("When declining or deferring"), ["reason", "revisit_on"]),
        (_("Letter to the government"), ["communicated_on", "comment"]),
    ]
    field_order = [
        "outcome",
        "assistance_types",
        "phase",
        "period_start",
        "period_end",
        "scope",
        "short_notice_justification",
        "reason",
        "revisit_on",
        "communicated_on",
        "comment",
    ]

    def clean_communicated_on(self):
        day = self.cleaned_data.get("communicated_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The letter cannot have been sent after today: give the day it was sent."))
        return day

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case is not None and not self.case.is_mandate:
            # Observation, supervision and certification come only with a mandate: not offered.
            types = cast(forms.ModelMultipleChoiceField, self.fields["assistance_types"])
            types.queryset = AssistanceType.objects.filter(requires_mandate=False)
        if self.case is not None and not self.is_bound:
            # Start from what the state asked for (those the case allows); the focal point narrows it.
            allowed = self.case.is_mandate
            self.initial["assistance_types"] = [
                t.pk for t in self.case.requested_types.all() if allowed or not t.requires_mandate
            ]


class StartImplementationForm(ActionForm):
    modality = forms.ChoiceField(label=_("Implemented through"), choices=ImplementationModality.choices)
    ends_on = forms.DateField(label=_("Planned end of implementation"), widget=DateInput)
    confirm_beyond_period = forms.BooleanField(
        label=_("Confirm an end after the decided period of assistance"),
        required=False,
    )
    field_order = ["modality", "ends_on", "confirm_beyond_period", "comment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case is not None:
            # From the decisions the case page has read already (newest first): no query of its own.
            assisting = [d for d in self.case.decisions.all() if d.outcome in DecisionOutcome.assisting()]
            period_end = assisting[0].period_end if assisting else None
            if period_end:
                self.fields["ends_on"].help_text = _("The decision covers assistance until %(day)s.") % {
                    "day": period_end.isoformat()
                }
                self.fields["confirm_beyond_period"].help_text = _(
                    "Needed only when the planned end is after %(day)s."
                ) % {"day": period_end.isoformat()}


class CloseForm(ActionForm):
    evaluation_waiver = forms.CharField(
        label=_("Waive the evaluation: reason"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only to close without an evaluation: why the assistance is not evaluated. Kept in the history."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case is not None and hasattr(self.case, "evaluation"):
            del self.fields["evaluation_waiver"]  # evaluated: nothing to waive


ACTION_FORMS = {
    "start_assessment": StartAssessmentForm,
    "record_decision": DecisionForm,
    "start_implementation": StartImplementationForm,
    "close": CloseForm,
}


def action_form(action_name, data=None, prefix=None, case=None):
    action = ACTIONS[action_name]
    return ACTION_FORMS.get(action_name, ActionForm)(data, action=action, prefix=prefix, case=case)
