"""Which of an object's related rows exist, asked in one statement, so a page skips its empty sections.

A case's page shows a dozen sections (documents, decisions, letters, deployments, the fund...), each
read by a query of its own: Django composes each one anew (0.3-1 ms of Python apiece, whatever it
finds), and a case just registered has nothing in most of them. ``load`` asks the database once
whether the object has any row in each relation named (``EXISTS``, an index probe each); then
``prefetch`` reads only the relations that hold rows (the others are cached empty, as a prefetch that
found nothing would leave them) and a section's reader asks ``holds`` before its query.

What ``load`` found is what the page shows, as with a prefetch: a reader that writes rows in a relation
while the page is composed says so with ``forget``. Nothing is known of a relation not loaded:
``holds`` answers True and the reader queries as before.
"""

from collections.abc import Iterable
from functools import cache

from django.db import connections, router
from django.db.models import ManyToManyField, ManyToManyRel, ManyToOneRel, Model, Prefetch, prefetch_related_objects
from django.db.models.constants import LOOKUP_SEP

_ATTRIBUTE = "_eas_presence"


@cache
def _statement(model: type[Model], names: tuple[str, ...], vendor: str) -> str:
    """``SELECT EXISTS (…), …``: one probe per relation, by the column that points at the object."""
    quote = connections[router.db_for_read(model)].ops.quote_name
    probes = []
    for name in names:
        relation = model._meta.get_field(name)
        if isinstance(relation, ManyToManyField):  # declared on this model
            rows, column = relation.remote_field.through, relation.m2m_column_name()
        elif isinstance(relation, ManyToManyRel):  # declared on the other model
            rows, column = relation.through, relation.field.m2m_reverse_name()
        elif isinstance(relation, ManyToOneRel) and not relation.one_to_one:
            rows, column = relation.field.model, relation.field.column
        else:
            raise ValueError(f"{model.__name__}.{name} is not a relation to many rows.")
        assert rows is not None  # the through model, set once the models are loaded
        probes.append(f"EXISTS (SELECT 1 FROM {quote(rows._meta.db_table)} WHERE {quote(column)} = %s)")
    return f"SELECT {', '.join(probes)}"


def load(instance: Model, names: Iterable[str]) -> dict[str, bool]:
    """Whether ``instance`` has any row in each relation named (a reverse foreign key or a many-to-many
    relation, by its accessor's name), in one statement; kept on the instance for ``holds``."""
    names = tuple(names)
    known = instance.__dict__.setdefault(_ATTRIBUTE, {})
    if not names:
        return known
    model = type(instance)
    connection = connections[router.db_for_read(model)]
    with connection.cursor() as cursor:
        cursor.execute(_statement(model, names, connection.vendor), [instance.pk] * len(names))
        row = cursor.fetchone()
    known.update((name, bool(found)) for name, found in zip(names, row, strict=True))
    return known


def holds(instance: Model, name: str) -> bool:
    """False only when ``load`` found no row in the relation; True when it found some or was not asked."""
    return instance.__dict__.get(_ATTRIBUTE, {}).get(name, True)


def forget(instance: Model, name: str) -> None:
    """Rows were written in the relation since ``load``: ``holds`` answers True again."""
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
    """``prefetch_related_objects([instance], *lookups)``, without a query for the relations ``load``
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
