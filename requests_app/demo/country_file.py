"""The benchmark's country file: one country with 50 cases and 2,000 history entries at 100,000 cases.

The bulk seeder draws each case's country by region, which gives every country hundreds of cases
at 100,000; a desk's real country file holds tens. So one country is left out of that draw and
given one case per ``CASES_PER_BULK`` bulk cases instead (50 at 100,000, counting those it has
already), each with a long history: reminders, deadline changes and notes between its steps, to
``EVENTS_PER_CASE`` entries a case on average (issue 13: "a country with 50 cases and 2,000 events").
"""

import math
from datetime import timedelta

from requests_app.cases.models import AssistanceRequest
from requests_app.history.models import CaseEvent

COUNTRY_FILE_STATE = "LBR"  # Liberia: also one of the demo's countries with several engagements
CASES_PER_BULK = 2000
CASES = 50
EVENTS_PER_CASE = 40

NOTES = [
    "Call with the Resident Coordinator's office on the electoral calendar.",
    "The electoral commission shared its revised budget.",
    "Briefing of the donors' group on the support to the electoral cycle.",
    "The Permanent Mission asked for an update on the assistance.",
    "Note for the file: the electoral law amendments were adopted by parliament.",
]
LEVELS = ["warning", "overdue", "team_lead"]


class CountryFilePlan:
    """Which of a bulk run's cases go to the country file's country, and how long their histories are."""

    def __init__(self, count, state):
        self.state = state
        present = AssistanceRequest.objects.filter(member_state=state)
        cases_before = present.count() if state is not None else 0
        events_before = CaseEvent.objects.filter(case__in=present).count() if state is not None else 0
        wanted = min(math.ceil(count / CASES_PER_BULK), max(0, CASES - cases_before)) if state is not None else 0
        # Spread over the run, so the country's cases span the years as the others do.
        self.slots = {round(i * (count - 1) / max(wanted - 1, 1)) for i in range(wanted)} if count else set()
        entries = max(0, EVENTS_PER_CASE * (cases_before + len(self.slots)) - events_before)
        base, extra = divmod(entries, len(self.slots) or 1)
        self.entries = [base + (1 if i < extra else 0) for i in range(len(self.slots))]

    def state_for(self, index):
        return self.state if index in self.slots else None

    def lengthen(self, record, rng, officer):
        """Add entries to a country-file case's history, between its first and last, up to its share."""
        events = record["events"]
        wanted = self.entries.pop() - len(events)
        first, last = events[0][4], events[-1][4]
        span = (last - first).total_seconds()
        for _ in range(max(0, wanted)):
            at = first + timedelta(seconds=rng.random() * span)
            kind = rng.random()
            if kind < 0.5:
                details = {"level": rng.choice(LEVELS), "to": "officer@eas.example.org", "due": at.isoformat()}
                events.append([None, "reminder_sent", "", "", at, "", details])
            elif kind < 0.7:
                later = at + timedelta(days=rng.randrange(3, 20))
                details = {"from": at.isoformat(), "to": later.isoformat(), "reason": "elections"}
                events.append([None, "deadline_changed", "", "", at, "", details])
            else:
                events.append([officer, "details_updated", "", "", at, rng.choice(NOTES), {}])
        # The registration stays first, whatever the draw: the history starts with it.
        events[1:] = sorted(events[1:], key=lambda event: event[4])
