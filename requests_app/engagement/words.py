"""What the country file writes hundreds of times, read once per page in the reader's language.

A label through ``get_FOO_display`` or a day through the template engine's ``date`` filter cost
tens of microseconds each; the country file of a country with 50 cases writes some two thousand
of them. These are read once (as the case list does, templatetags/eas.py case_rows) and reused.
"""

from datetime import date, datetime
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone

from requests_app.cases.choices import DecisionOutcome, ElectionType, ElectoralPhase, Origin, Stage
from requests_app.core.dates import local_day


class Words:
    def __init__(self) -> None:
        self.stages = {value: str(label) for value, label in Stage.choices}
        self.elections = {value: str(label) for value, label in ElectionType.choices}
        self.outcomes = {value: str(label) for value, label in DecisionOutcome.choices}
        self.phases = {value: str(label) for value, label in ElectoralPhase.choices}
        self.origins = {value: str(label) for value, label in Origin.choices}
        placeholder = "0"
        self._case_url = reverse("workspace:case-detail", args=[placeholder]).rpartition(placeholder)

    def day(self, value: date | datetime) -> str:
        """As the pages write a day in the active language (its DATE_FORMAT): 7 Dec 2026; a moment on its local day."""
        if isinstance(value, datetime):
            value = timezone.localdate(value)
        return local_day(value)

    def case_url(self, reference: str) -> str:
        prefix, _placeholder, suffix = self._case_url
        return f"{prefix}{quote(reference, safe='')}{suffix}"
