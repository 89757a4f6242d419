"""Fixtures of the API's tests: users in their roles, on a desk, and a client that sends their token."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from requests_app.cases.models import RegionalDesk
from requests_app.core import roles
from requests_app.reference.models import RegionalGroup
from tests.factories import member_of


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttling counts in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def token_client(user):
    """A client that sends ``user``'s token, as a program would (no session, no CSRF)."""
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def on_desk(user, group=RegionalGroup.AFRICAN, *, lead=False):
    desk, _ = RegionalDesk.objects.get_or_create(regional_group=group)
    if lead:
        desk.team_lead = user
        desk.save()
    else:
        desk.members.add(user)
    return user


@pytest.fixture
def focal_point(db):
    return member_of(roles.FOCAL_POINT, username="focal")


@pytest.fixture
def african_officer(db):
    """An electoral officer of the African desk: sees its cases, acts on those assigned to them."""
    return on_desk(member_of(roles.ELECTORAL_OFFICER, username="officer-africa"))


@pytest.fixture
def african_lead(db):
    return on_desk(member_of(roles.TEAM_LEAD, username="lead-africa"), lead=True)


@pytest.fixture
def finance(db):
    return member_of(roles.FINANCE, username="finance")
