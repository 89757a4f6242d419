"""Ids that come from a URL (a path or a parameter): one rule for all.

An id is ASCII digits within the range of a 64-bit signed integer (Django's BigAutoField).
``str.isdigit`` is not that rule: it accepts "²" and "٣", which ``int`` refuses or reads as
another number, and neither bounds the length: 5,000 digits make ``int`` raise, and
9223372036854775808 overflows SQLite's INTEGER.
"""

import re

MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value):
    """The id ``value`` spells, or None when it spells none."""
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if number <= MAX_ID else None


class IdConverter:
    """``<id:name>`` in a URL pattern: parse_id's rule; anything else does not match (404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value):
        number = parse_id(value)
        if number is None:
            raise ValueError(value)
        return number

    def to_url(self, value):
        return str(value)
