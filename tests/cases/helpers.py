"""What the tests of the case list share: its address, the references it lists, cases to search."""

import datetime

from django.urls import reverse
from django.utils import timezone

from tests.factories import new_request, set_due

LIST = reverse("workspace:case-list")


def listed(client, query=""):
    response = client.get(LIST + query)
    assert response.status_code == 200
    return [case.reference for case in response.context["page"].object_list]


def cases_of_kits(officer, count, *, states=("GHA", "PER", "NPL", "FRA"), days=7, every=3, due_days=5):
    """``count`` cases whose summaries say "Kits", of varied countries, days received, officers (none
    on every ``every``th) and deadlines: a search's matches to sort by any column."""
    for number in range(count):
        case = new_request(
            actor=officer,
            state=states[number % len(states)],
            received_days_ago=number % days,
            summary=f"Kits, batch {number}.",
            officer=officer if number % every else None,
        )
        set_due(case, timezone.now() + datetime.timedelta(days=number % due_days, hours=number))
