"""Trigram indexes for the case list's search, on PostgreSQL.

The search looks for a text anywhere in a case's reference and summary (icontains, which
PostgreSQL runs as UPPER(column) LIKE UPPER('%text%')); no B-tree index can answer that, so
each search read the whole table: about 200 ms for the count alone on 100,000 cases. A GIN
index of trigrams answers it in a few milliseconds, once the search's conditions are all on
the case's own columns (its Member States as a list of ids, not a join), so PostgreSQL can
combine the indexes.

The expressions are the ones Django writes for icontains, or the indexes are not used. SQLite
has no such index: there, nothing happens. Not in the models' Meta.indexes, which would ask
SQLite for a GIN index too.
"""

from django.db import migrations

TABLE = "requests_app_assistancerequest"
INDEXES = {
    "case_reference_trgm": 'UPPER("reference"::text)',
    "case_summary_trgm": 'UPPER("summary")',
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # A trusted extension since PostgreSQL 13: the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{TABLE}" USING gin ({expression} gin_trgm_ops)')


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):

    dependencies = [
        ("requests_app", "0007_roles"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
