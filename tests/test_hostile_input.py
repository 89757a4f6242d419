"""Hostile and careless input (issue 11): nothing a user can send answers 500.

Each input here once answered 500 on SQLite or PostgreSQL; each test names what a user gets instead.
"""

import pytest
from django.urls import reverse

from requests_app import roles
from requests_app.models import AssistanceRequest, Stage
from tests.admin_forms import intake_data
from tests.factories import UserFactory, case_in_stage, member_of

NUL = "\x00"


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


# 2. NUL bytes ----------------------------------------------------------------------------------

NUL_URLS = [
    "/cases/%00/",
    "/cases/%00/act/start_review/",
    "/cases/%00/documents/1/",
    "/cases/%00/contributions/new/",
    "/cases/%00/deployments/new/",
    "/calendar/%00.ics",
    "/trust-fund/new/allocation/?case=%00",
    "/trust-fund/new/refund/?case=%00",
    "/cases/?q=%00",
    "/admin/requests_app/assistancerequest/?stage__exact=%00",
    "/admin/requests_app/reminder/?status__exact=%00",
    "/admin/requests_app/caseevent/?action__exact=%00",
    "/admin/requests_app/ledgerentry/?kind__exact=%00",
    "/admin/requests_app/assistancerequest/?q=%00",
    "/admin/requests_app/assistancerequest/?%00=1",
]


@pytest.mark.parametrize("url", NUL_URLS)
def test_a_nul_byte_in_the_path_or_a_parameter_is_refused_with_400(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 400


def test_a_nul_byte_in_a_form_field_is_refused_with_400_and_nothing_is_saved(admin_client, superuser):
    case = case_in_stage(Stage.RECEIVED, actor=superuser)
    response = admin_client.post(
        reverse("workspace:case-action", args=[case.reference, "start_review"]), {"comment": "fine\x00"}
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.stage == Stage.RECEIVED


def test_the_400_page_carries_the_security_headers(client):
    response = client.get("/cases/%00/")
    assert response.status_code == 400
    assert response.has_header("Content-Security-Policy")
    assert response["X-Frame-Options"] == "DENY"


def test_a_tab_or_line_break_in_a_search_is_not_refused(admin_client):
    assert admin_client.get("/cases/?q=a%09b%0Ac").status_code == 200


# 3. Numbers that are not numbers ---------------------------------------------------------------

NOT_IDS = ["²", "٣", "1" * 5000, "9223372036854775808", "99999999999999999999999999999", "-1", "1.5", " 1"]


@pytest.mark.parametrize("value", NOT_IDS)
def test_a_pledge_that_is_not_an_id_leaves_the_contribution_form_blank(db, client, value):
    client.force_login(member_of(roles.FINANCE))
    response = client.get(reverse("workspace:trust-fund-new", args=["contribution"]), {"pledge": value})
    assert response.status_code == 200
    assert response.context["form"].initial.get("pledge") is None


@pytest.mark.parametrize("value", NOT_IDS)
def test_an_officer_filter_that_is_not_an_id_is_ignored_in_the_admin(admin_client, superuser, value):
    case_in_stage(Stage.RECEIVED, actor=superuser)
    response = admin_client.get("/admin/requests_app/assistancerequest/", {"officer": value})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize("value", NOT_IDS)
def test_an_officer_filter_that_is_not_an_id_is_an_error_in_the_case_list(admin_client, value):
    response = admin_client.get(reverse("workspace:case-list"), {"officer": value})
    assert response.status_code == 200
    assert "officer" in response.context["filter"].form.errors


def test_a_pledge_id_in_the_link_is_chosen_already(db, client):
    client.force_login(member_of(roles.FINANCE))
    response = client.get(reverse("workspace:trust-fund-new", args=["contribution"]), {"pledge": "42"})
    assert response.context["form"].initial["pledge"] == 42


ID_URLS = [
    "/partners/{}/",
    "/roster/{}/",
    "/cases/EAS-2026-0001/documents/{}/",
    "/cases/EAS-2026-0001/deployments/{}/cancel/",
    "/admin/requests_app/assistancerequest/{}/change/",
    "/admin/requests_app/ledgerentry/{}/change/",
]


@pytest.mark.parametrize("template", ID_URLS)
@pytest.mark.parametrize("value", ["9223372036854775808", "1" * 5000])
def test_an_id_out_of_range_in_an_address_is_not_found(admin_client, template, value):
    response = admin_client.get(template.format(value))
    assert response.status_code in (302, 404)


# 4. The admin add form with a Member State id that is none -------------------------------------


@pytest.mark.parametrize("value", ["abc", "1.5", " ", "1" * 30, "²", "-1"])
def test_a_member_state_that_is_no_id_is_an_error_of_the_admin_add_form(admin_client, value):
    response = admin_client.post("/admin/requests_app/assistancerequest/add/", intake_data(member_state=value))
    assert response.status_code == 200
    assert "member_state" in response.context["adminform"].form.errors
    assert not AssistanceRequest.objects.exists()


@pytest.mark.parametrize("url", [
    "/admin/requests_app/partner/add/", "/admin/requests_app/expert/add/"])
def test_other_autocompletes_redraw_too(admin_client, url):
    field = "country" if "partner" in url else "nationality"
    response = admin_client.post(url, {field: "1" * 30})
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors


def test_a_valid_member_state_stays_selected_when_the_form_is_redrawn(admin_client):
    data = intake_data(requesting_authority="")
    response = admin_client.post("/admin/requests_app/assistancerequest/add/", data)
    assert response.status_code == 200
    assert f'<option value="{data["member_state"]}" selected>Malawi</option>' in response.content.decode()
