"""Chinese: thousands grouped by three with commas, as the CLDR and the United Nations' Chinese texts do."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
