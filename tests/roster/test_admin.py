"""The roster in the admin: experts and languages edited by the team lead, deployments read only."""

import pytest

from requests_app.roster.models import Deployment, Expert, Language
from tests.factories import member_state
from tests.roster.helpers import admin_url

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_searches_experts(client, team, roster):
    client.force_login(team["lead"])
    response = client.get(admin_url("expert_changelist") + "?q=diallo")
    assert (
        response.status_code == 200
        and "Diallo" in response.content.decode()
        and "Mendes" not in response.content.decode()
    )
    assert (
        client.get(admin_url("expert_changelist") + "?nationality__regional_group__exact=ASIA_PACIFIC").status_code
        == 200
    )
    response = client.get(admin_url("expert_change", roster["amina"].pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "selectfilter" in html  # filter_horizontal for expertise and languages
    assert cases_reference_in(html, roster)


def cases_reference_in(html, roster):
    return Deployment.objects.filter(expert=roster["amina"]).first().case.reference in html


def test_a_team_lead_adds_an_expert_in_the_admin(client, team, db):
    from requests_app.reference.models import AssistanceType

    client.force_login(team["lead"])
    response = client.post(
        admin_url("expert_add"),
        {
            "given_name": "Fatou",
            "family_name": "Ndiaye",
            "email": "fatou.ndiaye@example.org",
            "gender": "female",
            "nationality": member_state("SEN").pk,
            "expertise": [AssistanceType.objects.get(code="civic-education").pk],
            "languages": [Language.objects.get(code="fr").pk, Language.objects.get(code="wo").pk]
            if Language.objects.filter(code="wo").exists()
            else [Language.objects.get(code="fr").pk],
            "is_active": "on",
            "available_from": "2026-05-01",
            "available_until": "2026-04-01",
            "deployments-TOTAL_FORMS": "0",
            "deployments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # availability in the wrong order
    assert "Availability cannot end before it starts." in response.content.decode()
    response = client.post(
        admin_url("expert_add"),
        {
            "given_name": "Fatou",
            "family_name": "Ndiaye",
            "email": "fatou.ndiaye@example.org",
            "gender": "female",
            "nationality": member_state("SEN").pk,
            "expertise": [AssistanceType.objects.get(code="civic-education").pk],
            "languages": [Language.objects.get(code="fr").pk],
            "is_active": "on",
            "deployments-TOTAL_FORMS": "0",
            "deployments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert Expert.objects.get(email="fatou.ndiaye@example.org").languages.get().code == "fr"


def test_officers_read_experts_in_the_admin_but_do_not_change_them(client, team, roster):
    client.force_login(team["officer"])
    assert client.get(admin_url("expert_changelist")).status_code == 200
    assert client.get(admin_url("expert_add")).status_code == 403
    response = client.post(admin_url("expert_change", roster["amina"].pk), {"given_name": "X"})
    assert response.status_code == 403


def test_the_admin_cannot_book_change_or_delete_a_deployment(admin_client, team, roster):
    deployment = Deployment.objects.get(expert=roster["amina"])
    assert admin_client.get(admin_url("deployment_changelist")).status_code == 200
    assert admin_client.get(admin_url("deployment_add")).status_code == 403
    response = admin_client.post(
        admin_url("deployment_change", deployment.pk),
        {
            "expert": roster["carlos"].pk,
            "case": deployment.case_id,
            "role": "Forged",
            "starts_on": "2026-03-10",
            "ends_on": "2026-03-20",
        },
    )
    assert response.status_code == 403
    assert admin_client.post(admin_url("deployment_delete", deployment.pk), {"post": "yes"}).status_code == 403
    deployment.refresh_from_db()
    assert (deployment.expert, deployment.role) == (roster["amina"], "Legal adviser")
    assert admin_client.get(admin_url("expert_delete", roster["amina"].pk)).status_code == 403


def test_the_admin_lists_deployments_of_the_cases_in_scope_only(client, team, cases, roster):
    client.force_login(team["officer"])
    response = client.get(admin_url("deployment_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert cases["ghana"].reference in html and cases["peru"].reference not in html
    peru_booking = Deployment.objects.get(case=cases["peru"])
    assert client.get(admin_url("deployment_change", peru_booking.pk)).status_code == 404


def test_the_admin_edits_languages(client, team, db):
    client.force_login(team["lead"])
    assert client.get(admin_url("language_changelist")).status_code == 200
    response = client.post(admin_url("language_add"), {"code": "wo", "name": "Wolof"})
    assert response.status_code == 302 and Language.objects.filter(code="wo", is_un_official=False).exists()
