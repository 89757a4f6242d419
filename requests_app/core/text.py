"""Text compared the way people type it: accents and case ignored ("cote d'ivoire" finds Côte d'Ivoire).

The case list's search (requests_app.cases.search) runs ``unaccent`` in SQL too; the country names
of every language (reference.selectors) are compared here, folded once each.
"""

import functools
import unicodedata

from django.utils.translation import get_language_bidi

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


@functools.lru_cache(maxsize=8192)
def folded(text):
    """The text as searches compare it: without accents or marks, case folded. Cached: the same
    few hundred country names are folded for every search."""
    return unaccent(text).casefold()


def arrow() -> str:
    """The arrow from what was to what is, pointing the way the active language reads ("→"; "←" in
    Arabic: an arrow is not mirrored by the browser's bidirectional layout, as brackets are)."""
    return "←" if get_language_bidi() else "→"
