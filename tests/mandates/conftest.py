"""Fixtures of the mandates' tests: who records mandates, and a frozen day."""

import datetime

import pytest

from tests.factories import mandate_clerk

NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 3, 10)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def recorder(db):
    """The intake desk: records mandates and registers cases."""
    return mandate_clerk()
