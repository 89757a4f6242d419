"""The briefing to Member States (para 3): every figure against a history counted by hand, the
period, and its fixed number of queries. The history: tests/reports/conftest.py.
"""

import datetime
import itertools
from collections import Counter, defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests_app.cases.choices import Basis, ImplementationModality, Stage
from requests_app.history.models import CaseEvent
from requests_app.reports.forms import ReportingPeriodForm, day_start, last_quarter
from requests_app.reports.selectors import AFTER_DECISION, ANSWERED, BEFORE_DECISION, build_briefing
from tests.factories import new_request
from tests.reports.helpers import (
    END,
    EXPECTED_ASSISTED,
    EXPECTED_REGIONS,
    EXPECTED_STATES,
    EXPECTED_TOTALS,
    EXPECTED_TYPES,
    START,
    UTC,
    F,
    Story,
    day,
)

pytestmark = pytest.mark.django_db


# Figures --------------------------------------------------------------------------------------


@pytest.mark.parametrize("read", ["forward", "backward"])
def test_every_figure_of_the_briefing_matches_the_hand_count(history, read):
    history.move_on()
    report = build_briefing(START, END, read=read)

    assert report.totals == EXPECTED_TOTALS
    assert report.declined_at_review == 1
    assert {iso3: state.figures for iso3, state in report.by_state.items()} == EXPECTED_STATES
    assert [state.name for state in report.by_state.values()] == [
        "Côte d'Ivoire",
        "Ghana",
        "Kenya",
        "Nepal",
        "Peru",
        "Türkiye",
        "Ukraine",
    ], "by name, accents aside"
    assert report.by_region == EXPECTED_REGIONS
    assert report.states_requesting == 4

    assert report.by_basis == {Basis.REQUEST: 6, Basis.MANDATE: 1, Basis.BOTH: 0}
    assert report.by_modality == {
        ImplementationModality.UNDP_PROJECT: 1,
        ImplementationModality.MISSION_COMPONENT: 0,
        ImplementationModality.ROSTER_EXPERTS: 1,
        ImplementationModality.OTHER: 0,
    }
    types = {code: (row.requests, row.states, row.per_region) for code, row in report.by_type.items() if row.requests}
    assert types == EXPECTED_TYPES
    assert len(report.by_type) == 22, "every type is listed, those not provided with zeros"
    assert report.decisions_to_assist == 3
    assert [(s.name, s.decided_to_assist, s.under_way, s.types) for s in report.states_assisted] == EXPECTED_ASSISTED
    assert dict(report.summary()) == {
        "Requests received": 7,
        "States and territories that made a request": 4,
        "Assisted": 2,
        "Assisted with a narrowed scope": 1,
        "Deferred": 1,
        "Declined": 2,
        "of which declined at review as ineligible": 1,
        "Withdrawn by the requesting state": 2,
        "Pending at the end of the period": 4,
        "States and territories assisted": 3,
        "Letters not considered: not requests (parties, civil society, persons)": 0,
    }


