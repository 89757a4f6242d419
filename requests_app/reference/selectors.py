"""Reads of the reference data that several pages share: the countries and the types, grouped the
way a user looks for them (Member States, then observer States, then territories; technical
assistance, then the other types, then those given only on a mandate)."""

from collections.abc import Iterable
from itertools import groupby
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext

from requests_app.core.text import folded
from requests_app.core.types import StrOrPromise
from requests_app.reference.models import AssistanceType, CountryStatus, LocalName, MemberState

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


def country_pairs(key: str = "iso3") -> list[tuple[Any, str]]:
    """Every country or territory as (``key``, name in the active language), by name."""
    pairs = MemberState.objects.annotate(local=LocalName()).values_list(key, "local")
    return sorted(pairs, key=lambda pair: name_order(pair[1]))


def country_choices(key: str = "iso3") -> list[GroupedChoice]:
    """Every country or territory as (``key``, name in the active language), under a heading per
    status, by name; plain tuples, no model instance for each of 213."""
    named = MemberState.objects.annotate(local=LocalName()).values_list("status", key, "local")
    rows = sorted(named, key=lambda row: (STATUS_ORDER.get(row[0], len(STATUS_ORDER)), name_order(row[2])))
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
    return group_by_heading(((category, value, gettext(name)) for category, value, name in rows), headings)


# The names of the countries in every language ------------------------------------------------


def local_names() -> dict[int, str]:
    """Every country's name in the active language, by id: for the rows of an export, read at once."""
    return dict(MemberState.objects.annotate(local=LocalName()).values_list("pk", "local"))


def searchable_countries() -> list[tuple[int, tuple[str, ...]]]:
    """Every country's id with its names in the six languages, folded as searches compare them."""
    return [
        (pk, tuple({folded(name), *(folded(other) for other in (names or {}).values())}))
        for pk, name, names in MemberState.objects.values_list("pk", "name", "names")
    ]


def matching(countries: list[tuple[int, tuple[str, ...]]], text: str) -> list[int]:
    """The ids of ``countries`` (searchable_countries) one of whose names holds the text."""
    wanted = folded(text.strip())
    if not wanted:
        return []
    return [pk for pk, names in countries if any(wanted in name for name in names)]


def countries_matching(text: str) -> list[int]:
    """The ids of the countries and territories one of whose names, in any of the six languages,
    holds the text; accents and case ignored ("cote", "Кот-д", "科特迪瓦" find Côte d'Ivoire).
    213 rows compared here, in Python: the same on every database, each name folded once."""
    if not text.strip():
        return []
    return matching(searchable_countries(), text)


def name_order(name: str) -> str:
    """How a list of countries is sorted in Python: by the name as read, accents and case aside."""
    return folded(name)
