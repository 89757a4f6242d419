"""Fixtures of the post-electoral phase: an officer of the African desk with a case of theirs in
reporting (Ghana), the focal point who closes, and the superuser who brings cases there."""

import pytest

from requests_app.cases.choices import Stage
from requests_app.cases.models import RegionalDesk
from requests_app.core import roles
from requests_app.reference.models import RegionalGroup
from tests.factories import UserFactory, case_in_stage, member_of


@pytest.fixture
def registrar(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def desk_officer(db):
    user = member_of(roles.ELECTORAL_OFFICER, first_name="Leila", last_name="Haddad")
    RegionalDesk.objects.get(regional_group=RegionalGroup.AFRICAN).members.add(user)
    return user


@pytest.fixture
def focal(db):
    return member_of(roles.FOCAL_POINT, first_name="Hanna", last_name="Lindqvist")


@pytest.fixture
def reporting(registrar, desk_officer):
    """A case of the officer's in reporting (Ghana): the post-electoral phase is open."""
    return case_in_stage(Stage.REPORTING, actor=registrar, officer=desk_officer, state="GHA")
