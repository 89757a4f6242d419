"""The filters of the roster page (django-filter). Every filter lives in the URL."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from requests_app.cases.filters import DATE
from requests_app.core.validators import SEARCH_MAX_LENGTH
from requests_app.reference.models import AssistanceType, RegionalGroup
from requests_app.roster import selectors as selectors_roster
from requests_app.roster.models import Expert, Language


class LanguageChoices(ModelChoiceIterator):
    """The languages in two groups, the six official languages of the United Nations first
    (read lazily, in one query, when the form is drawn)."""

    def __iter__(self):
        groups: dict[bool, list[tuple[Any, str]]] = {True: [], False: []}
        for language in self.queryset:
            groups[language.is_un_official].append(self.choice(language))
        for official, label in ((True, _("Official UN languages")), (False, _("Other languages"))):
            if groups[official]:
                yield (str(label), groups[official])


class LanguageField(forms.ModelMultipleChoiceField):
    iterator = LanguageChoices


class LanguageFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = LanguageField


class RosterFilterForm(forms.Form):
    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("available_from"), cleaned.get("available_to")
        if start and end and end < start:
            # Both dates are ignored: half of a reversed range means nothing.
            self.add_error("available_to", _("The end of the period is before its start."))
            cleaned.pop("available_from", None)
        return cleaned


STATUS_CHOICES = [("active", _("On the roster")), ("inactive", _("Taken off the roster")), ("all", _("All"))]


class ExpertFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="search", max_length=SEARCH_MAX_LENGTH)
    expertise = django_filters.ModelMultipleChoiceFilter(
        label=_("Expertise (all ticked)"),
        queryset=AssistanceType.objects.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        method="filter_expertise",
    )
    language = LanguageFilter(
        label=_("Speaks (all ticked)"),
        queryset=Language.objects.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        method="filter_languages",
    )
    region = django_filters.ChoiceFilter(
        label=_("Regional group"),
        field_name="nationality__regional_group",
        choices=RegionalGroup.choices,
        empty_label=_("Any"),
    )
    gender = django_filters.ChoiceFilter(label=_("Gender"), choices=Expert.Gender.choices, empty_label=_("Any"))
    available_from = django_filters.DateFilter(label=_("Available from"), method="filter_noop", widget=DATE)
    available_to = django_filters.DateFilter(
        label=_("Available until"),
        method="filter_noop",
        widget=DATE,
        help_text=_("On the roster, available on every day of the period and booked on none."),
    )
    status = django_filters.ChoiceFilter(
        label=_("Roster status"), choices=STATUS_CHOICES, method="filter_noop", empty_label=None
    )

    class Meta:
        model = Expert
        fields: list[str] = []
        form = RosterFilterForm

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        status = data.get("status") or "active"
        if status == "active":
            queryset = queryset.filter(is_active=True)
        elif status == "inactive":
            queryset = queryset.filter(is_active=False)
        start, end = data.get("available_from"), data.get("available_to")
        if start or end:
            # One date alone asks about that single day.
            queryset = selectors_roster.free_between(queryset, start or end, end or start)
        return queryset

    @property
    def is_filtered(self):
        """Whether anything narrows the list beyond the default (experts on the roster)."""
        if not self.is_bound or not hasattr(self.form, "cleaned_data"):
            return False
        data = self.form.cleaned_data
        return any(data.get(name) for name in self.filters if name != "status") or data.get("status") not in (
            None,
            "",
            "active",
        )

    @property
    def dates(self):
        """The (from, until) the availability filter applies, or None."""
        if not self.is_bound or not hasattr(self.form, "cleaned_data"):
            return None
        start, end = self.form.cleaned_data.get("available_from"), self.form.cleaned_data.get("available_to")
        if not (start or end):
            return None
        return start or end, end or start

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
        return queryset

    def filter_expertise(self, queryset, name, value):
        # One EXISTS per area, so an expert is listed once however many areas match.
        through = Expert.expertise.through
        for area in value:
            queryset = queryset.filter(Exists(through.objects.filter(expert=OuterRef("pk"), assistancetype=area)))
        return queryset

    def filter_languages(self, queryset, name, value):
        through = Expert.languages.through
        for language in value:
            queryset = queryset.filter(Exists(through.objects.filter(expert=OuterRef("pk"), language=language)))
        return queryset

    def filter_noop(self, queryset, name, value):
        return queryset  # applied in filter_queryset, together with its partner field
