"""Fixtures of the history's tests: the team of every role, and a case with a history."""

import pytest

from requests_app.cases import services
from requests_app.cases.choices import Stage
from tests.core.helpers import make_team
from tests.factories import case_in_stage


@pytest.fixture
def team(db):
    """Each role's user, the two desks, and the registrar (see ``make_team``)."""
    return make_team()


@pytest.fixture
def decided_case(team):
    case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=team["registrar"])
    services.record_details_changed(actor=team["registrar"], case=case, changes={"Summary": ["old text", "new text"]})
    return case
