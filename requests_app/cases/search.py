"""Text search that ignores accents: "cote d'ivoire" finds Côte d'Ivoire, and "côte" finds "cote".

Both sides of a comparison go through the same function, eas_unaccent: on PostgreSQL the
unaccent extension behind an IMMUTABLE wrapper (an expression index needs one; migration
0015_search_unaccent), on SQLite the Python function of requests_app.core.text, registered on every connection.
"""

from django.db.backends.signals import connection_created
from django.db.models import Func, TextField

from requests_app.core.text import unaccent

__all__ = ["Unaccent", "register_sqlite_unaccent", "unaccent"]


class Unaccent(Func):
    """eas_unaccent(expression) in SQL, on either database."""

    function = "eas_unaccent"
    output_field = TextField()


def register_sqlite_unaccent(connection):
    """Give an SQLite connection eas_unaccent: the search index's triggers call it (0013)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("eas_unaccent", 1, unaccent, deterministic=True)


def _on_connection_created(sender, connection, **kwargs):
    register_sqlite_unaccent(connection)


connection_created.connect(_on_connection_created, dispatch_uid="requests_app.cases.search.unaccent")
