"""Tokens (made and revoked by the user, on the page and through the API, and by staff in the admin),
throttling per token, and the schema with its page."""

import pytest
from django.contrib.admin.models import ADDITION, DELETION, LogEntry
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.api.conftest import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
TOKEN = reverse("api:token")
CASES = reverse("api:case-list")


def test_a_user_gets_a_token_with_username_and_password_and_the_same_one_again(african_officer):
    client = APIClient()
    made = client.post(TOKEN, {"username": "officer-africa", "password": PASSWORD}, format="json")
    assert made.status_code == 201
    key = made.json()["token"]
    assert made.json()["username"] == "officer-africa"
    again = client.post(TOKEN, {"username": "officer-africa", "password": PASSWORD})
    assert (again.status_code, again.json()["token"]) == (200, key)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(CASES).status_code == 200


def test_a_wrong_password_gets_no_token(african_officer):
    response = APIClient().post(TOKEN, {"username": "officer-africa", "password": "guess"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"non_field_errors": ["Unable to log in with the username and password given."]}
    assert not Token.objects.exists()


def test_someone_who_is_not_staff_gets_no_token(db):
    UserFactory(username="visitor", is_staff=False)
    response = APIClient().post(TOKEN, {"username": "visitor", "password": PASSWORD}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Only active staff members may hold an API token."}


def test_a_user_revokes_their_token_and_it_stops_working(african_officer):
    client = token_client(african_officer)
    assert client.delete(TOKEN).status_code == 204
    assert client.get(CASES).status_code == 401
    assert not Token.objects.filter(user=african_officer).exists()


def test_the_token_of_a_user_made_inactive_stops_working(african_officer):
    client = token_client(african_officer)
    african_officer.is_active = False
    african_officer.save()
    response = client.get(CASES)
    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}


# The workspace's page ------------------------------------------------------------------------------


def test_the_page_makes_shows_once_replaces_and_revokes_the_users_token(client, african_officer):
    client.force_login(african_officer)
    page = reverse("workspace:api-token")
    assert "You hold no API token." in client.get(page).content.decode()
    made = client.post(page, {"intent": "create"}).content.decode()
    key = Token.objects.get(user=african_officer).key
    assert key in made and "Copy it now: it is not shown again." in made
    later = client.get(page).content.decode()
    assert key not in later and "You hold an API token, made on" in later
    replaced = client.post(page, {"intent": "replace"}).content.decode()
    new_key = Token.objects.get(user=african_officer).key
    assert new_key != key and new_key in replaced
    revoked = client.post(page, {"intent": "revoke"}, follow=True).content.decode()
    assert "Your API token is revoked" in revoked
    assert not Token.objects.filter(user=african_officer).exists()


def test_the_page_is_for_staff(client):
    client.force_login(UserFactory(is_staff=False))
    assert client.get(reverse("workspace:api-token")).status_code == 403


# The admin -------------------------------------------------------------------------------------------


def test_staff_who_may_make_tokens_make_and_revoke_one_in_the_admin_without_listing_keys(client, african_officer):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    added = client.post(
        reverse("admin:requests_app_apitoken_add"), {"user": african_officer.pk}, follow=True
    ).content.decode()
    key = Token.objects.get(user=african_officer).key
    assert f"The API token of officer-africa: {key}. Give it to them now" in added
    listing = client.get(reverse("admin:requests_app_apitoken_changelist")).content.decode()
    assert "officer-africa" in listing and key not in listing
    change = reverse("admin:requests_app_apitoken_change", args=[african_officer.pk])
    assert change in listing
    for page in ("change", "history", "delete"):
        url = reverse(f"admin:requests_app_apitoken_{page}", args=[african_officer.pk])
        assert key not in client.get(url).content.decode(), page
    deleted = client.post(
        reverse("admin:requests_app_apitoken_delete", args=[african_officer.pk]), {"post": "yes"}, follow=True
    ).content.decode()
    assert "was deleted successfully" in deleted
    assert not Token.objects.exists()
    # The admin's log names the token by its holder, never by its key.
    assert set(LogEntry.objects.values_list("object_id", "object_repr", "action_flag")) == {
        (str(african_officer.pk), "API token of officer-africa", ADDITION),
        (str(african_officer.pk), "API token of officer-africa", DELETION),
    }
    assert token_client(african_officer).get(CASES).status_code == 200  # a new token of their own works


def test_the_admin_refuses_a_token_for_someone_who_is_not_staff(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    visitor = UserFactory(is_staff=False)
    response = client.post(reverse("admin:requests_app_apitoken_add"), {"user": visitor.pk})
    assert response.status_code == 200
    assert "Only active staff members may hold an API token." in response.content.decode()
    assert not Token.objects.exists()


def test_an_admin_address_that_names_no_user_is_not_found(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for wrong in ["9" * 30, "abc", "0"]:
        response = client.get(reverse("admin:requests_app_apitoken_change", args=[wrong]), follow=True)
        assert response.status_code == 200
        assert "doesn’t exist" in response.content.decode()


# Throttling --------------------------------------------------------------------------------------------


def test_each_token_has_its_own_count_and_the_429_says_when_to_come_back(settings, african_officer, african_lead):
    settings.EAS_API_USER_RATE = "3/minute"
    officer, lead = token_client(african_officer), token_client(african_lead)
    assert [officer.get(CASES).status_code for _ in range(3)] == [200, 200, 200]
    refused = officer.get(CASES)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["detail"].startswith("Request was throttled.")
    assert lead.get(CASES).status_code == 200  # another user's token: its own count


def test_requests_without_a_user_are_counted_per_address(settings, african_officer):
    settings.EAS_API_ANON_RATE = "2/minute"
    client = APIClient()
    wrong = {"username": "officer-africa", "password": "guess"}
    assert [client.post(TOKEN, wrong).status_code for _ in range(2)] == [400, 400]
    assert client.post(TOKEN, wrong).status_code == 429
    elsewhere = APIClient(REMOTE_ADDR="10.1.2.3")
    assert elsewhere.post(TOKEN, wrong).status_code == 400


# The schema and its page ------------------------------------------------------------------------------


def test_the_schema_is_openapi_3_and_its_page_works_under_the_sites_csp(client):
    schema = client.get(reverse("api:schema") + "?format=json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/cases/" in schema["paths"] and "/api/v1/trust-fund/balance/" in schema["paths"]
    page = client.get(reverse("api:docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<style" not in html and "<script>" not in html  # no inline code: script-src 'self'
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "script-src 'self'" in page["Content-Security-Policy"]


def test_the_schema_is_generated_without_a_warning_and_validates(tmp_path):
    from django.core.management import call_command

    # --fail-on-warn: a field or filter whose type the generator had to guess fails here, not in a client.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/cases/{reference}/history/" in (tmp_path / "schema.yaml").read_text()
