"""Fixtures of the roster's tests.

Users are fresh members of the real groups (migrations 0007 and 0011): the officer works on the
African desk, whose team lead is ``lead``; Ghana is the officer's case, Kenya a desk colleague's,
Peru a case outside the desk.
"""

import pytest

from requests_app.cases.models import RegionalDesk
from requests_app.core import roles
from requests_app.reference.models import RegionalGroup
from requests_app.roster import services
from tests.factories import (
    ExpertFactory,
    UserFactory,
    member_state,
    new_request,
)
from tests.roster.helpers import NOW, D, deploy, role_user


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def team(db):
    people = {
        "officer": role_user(roles.ELECTORAL_OFFICER),
        "colleague": role_user(roles.ELECTORAL_OFFICER),
        "andean": role_user(roles.ELECTORAL_OFFICER),
        "lead": role_user(roles.TEAM_LEAD),
        "focal": role_user(roles.FOCAL_POINT),
        "clerk": role_user(roles.INTAKE_CLERK),
        "finance": role_user(roles.FINANCE),
        "auditor": role_user(roles.AUDITOR),
        "nobody": role_user(None),
        "registrar": UserFactory(is_staff=True, is_superuser=True),
    }
    african = RegionalDesk.objects.get(regional_group=RegionalGroup.AFRICAN)
    african.team_lead = people["lead"]
    african.save()
    african.members.add(people["officer"], people["colleague"])
    RegionalDesk.objects.get(regional_group=RegionalGroup.LATIN_AMERICAN_CARIBBEAN).members.add(people["andean"])
    return people


@pytest.fixture
def cases(team, frozen):
    registrar = team["registrar"]
    return {
        "ghana": new_request(actor=registrar, state="GHA", officer=team["officer"]),
        "kenya": new_request(actor=registrar, state="KEN", officer=team["colleague"]),
        "peru": new_request(actor=registrar, state="PER", officer=team["andean"]),
    }


@pytest.fixture
def amina(db):
    return ExpertFactory(given_name="Amina", family_name="Diallo", nationality=member_state("SEN"))


@pytest.fixture
def booked(team, cases, amina):
    """Amina is deployed to Ghana from 10 to 20 March 2026."""
    return deploy(team["officer"], cases["ghana"], amina, D(2026, 3, 10), D(2026, 3, 20))


@pytest.fixture
def roster(team, cases, frozen):
    """Eight experts, counted by hand below; Amina booked 10-20 March; Carlos's booking cancelled."""
    experts = {
        "amina": ExpertFactory(
            given_name="Amina",
            family_name="Diallo",
            gender="female",
            nationality=member_state("SEN"),
            expertise=["legal-framework", "dispute-resolution"],
            languages=["fr", "en"],
        ),
        "carlos": ExpertFactory(
            given_name="Carlos",
            family_name="Mendes",
            gender="male",
            nationality=member_state("BRA"),
            expertise=["voter-registration", "voting-counting"],
            languages=["pt", "es", "en"],
        ),
        "olena": ExpertFactory(
            given_name="Olena",
            family_name="Kovalenko",
            gender="female",
            nationality=member_state("UKR"),
            expertise=["results-management"],
            languages=["uk", "ru", "en"],
        ),
        "mei": ExpertFactory(
            given_name="Mei",
            family_name="Lin",
            gender="female",
            nationality=member_state("CHN"),
            expertise=["training", "civic-education"],
            languages=["zh", "en"],
        ),
        "jean": ExpertFactory(
            given_name="Jean",
            family_name="Dupont",
            gender="male",
            nationality=member_state("FRA"),
            expertise=["legal-framework"],
            languages=["fr", "en"],
            available_from=D(2026, 6, 1),
        ),
        "ahmed": ExpertFactory(
            given_name="Ahmed",
            family_name="Hassan",
            gender="male",
            nationality=member_state("EGY"),
            expertise=["electoral-security"],
            languages=["ar", "en", "fr"],
            is_active=False,
        ),
        "sam": ExpertFactory(
            given_name="Sam",
            family_name="Taylor",
            gender="other",
            nationality=member_state("NZL"),
            expertise=["results-management", "voter-registration"],
            languages=["en"],
            available_until=D(2026, 4, 30),
        ),
        "priya": ExpertFactory(
            given_name="Priya",
            family_name="Rao",
            gender="undisclosed",
            nationality=member_state("IND"),
            expertise=["voting-counting", "procurement"],
            languages=["hi", "en"],
        ),
    }
    deploy(team["officer"], cases["ghana"], experts["amina"], D(2026, 3, 10), D(2026, 3, 20))
    cancelled = deploy(team["andean"], cases["peru"], experts["carlos"], D(2026, 3, 1), D(2026, 3, 5))
    services.cancel_deployment(actor=team["andean"], deployment=cancelled, comment="Visa refused.")
    return experts
