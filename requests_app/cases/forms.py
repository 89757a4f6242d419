"""Forms for the actions on a case. They collect what a service needs; the service decides."""

from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.cases import recommendations, selectors, versions
from requests_app.cases.choices import AssessmentMethod, DecisionOutcome, ElectoralPhase, ImplementationModality
from requests_app.cases.models import ACCEPT_CHOICES
from requests_app.cases.workflow import ACTIONS, decision_to_assist, is_short_notice
from requests_app.core.confidentiality import Level, label
from requests_app.core.forms import DateInput
from requests_app.core.people import display_name
from requests_app.reference.forms import AssistanceTypesField
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


def assistance_types_for(case):
    """The types a decision on ``case`` may name: observation, supervision and certification only on a mandate."""
    if case is not None and not case.is_mandate:
        return AssistanceType.objects.filter(requires_mandate=False)
    return AssistanceType.objects.all()


class RecommendForm(ActionForm):
    """The officer's recommendation: accept an electoral body's request or not, and how to assess."""

    accept_emb_request = forms.TypedChoiceField(
        label=_("The electoral body's request"),
        choices=[("yes", ACCEPT_CHOICES[0][1]), ("no", ACCEPT_CHOICES[1][1])],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    method = forms.ChoiceField(
        label=_("Assessment"),
        choices=AssessmentMethod.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Not needed when you recommend not to accept the request."),
    )
    field_order = ["accept_emb_request", "method", "comment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].label = _("Grounds")
        if self.case is not None and not recommendations.asks_acceptance(self.case):
            del self.fields["accept_emb_request"]
            self.fields["method"].help_text = ""


class StartAssessmentForm(ActionForm):
    method = forms.ChoiceField(
        label=_("Method"), choices=AssessmentMethod.choices, widget=forms.RadioSelect, initial=AssessmentMethod.MISSION
    )
    field_order = ["method", "comment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        recommendation = selectors.pending_recommendation(self.case) if self.case is not None else None
        if recommendation is not None and recommendation.method:
            self.fields["method"].initial = recommendation.method
            self.fields["method"].help_text = _("Recommended by %(name)s: %(method)s.") % {
                "name": display_name(recommendation.recommended_by),
                "method": recommendation.get_method_display(),
            }


class DecisionForm(ActionForm):
    own_page = True  # too much to write in the action panel of the case page
    outcome = forms.ChoiceField(label=_("Outcome"), choices=DecisionOutcome.choices, widget=forms.RadioSelect)
    assistance_types = AssistanceTypesField(label=_("Assistance to provide"), required=False)
    phase = forms.ChoiceField(
        label=_("Phase of the electoral cycle"), choices=[("", "—"), *ElectoralPhase.choices], required=False
    )
    period_start = forms.DateField(label=_("Assistance from"), required=False, widget=DateInput)
    period_end = forms.DateField(label=_("Assistance until"), required=False, widget=DateInput)
    scope = forms.CharField(label=_("Scope and parameters"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    short_notice_justification = forms.CharField(
        label=_("Justification for short notice"), required=False, widget=forms.Textarea(attrs={"rows": 2})
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
        types = cast(forms.ModelMultipleChoiceField, self.fields["assistance_types"])
        types.queryset = assistance_types_for(self.case)
        self._justification_when_it_applies()
        if self.case is not None and not self.is_bound:
            # Start from what the state asked for (those the case allows); the focal point narrows it.
            allowed = self.case.is_mandate
            self.initial["assistance_types"] = [
                t.pk for t in self.case.requested_types.all() if allowed or not t.requires_mandate
            ]

    def _justification_when_it_applies(self):
        """The justification is asked for only when a rule may require it, and says which."""
        if self.case is None:
            return
        assessment = getattr(self.case, "assessment", None)
        field = self.fields["short_notice_justification"]
        if assessment is not None and assessment.adequate_time is False:
            field.help_text = _("Required to assist: the needs assessment found too little time before the election.")
        elif is_short_notice(self.case):
            field.help_text = _(
                "The request came less than four months before election day. The Department's guidance: such "
                "a request normally cannot be accommodated for the election event. Required to assist in the "
                "pre-electoral or electoral period; not for post-electoral or whole-cycle support."
            )
        else:
            del self.fields["short_notice_justification"]
            self.groups = [
                (title, [n for n in names if n != "short_notice_justification"]) for title, names in self.groups
            ]


class AmendDecisionForm(ActionForm):
    """A new version of the decision in force: its types, period and scope, and why."""

    own_page = True
    assistance_types = forms.ModelMultipleChoiceField(
        label=_("Assistance to provide"),
        queryset=AssistanceType.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    period_start = forms.DateField(label=_("Assistance from"), required=False, widget=DateInput)
    period_end = forms.DateField(label=_("Assistance until"), required=False, widget=DateInput)
    scope = forms.CharField(label=_("Scope and parameters"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(
        label=_("Reason for the amendment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        help_text=_("The government reads it in the letter that communicates the amendment."),
    )
    communicated_on = forms.DateField(
        label=_("Letter of amendment sent on"), required=False, widget=DateInput, help_text=_("Leave empty for today.")
    )
    groups = [
        (_("The decision as amended"), ["assistance_types", "period_start", "period_end", "scope"]),
        (_("Why, and the letter"), ["reason", "communicated_on", "comment"]),
    ]
    field_order = ["assistance_types", "period_start", "period_end", "scope", "reason", "communicated_on", "comment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = cast(forms.ModelMultipleChoiceField, self.fields["assistance_types"])
        types.queryset = assistance_types_for(self.case)
        self._in_force = None

    def get_initial_for_field(self, field, field_name):
        # The form starts from the version in force, read when the form is shown (a case page
        # only links to it: reading the versions there would cost queries for nothing).
        if field_name in self.in_force_initial():
            return self.in_force_initial()[field_name]
        return super().get_initial_for_field(field, field_name)

    def in_force_initial(self):
        if self._in_force is None:
            self._in_force = {}
            decision = decision_to_assist(self.case) if self.case is not None else None
            if decision is not None:
                in_force = versions.decision_versions(decision)[-1]
                amendments = sorted(decision.amendments.all(), key=lambda amendment: amendment.version)
                source = amendments[-1] if amendments else decision
                self._in_force = {
                    "assistance_types": [t.pk for t in source.assistance_types.all()],
                    "period_start": in_force.period_start,
                    "period_end": in_force.period_end,
                    "scope": in_force.scope,
                }
        return self._in_force


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
            # The period of the version in force, from the decisions the case page has read already.
            period_end = versions.loaded_period_end(self.case)
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
    "recommend": RecommendForm,
    "start_assessment": StartAssessmentForm,
    "record_decision": DecisionForm,
    "amend_decision": AmendDecisionForm,
    "start_implementation": StartImplementationForm,
    "close": CloseForm,
}


def action_form(action_name, data=None, prefix=None, case=None):
    action = ACTIONS[action_name]
    return ACTION_FORMS.get(action_name, ActionForm)(data, action=action, prefix=prefix, case=case)
