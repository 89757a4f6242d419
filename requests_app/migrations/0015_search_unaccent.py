"""Search that ignores accents both ways: "cote d'ivoire" finds Côte d'Ivoire, "côte" finds "cote".

PostgreSQL: the unaccent extension, behind an IMMUTABLE wrapper eas_unaccent (unaccent itself is
only STABLE, as its dictionary could change, and an index may only use immutable functions), and
a trigram index of UPPER(eas_unaccent(summary)) in place of 0008's index of UPPER(summary).

SQLite: the FTS5 trigram index of 0009 (whose tokenizer keeps accents in SQLite before 3.45)
holds the unaccented texts instead, written by triggers through eas_unaccent, a Python function
registered on every connection (requests_app.cases.search). It holds no copy of the texts (content=""):
only the case ids are read from it.
"""

from django.db import migrations

from requests_app.cases.search import register_sqlite_unaccent

TABLE = "requests_app_assistancerequest"
INDEX = "requests_app_case_search"
OLD_PG_INDEX = "case_summary_trgm"
PG_INDEX = "case_summary_unaccent_trgm"

SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {INDEX}_insert",
    f"DROP TRIGGER IF EXISTS {INDEX}_delete",
    f"DROP TRIGGER IF EXISTS {INDEX}_update",
    f"DROP TABLE IF EXISTS {INDEX}",
]
SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE {INDEX} USING fts5(reference, summary, tokenize="trigram", content="")""",
    f"""CREATE TRIGGER {INDEX}_insert AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {INDEX}(rowid, reference, summary)
        VALUES (new.id, eas_unaccent(new.reference), eas_unaccent(new.summary));
    END""",
    f"""CREATE TRIGGER {INDEX}_delete AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {INDEX}({INDEX}, rowid, reference, summary)
        VALUES ('delete', old.id, eas_unaccent(old.reference), eas_unaccent(old.summary));
    END""",
    f"""CREATE TRIGGER {INDEX}_update AFTER UPDATE OF reference, summary ON {TABLE} BEGIN
        INSERT INTO {INDEX}({INDEX}, rowid, reference, summary)
        VALUES ('delete', old.id, eas_unaccent(old.reference), eas_unaccent(old.summary));
        INSERT INTO {INDEX}(rowid, reference, summary)
        VALUES (new.id, eas_unaccent(new.reference), eas_unaccent(new.summary));
    END""",
    f"""INSERT INTO {INDEX}(rowid, reference, summary)
        SELECT id, eas_unaccent(reference), eas_unaccent(summary) FROM {TABLE}""",
]


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        register_sqlite_unaccent(connection)
        for statement in SQLITE_DROP + SQLITE_CREATE:
            schema_editor.execute(statement)
    elif connection.vendor == "postgresql":
        # Trusted since PostgreSQL 13: the database's owner may create it.
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        with connection.cursor() as cursor:
            cursor.execute("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'")
            schema = cursor.fetchone()[0]
        # The dictionary named, and both schema-qualified, so the result does not depend on search_path.
        schema_editor.execute(
            f"""CREATE OR REPLACE FUNCTION eas_unaccent(text) RETURNS text
            LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
            AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$"""
        )
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{PG_INDEX}" ON "{TABLE}" USING gin (UPPER(eas_unaccent("summary")) gin_trgm_ops)'
        )
        schema_editor.execute(f'DROP INDEX IF EXISTS "{OLD_PG_INDEX}"')


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        from importlib import import_module

        for statement in SQLITE_DROP + import_module("requests_app.migrations.0009_sqlite_search_index").CREATE:
            schema_editor.execute(statement)
    elif connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{OLD_PG_INDEX}" ON "{TABLE}" USING gin (UPPER("summary") gin_trgm_ops)'
        )
        schema_editor.execute(f'DROP INDEX IF EXISTS "{PG_INDEX}"')
        schema_editor.execute("DROP FUNCTION IF EXISTS eas_unaccent(text)")


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0014_case_stage_received_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
