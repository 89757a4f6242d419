"""The filters of the lessons learned (/lessons/), shared by the page and its CSV export."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.db.models.lookups import IContains
from django.utils.translation import gettext_lazy as _

from requests_app.cases.filters import QuickSelect, assistance_choices, state_choices
from requests_app.cases.models import Election
from requests_app.cases.search import Unaccent, unaccent
from requests_app.core.validators import SEARCH_MAX_LENGTH
from requests_app.evaluation.models import LessonLearned
from requests_app.reference import selectors as reference

# More words than this narrow nothing further: the rest of a pasted paragraph is ignored.
MAX_WORDS = 8


def election_years():
    """The years of the elections of cases that have lessons, newest first (one query)."""
    days = Election.objects.filter(case__lessons__isnull=False).dates("planned_date", "year", order="DESC")
    return [("", "---------")] + [(str(day.year), str(day.year)) for day in days]


def search_lessons(queryset, value):
    """Lessons holding every word of ``value`` in their title or text, or naming their case's country
    or reference. Accents are ignored both ways, as in the case list (requests_app.cases.search)."""
    words = value.split()[:MAX_WORDS]
    if not words:
        return queryset
    states = reference.searchable_countries()  # by their names in any of the six languages
    for word in words:
        plain = unaccent(word)
        in_states = reference.matching(states, word)
        queryset = queryset.filter(
            Q(IContains(Unaccent("title"), plain))
            | Q(IContains(Unaccent("lesson"), plain))
            | Q(case__reference__icontains=word)
            | Q(case__member_state__in=in_states)
        )
    return queryset


class LessonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Words from the title or the lesson, a country or a case reference."),
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), field_name="case__member_state__iso3", widget=QuickSelect, empty_label=None
    )
    assistance = django_filters.ChoiceFilter(
        label=_("Type of assistance"), method="filter_assistance", widget=QuickSelect, empty_label=None
    )
    year = django_filters.ChoiceFilter(
        label=_("Election year"),
        method="filter_year",
        widget=QuickSelect,
        empty_label=None,
        help_text=_("The year of an election the lesson's case concerns."),
    )

    class Meta:
        model = LessonLearned
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Read once here: choices given as a callable would be read again to validate and to draw.
        self.filters["country"].extra["choices"] = state_choices()
        self.filters["assistance"].extra["choices"] = assistance_choices()
        self.filters["year"].extra["choices"] = election_years()

    def search(self, queryset, name, value):
        return search_lessons(queryset, value)

    def filter_assistance(self, queryset, name, value):
        through = LessonLearned.areas.through
        return queryset.filter(Exists(through.objects.filter(lessonlearned=OuterRef("pk"), assistancetype__code=value)))

    def filter_year(self, queryset, name, value):
        # One of the choices: a year of an election of a case with lessons.
        return queryset.filter(Exists(Election.objects.filter(case=OuterRef("case"), planned_date__year=int(value))))
