"""The auditor's export of the history: who did what and when, in the user's scope, as CSV."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from requests_app.cases import services
from requests_app.cases.models import RegionalDesk
from requests_app.history.models import CaseEvent
from requests_app.reference.models import RegionalGroup
from tests.core.helpers import (
    AUDITOR,
    CLERK,
    FINANCE,
    FOCAL,
    LEAD,
    OFFICER,
    body_of,
    case_url,
    role_user,
)
from tests.factories import (
    new_request,
    user_with_perms,
)

pytestmark = pytest.mark.django_db


# The auditor's export of the history --------------------------------------------------------------

AUDIT_URL = reverse("workspace:audit-history-csv")
HISTORY_HEADER = ["When", "Case", "Member State", "Action", "From stage", "To stage", "By", "Comment", "Details"]


def history_csv(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    content = body_of(response)
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def name_of(user):
    return user.get_full_name() or user.username


def test_the_history_of_a_case_with_who_when_and_old_and_new_values(client, team, decided_case):
    registrar = team["registrar"]
    other = new_request(actor=registrar, state="PER")
    services.record_event(case=decided_case, actor=None, action="reminder_sent", details={"level": "overdue"})
    client.force_login(team[AUDITOR])

    response = client.get(AUDIT_URL, {"case": decided_case.reference})
    rows = history_csv(response)

    assert rows[0] == HISTORY_HEADER
    assert decided_case.reference in response["Content-Disposition"]
    events = list(decided_case.events.order_by("created_at", "id"))
    assert len(rows) == 1 + len(events)
    assert all(row[1] == decided_case.reference and row[2] == "Ghana" for row in rows[1:])
    assert other.reference not in body_of(client.get(AUDIT_URL, {"case": decided_case.reference})).decode()
    assert [row[3] for row in rows[1:]] == [str(e.action_label) for e in events]
    first = rows[1]
    assert first[0] == timezone.localtime(events[0].created_at).isoformat(" ", "seconds")
    assert (first[3], first[4], first[5], first[6]) == ("Request registered", "", "Received", name_of(registrar))
    review = next(row for row in rows if row[3] == "Acknowledge and start review")
    assert (review[4], review[5]) == ("Received", "Under review")
    edit = next(row for row in rows if row[3] == "Details edited")
    assert "Summary: old text → new text" in edit[8]
    assert rows[-1][3] == "Reminder sent" and rows[-1][6] == "EAS"


def test_the_history_of_a_period_counts_whole_days_in_the_current_time_zone(client, team, settings):
    settings.TIME_ZONE = "America/New_York"  # UTC-4 in May
    zone = timezone.get_current_timezone()
    case = new_request(actor=team["registrar"], state="PER")
    CaseEvent.objects.filter(case=case).delete()  # start from a blank page (as a test only can)

    def event_at(day, hour, minute, comment):
        at = datetime.datetime(2026, 5, day, hour, minute, tzinfo=zone)
        services.record_event(case=case, actor=team[FOCAL], action="details_updated", comment=comment, at=at)

    event_at(3, 23, 59, "before")
    event_at(4, 0, 0, "first day")
    event_at(6, 23, 59, "last day")  # 03:59 UTC on the 7th: still the 6th here
    event_at(7, 0, 0, "after")
    client.force_login(team[AUDITOR])

    rows = history_csv(client.get(AUDIT_URL, {"from": "2026-05-04", "to": "2026-05-06"}))

    assert [row[7] for row in rows[1:]] == ["first day", "last day"]
    assert rows[2][0] == "2026-05-06 23:59:00-04:00"
    one_case = history_csv(client.get(AUDIT_URL, {"case": case.reference, "from": "2026-05-06"}))
    assert [row[7] for row in one_case[1:]] == ["last day", "after"]
    until = history_csv(client.get(AUDIT_URL, {"case": case.reference, "to": "2026-05-03"}))
    assert [row[7] for row in until[1:]] == ["before"]


def test_the_export_keeps_to_the_users_scope(client, team):
    registrar = team["registrar"]
    ghana = new_request(actor=registrar, state="GHA")
    peru = new_request(actor=registrar, state="PER")
    # Someone who may export history but sees only the African desk's cases.
    desk_auditor = user_with_perms("view_assistancerequest", "export_history", is_staff=True)
    RegionalDesk.objects.get(regional_group=RegionalGroup.AFRICAN).members.add(desk_auditor)
    client.force_login(desk_auditor)
    today = timezone.localdate().isoformat()

    rows = history_csv(client.get(AUDIT_URL, {"from": today, "to": today}))
    assert {row[1] for row in rows[1:]} == {ghana.reference}
    assert client.get(AUDIT_URL, {"case": peru.reference}).status_code == 404
    assert client.get(AUDIT_URL, {"case": "EAS-1999-0001"}).status_code == 404


@pytest.mark.parametrize("role", [CLERK, OFFICER, LEAD, FOCAL, FINANCE])
def test_only_who_may_export_history_gets_it(client, team, role):
    case = new_request(actor=team["registrar"], state="GHA", officer=team[OFFICER])
    client.force_login(team[role])
    assert client.get(AUDIT_URL, {"case": case.reference}).status_code == 403
    assert client.get(reverse("workspace:audit")).status_code == 403
    assert "Export this history" not in client.get(case_url("workspace:case-detail", case)).content.decode()


def test_the_auditor_finds_the_export_on_the_case_page_and_on_its_own_page(client, team):
    case = new_request(actor=team["registrar"], state="GHA")
    client.force_login(team[AUDITOR])
    page = client.get(case_url("workspace:case-detail", case)).content.decode()
    assert "Export this history" in page
    assert f"{AUDIT_URL}?case={case.reference}" in page
    form = client.get(reverse("workspace:audit"), {"case": case.reference})
    assert form.status_code == 200
    assert f'value="{case.reference}"' in form.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2026-13-01"}, "This is not a date"),
        ({"from": "04/05/2026", "to": "2026-05-10"}, "YYYY-MM-DD"),
        ({"to": "yesterday"}, "This is not a date"),
        ({"from": "2026-05-10", "to": "2026-05-01"}, "ends before it starts"),
        ({}, "Give a case reference, a period, or both."),
        ({"case": "   "}, "Give a case reference, a period, or both."),
    ],
)
def test_bad_dates_answer_400_and_say_why(client, team, query, message):
    client.force_login(team[AUDITOR])
    response = client.get(AUDIT_URL, query)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "query", [{"from": "0001-01-01", "to": "9999-12-31"}, {"to": "9999-12-31"}, {"from": "0001-01-01"}]
)
def test_the_widest_period_exports_everything_without_error(client, team, settings, query):
    settings.TIME_ZONE = "Asia/Tokyo"  # ahead of UTC: the first day starts before year 1 in UTC
    case = new_request(actor=team["registrar"], state="GHA")
    client.force_login(team[AUDITOR])
    rows = history_csv(client.get(AUDIT_URL, query))
    assert [row[1] for row in rows[1:]] == [case.reference]


def test_history_cells_that_would_run_as_formulas_are_made_text(client, team):
    case = new_request(actor=team["registrar"], state="GHA")
    services.record_event(case=case, actor=team[FOCAL], action="details_updated", comment='=HYPERLINK("http://x")')
    client.force_login(team[AUDITOR])
    rows = history_csv(client.get(AUDIT_URL, {"case": case.reference}))
    assert rows[-1][7] == '\'=HYPERLINK("http://x")'


def test_the_export_costs_the_same_queries_for_3_or_30_entries(client, team):
    case = new_request(actor=team["registrar"], state="GHA")
    client.force_login(team[AUDITOR])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            history_csv(client.get(AUDIT_URL, {"case": case.reference}))
        return len(captured)

    for n in range(2):
        services.record_event(case=case, actor=team[FOCAL], action="details_updated", comment=f"edit {n}")
    few = queries()
    for n in range(27):
        actor = role_user(FOCAL) if n % 3 else None  # many different actors, and the system
        services.record_event(case=case, actor=actor, action="details_updated", comment=f"more {n}")
    assert queries() == few


def test_a_large_history_is_read_chunk_by_chunk(client, team, monkeypatch):
    from requests_app.history import exports

    monkeypatch.setattr(exports, "CHUNK_SIZE", 4)
    case = new_request(actor=team["registrar"], state="GHA")
    for n in range(10):
        services.record_event(case=case, actor=team[FOCAL], action="details_updated", comment=f"edit {n}")
    client.force_login(team[AUDITOR])
    rows = history_csv(client.get(AUDIT_URL, {"case": case.reference}))
    assert [row[7] for row in rows[2:]] == [f"edit {n}" for n in range(10)]
