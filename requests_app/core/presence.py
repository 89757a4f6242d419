"""Which of an object's related rows exist, asked in one statement, so a page skips its empty sections.

A case's page shows a dozen sections (documents, decisions, letters, deployments, the fund...), each
read by a query of its own, and joins a dozen tables for its single relations (its assessment, its
evaluation, who accepted the electoral body's request...): Django composes each query and each join
anew (0.3-1 ms of Python apiece, whatever it finds), and a case just registered has nothing in most
of them. ``ask`` asks the database once which relations of a row hold anything (``EXISTS``, an index
probe each; a foreign key: whether it is set), before the row is read, so its query joins only what
is there; ``remember`` keeps the answer on the instance; ``prefetch`` then reads only the relations
that hold rows (the others are cached empty, as a prefetch that found nothing would leave them) and a
section's reader asks ``holds`` before its query.

What was found is what the page shows, as with a prefetch: a reader that writes rows in a relation
while the page is composed says so with ``forget``. Nothing is known of a relation not asked about:
``holds`` answers True and the reader queries as before.
"""

from collections.abc import Iterable
from functools import cache
from typing import Any

from django.db import connections, router
from django.db.models import (
    ForeignKey,
    ManyToManyField,
    ManyToManyRel,
    ManyToOneRel,
    Model,
    OneToOneRel,
    Prefetch,
    prefetch_related_objects,
)
from django.db.models.constants import LOOKUP_SEP

_ATTRIBUTE = "_eas_presence"
_ROW = "presence_row"  # the alias of the row asked about, in the statement


def _column(model: type[Model], name: str) -> str:
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    column = getattr(field, "column", None)
    if not column:
        raise ValueError(f"{model.__name__}.{name} is not a column.")
    return column


@cache
def _statement(model: type[Model], names: tuple[str, ...], by: str, vendor: str) -> str:
    """``SELECT pk, EXISTS (…), … FROM model WHERE by = %s``: one probe per relation."""
    quote = connections[router.db_for_read(model)].ops.quote_name
    row = quote(_ROW)
    key = f"{row}.{quote(_column(model, 'pk'))}"
    probes = []
    for name in names:
        relation = model._meta.get_field(name)
        if isinstance(relation, ForeignKey):  # declared on this model (a one-to-one field too): is it set?
            probes.append(f"{row}.{quote(relation.column)} IS NOT NULL")
            continue
        if isinstance(relation, ManyToManyField):  # declared on this model
            rows, column = relation.remote_field.through, relation.m2m_column_name()
        elif isinstance(relation, ManyToManyRel):  # declared on the other model
            rows, column = relation.through, relation.field.m2m_reverse_name()
        elif isinstance(relation, ManyToOneRel):  # the other model's foreign key (or one-to-one) to this one
            rows, column = relation.field.model, relation.field.column
        else:
            raise ValueError(f"{model.__name__}.{name} is not a relation.")
        assert rows is not None  # the through model, set once the models are loaded
        table = quote(rows._meta.db_table)
        probes.append(f"EXISTS (SELECT 1 FROM {table} WHERE {table}.{quote(column)} = {key})")
    return (
        f"SELECT {', '.join([key, *probes])} FROM {quote(model._meta.db_table)} {row} "
        f"WHERE {row}.{quote(_column(model, by))} = %s"
    )


def ask(model: type[Model], names: Iterable[str], **lookup: Any) -> tuple[Any, dict[str, bool]] | None:
    """The primary key of the row of ``model`` found by ``lookup`` (one field: ``reference="…"``,
    ``pk=3``) and whether each relation named holds anything, in one statement; None: no such row.

    A relation is named by its accessor: a reverse foreign key or one-to-one, a many-to-many relation
    (either side), or a foreign key of the model (whether it is set)."""
    [(by, value)] = lookup.items()
    names = tuple(names)
    connection = connections[router.db_for_read(model)]
    with connection.cursor() as cursor:
        cursor.execute(_statement(model, names, by, connection.vendor), [value])
        row = cursor.fetchone()
    if row is None:
        return None
    return row[0], {name: bool(found) for name, found in zip(names, row[1:], strict=True)}


def remember(instance: Model, found: dict[str, bool]) -> None:
    """Keep what ``ask`` found on ``instance``, for ``holds`` and ``prefetch``; a reverse one-to-one
    found empty reads as absent without a query (``hasattr(case, "assessment")`` is False)."""
    instance.__dict__.setdefault(_ATTRIBUTE, {}).update(found)
    for name, present in found.items():
        relation = instance._meta.get_field(name)
        if not present and isinstance(relation, OneToOneRel) and not relation.is_cached(instance):
            relation.set_cached_value(instance, None)


def holds(instance: Model, name: str) -> bool:
    """False only when ``ask`` found no row in the relation; True when it found some or was not asked."""
    return instance.__dict__.get(_ATTRIBUTE, {}).get(name, True)


def forget(instance: Model, name: str) -> None:
    """Rows were written in the relation since ``ask``: ``holds`` answers True again."""
    instance.__dict__.get(_ATTRIBUTE, {}).pop(name, None)


def root(lookup: str | Prefetch) -> str:
    through = lookup.prefetch_through if isinstance(lookup, Prefetch) else lookup
    return through.split(LOOKUP_SEP, 1)[0]


def _cache_empty(instance: Model, lookup: str | Prefetch) -> None:
    """What prefetching a relation that holds no row leaves on the instance, without the query."""
    to_attr = lookup.to_attr if isinstance(lookup, Prefetch) else None
    if to_attr:
        setattr(instance, to_attr, [])
        return
    manager = getattr(instance, root(lookup))
    # A many-to-many manager names its cache; a reverse foreign key's is its relation's.
    cache_name = getattr(manager, "prefetch_cache_name", None) or manager.field.remote_field.cache_name
    empty = manager.model._default_manager.none()
    empty._result_cache = []
    empty._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}  # type: ignore[attr-defined]  # Django's own cache
    instance._prefetched_objects_cache[cache_name] = empty  # type: ignore[attr-defined]


def prefetch(instance: Model, *lookups: str | Prefetch) -> None:
    """``prefetch_related_objects([instance], *lookups)``, without a query for the relations ``ask``
    found empty: they are left as an empty prefetch leaves them (``case.documents.all()`` is an empty
    list, read with no query)."""
    present = []
    for lookup in lookups:
        if holds(instance, root(lookup)):
            present.append(lookup)
        else:
            _cache_empty(instance, lookup)
    if present:
        prefetch_related_objects([instance], *present)
