"""Fixtures of the correspondence tests: people in each role, on the desks of Ghana (African) and Peru."""

import pytest

from requests_app.core import roles
from tests.correspondence.helpers import in_role


@pytest.fixture
def clerk_role(db):
    return in_role(roles.INTAKE_CLERK)


@pytest.fixture
def ghana_officer(db):
    """An electoral officer of the African desk."""
    return in_role(roles.ELECTORAL_OFFICER, desk_of="GHA")


@pytest.fixture
def peru_officer(db):
    """An electoral officer of the Latin American desk."""
    return in_role(roles.ELECTORAL_OFFICER, desk_of="PER")


@pytest.fixture
def focal_point(db):
    return in_role(roles.FOCAL_POINT)


@pytest.fixture
def finance(db):
    return in_role(roles.FINANCE)
