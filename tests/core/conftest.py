"""Fixtures of the access tests: one user per role, in the real groups (tests/core/helpers.py)."""

import pytest

from tests.core.helpers import make_team


@pytest.fixture
def team(db):
    """Each role's user, the two desks, and the registrar (see ``make_team``)."""
    return make_team()
