"""Cursor pagination: each page links to the next and the previous; a page stays right while rows are added.

Each list is ordered by a key that never changes for a row (an id, a code, a time with the id).
"""

from rest_framework.pagination import CursorPagination


class NewestFirst(CursorPagination):
    """Newest first: the cases, by the order they were registered."""

    ordering: str | tuple[str, ...] = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ByCode(NewestFirst):
    """Countries by their ISO 3166-1 alpha-3 code; types of assistance by theirs."""

    ordering = "code"


class ByIso3(NewestFirst):
    ordering = "iso3"


class Chronological(NewestFirst):
    """A case's history, oldest first, as the case page reads it."""

    ordering = ("created_at", "id")


class ById(NewestFirst):
    """The roster: experts in the order they were added."""

    ordering = "id"
