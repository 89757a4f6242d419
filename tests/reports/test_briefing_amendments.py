"""The briefing counts a decision amended (issue 13) as its version in force for the period."""

import pytest

from requests_app.reports.selectors import build_briefing
from tests.reports.helpers import END, START, F, Story, day

pytestmark = pytest.mark.django_db


def types_of(report):
    return {code: figures.requests for code, figures in report.by_type.items() if figures.requests}


@pytest.fixture
def amended(time_machine, officer):
    """Ghana: assisted in the quarter (voter registration), amended in it (and voting and counting operations), amended
    again after it (training only)."""
    story = Story(time_machine, officer)
    case = story.decide(story.ready(story.register("2026-01-05", "GHA"), "2026-01-15"), "2026-02-01")
    story.amend(case, "2026-03-01", types=("voter-registration", "voting-counting"))
    story.at("2026-04-01")
    return story, case


@pytest.mark.parametrize("read", ["forward", "backward"])
def test_the_types_are_those_of_the_version_in_force_at_the_end_of_the_period(amended, read):
    report = build_briefing(START, END, read=read)
    assert types_of(report) == {"voter-registration": 1, "voting-counting": 1}
    assert report.by_state["GHA"].types == ["Voter registration", "Voting and counting operations"]


def test_an_amendment_after_the_period_leaves_its_report_as_it_was(amended):
    story, case = amended
    before = build_briefing(START, END)
    story.amend(case, "2026-04-10", types=("training",))

    after = build_briefing(START, END)

    assert types_of(after) == types_of(before) == {"voter-registration": 1, "voting-counting": 1}
    assert after.by_state["GHA"].types == before.by_state["GHA"].types


def test_an_amendment_is_not_a_second_response_to_the_request(amended):
    story, case = amended
    story.amend(case, "2026-04-10", types=("training",))

    quarter = build_briefing(START, END)
    next_quarter = build_briefing(day("2026-04-01"), day("2026-06-30"))

    assert quarter.totals == F(received=1, assisted=1)
    assert next_quarter.totals == F()  # the assistance goes on; no new decision, no new type decided
    assert types_of(next_quarter) == {}
    assert [state.iso3 for state in next_quarter.states_assisted] == ["GHA"]  # under way in it


def test_an_unamended_decision_counts_as_decided(time_machine, officer):
    story = Story(time_machine, officer)
    story.decide(story.ready(story.register("2026-01-05", "GHA"), "2026-01-15"), "2026-02-01", types=("training",))
    story.at("2026-04-01")
    assert types_of(build_briefing(START, END)) == {"training": 1}
