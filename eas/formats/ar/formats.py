"""Arabic: a date with its time (Django has none for Arabic); the CLDR's separators (Latin digits)."""

DATETIME_FORMAT = "j F، Y H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
