"""POST /api/v1/cases/<reference>/actions/<action>/: the workspace's forms and services, the token's user acting."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app.cases.choices import Stage
from requests_app.cases.forms import ACTION_FORMS, ActionForm
from requests_app.cases.models import AssistanceRequest
from requests_app.cases.workflow import ACTIONS
from requests_app.history.models import CaseEvent
from tests.api.conftest import token_client
from tests.factories import case_in_stage, case_snapshot, new_request

pytestmark = pytest.mark.django_db


def act(client, case, action, **data):
    url = reverse(f"api:case-action-{action}", kwargs={"reference": case.reference})
    return client.post(url, data, format="json")


def test_an_action_moves_the_case_and_its_history_names_the_tokens_user(african_lead):
    case = new_request(state="GHA")
    response = act(token_client(african_lead), case, "start_review", comment="Letter in order.")
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "under_review"
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert (event.action, event.actor, event.from_stage, event.to_stage) == (
        "start_review",
        african_lead,
        "received",
        "under_review",
    )
    assert event.comment == "Letter in order."


def test_the_decision_takes_the_forms_fields_with_types_by_code(focal_point, officer):
    case = case_in_stage(Stage.AWAITING_DECISION, actor=officer)
    today = timezone.localdate()
    response = act(
        token_client(focal_point),
        case,
        "record_decision",
        outcome="assist",
        assistance_types=["voter-registration", "legal-framework"],
        phase="pre_electoral",
        period_start=today.isoformat(),
        period_end=(today + datetime.timedelta(days=120)).isoformat(),
        scope="Advice on the register.",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["stage"] == "decision_communicated"
    assert body["decision_in_force"]["assistance_types"] == ["Legal framework", "Voter registration"]


def test_a_type_code_that_does_not_exist_is_refused_by_name(focal_point, officer):
    case = case_in_stage(Stage.AWAITING_DECISION, actor=officer)
    before = case_snapshot(case)
    response = act(token_client(focal_point), case, "record_decision", outcome="assist", assistance_types=["x-ray"])
    assert response.status_code == 400
    assert response.json()["errors"]["assistance_types"] == ["No type of assistance has the code x-ray."]
    assert case_snapshot(case) == before


def test_a_field_the_form_refuses_answers_400_with_its_message_and_changes_nothing(african_lead):
    case = new_request(state="GHA")
    before = case_snapshot(case)
    response = act(token_client(african_lead), case, "withdraw")  # the state's communication is required
    assert response.status_code == 400
    assert response.json()["errors"] == {"comment": ["This field is required."]}
    assert case_snapshot(case) == before


def test_a_refusal_of_the_service_answers_400_with_its_reasons(african_lead):
    case = new_request(state="GHA")
    before = case_snapshot(case)
    response = act(token_client(african_lead), case, "start_reporting")
    assert response.status_code == 400
    body = response.json()
    assert body["reasons"] == [
        "“Implementation ended: start reporting” is not possible while the case is received, waiting for review."
    ]
    assert body["detail"] == body["reasons"][0]
    assert case_snapshot(case) == before


def test_a_guard_says_what_is_missing(focal_point, officer):
    case = case_in_stage(Stage.NEEDS_ASSESSMENT, actor=officer)
    response = act(token_client(officer), case, "submit_assessment")
    assert response.status_code == 400
    assert response.json()["reasons"][0].startswith("The needs assessment is not complete. Still to record:")


def test_a_role_without_the_actions_permission_is_refused_with_403(finance, african_officer, african_lead):
    case = new_request(state="GHA", officer=african_officer)
    before = case_snapshot(case)
    # An electoral officer recommends; the focal point decides how to assess.
    response = act(token_client(african_officer), case, "decline_request", comment="Not the government.")
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission to decline as ineligible."}
    assert case_snapshot(case) == before


def test_an_officer_acts_only_on_the_cases_assigned_to_them(african_officer):
    assigned = new_request(state="GHA", officer=african_officer)
    other = new_request(state="GHA")
    client = token_client(african_officer)
    response = act(client, other, "start_review")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("This case is not assigned to you")
    assert act(client, assigned, "start_review").status_code == 200


def test_an_action_on_a_case_of_another_desk_answers_404(african_lead):
    brazil = new_request(state="BRA")
    response = act(token_client(african_lead), brazil, "start_review")
    assert response.status_code == 404
    assert AssistanceRequest.objects.get(pk=brazil.pk).stage == Stage.RECEIVED


def test_a_browser_session_may_act_with_its_csrf_token_and_not_without(client, african_lead):
    from django.test import Client

    case = new_request(state="GHA")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(african_lead)
    url = reverse("api:case-action-start_review", kwargs={"reference": case.reference})
    refused = browser.post(url, {"comment": ""}, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    browser.get(reverse("workspace:api-token"))  # any page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    done = browser.post(url, {"comment": ""}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert done.status_code == 200
    assert done.json()["stage"] == "under_review"


def test_each_action_has_its_endpoint_with_the_fields_of_its_form(client):
    schema = client.get(reverse("api:schema") + "?format=json").json()
    for name in ACTIONS:
        operation = schema["paths"][f"/api/v1/cases/{{reference}}/actions/{name}/"]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        fields = set(schema["components"]["schemas"][body]["properties"])
        assert fields == set(ACTION_FORMS.get(name, ActionForm).base_fields), name


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ('{"comment": "\\ud800"}', "not valid Unicode"),
        ('{"comment": "a\\u0000b"}', "NUL character"),
        ("[1, 2]", "Send the action's fields as an object"),
        ("null", "Send the action's fields as an object"),
        ('{"comment": ', "JSON parse error"),
    ],
)
def test_a_body_no_form_could_send_answers_400_and_changes_nothing(african_lead, body, why):
    case = new_request(state="GHA")
    before = case_snapshot(case)
    client = token_client(african_lead)
    url = reverse("api:case-action-start_review", kwargs={"reference": case.reference})
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert why in str(response.json())
    assert case_snapshot(case) == before
