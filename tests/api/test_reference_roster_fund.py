"""Countries, types of assistance, the roster and the Trust Fund's balance through the API."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app.core import roles
from requests_app.fund import services as fund
from requests_app.fund.models import TrustFundSettings
from tests.api.conftest import token_client
from tests.factories import DeploymentFactory, ExpertFactory, UserFactory, member_of, new_request

pytestmark = pytest.mark.django_db


def test_countries_are_listed_by_code_with_their_status_and_region(african_officer):
    body = token_client(african_officer).get(reverse("api:country-list"), {"page_size": 200}).json()
    codes = [row["iso3"] for row in body["results"]]
    assert codes == sorted(codes)
    rows = {row["iso3"]: row for row in body["results"]}
    assert rows["GHA"]["name"] == "Ghana" and rows["GHA"]["region"] == "AFRICAN"
    assert body["next"]  # 213 countries and territories: a second page


def test_the_types_of_assistance_give_the_codes_the_actions_take(african_officer):
    rows = token_client(african_officer).get(reverse("api:assistance-type-list")).json()["results"]
    codes = {row["code"]: row for row in rows}
    assert codes["voter-registration"]["name"] == "Voter registration"
    assert codes["observation"]["requires_mandate"] is True


def test_the_roster_lists_experts_with_its_filters_and_hides_cases_outside_the_readers_scope(african_officer):
    ghana = new_request(state="GHA")
    brazil = new_request(state="BRA")
    today = timezone.localdate()
    at_home = ExpertFactory(given_name="Ama", family_name="Mensah")
    abroad = ExpertFactory(given_name="João", family_name="Silva")
    DeploymentFactory(expert=at_home, case=ghana, starts_on=today, ends_on=today + datetime.timedelta(days=9))
    DeploymentFactory(expert=abroad, case=brazil, starts_on=today, ends_on=today + datetime.timedelta(days=9))
    client = token_client(african_officer)
    rows = {row["family_name"]: row for row in client.get(reverse("api:roster")).json()["results"]}
    assert rows["Mensah"]["current_deployment"]["case"] == ghana.reference
    assert rows["Silva"]["current_deployment"]["case"] is None  # booked, on a case this reader may not see
    found = client.get(reverse("api:roster"), {"q": "Silva"}).json()["results"]
    assert [row["family_name"] for row in found] == ["Silva"]
    refused = client.get(reverse("api:roster"), {"available_from": "2026-05-10", "available_to": "2026-05-01"})
    assert refused.status_code == 400
    assert refused.json()["errors"]["available_to"] == ["The end of the period is before its start."]


def test_the_roster_is_refused_to_whom_may_not_see_it(db):
    from django.contrib.auth.models import Permission

    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_assistancerequest"))
    response = token_client(user).get(reverse("api:roster"))
    assert response.status_code == 403
    assert response.json() == {"detail": "You may not see the roster."}


def test_the_trust_fund_balance_for_finance(finance):
    today = timezone.localdate()
    fund.record_contribution(
        actor=finance, donor="Norway", currency="USD", amount=Decimal("250000.00"), value_date=today
    )
    TrustFundSettings.objects.update(alert_threshold_usd=Decimal("300000.00"))
    body = token_client(finance).get(reverse("api:trust-fund-balance")).json()
    assert body == {
        "currency": "USD",
        "on": today.isoformat(),
        "balance": "250000.00",
        "threshold": "300000.00",
        "below_threshold": True,
    }
    before = token_client(finance).get(reverse("api:trust-fund-balance"), {"on": "2000-01-01"}).json()
    assert before["balance"] == "0.00"
    wrong = token_client(finance).get(reverse("api:trust-fund-balance"), {"on": "yesterday"})
    assert wrong.status_code == 400 and "on" in wrong.json()["errors"]


def test_the_trust_fund_balance_is_refused_to_a_role_without_the_statement(db):
    clerk = member_of(roles.INTAKE_CLERK)
    response = token_client(clerk).get(reverse("api:trust-fund-balance"))
    assert response.status_code == 403
    assert response.json() == {"detail": "You may not see the Trust Fund."}
