"""GET /api/v1/cases/ and /api/v1/cases/<reference>/: the workspace's list and case page, as JSON."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from requests_app.cases.choices import Stage
from requests_app.core.confidentiality import Level
from requests_app.documents import services as document_services
from requests_app.documents.models import DocumentKind
from tests.api.conftest import token_client
from tests.factories import UserFactory, case_in_stage, new_request, pdf_upload

pytestmark = pytest.mark.django_db

LIST = reverse("api:case-list")


def detail_url(case):
    return reverse("api:case-detail", kwargs={"reference": case.reference})


def references(response):
    assert response.status_code == 200, response.content
    return [row["reference"] for row in response.json()["results"]]


def test_without_a_token_the_api_answers_401_and_says_how_to_authenticate():
    response = APIClient().get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_a_token_that_is_not_one_answers_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(LIST).status_code == 401


def test_a_user_who_works_with_no_cases_is_refused(db):
    outsider = UserFactory(is_staff=True)
    response = token_client(outsider).get(LIST)
    assert response.status_code == 403
    assert "Only staff who work with cases" in response.json()["detail"]


def test_the_list_shows_the_cases_in_scope_newest_first(focal_point, african_officer):
    ghana = new_request(state="GHA", summary="Ghana asks for voter registration support.")
    brazil = new_request(state="BRA")
    assert references(token_client(focal_point).get(LIST)) == [brazil.reference, ghana.reference]
    # An officer of the African desk sees the African cases, not those of another desk.
    rows = token_client(african_officer).get(LIST).json()["results"]
    assert [row["reference"] for row in rows] == [ghana.reference]
    row = rows[0]
    assert row["country"] == {"iso3": "GHA", "name": "Ghana", "status": "member_state", "regional_group": "AFRICAN"}
    assert row["stage"] == "received" and row["stage_label"] == "Received"
    assert row["basis"] == "request"
    assert row["summary"] == "Ghana asks for voter registration support."
    assert row["url"] == "http://testserver" + detail_url(ghana)


def test_the_workspace_filters_apply(focal_point, officer):
    ghana = new_request(state="GHA")
    brazil = case_in_stage(Stage.UNDER_REVIEW, actor=officer, state="BRA")
    client = token_client(focal_point)
    assert references(client.get(LIST, {"member_state": "GHA"})) == [ghana.reference]
    assert references(client.get(LIST, {"stage": "under_review"})) == [brazil.reference]
    assert set(references(client.get(LIST, {"stage": ["received", "under_review"]}))) >= {
        ghana.reference,
        brazil.reference,
    }
    assert references(client.get(LIST, {"region": "AFRICAN"})) == [ghana.reference]
    assert references(client.get(LIST, {"q": "Brazil"})) == [brazil.reference]


def test_the_officer_filter_knows_who_asks(african_officer, focal_point):
    mine = new_request(state="GHA", officer=african_officer)
    new_request(state="GHA")
    assert references(token_client(african_officer).get(LIST, {"officer": "me"})) == [mine.reference]
    assert references(token_client(focal_point).get(LIST, {"officer": "me"})) == []


def test_a_filter_that_is_not_valid_answers_400_with_the_fields_errors(focal_point):
    response = token_client(focal_point).get(LIST, {"stage": "flying", "received_from": "31/02/2026"})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "The request is not valid."
    assert "flying is not one of the available choices" in body["errors"]["stage"][0]
    assert body["errors"]["received_from"] == ["Enter a valid date."]


def test_pages_follow_a_cursor_and_never_repeat_a_case(focal_point):
    made = [new_request(state="GHA").reference for _ in range(5)]
    client = token_client(focal_point)
    seen, url = [], LIST + "?page_size=2"
    while url:
        body = client.get(url).json()
        seen += [row["reference"] for row in body["results"]]
        url = body["next"]
        assert len(seen) <= 5
    assert seen == list(reversed(made))
    # A case registered meanwhile appears on the first page, not twice on the next ones.
    first = client.get(LIST + "?page_size=2").json()
    new_request(state="GHA")
    second = client.get(first["next"]).json()
    assert [row["reference"] for row in second["results"]] == list(reversed(made))[2:4]


def test_a_cursor_that_is_not_one_answers_404(focal_point):
    response = token_client(focal_point).get(LIST, {"cursor": "garbage"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid cursor"}


def test_the_list_costs_the_same_queries_for_two_cases_or_twenty(focal_point):
    client = token_client(focal_point)
    new_request(state="GHA")
    new_request(state="BRA")
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for _ in range(18):
        new_request(state="GHA")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(LIST).json()["results"]) == 20
    assert len(many) == len(few)


# The case ------------------------------------------------------------------------------------------


def test_a_case_shows_its_request_elections_deadline_and_the_actions_open_to_the_caller(focal_point):
    case = new_request(state="GHA", election_in_days=300)
    body = token_client(focal_point).get(detail_url(case)).json()
    assert body["reference"] == case.reference
    assert body["origin"] == "government"
    assert body["requesting_authority"] == "Minister for Foreign Affairs"
    assert body["requested_types"] == [
        {"code": "voter-registration", "name": "Voter registration", "category": "technical", "requires_mandate": False}
    ]
    election_day = case.received_date + datetime.timedelta(days=300)
    assert body["elections"] == [
        {
            "election_type": "general",
            "type_label": "General (presidential and parliamentary)",
            "planned_date": election_day.isoformat(),
        }
    ]
    assert body["deadline"]["stage"] == "received"
    assert body["deadline"]["due_at"] is not None and body["deadline"]["is_overdue"] is False
    assert body["decision_in_force"] is None
    actions = {action["name"]: action for action in body["actions"]}
    assert "start_review" in actions and actions["start_review"]["blockers"] == []
    assert actions["start_review"]["url"].endswith(f"/api/v1/cases/{case.reference}/actions/start_review/")
    assert body["history_url"].endswith(f"/api/v1/cases/{case.reference}/history/")


def test_a_case_with_a_decision_shows_the_version_in_force(focal_point, officer):
    case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=officer)
    decision = token_client(focal_point).get(detail_url(case)).json()["decision_in_force"]
    today = timezone.localdate()
    assert decision["outcome"] == "assist"
    assert decision["version"] == 1
    assert decision["assistance_types"] == ["Voter registration"]
    assert decision["period_start"] == today.isoformat()
    assert decision["period_end"] == (today + datetime.timedelta(days=200)).isoformat()


def test_a_case_of_another_desk_does_not_exist_for_the_caller(african_officer):
    brazil = new_request(state="BRA")
    response = token_client(african_officer).get(detail_url(brazil))
    assert response.status_code == 404
    assert response.json() == {"detail": f"No case {brazil.reference} in your scope."}
    assert token_client(african_officer).get(reverse("api:case-detail", args=["EAS-1900-0001"])).status_code == 404


def test_a_document_the_caller_may_not_read_is_listed_as_existing_only(officer, african_officer):
    case = new_request(state="GHA")
    for level, name in ((Level.INTERNAL, "acknowledgement.pdf"), (Level.STRICTLY_CONFIDENTIAL, "sources.pdf")):
        document_services.attach_document(
            actor=officer, case=case, kind=DocumentKind.OTHER, upload=pdf_upload(name), level=level
        )
    documents = token_client(african_officer).get(detail_url(case)).json()["documents"]
    assert [(d["level"], d["readable"], d["name"]) for d in documents] == [
        ("internal", True, "acknowledgement.pdf"),
        ("strictly_confidential", False, None),
    ]
    withheld = documents[1]
    assert withheld["kind_label"] == "Other" and withheld["size"] is None and withheld["uploaded_at"]
