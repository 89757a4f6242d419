"""French: the narrow no-break space between thousands, as the CLDR (and French typography) has it."""

THOUSAND_SEPARATOR = "\u202f"
