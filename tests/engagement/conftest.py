"""Fixtures of the country file's tests.

Ghana (African desk) has the engagement: cases over several years, an election ahead, decisions,
deployments, partner contributions and Trust Fund entries (the last three written directly: these
tests read them). ``desk_officer`` works on the African desk; ``other_desk`` is a team lead of the
Latin American desk, without view_all_cases; ``focal`` sees every case.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from requests_app.cases.choices import Stage
from requests_app.cases.models import RegionalDesk
from requests_app.core import roles
from requests_app.fund.models import LedgerEntry
from requests_app.partners.models import Partner, PartnerContribution
from requests_app.reference.models import RegionalGroup
from tests.factories import DeploymentFactory, case_in_stage, member_of, new_request


@pytest.fixture
def focal(db):
    return member_of(roles.FOCAL_POINT)


@pytest.fixture
def desk_officer(db):
    user = member_of(roles.ELECTORAL_OFFICER)
    RegionalDesk.objects.get(regional_group=RegionalGroup.AFRICAN).members.add(user)
    return user


@pytest.fixture
def other_desk(db):
    user = member_of(roles.TEAM_LEAD)
    RegionalDesk.objects.get(regional_group=RegionalGroup.LATIN_AMERICAN_CARIBBEAN).members.add(user)
    return user


def engagement(actor, count, state="GHA"):
    """``count`` cases of ``state``, one received every 60 days back from today, the newest first; every
    fifth one (the newest included) decided to assist, with an expert, a partner and an allocation."""
    partner = Partner.objects.get_or_create(name="European Union", defaults={"acronym": "EU", "kind": "regional"})[0]
    cases = []
    for number in range(count):
        fields = {"state": state, "received_days_ago": 5 + 60 * number, "election_in_days": 200}
        if number % 5 == 0:
            case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=actor, **fields)
            DeploymentFactory(
                case=case, recorded_by=actor, starts_on=timezone.localdate() - datetime.timedelta(days=10)
            )
            PartnerContribution.objects.create(
                case=case, partner=partner, kind="observers", people=12, recorded_by=actor
            )
            LedgerEntry.objects.create(
                kind="allocation",
                value_date=timezone.localdate(),
                case=case,
                amount=Decimal("1000.00"),
                currency="USD",
                usd_per_unit=Decimal(1),
                amount_usd=Decimal("1000.00"),
                purpose="project_support",
                recorded_by=actor,
            )
        else:
            case = new_request(actor=actor, **fields)
        cases.append(case)
    return cases