def test_a_past_period_stays_the_same_when_its_cases_move_on(history):
    before = build_briefing(START, END, now=datetime.datetime(2026, 4, 1, tzinfo=UTC))
    history.move_on()
    after = build_briefing(START, END, now=datetime.datetime(2026, 4, 1, tzinfo=UTC))
    assert after == before
    # The next quarter sees what moved on.
    second = build_briefing(datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    # Ukraine still waits, and so does Ghana's request of 1 April.
    assert second.totals == F(received=1, assisted=1, declined=1, withdrawn=1, pending=2)
    assert second.by_modality[ImplementationModality.OTHER] == 1


def read_forward(start, end):
    """What was pending at ``end`` and under way from ``start`` to ``end``, per Member State, from the
    events up to ``end`` alone, case by case: the definition the report reads back from today."""
    since, until = day_start(start), day_start(end + datetime.timedelta(days=1))
    seen = defaultdict(lambda: {"registered": False, "answered": False, "assisted": False, "ended": False})
    events = CaseEvent.objects.filter(created_at__lt=until).values_list(
        "case_id", "case__member_state__iso3", "action", "from_stage", "to_stage", "created_at"
    )
    for case_id, iso3, action, from_stage, to_stage, created_at in events:
        case = seen[case_id, iso3]
        case["registered"] |= action == "registered"
        case["answered"] |= from_stage in BEFORE_DECISION and to_stage in ANSWERED
        case["assisted"] |= action == "record_decision" and to_stage == Stage.DECISION_COMMUNICATED
        case["ended"] |= created_at < since and (
            action == "close" or (action == "withdraw" and from_stage in AFTER_DECISION)
        )
    pending, under_way = Counter(), Counter()
    for (_case_id, iso3), case in seen.items():
        pending[iso3] += case["registered"] and not case["answered"]
        under_way[iso3] += case["assisted"] and not case["ended"]
    return +pending, +under_way


DAYS = [
    "2025-06-01",
    "2025-09-01",
    "2025-10-01",
    "2025-12-01",
    "2025-12-15",
    "2025-12-20",
    "2026-01-01",
    "2026-01-05",
    "2026-02-15",
    "2026-03-20",
    "2026-03-31",
    "2026-04-01",
    "2026-04-12",
    "2026-05-04",
]


@pytest.mark.parametrize("read", ["forward", "backward"])
def test_both_ways_of_reading_the_history_give_what_it_says_up_to_the_period_end(history, read):
    history.move_on()
    for first, last in itertools.combinations_with_replacement(DAYS, 2):
        start, end = day(first), day(last)
        report = build_briefing(start, end, read=read)
        pending = {state.iso3: state.figures.pending for state in report.by_state.values() if state.figures.pending}
        under_way = {state.iso3: state.under_way for state in report.states_assisted if state.under_way}
        assert (pending, under_way) == read_forward(start, end), (first, last)


def test_the_days_of_the_period_are_both_included(history):
    assert build_briefing(day("2026-03-31"), day("2026-03-31")).totals == F(received=1, pending=4)
    assert build_briefing(day("2026-01-05"), day("2026-01-05")).totals.assisted == 1
    # Before Kenya's decision of 5 January: nothing received or answered; Ukraine, Nepal and Kenya wait.
    assert build_briefing(day("2026-01-01"), day("2026-01-04")).totals == F(pending=3)


def test_the_period_is_read_in_the_current_time_zone(history, settings):
    # 23:59 UTC on 31 March is already 1 April in Nairobi (UTC+3).
    settings.TIME_ZONE = "Africa/Nairobi"
    assert build_briefing(START, END).by_state["GHA"].figures.received == 0
    assert build_briefing(day("2026-04-01"), day("2026-04-01")).by_state["GHA"].figures.received == 1


def test_an_empty_period(db):
    report = build_briefing(START, END)
    assert report.totals == F()
    assert report.by_state == {} and report.states_assisted == []
    assert all(not figures for figures in report.by_region.values())


def test_the_number_of_queries_does_not_grow_with_the_cases(history, django_assert_num_queries, time_machine, officer):
    # Seven reading forward (a period in the older half of the history), eight backward.
    old, recent = (day("2025-07-01"), day("2025-09-30")), (START, END)
    for (start, end), queries in ((old, 7), (recent, 8)):
        with django_assert_num_queries(queries):
            build_briefing(start, end)
    story = Story(time_machine, officer)
    for iso3 in ("FRA", "GHA", "KEN", "PER", "NPL", "UKR"):
        for _ in range(3):
            ready = story.ready(story.register("2025-08-14", iso3), "2025-09-01")
            story.decide(ready, "2026-02-14", types=("voting-counting", "training"))
            story.register("2026-02-14", iso3)
    story.at("2026-04-01")
    for (start, end), queries in ((old, 7), (recent, 8)):
        with django_assert_num_queries(queries):
            report = build_briefing(start, end)
    assert report.totals.received == 7 + 18 and report.totals.assisted == 2 + 18


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_the_briefing_reads_as_of_one_moment(time_machine):
    time_machine.move_to(datetime.datetime(2026, 2, 2, 10, 0, tzinfo=UTC), tick=False)
    new_request(state="CIV")
    with CaptureQueriesContext(connection) as captured:
        report = build_briefing(START, END)
    assert report.totals == F(received=1, pending=1)
    if connection.vendor == "postgresql":
        # After the Member States and the types, first in its transaction (else PostgreSQL refuses it).
        sqls = [query["sql"] for query in captured.captured_queries]
        before = sqls[: sqls.index("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")]
        assert [sql for sql in before if sql != "BEGIN"] == sqls[:2]


# The period -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, error",
    [
        ({"from": "2026-13-01", "to": "2026-03-31"}, "This is not a date"),
        ({"from": "yesterday", "to": "2026-03-31"}, "This is not a date"),
        ({"from": "2026-03-31", "to": "2026-01-01"}, "ends before it starts"),
        ({"from": "2026-01-01"}, "last day of the period"),
        ({"to": "2026-01-01"}, "first day of the period"),
        ({"from": "2031-01-01", "to": "2031-03-31"}, "has not begun yet"),
    ],
)
def test_a_bad_period_is_refused_with_a_reason(data, error):
    form = ReportingPeriodForm(data, today=datetime.date(2026, 5, 4))
    assert not form.is_valid()
    assert error in str(form.errors)


def test_the_default_period_is_the_last_complete_quarter():
    assert last_quarter(datetime.date(2026, 5, 4)) == (START, END)
    assert last_quarter(datetime.date(2026, 1, 1)) == (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))
    form = ReportingPeriodForm({}, today=datetime.date(2026, 5, 4))
    assert form.is_valid() and form.period == (START, END)
