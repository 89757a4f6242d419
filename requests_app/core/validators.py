"""Bounds on text: names of people stay on one line, searches stay short.

A line break in a name broke the calendar feed (the name is its title) and a carriage return
injected a property into it. Names are refused with any control character (Unicode category Cc:
NUL, tab, line feed, carriage return, DEL…) and the line and paragraph separators U+2028/U+2029,
which some programs also read as a line break.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_BREAKING = {"Cc", "Zl", "Zp"}

# The longest search any list runs, in the workspace (its filter forms) and the admin
# (eas.middleware.BoundAdminSearchMiddleware). SQLite refuses a LIKE pattern over 50,000 bytes
# ("LIKE or GLOB pattern too complex"); no reference, name or phrase is near this long.
SEARCH_MAX_LENGTH = 200


def has_control_characters(value):
    return any(unicodedata.category(char) in _BREAKING for char in value)


def validate_single_line(value):
    if value and has_control_characters(value):
        raise ValidationError(
            _("Line breaks, tabs and other control characters are not allowed here."), code="control_characters"
        )
