"""Confidentiality: the four levels of a document or note, and who may read each (README "Security").

One rule for every place a document or a note can be seen. Reading a level needs its permission:
public needs none (whoever sees the case reads it), internal needs ``read_internal_content``,
confidential ``read_confidential_content``, strictly confidential ``read_strictly_confidential_content``.
The roles hold them through their groups (migration 0022_confidentiality14); a person is granted one in the admin
(*Users*, permissions). Whether the user sees the case at all is the cases' scope, checked before:
this module answers only "may this user read content of this level".

Generic: it knows no domain. A domain that keeps something with a level (documents, notes,
correspondence) stores one of ``Level``'s values and asks ``may_read`` or ``readable``.
"""

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal")
    CONFIDENTIAL = "confidential", _("Confidential")
    STRICTLY_CONFIDENTIAL = "strictly_confidential", _("Strictly confidential")


# The permission each level needs to be read (public: none).
PERMISSIONS: dict[str, str] = {
    Level.INTERNAL: "requests_app.read_internal_content",
    Level.CONFIDENTIAL: "requests_app.read_confidential_content",
    Level.STRICTLY_CONFIDENTIAL: "requests_app.read_strictly_confidential_content",
}

# The levels whose every opening is recorded (who, when, what) for the auditor.
RECORDED: frozenset[str] = frozenset({Level.CONFIDENTIAL, Level.STRICTLY_CONFIDENTIAL})

RANK: dict[str, int] = {level: rank for rank, level in enumerate(Level.values)}
LEVEL_MAX_LENGTH = 24

_CACHE = "_eas_readable_levels"

M = TypeVar("M", bound=models.Model)


def readable_levels(user: Any) -> frozenset[str]:
    """The levels ``user`` may read, worked out once per user object. An inactive user reads none."""
    cached = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    if not getattr(user, "is_active", False):
        levels: frozenset[str] = frozenset()
    else:
        levels = frozenset(
            [Level.PUBLIC] + [level for level, permission in PERMISSIONS.items() if user.has_perm(permission)]
        )
    setattr(user, _CACHE, levels)
    return levels


def may_read(user: Any, level: str) -> bool:
    """Whether ``user`` may read the content of something at ``level`` (the case's scope aside)."""
    return level in readable_levels(user)


def readable(user: Any, queryset: QuerySet[M], field: str = "level") -> QuerySet[M]:
    """The rows of ``queryset`` whose level (the column ``field``) ``user`` may read."""
    return queryset.filter(**{f"{field}__in": sorted(readable_levels(user))})


def highest(levels: Iterable[str]) -> str:
    """The most restricted of ``levels`` (public when there are none)."""
    return max(levels, key=lambda level: RANK.get(level, len(RANK)), default=Level.PUBLIC)


def is_recorded(level: str) -> bool:
    """Whether opening something at ``level`` is written down for the auditor."""
    return level in RECORDED


def label(level: str) -> str:
    """The level as people read it ("Strictly confidential")."""
    return str(dict(Level.choices).get(level, level))
