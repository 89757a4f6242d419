"""The filters of the case list, shared by the list page, its exports and its counts."""

from datetime import timedelta

import django_filters
from django import forms
from django.db import connections
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.db.models.lookups import IContains
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from requests_app.cases import selectors
from requests_app.cases.choices import Basis, Origin, Stage
from requests_app.cases.models import AssistanceRequest, Election
from requests_app.cases.search import Unaccent, unaccent
from requests_app.core.forms import DateInput
from requests_app.core.ids import parse_id
from requests_app.core.people import display_name
from requests_app.core.validators import SEARCH_MAX_LENGTH
from requests_app.reference import selectors as reference
from requests_app.reference.models import CountryStatus, LocalName, MemberState, RegionalGroup

DATE = DateInput()  # ISO in the value, as type="date" needs in every language


class QuickSelect(forms.Select):
    """A <select> whose options are written directly, not through one template each: the
    country filter has 214 of them on every page of the list. Groups of choices become <optgroup>s."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = {str(v) for v in self.format_value(value)}
        parts = []
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):  # a group: (heading, [(value, label), ...])
                group = self._options(label, selected)
                parts.append(format_html('<optgroup label="{}">{}</optgroup>', option_value, group))
            else:
                parts.append(self._options([(option_value, label)], selected))
        return format_html("<select{}>{}</select>", flatatt(attrs), mark_safe("".join(parts)))

    @staticmethod
    def _options(pairs, selected):
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((value, mark_safe(" selected") if str(value) in selected else "", label) for value, label in pairs),
        )


class QuickCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes written directly, like QuickSelect: a template per box costs more than the query."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs or {})
        base_id = attrs.pop("id", None) or f"id_{name}"
        selected = {str(v) for v in self.format_value(value)}
        boxes = format_html_join(
            "",
            '<div><label for="{0}_{1}">'
            '<input type="checkbox" name="{2}" value="{3}" id="{0}_{1}"{4}{5}> {6}'
            "</label></div>",
            (
                (
                    base_id,
                    index,
                    name,
                    option_value,
                    flatatt(attrs),
                    mark_safe(" checked") if str(option_value) in selected else "",
                    label,
                )
                for index, (option_value, label) in enumerate(self.choices)
            ),
        )
        return format_html('<div id="{}">{}</div>', base_id, boxes)

    def id_for_label(self, id_, index=None):
        return ""  # the group has a legend; each box its own label


def state_choices():
    """(code, name) of every country or territory, under a heading per status."""
    return [("", "---------"), *reference.country_choices()]


def assistance_choices():
    """(code, name) of every type, under the typology's headings."""
    return [("", "---------"), *reference.type_choices()]


# A country sorts by its name in the language of the page (reference.models.LocalName).
SORTS = {
    "reference": ("reference",),
    "state": (LocalName("member_state__"), "id"),
    "region": ("member_state__regional_group", LocalName("member_state__"), "id"),
    "stage": ("stage", "id"),
    "officer": ("officer__last_name", "officer__first_name", "id"),
    "due": ("stage_due_at", "id"),
    "received": ("received_date", "id"),
}
DEFAULT_SORT = "-received"


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=SEARCH_MAX_LENGTH)
    stage = django_filters.MultipleChoiceFilter(
        # A column of the case: no join can repeat a row, so no DISTINCT (a sort over every column).
        label=_("Stage"),
        choices=Stage.choices,
        widget=QuickCheckboxes,
        distinct=False,
    )
    # The selects are written by QuickSelect and fed plain (value, label) pairs: the form is
    # drawn on every page of the list, and drawing it through templates cost more than the search.
    member_state = django_filters.ChoiceFilter(
        label=_("Country or territory"), field_name="member_state__iso3", widget=QuickSelect, empty_label=None
    )
    status = django_filters.ChoiceFilter(
        label=_("Member State, observer State or territory"),
        method="filter_status",
        choices=CountryStatus.choices,
        widget=QuickSelect,
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"),
        field_name="member_state__regional_group",
        choices=RegionalGroup.choices,
        widget=QuickSelect,
    )
    basis = django_filters.ChoiceFilter(
        label=_("Basis"), choices=Basis.choices, method="filter_basis", widget=QuickSelect
    )
    origin = django_filters.ChoiceFilter(label=_("Origin"), choices=Origin.for_new_cases(), widget=QuickSelect)
    assistance = django_filters.ChoiceFilter(
        label=_("Assistance requested"), method="filter_assistance", widget=QuickSelect, empty_label=None
    )
    officer = django_filters.ChoiceFilter(
        label=_("Officer"), method="filter_officer", empty_label=_("Anyone"), widget=QuickSelect
    )
    deadline = django_filters.ChoiceFilter(
        label=_("Deadline"),
        choices=[("overdue", _("Overdue")), ("due", _("Due within the days below"))],
        method="filter_deadline",
        widget=QuickSelect,
    )
    due_within = django_filters.NumberFilter(
        label=_("Due within (days)"), method="filter_noop", min_value=0, max_value=3650
    )
    election_from = django_filters.DateFilter(label=_("Election from"), method="filter_noop", widget=DATE)
    election_to = django_filters.DateFilter(label=_("Election until"), method="filter_noop", widget=DATE)
    received_from = django_filters.DateFilter(
        label=_("Received from"), field_name="received_date", lookup_expr="gte", widget=DATE
    )
    received_until = django_filters.DateFilter(
        label=_("Received until"), field_name="received_date", lookup_expr="lte", widget=DATE
    )

    class Meta:
        model = AssistanceRequest
        fields: list[str] = []

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.user = user
        # Read once here: choices given as a callable would be read again to validate and to draw.
        self.filters["member_state"].extra["choices"] = state_choices()
        self.filters["assistance"].extra["choices"] = assistance_choices()
        self.filters["officer"].extra["choices"] = [("me", _("Assigned to me")), ("none", _("Unassigned"))] + [
            (str(officer.pk), display_name(officer)) for officer in selectors.assignable_officers()
        ]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        start, end = self.form.cleaned_data.get("election_from"), self.form.cleaned_data.get("election_to")
        if start or end:
            elections = Election.objects.filter(case=OuterRef("pk"))
            if start:
                elections = elections.filter(planned_date__gte=start)
            if end:
                elections = elections.filter(planned_date__lte=end)
            queryset = queryset.filter(Exists(elections))
        return queryset

    def search(self, queryset, name, value):
        return search_cases(queryset, value)

    def filter_basis(self, queryset, name, value):
        return selectors.with_basis(queryset, value)

    def filter_assistance(self, queryset, name, value):
        through = AssistanceRequest.requested_types.through
        return queryset.filter(
            Exists(through.objects.filter(assistancerequest=OuterRef("pk"), assistancetype__code=value))
        )

    def filter_status(self, queryset, name, value):
        return of_country_status(queryset, value)

    def filter_officer(self, queryset, name, value):
        if value == "me":
            return queryset.filter(officer=self.user) if self.user else queryset.none()
        if value == "none":
            return queryset.filter(officer__isnull=True)
        return queryset.filter(officer_id=parse_id(value))  # one of the choices: an officer's id

    def filter_deadline(self, queryset, name, value):
        now = timezone.now()
        open_cases = queryset.filter(stage__in=Stage.open_stages(), stage_due_at__isnull=False)
        if value == "overdue":
            return open_cases.filter(stage_due_at__lt=now)
        days = self.form.cleaned_data.get("due_within")
        days = 7 if days is None else int(days)
        return open_cases.filter(stage_due_at__gte=now, stage_due_at__lte=now + timedelta(days=days))

    def filter_noop(self, queryset, name, value):
        return queryset  # applied together with its partner field (see qs / filter_deadline)


