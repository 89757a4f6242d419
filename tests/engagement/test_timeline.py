"""The country file's timeline: columns by month, quarter or year; one lane per case with its span,
elections, decisions and deployments; neighbouring columns that look the same merged into one cell."""

import datetime

import pytest
from django.utils import timezone

from requests_app.cases.choices import Stage
from requests_app.engagement import selectors, timeline
from requests_app.engagement.words import Words
from tests.engagement.conftest import engagement

D = datetime.date


@pytest.mark.parametrize(
    ("first", "last", "unit", "count"),
    [
        (D(2025, 1, 15), D(2026, 12, 1), "month", 24),
        (D(2024, 1, 1), D(2026, 12, 31), "month", 36),
        (D(2024, 1, 1), D(2027, 1, 1), "quarter", 13),
        (D(2014, 2, 1), D(2026, 11, 30), "quarter", 52),
        (D(2001, 5, 1), D(2026, 11, 30), "year", 26),
    ],
)
def test_the_columns_follow_the_length_of_the_engagement(first, last, unit, count):
    periods = timeline.Periods(first, last)

    assert (periods.unit, periods.count) == (unit, count)
    assert periods.index(first) == 0 and periods.index(last) == count - 1
    assert sum(span for _year, span in periods.years()) == count


def test_a_quarter_column_holds_its_three_months():
    periods = timeline.Periods(D(2020, 2, 10), D(2026, 1, 1))

    assert periods.index(D(2020, 1, 1)) == periods.index(D(2020, 3, 31)) == 0
    assert periods.index(D(2020, 4, 1)) == 1
    assert [periods.label(i) for i in range(5)] == ["Q1", "Q2", "Q3", "Q4", "Q1"]
    assert periods.years()[:2] == [(2020, 4), (2021, 4)]


def test_a_lane_is_a_few_cells_that_cover_every_column(db):
    lane = timeline._Lane(span=(3, 20, "on open"), bands=[(5, 8, "Expert")])
    lane.mark(10, timeline.Mark("decision", "Decision: Assist, 1 Jan 2026"))

    cells = lane.cells(40, now=20)

    assert sum(cell.span for cell in cells) == 40
    assert [(cell.span, cell.classes) for cell in cells] == [
        (3, ""),
        (2, "on open"),
        (4, "on open deployed"),
        (1, "on open"),
        (1, "on open"),  # the decision's column, a cell of its own
        (9, "on open"),
        (1, "on open today"),
        (19, ""),
    ]
    assert cells[4].marks[0].kind == "decision" and cells[4].title == "Decision: Assist, 1 Jan 2026"
    assert cells[2].title == "Expert"


@pytest.mark.django_db
def test_the_lanes_show_each_case_its_elections_decisions_and_deployments(officer, focal):
    cases = engagement(officer, 6)
    today = timezone.localdate()
    file = selectors.country_file(cases[0].member_state, focal, today)

    drawn = timeline.build(file.rows("cases"), file.rows("decisions"), file.rows("deployments"), today, Words())

    assert drawn.unit == "month"
    assert [lane.case for lane in drawn.lanes] == [None, *file.rows("cases")]
    elections = drawn.lanes[0]
    assert sum(len(cell.marks) for cell in elections.cells) == 6
    newest = drawn.lanes[1]
    kinds = [mark.kind for cell in newest.cells for mark in cell.marks]
    assert sorted(kinds) == ["decision", "election"]
    assert any("deployed" in cell.classes for cell in newest.cells)
    assert "Decision: Assist" in newest.text and "Expert deployed" in newest.text
    for lane in drawn.lanes:
        assert sum(cell.span for cell in lane.cells) == len(drawn.periods)
    assert [holds_today for _label, holds_today in drawn.periods].count(True) == 1
    assert all(case.stage != Stage.CLOSED for case in file.rows("cases"))


def test_no_case_no_timeline():
    assert timeline.build([], [], [], D(2026, 1, 1), Words()) is None


@pytest.mark.django_db
def test_a_long_engagement_draws_its_latest_cases_and_says_how_many_are_left_to_the_list(
    officer, focal, monkeypatch, client
):
    from django.urls import reverse

    monkeypatch.setattr(timeline, "MAX_LANES", 3)
    cases = engagement(officer, 5)
    client.force_login(focal)

    response = client.get(reverse("workspace:country-file", args=["GHA"]))

    drawn = response.context["timeline"]
    assert [lane.case for lane in drawn.lanes[1:]] == cases[:3] and drawn.left_out == 2
    assert "The timeline draws the 3 latest cases; 2 older cases are in the list of cases below." in (
        response.content.decode()
    )
    assert len(response.context["file"].rows("cases")) == 5
