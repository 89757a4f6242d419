"""Forms of the post-electoral phase. They collect what a service needs; the service decides."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.core.forms import DateInput
from requests_app.core.validators import validate_single_line
from requests_app.reference.models import AssistanceType

TEXT_MAX = 20_000


def _text(label, help_text=""):
    return forms.CharField(
        label=label, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}), help_text=help_text
    )


class EvaluationForm(forms.Form):
    evaluated_on = forms.DateField(label=_("Evaluated on"), widget=DateInput)
    evaluated_by = forms.CharField(
        label=_("Evaluated by"),
        max_length=200,
        validators=[validate_single_line],
        help_text=_("Who carried out the evaluation, e.g. the Division with the UNDP country office."),
    )
    what_worked = _text(_("What worked"))
    what_did_not_work = _text(_("What did not work"))
    recommendations = _text(_("Recommendations"), _("For the next engagement with this country, and for others."))

    def clean_evaluated_on(self):
        day = self.cleaned_data.get("evaluated_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The evaluation cannot have taken place after today."))
        return day

    def service_kwargs(self):
        return dict(self.cleaned_data)


class LessonForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        validators=[validate_single_line],
        help_text=_("A short title, e.g. “Register voters a year ahead”."),
    )
    lesson = _text(_("Lesson"), _("What was learned, and what to do differently next time."))
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas of assistance"),
        queryset=AssistanceType.objects.order_by("position", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The types of assistance the lesson concerns."),
    )
