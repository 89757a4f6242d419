"""Reads of the reference data that several pages share: the countries and the types, grouped the
way a user looks for them (Member States, then observer States, then territories; technical
assistance, then the other types, then those given only on a mandate)."""

from collections.abc import Iterable
from itertools import groupby
from typing import Any

from django.db.models import QuerySet

from requests_app.core.types import StrOrPromise
from requests_app.reference.models import AssistanceType, CountryStatus, MemberState

Choice = tuple[Any, StrOrPromise]
# A flat choice, or a group of them under a heading, as Django's choices take them.
GroupedChoice = Choice | tuple[StrOrPromise, list[Choice]]

STATUS_ORDER = {status: index for index, status in enumerate(CountryStatus.values)}
# The categories shown as a heading over their types; the others are one type each, shown alone.
TYPE_HEADINGS = {AssistanceType.Category.TECHNICAL, AssistanceType.Category.MANDATED}


def group_by_heading(rows: Iterable[tuple[Any, Any, StrOrPromise]], headings: dict) -> list[GroupedChoice]:
    """(group, value, label) rows, already in order, as choices: a group with a heading becomes
    (heading, [(value, label), ...]); a row whose group has none stays a flat choice."""
    choices: list[GroupedChoice] = []
    for group, items in groupby(rows, key=lambda row: row[0]):
        pairs = [(value, label) for _group, value, label in items]
        if group in headings:
            choices.append((headings[group], pairs))
        else:
            choices.extend(pairs)
    return choices


def country_choices(key: str = "iso3") -> list[GroupedChoice]:
    """Every country or territory as (``key``, name), under a heading per status; plain tuples,
    no model instance for each of 213."""
    rows = sorted(
        MemberState.objects.values_list("status", key, "name"),
        key=lambda row: (STATUS_ORDER.get(row[0], len(STATUS_ORDER)), row[2]),
    )
    headings = {
        CountryStatus.MEMBER_STATE: CountryStatus.MEMBER_STATE.label,
        CountryStatus.OBSERVER_STATE: CountryStatus.OBSERVER_STATE.label,
        CountryStatus.TERRITORY: CountryStatus.TERRITORY.label,
    }
    return group_by_heading(rows, headings)


def type_choices(key: str = "code", types: QuerySet[AssistanceType] | None = None) -> list[GroupedChoice]:
    """The types as (``key``, name) in the typology's order, the technical areas and the mandated
    types each under their heading."""
    queryset = AssistanceType.objects.all() if types is None else types
    rows = queryset.order_by("position", "name").values_list("category", key, "name")
    headings = {category: AssistanceType.Category(category).label for category in TYPE_HEADINGS}
    return group_by_heading(rows, headings)
