"""EAS's own date and number formats per language (settings.FORMAT_MODULE_PATH), over Django's.

English: the day before the month, as the United Nations write it (7 Dec 2026), as the pages always
did. Numbers: the separators of the Unicode CLDR (what babel formats money with), so that a count and
an amount on the same page group their digits alike. Each module sets only what differs from Django's.
"""
