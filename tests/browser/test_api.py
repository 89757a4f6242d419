"""The REST API from the workspace and the admin, in a real browser: a team lead makes a token on the
API token page, lists their desk's cases and acknowledges a request with it, sees the action on the
case page, reads the API's documentation page (under the site's CSP) and revokes the token; the
administrator makes a token for an officer in the admin and revokes it.
Screenshots: test-artifacts/screenshots/<test>/.
"""

import pytest
from django.contrib.auth import get_user_model

from requests_app.cases.choices import Stage
from requests_app.demo.staff import ensure_users
from tests.browser.journeys import expect, select2_choose
from tests.factories import new_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_team_lead_makes_a_token_acts_through_the_api_and_revokes_it(journey):
    ensure_users()
    ghana = new_request(state="GHA", summary="Ghana asks for support to its voter register.")
    new_request(state="PER")
    lead = journey.actor(get_user_model().objects.get(username="aokafor"), "team lead")
    page = lead.page

    page.get_by_role("link", name="API token").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API token")
    expect(page.locator(".token-state")).to_have_text("You hold no API token.")
    page.get_by_role("button", name="Make my token").click()
    key = page.locator("#token-key").input_value()
    assert len(key) == 40
    expect(page.locator(".token-shown")).to_contain_text("Copy it now: it is not shown again.")
    lead.shot("token-made")

    api = page.request
    headers = {"Authorization": f"Token {key}"}
    listed = api.get("/api/v1/cases/?region=AFRICAN", headers=headers)
    assert listed.status == 200
    assert [row["reference"] for row in listed.json()["results"]] == [ghana.reference]
    done = api.post(
        f"/api/v1/cases/{ghana.reference}/actions/start_review/",
        headers=headers,
        data={"comment": "Letter in order; acknowledged through the API."},
    )
    assert done.status == 200, done.text()
    assert done.json()["stage"] == Stage.UNDER_REVIEW

    lead.open_case(ghana.reference)
    lead.expect_stage("Under review")
    lead.expect_latest_event("Acknowledge and start review", "Letter in order; acknowledged through the API.")
    lead.shot("case-moved-through-the-api")

    page.get_by_role("link", name="API token").click()
    expect(page.locator(".token-state")).to_contain_text("You hold an API token, made on")
    expect(page.locator("#token-key")).to_have_count(0)  # shown once only
    page.get_by_role("link", name="Its documentation").click()
    expect(page.locator(".swagger-ui .title")).to_contain_text("EAS API")
    expect(page.locator(".opblock-summary-path").filter(has_text="/api/v1/cases/{reference}/actions/start_review/"))
    lead.shot("api-documentation")

    page.goto("/api-token/")
    page.get_by_role("button", name="Revoke my token").click()
    expect(page.locator(".messages .message.success")).to_contain_text("Your API token is revoked")
    expect(page.locator(".token-state")).to_have_text("You hold no API token.")
    assert api.get("/api/v1/cases/", headers=headers).status == 401
    lead.shot("token-revoked")
    journey.assert_clean()


def test_the_administrator_makes_and_revokes_an_officers_token_in_the_admin(journey):
    team = ensure_users()
    admin = journey.actor(team.admin, "administrator")
    page = admin.page

    page.goto("/admin/")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_role("link", name="Add API token").click()
    select2_choose(page, "id_user", "lhaddad", "lhaddad")
    page.get_by_role("button", name="Save", exact=True).click()
    message = page.locator(".messagelist .success")
    expect(message).to_contain_text("The API token of lhaddad:")
    key = message.inner_text().split(": ", 1)[1].split(".", 1)[0]
    officer = get_user_model().objects.get(username="lhaddad")
    expect(page.locator("#result_list")).to_contain_text("lhaddad")
    expect(page.locator("#result_list")).not_to_contain_text(key)
    admin.shot("token-made-in-the-admin")
    assert page.request.get("/api/v1/cases/", headers={"Authorization": f"Token {key}"}).status == 200

    page.locator("#result_list").get_by_role("link", name=officer.username).click()
    page.get_by_role("link", name="Revoke").click()
    page.get_by_role("button", name="Yes, I’m sure").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was deleted successfully")
    assert page.request.get("/api/v1/cases/", headers={"Authorization": f"Token {key}"}).status == 401
    admin.shot("token-revoked-in-the-admin")
    journey.assert_clean()
