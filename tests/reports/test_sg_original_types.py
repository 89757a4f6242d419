"""The Secretary-General's report counts the types of assistance of each decision to assist as it was
first communicated (the original decision), never as a later amendment changed them (issue 14)."""

import pytest
from django.urls import reverse

from requests_app.cases.versions import decision_in_force
from requests_app.reports.selectors_sg import build_sg_report
from tests.reports.helpers import END, START, Story, focal_point

pytestmark = pytest.mark.django_db
SG_PAGE = reverse("workspace:sg-report")


@pytest.fixture
def amended(time_machine, officer):
    """Ghana: assisted in the quarter with voter registration; amended in the quarter to training and
    results management instead."""
    story = Story(time_machine, officer)
    case = story.decide(story.ready(story.register("2026-01-05", "GHA"), "2026-01-15"), "2026-02-01")
    story.amend(case, "2026-03-01", types=("training", "results-management"))
    story.at("2026-04-01")
    return case


def counted_types(report):
    [table] = [table for table in report.tables() if table.key == "types"]
    return {row[0]: row[1:] for row in table.rows if row[1] or row[2]}


def test_the_types_are_those_of_the_original_decision_not_of_its_amendment(amended):
    _decision, in_force = decision_in_force(amended)
    assert in_force.types == ["Results management", "Training"]  # the amendment changed them

    report = build_sg_report(START, END)

    assert counted_types(report) == {"Voter registration": [1, 1]}
    [assisted] = [table for table in report.tables() if table.key == "assisted"]
    assert [(row[0], row[5]) for row in assisted.rows] == [("Ghana", "Voter registration")]


def test_the_page_says_it_counts_the_original_decisions(amended, client):
    client.force_login(focal_point())
    page = client.get(SG_PAGE, {"from": START.isoformat(), "to": END.isoformat()}).content.decode()
    assert "as they were first communicated, not as amended since" in page
    assert "A later amendment that changes the types, the period or the scope does not change the report" in page
