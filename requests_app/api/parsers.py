"""JSON bodies as the database can store them."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _texts(value):
    """Every string in a parsed JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _unicode(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class StrictJSONParser(JSONParser):
    """JSON, refusing text no database can store: a lone surrogate ("\\ud800" is valid JSON, not valid
    Unicode: neither PostgreSQL nor SQLite can be sent it) and a NUL character (PostgreSQL refuses it)."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        for text in _texts(data):
            if not _unicode(text):
                raise ParseError(_("The JSON holds text that is not valid Unicode (a lone surrogate)."))
            if "\x00" in text:
                raise ParseError(_("The JSON holds a NUL character, which no field accepts."))
        return data
