"""Spanish: the thousands separator of the CLDR (a full stop)."""

THOUSAND_SEPARATOR = "."
