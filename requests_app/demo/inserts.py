"""Writing many rows at once, with the timestamps given, outside the services."""

from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

from django.core.management.base import CommandError
from django.db import connection
from django.db.models import FileField
from django.test.utils import override_settings
from django.utils import timezone

# A large data set, bulk-inserted --------------------------------------------------------


class _Now(Exception):
    """The next step of a simulated case would fall after the present moment."""


@contextmanager
def _timestamps_as_given(*models):
    """Let bulk_create keep the past dates given to auto_now / auto_now_add fields."""
    saved = []
    for model in models:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


@contextmanager
def _no_query_log():
    """Write without DEBUG's query log: it keeps the SQL of every statement and, on SQLite,
    runs a second query to quote its parameters, adding about half to the time of the inserts."""
    with override_settings(DEBUG=False):
        yield


class _Rows:
    """Builds instances of a model from positional values.

    ``Model(**fields)`` looks up every field's default and pops every keyword, several
    times the cost of the positional path, for a few hundred thousand instances. Values
    are given by attname; a field not given gets its default, so a field added to the
    model later still gets a value.
    """

    def __init__(self, model):
        self.model = model
        self.fields = [
            (f.attname, True, f.default)
            if f.has_default() and callable(f.default)
            else (f.attname, False, f.get_default())
            for f in model._meta.concrete_fields
        ]

    def __call__(self, **values):
        return self.model(
            *[
                values[name] if name in values else (default() if call else default)
                for name, call, default in self.fields
            ]
        )


class _PlainInsert:
    """Rows of one model written with plain INSERT statements.

    For the child rows whose ids nothing needs — history entries, elections, the two
    many-to-many tables: about 12 rows per case, two thirds of all rows. bulk_create
    passes each value through three or four field methods and assembles each row's SQL,
    which for these rows took longer than everything else together (about 35 s of a
    100,000-case run on SQLite). Values are converted as bulk_create would convert them
    (datetimes and dates by the backend, JSON by the field); a column added to the model
    later gets its default.
    """

    def __init__(self, model, columns):
        ops = connection.ops
        fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
        unknown = set(columns) - set(fields)
        if unknown:
            raise CommandError(f"{model.__name__} has no column {', '.join(sorted(unknown))}.")
        extra = [f for name, f in fields.items() if name not in columns]
        self.extra = tuple(
            ops.adapt_datetimefield_value(timezone.now())
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else f.get_db_prep_save(f.get_default(), connection)
            for f in extra
        )
        converters = {
            "DateTimeField": ops.adapt_datetimefield_value,
            "DateField": ops.adapt_datefield_value,
        }
        self.convert: list[tuple[int, Callable[..., Any]]] = []
        for index, name in enumerate(columns):
            field = fields[name]
            internal = field.get_internal_type()
            if internal == "JSONField":
                self.convert.append((index, lambda value, field=field: field.get_db_prep_save(value, connection)))
            elif internal in converters:
                self.convert.append((index, converters[internal]))
        quote = ops.quote_name
        names = [fields[name].column for name in columns] + [f.column for f in extra]
        table, columns_sql = quote(model._meta.db_table), ", ".join(quote(n) for n in names)
        self.insert = "INSERT INTO {} ({}) VALUES ({})".format(table, columns_sql, ", ".join(["%s"] * len(names)))
        # PostgreSQL loads rows fastest with COPY; elsewhere (SQLite) executemany runs one
        # prepared statement for all rows.
        self.copy = f"COPY {table} ({columns_sql}) FROM STDIN" if connection.vendor == "postgresql" else None

    def __call__(self, rows):
        if not rows:
            return 0
        if self.convert or self.extra:
            converted = []
            for row in rows:
                row = list(row)
                for index, convert in self.convert:
                    row[index] = convert(row[index])
                converted.append((*row, *self.extra))
            rows = converted
        with connection.cursor() as cursor:
            if self.copy is None:
                cursor.executemany(self.insert, rows)
            else:
                with cursor.copy(self.copy) as copy:
                    for row in rows:
                        copy.write_row(row)
        return len(rows)


class _CopyInsert:
    """Model instances whose ids are needed (cases, assessments, decisions, documents) written in bulk.

    On PostgreSQL the ids are taken from the table's sequence first, then the rows go in with
    COPY, values as they stand (every field of these models psycopg adapts itself, but a file,
    written by its name): bulk_create passed each value through its field and assembled each
    row's SQL, about two fifths of the time of a million-case seed. Elsewhere (SQLite),
    bulk_create, which reads the ids back.
    """

    def __init__(self, model, batch_size):
        self.model, self.batch_size = model, batch_size
        self.postgres = connection.vendor == "postgresql"
        fields = model._meta.concrete_fields
        self.attnames = [f.attname for f in fields]
        self.files = [index for index, f in enumerate(fields) if isinstance(f, FileField)]
        quote = connection.ops.quote_name
        self.table, self.pk_column = model._meta.db_table, model._meta.pk.column
        self.copy = f"COPY {quote(self.table)} ({', '.join(quote(f.column) for f in fields)}) FROM STDIN"

    def __call__(self, objs):
        if not objs:
            return 0
        if not self.postgres:
            self.model.objects.bulk_create(objs, batch_size=self.batch_size)
            return len(objs)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [self.table, self.pk_column, len(objs)],
            )
            for obj, pk in zip(objs, sorted(pk for (pk,) in cursor.fetchall()), strict=True):
                obj.pk = pk
            with cursor.copy(self.copy) as copy:
                for obj in objs:
                    row = [getattr(obj, name) for name in self.attnames]
                    for index in self.files:
                        row[index] = str(row[index] or "")
                    copy.write_row(row)
        for obj in objs:
            obj._state.adding, obj._state.db = False, connection.alias
        return len(objs)