def of_country_status(queryset, status):
    """The cases of the Member States, the observer States or the territories (the list and the admin).

    On the case's own column, as the search does: through a join to the countries SQLite sorted the
    98,000 cases of Member States for a first page (0.5 s over 100,000 cases; 7 ms this way)."""
    if status == CountryStatus.MEMBER_STATE:
        others = MemberState.objects.exclude(status=CountryStatus.MEMBER_STATE).values_list("pk", flat=True)
        return queryset.exclude(member_state__in=list(others))
    return queryset.filter(
        member_state__in=list(MemberState.objects.filter(status=status).values_list("pk", flat=True))
    )


SQLITE_SEARCH_INDEX = "requests_app_case_search"


def search_cases(queryset, value):
    """Cases whose reference, country or territory, or summary holds the text (the list and the admin).

    Accents are ignored both ways: "cote d'ivoire" finds Côte d'Ivoire, "côte" finds "cote"."""
    value = value.strip()
    if not value:
        return queryset
    plain = unaccent(value)
    # The matching states as a list of ids, not a join: every condition is then on the case's
    # own columns, and PostgreSQL answers each from its trigram index (migrations 0008, 0013).
    # 213 names are compared here rather than in SQL, the same way on both databases.
    # A country matches by its name in any of the six languages (reference.selectors).
    states = reference.countries_matching(value)
    if connections[queryset.db].vendor == "sqlite" and len(plain) >= 3:
        # SQLite: the trigram full-text index of the unaccented texts (migration 0013; three characters at least).
        phrase = '"' + plain.replace('"', '""') + '"'
        in_text = Q(
            pk__in=RawSQL(f"SELECT rowid FROM {SQLITE_SEARCH_INDEX} WHERE {SQLITE_SEARCH_INDEX} MATCH %s", [phrase])
        )
    else:
        # PostgreSQL answers UPPER(eas_unaccent(summary)) LIKE from its trigram index (0013).
        in_text = Q(reference__icontains=value) | Q(IContains(Unaccent("summary"), plain))
    # The country first: a row's conditions are tested in the order written, and a case of a
    # matching country then needs no unaccented summary (rechecking Ghana's 839 cases: 9 → 2.4 ms).
    return queryset.filter(Q(member_state__in=states) | in_text)


def sort_key(value):
    """The sort the URL asks for, when it is one the list offers; else the default."""
    return value if value and value.lstrip("-") in SORTS else DEFAULT_SORT


def apply_sort(queryset, value):
    """The sort the URL asks for."""
    value = sort_key(value)
    descending = value.startswith("-")
    fields = [F(f) if isinstance(f, str) else f for f in SORTS[value.lstrip("-")]]
    return queryset.order_by(*[f.desc() if descending else f.asc() for f in fields])
