"""The filters of the correspondence register: country, direction, channel, kind, level, language,
dates, case, text (a subject is searched only among the letters the reader may read)."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.core.confidentiality import Level
from requests_app.core.forms import DateInput
from requests_app.core.validators import SEARCH_MAX_LENGTH
from requests_app.correspondence.models import Channel, Direction, Letter, LetterKind, LetterStatus, Purpose
from requests_app.correspondence.selectors import country_choices, readable_letters
from requests_app.reference import selectors as reference
from requests_app.reference.models import UnLanguage


class LetterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("In the subject, the sender, the recipient and the country's name."),
    )
    country = django_filters.ChoiceFilter(label=_("Country"), field_name="country__iso3", empty_label=None)
    direction = django_filters.ChoiceFilter(
        label=_("Direction"), choices=Direction.choices, empty_label=_("In and out")
    )
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices, empty_label=_("Any channel"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=LetterKind.choices, empty_label=_("Any kind"))
    purpose = django_filters.ChoiceFilter(label=_("Purpose"), choices=Purpose.choices, empty_label=_("Any"))
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices, empty_label=_("Any level"))
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=UnLanguage.choices, empty_label=_("Any language")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        method="filter_status",
        empty_label=_("Any"),
        choices=[
            (LetterStatus.NOT_CONSIDERED.value, _("Not considered: not requests")),
            ("awaiting", _("Reply due, not yet replied")),
            ("overdue", _("Reply overdue")),
        ],
    )
    case = django_filters.CharFilter(
        label=_("Case"), method="filter_case", max_length=20, help_text=_("A reference, e.g. EAS-2026-0042.")
    )
    date_from = django_filters.DateFilter(
        label=_("Dated from"), field_name="date", lookup_expr="gte", widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        label=_("Dated until"), field_name="date", lookup_expr="lte", widget=DateInput()
    )

    class Meta:
        model = Letter
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["country"].extra["choices"] = country_choices()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # A word of a subject the reader may not read never finds its letter: the search would tell it.
        user = getattr(self.request, "user", None)
        subjects = queryset.filter(subject__icontains=value)
        # Without a reader (no request), no subject is searched.
        readable = (readable_letters(user, subjects) if user is not None else subjects.none()).values("pk")
        return queryset.filter(
            Q(pk__in=readable)
            | Q(sender__icontains=value)
            | Q(recipient__icontains=value)
            | Q(country__in=reference.countries_matching(value))
        )

    def filter_case(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(case__reference__iexact=value) if value else queryset

    def filter_status(self, queryset, name, value):
        if value == LetterStatus.NOT_CONSIDERED:
            return queryset.filter(status=LetterStatus.NOT_CONSIDERED)
        awaiting = queryset.filter(direction=Direction.IN, replied_on__isnull=True, reply_due_on__isnull=False)
        if value == "overdue":
            return awaiting.filter(reply_due_on__lt=timezone.localdate())
        return awaiting
