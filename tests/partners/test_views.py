"""Para 6: the partners' pages, the case page's partners and its contribution form, the admin."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from requests_app.cases.models import RegionalDesk
from requests_app.core import roles
from requests_app.partners.models import Partner, PartnerContribution
from requests_app.reference.models import RegionalGroup
from tests.factories import new_request
from tests.partners.helpers import Kind, contribute, in_role

pytestmark = pytest.mark.django_db


# The pages ---------------------------------------------------------------------------------------


@pytest.fixture
def recorded(focal_point, partners):
    """Two Ghana cases (African desk) and one Peru case, with hand-counted contributions."""
    ghana = new_request(state="GHA")
    ghana_2 = new_request(state="GHA")
    peru = new_request(state="PER")
    contribute(focal_point, ghana, partners["eu"], Kind.OBSERVERS, people=40)
    contribute(focal_point, ghana_2, partners["eu"], Kind.OBSERVERS, people=12)
    contribute(focal_point, ghana, partners["eu"], Kind.FUNDS, amount=Decimal("1000.50"), currency="EUR")
    contribute(focal_point, ghana_2, partners["eu"], Kind.FUNDS, amount=Decimal("500.25"), currency="EUR")
    contribute(focal_point, peru, partners["eu"], Kind.FUNDS, amount=Decimal("300"), currency="USD")
    contribute(focal_point, peru, partners["ifes"], Kind.TECHNICAL_EXPERTS, people=3)
    contribute(focal_point, peru, partners["ifes"], Kind.IN_KIND, description="Training materials")
    return {"ghana": ghana, "ghana_2": ghana_2, "peru": peru}


def rows_by_acronym(response):
    return {row["partner"].acronym or row["partner"].name: row for row in response.context["rows"]}


def test_the_partner_list_sums_what_each_partner_brought(client, focal_point, recorded):
    client.force_login(focal_point)
    response = client.get(reverse("workspace:partner-list"))
    assert response.status_code == 200
    rows = rows_by_acronym(response)
    eu, ifes = rows["EU"], rows["IFES"]
    assert (eu["cases"], eu["observers"], eu["experts"], eu["in_kind"]) == (3, 52, 0, 0)
    assert eu["funds"] == [("EUR", Decimal("1500.75")), ("USD", Decimal("300.00"))]
    assert (ifes["cases"], ifes["observers"], ifes["experts"], ifes["in_kind"], ifes["funds"]) == (1, 0, 3, 1, [])
    assert rows["Dissolved Institute"]["cases"] == 0
    assert "€1,500.75" in response.content.decode()


def test_an_officer_sees_only_the_contributions_to_cases_in_their_scope(client, recorded):
    officer = in_role(roles.ELECTORAL_OFFICER)
    RegionalDesk.objects.get(regional_group=RegionalGroup.AFRICAN).members.add(officer)
    client.force_login(officer)
    rows = rows_by_acronym(client.get(reverse("workspace:partner-list")))
    assert (rows["EU"]["cases"], rows["EU"]["observers"], rows["EU"]["funds"]) == (2, 52, [("EUR", Decimal("1500.75"))])
    assert rows["IFES"]["cases"] == 0
    page = client.get(reverse("workspace:partner-detail", args=[Partner.objects.get(acronym="IFES").pk]))
    assert recorded["peru"].reference not in page.content.decode()


def test_the_partner_list_filters_by_kind_and_name(client, focal_point, recorded):
    client.force_login(focal_point)
    url = reverse("workspace:partner-list")
    assert set(rows_by_acronym(client.get(url + "?kind=regional"))) == {"EU"}
    assert set(rows_by_acronym(client.get(url + "?q=foundation"))) == {"IFES"}
    assert set(rows_by_acronym(client.get(url + "?active=no"))) == {"Dissolved Institute"}
    response = client.get(url + "?kind=planetary")
    assert response.status_code == 200
    assert "This filter was ignored" in response.content.decode()
    assert len(response.context["rows"]) == 3


def test_the_partner_list_costs_the_same_queries_for_one_partner_or_many(client, focal_point, recorded):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(focal_point)
    url = reverse("workspace:partner-list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(20):
        partner = Partner.objects.create(name=f"Partner {n}", kind=Partner.Kind.INTERNATIONAL)
        contribute(focal_point, recorded["peru"], partner, Kind.OBSERVERS, people=n + 1)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_partner_page_lists_its_contributions(client, focal_point, recorded, partners):
    client.force_login(focal_point)
    response = client.get(reverse("workspace:partner-detail", args=[partners["ifes"].pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert recorded["peru"].reference in body and "Training materials" in body and "3 people" in body
    assert client.get(reverse("workspace:partner-detail", args=[999999])).status_code == 404


def test_the_case_page_shows_its_partners(client, focal_point, recorded):
    client.force_login(focal_point)
    body = client.get(reverse("workspace:case-detail", args=[recorded["ghana"].reference])).content.decode()
    assert "European Union (EU)" in body and "40 people" in body and "€1,000.50" in body
    assert reverse("workspace:contribution-new", args=[recorded["ghana"].reference]) in body
    in_kind = client.get(reverse("workspace:case-detail", args=[recorded["peru"].reference])).content.decode()
    assert re.search(r"in kind\s*<br>", in_kind) and "in kind, —" not in in_kind and "Training materials" in in_kind


def test_recording_a_contribution_from_the_case_page(client, focal_point, partners):
    case = new_request()
    client.force_login(focal_point)
    url = reverse("workspace:contribution-new", args=[case.reference])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"partner": partners["eu"].pk, "kind": Kind.FUNDS, "amount": "12000", "currency": "eur"}
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "workspace:case-detail", args=[case.reference]
    )
    assert PartnerContribution.objects.get().currency == "EUR"
    timeline = client.get(response["Location"]).content.decode()
    assert "Partner contribution recorded" in timeline


def test_a_refused_contribution_keeps_what_was_typed_and_says_why(client, focal_point, partners):
    case = new_request()
    client.force_login(focal_point)
    url = reverse("workspace:contribution-new", args=[case.reference])
    response = client.post(
        url, {"partner": partners["eu"].pk, "kind": Kind.OBSERVERS, "description": "Observers for May"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Give the number of observers or experts" in body and "Observers for May" in body
    response = client.post(
        url, {"partner": "nonsense", "kind": Kind.OBSERVERS, "people": "many", "starts_on": "31/31/2026"}
    )
    assert response.status_code == 400 and "Please correct the errors" in response.content.decode()
    assert not PartnerContribution.objects.exists()


def test_the_contribution_form_is_refused_without_the_permission_and_outside_scope(client, partners):
    clerk = in_role(roles.INTAKE_CLERK)
    case = new_request()
    client.force_login(clerk)
    assert client.get(reverse("workspace:contribution-new", args=[case.reference])).status_code == 403
    officer = in_role(roles.ELECTORAL_OFFICER)
    client.force_login(officer)
    assert client.get(reverse("workspace:contribution-new", args=[case.reference])).status_code == 404


def test_contributions_are_read_only_in_the_admin(admin_client, focal_point, recorded):
    contribution = PartnerContribution.objects.first()
    page = admin_client.get(reverse("admin:requests_app_partnercontribution_change", args=[contribution.pk]))
    assert page.status_code == 200
    assert admin_client.get(reverse("admin:requests_app_partnercontribution_add")).status_code == 403
    assert admin_client.get(reverse("admin:requests_app_partnercontribution_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:requests_app_partner_changelist")).status_code == 200
