"""English: the day, the month's short name, the year: 7 Dec 2026, as the pages always wrote it
(Django's English is American: Dec. 7, 2026)."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
