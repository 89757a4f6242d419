"""Fixtures of who took part: an officer of the African desk with cases of theirs (Ghana) at the stages
where members, consultations, vehicles and notices are recorded, the focal point who tells, and the
superuser who brings the cases there."""

import pytest

from requests_app.cases.choices import AssessmentMethod, Stage
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
def colleague(db):
    """An officer of the same desk: reads the officer's cases, works on none of them."""
    user = member_of(roles.ELECTORAL_OFFICER, first_name="Omar", last_name="Sy")
    RegionalDesk.objects.get(regional_group=RegionalGroup.AFRICAN).members.add(user)
    return user


@pytest.fixture
def focal(db):
    return member_of(roles.FOCAL_POINT, first_name="Hanna", last_name="Lindqvist")


@pytest.fixture
def mission(registrar, desk_officer):
    """A case of the officer's whose needs a mission assesses (Ghana)."""
    return case_in_stage(
        Stage.NEEDS_ASSESSMENT, actor=registrar, officer=desk_officer, state="GHA", method=AssessmentMethod.MISSION
    )


@pytest.fixture
def desk_review(registrar, desk_officer):
    return case_in_stage(Stage.NEEDS_ASSESSMENT, actor=registrar, officer=desk_officer, state="GHA")


@pytest.fixture
def implementing(registrar, desk_officer):
    """A case of the officer's in implementation, on the government's request (Ghana)."""
    return case_in_stage(Stage.IN_IMPLEMENTATION, actor=registrar, officer=desk_officer, state="GHA")


@pytest.fixture
def on_mandate(registrar, desk_officer):
    """A case in implementation on a Security Council mandate alone (Ghana)."""
    return case_in_stage(
        Stage.IN_IMPLEMENTATION, actor=registrar, officer=desk_officer, state="GHA", mandate="security_council"
    )
