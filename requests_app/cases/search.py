"""Text search that ignores accents: "cote d'ivoire" finds Côte d'Ivoire, and "côte" finds "cote".

Both sides of a comparison go through the same function, eas_unaccent: on PostgreSQL the
unaccent extension behind an IMMUTABLE wrapper (an expression index needs one; migration
0015_search_unaccent), on SQLite the Python function below, registered on every connection.
"""

import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import Func, TextField

# Letters that carry their mark in the letter itself, so decomposition leaves them as they are;
# PostgreSQL's unaccent rules map them the same way.
LETTERS = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "ħ": "h",
        "Ħ": "H",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "TH",
    }
)


def unaccent(text):
    """The text without its accents and marks, case kept: "Côte d'Ivoire" → "Cote d'Ivoire"."""
    if text is None:
        return None
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


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
