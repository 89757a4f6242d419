"""Scope: every role against every action and page, in the lists, exports, admin and intake.

The officer is a member of the African desk and the team lead leads it; a case in Ghana or Kenya is
the desk's, a case in Peru is outside it (the roles and scopes: tests/core/helpers.py).
"""

import io
import zipfile

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_app.calendar.services import token_for as calendar_token_for
from requests_app.cases import services
from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest, RegionalDesk
from requests_app.cases.workflow import ACTIONS
from requests_app.core.errors import ActionRefused
from requests_app.documents import services as document_services
from requests_app.documents.models import CaseDocument, DocumentKind
from requests_app.reference.models import RegionalGroup
from requests_app.reminders.models import Reminder
from tests.admin_forms import change_form_data, intake_data
from tests.core.helpers import (
    ANONYMOUS,
    AUDITOR,
    CLERK,
    FINANCE,
    FOCAL,
    LEAD,
    NOBODY,
    OFFICER,
    ROLES,
    SCOPES,
    SUPERUSER,
    admin_url,
    body_of,
    case_url,
    scoped_case_fields,
)
from tests.factories import (
    REQUESTERS,
    action_params,
    attach_mission_report,
    case_in_stage,
    case_snapshot,
    complete_assessment,
    new_request,
    pdf_upload,
    recommend,
)
from tests.factories_evaluation import evaluated

pytestmark = pytest.mark.django_db


# The action matrix: every role, every action, each scope ----------------------------------------

# Who may take each action, per role; each cell is three letters, for: the officer's own case
# (Ghana, assigned to the officer) / a desk colleague's case (Ghana, assigned to another officer
# of the African desk) / a case outside the desk (Peru). y: allowed, -: refused.
ACTION_MATRIX = {
    #                        clerk  officer lead   focal  finance auditor superuser
    "start_review": ("---", "y--", "yy-", "yyy", "---", "---", "yyy"),
    # The officer recommends; the focal point accepts an electoral body's request and chooses the assessment.
    "recommend": ("---", "y--", "yy-", "yyy", "---", "---", "yyy"),
    "accept_emb_request": ("---", "---", "---", "yyy", "---", "---", "yyy"),
    "start_assessment": ("---", "---", "---", "yyy", "---", "---", "yyy"),
    "decline_request": ("---", "---", "---", "yyy", "---", "---", "yyy"),
    "submit_assessment": ("---", "y--", "yy-", "yyy", "---", "---", "yyy"),
    "record_decision": ("---", "---", "---", "yyy", "---", "---", "yyy"),
    "amend_decision": ("---", "---", "---", "yyy", "---", "---", "yyy"),
    "start_implementation": ("---", "y--", "yy-", "yyy", "---", "---", "yyy"),
    "start_reporting": ("---", "y--", "yy-", "yyy", "---", "---", "yyy"),
    "close": ("---", "---", "---", "yyy", "---", "---", "yyy"),
    "withdraw": ("---", "y--", "yy-", "yyy", "---", "---", "yyy"),
}


# The stage each action is tried from, and who asked (the electoral body's acceptance needs one).
ACTION_SETUP = {
    "start_review": (Stage.RECEIVED, {}),
    "recommend": (Stage.UNDER_REVIEW, {}),
    "accept_emb_request": (Stage.UNDER_REVIEW, REQUESTERS["electoral_body"]),
    "start_assessment": (Stage.UNDER_REVIEW, {}),
    "decline_request": (Stage.UNDER_REVIEW, {}),
    "submit_assessment": (Stage.NEEDS_ASSESSMENT, {}),
    "record_decision": (Stage.AWAITING_DECISION, {}),
    "amend_decision": (Stage.DECISION_COMMUNICATED, {}),
    "start_implementation": (Stage.DECISION_COMMUNICATED, {}),
    "start_reporting": (Stage.IN_IMPLEMENTATION, {}),
    "close": (Stage.REPORTING, {}),
    "withdraw": (Stage.IN_IMPLEMENTATION, {}),
}


def test_the_matrix_covers_every_action_of_the_transition_table():
    assert set(ACTION_MATRIX) == set(ACTIONS) == set(ACTION_SETUP)
    for row in ACTION_MATRIX.values():
        assert len(row) == len(ROLES) and all(len(cell) == len(SCOPES) for cell in row)


def case_ready_for(action_name, scope, team):
    """A case in a stage the action starts from, with everything it needs to succeed."""
    stage, requester = ACTION_SETUP[action_name]
    registrar = team["registrar"]
    case = case_in_stage(stage, actor=registrar, **requester, **scoped_case_fields(scope, team))
    if action_name in ("accept_emb_request", "start_assessment"):
        case = recommend(case, actor=registrar)
    if action_name == "submit_assessment":
        complete_assessment(case)
    if action_name == "close":
        attach_mission_report(case, actor=registrar)
        evaluated(case)
    return AssistanceRequest.objects.get(pk=case.pk)


def try_action(actor, case, action_name):
    """y when the action is done; - when it is refused for the actor's rights and nothing changed."""
    before = case_snapshot(case)
    try:
        services.perform_action(actor=actor, case=case, action_name=action_name, **action_params(action_name))
    except ActionRefused as refusal:
        # Refused for the user's rights or scope, not for a detail of the case.
        assert "permission" in str(refusal) or "not assigned to you" in str(refusal), str(refusal)
        assert case_snapshot(case) == before
        return "-"
    event = case.events.order_by("id").last()
    assert (event.action, event.actor) == (action_name, actor)
    assert case_snapshot(case) != before
    return "y"


@pytest.mark.parametrize("action_name", list(ACTION_MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_action_matrix(team, role, action_name):
    outcome = "".join(try_action(team[role], case_ready_for(action_name, scope, team), action_name) for scope in SCOPES)
    assert outcome == ACTION_MATRIX[action_name][ROLES.index(role)], f"{role}, {action_name}: own/desk/outside"


def test_an_officer_works_a_case_assigned_to_them_outside_their_desk(team):
    case = new_request(actor=team["registrar"], state="PER", officer=team[OFFICER])
    case = services.start_review(actor=team[OFFICER], case=case)
    assert case.stage == Stage.UNDER_REVIEW


def test_a_team_lead_is_refused_once_no_longer_leading_the_desk(team):
    case = new_request(actor=team["registrar"], state="GHA", officer=team[OFFICER])
    RegionalDesk.objects.filter(regional_group=RegionalGroup.AFRICAN).update(team_lead=None)
    with pytest.raises(ActionRefused, match="not assigned to you"):
        services.start_review(actor=type(team[LEAD]).objects.get(pk=team[LEAD].pk), case=case)


# Pages: every role against every page ------------------------------------------------------------


@pytest.fixture
def world(team):
    """Ghana: the officer's case; Kenya: a desk colleague's; Peru: outside the desk. Each Ghana
    and Peru case has a document and a history."""
    registrar = team["registrar"]
    ghana = new_request(actor=registrar, state="GHA", officer=team[OFFICER])
    kenya = new_request(actor=registrar, state="KEN", officer=team["colleague"])
    peru = new_request(actor=registrar, state="PER", officer=team["andean"])
    documents = {
        case.reference: document_services.attach_document(
            actor=registrar, case=case, kind=DocumentKind.REQUEST_LETTER, upload=pdf_upload("letter.pdf")
        )
        for case in (ghana, peru)
    }
    return {"team": team, "ghana": ghana, "kenya": kenya, "peru": peru, "documents": documents}


def action_post(case):
    return ("post", case_url("workspace:case-action", case, "start_review"), {"start_review-comment": "Acknowledged."})


def admin_action_post(case):
    return ("post", admin_url("assistancerequest_act", case.pk, "start_review"), {"start_review-comment": "Seen."})


def document_url(world, case):
    return case_url("workspace:case-document", case, world["documents"][case.reference].pk)


def admin_document_url(world, case):
    return admin_url("assistancerequest_document", case.pk, world["documents"][case.reference].pk)


def feed(world, role):
    user = world["team"].get(role)
    token = calendar_token_for(user).token if role != ANONYMOUS else "no-such-token"
    return ("feed", reverse("workspace:calendar-feed", args=[token]), None)


def audit_export(world, case):
    return reverse("workspace:audit-history-csv") + f"?case={case.reference}"


# How each page is asked for: a URL (GET), or (method, URL, data).
PAGE_REQUESTS = {
    "dashboard": lambda w, role: reverse("workspace:dashboard"),
    "case list": lambda w, role: reverse("workspace:case-list"),
    "case page": lambda w, role: case_url("workspace:case-detail", w["ghana"]),
    "case page, outside": lambda w, role: case_url("workspace:case-detail", w["peru"]),
    "action page": lambda w, role: case_url("workspace:case-action", w["ghana"], "start_review"),
    "action taken": lambda w, role: action_post(w["ghana"]),
    "action taken, outside": lambda w, role: action_post(w["peru"]),
    "document": lambda w, role: document_url(w, w["ghana"]),
    "document, outside": lambda w, role: document_url(w, w["peru"]),
    "CSV export": lambda w, role: reverse("workspace:case-export-csv"),
    "XLSX export": lambda w, role: reverse("workspace:case-export-xlsx"),
    "calendar settings": lambda w, role: reverse("workspace:calendar-settings"),
    "calendar feed": feed,
    "admin case list": lambda w, role: admin_url("assistancerequest_changelist"),
    "admin case page": lambda w, role: admin_url("assistancerequest_change", w["ghana"].pk),
    "admin case page, outside": lambda w, role: admin_url("assistancerequest_change", w["peru"].pk),
    "admin case log, outside": lambda w, role: admin_url("assistancerequest_history", w["peru"].pk),
    "admin register form": lambda w, role: admin_url("assistancerequest_add"),
    "admin action taken": lambda w, role: admin_action_post(w["ghana"]),
    "admin document": lambda w, role: admin_document_url(w, w["ghana"]),
    "admin document, outside": lambda w, role: admin_document_url(w, w["peru"]),
    "admin history list": lambda w, role: admin_url("caseevent_changelist"),
    "admin history entry": lambda w, role: admin_url("caseevent_change", w["ghana"].events.first().pk),
    "admin history entry, outside": lambda w, role: admin_url("caseevent_change", w["peru"].events.first().pk),
    "audit page": lambda w, role: reverse("workspace:audit"),
    "audit export": lambda w, role: audit_export(w, w["ghana"]),
    "audit export, outside": lambda w, role: audit_export(w, w["peru"]),
}


# The status each role gets. "nobody" is staff in no group; "anonymous" is not logged in (302: to
# the login page). Outside: Peru, outside the African desk, which the officer and the team lead do
# not see — it does not exist for them (404). "action taken": 302 done, 400 refused, and said why
# (the admin's action page: 302 done, 200 refused, and said why).
PAGE_MATRIX = {
    #                               clerk officer lead focal finance auditor superuser nobody anonymous
    "dashboard": (200, 200, 200, 200, 200, 200, 200, 403, 302),
    "case list": (200, 200, 200, 200, 200, 200, 200, 403, 302),
    "case page": (200, 200, 200, 200, 200, 200, 200, 403, 302),
    "case page, outside": (200, 404, 404, 200, 200, 200, 200, 403, 302),
    "action page": (200, 200, 200, 200, 200, 200, 200, 403, 302),
    "action taken": (400, 302, 302, 302, 400, 400, 302, 403, 302),
    "action taken, outside": (400, 404, 404, 302, 400, 400, 302, 403, 302),
    "document": (200, 200, 200, 200, 200, 200, 200, 403, 302),
    "document, outside": (200, 404, 404, 200, 200, 200, 200, 403, 302),
    "CSV export": (200, 200, 200, 200, 200, 200, 200, 403, 302),
    "XLSX export": (200, 200, 200, 200, 200, 200, 200, 403, 302),
    "calendar settings": (200, 200, 200, 200, 200, 200, 200, 403, 302),
    "calendar feed": (200, 200, 200, 200, 200, 200, 200, 404, 404),
    "admin case list": (200, 200, 200, 200, 200, 200, 200, 403, 302),
    "admin case page": (200, 200, 200, 200, 200, 200, 200, 403, 302),
    "admin case page, outside": (200, 404, 404, 200, 200, 200, 200, 403, 302),
    "admin case log, outside": (200, 404, 404, 200, 200, 200, 200, 403, 302),
    "admin register form": (200, 403, 403, 403, 403, 403, 200, 403, 302),
    "admin action taken": (200, 302, 302, 302, 200, 200, 302, 404, 302),
    "admin document": (200, 200, 200, 200, 200, 200, 200, 404, 302),
    "admin document, outside": (200, 404, 404, 200, 200, 200, 200, 404, 302),
    "admin history list": (200, 200, 200, 200, 200, 200, 200, 403, 302),
    "admin history entry": (200, 200, 200, 200, 200, 200, 200, 403, 302),
    "admin history entry, outside": (200, 404, 404, 200, 200, 200, 200, 403, 302),
    "audit page": (403, 403, 403, 403, 403, 200, 200, 403, 302),
    "audit export": (403, 403, 403, 403, 403, 200, 200, 403, 302),
    "audit export, outside": (403, 403, 403, 403, 403, 200, 200, 403, 302),
}
PAGE_ROLES = ROLES + [NOBODY, ANONYMOUS]


def test_the_page_matrix_covers_every_page_and_role():
    assert set(PAGE_MATRIX) == set(PAGE_REQUESTS)
    assert all(len(row) == len(PAGE_ROLES) for row in PAGE_MATRIX.values())


def fetch(world, role, page):
    """The status ``role`` gets for ``page``; what the request changed is rolled back after."""
    client = Client()
    with transaction.atomic():
        request = PAGE_REQUESTS[page](world, role)
        is_feed = isinstance(request, tuple) and request[0] == "feed"
        if role != ANONYMOUS and not is_feed:  # the feed's token is its only credential
            client.force_login(world["team"][role])
        if isinstance(request, str):
            response = client.get(request)
        else:
            method, url, data = request
            response = client.post(url, data) if method == "post" else client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        if response.status_code == 302 and role == ANONYMOUS:
            assert "login" in response["Location"]
        if "action taken" in page:
            moved = AssistanceRequest.objects.get(pk=world["peru" if "outside" in page else "ghana"].pk)
            # Done when it answers 302 to someone logged in; otherwise nothing moved.
            assert (moved.stage == Stage.UNDER_REVIEW) == (response.status_code == 302 and role != ANONYMOUS)
            if response.status_code in (200, 400):  # refused: the page says why
                assert "permission" in " ".join(str(m) for m in response.context["messages"])
        transaction.set_rollback(True)
    return response.status_code


@pytest.mark.parametrize("page", list(PAGE_MATRIX))
def test_page_matrix(world, page):
    statuses = tuple(fetch(world, role, page) for role in PAGE_ROLES)
    assert dict(zip(PAGE_ROLES, statuses, strict=True)) == dict(zip(PAGE_ROLES, PAGE_MATRIX[page], strict=True))


# Lists and exports show only the cases in scope -------------------------------------------------


def _xlsx_text(response):
    with zipfile.ZipFile(io.BytesIO(body_of(response))) as workbook:
        return workbook.read("xl/worksheets/sheet1.xml").decode()


LIST_PAGES = {
    "case list": lambda client: " ".join(
        case.reference for case in client.get(reverse("workspace:case-list")).context["page"].object_list
    ),
    "CSV export": lambda client: body_of(client.get(reverse("workspace:case-export-csv"))).decode("utf-8-sig"),
    "XLSX export": lambda client: _xlsx_text(client.get(reverse("workspace:case-export-xlsx"))),
    "admin case list": lambda client: client.get(admin_url("assistancerequest_changelist")).content.decode(),
    "admin history list": lambda client: client.get(admin_url("caseevent_changelist")).content.decode(),
    "admin reminders": lambda client: client.get(admin_url("reminder_changelist")).content.decode(),
}


# Which of the three cases each role finds in the lists and exports.
SEES = {
    CLERK: {"ghana", "kenya", "peru"},
    OFFICER: {"ghana", "kenya"},
    LEAD: {"ghana", "kenya"},
    FOCAL: {"ghana", "kenya", "peru"},
    FINANCE: {"ghana", "kenya", "peru"},
    AUDITOR: {"ghana", "kenya", "peru"},
    SUPERUSER: {"ghana", "kenya", "peru"},
}


@pytest.mark.parametrize("page", list(LIST_PAGES))
def test_lists_and_exports_hold_only_the_cases_in_scope(world, page):
    if page == "admin reminders":
        now = timezone.now()
        for name in ("ghana", "kenya", "peru"):
            case = world[name]
            Reminder.objects.create(
                case=case,
                stage=case.stage,
                stage_entered_at=case.stage_entered_at,
                due_at=now,
                level=Reminder.Level.OVERDUE,
                recipient=f"{name}@un.example.org",
            )
    found = {}
    for role in ROLES:
        client = Client()
        client.force_login(world["team"][role])
        text = LIST_PAGES[page](client)
        found[role] = {name for name in ("ghana", "kenya", "peru") if world[name].reference in text}
    assert found == SEES


def test_the_calendar_feed_holds_only_the_users_own_cases(client, world):
    token = calendar_token_for(world["team"][OFFICER]).token
    feed_text = client.get(reverse("workspace:calendar-feed", args=[token])).content.decode()
    assert world["ghana"].reference in feed_text
    assert world["kenya"].reference not in feed_text and world["peru"].reference not in feed_text


def test_a_feed_stops_when_its_user_loses_the_role(client, world):
    officer = world["team"][OFFICER]
    url = reverse("workspace:calendar-feed", args=[calendar_token_for(officer).token])
    assert client.get(url).status_code == 200
    officer.groups.clear()
    assert client.get(url).status_code == 404


# Editing a case in the admin: the officer edits their own cases, reads their colleagues' ---------


@pytest.mark.parametrize(
    ("role", "case_name", "status"),
    [
        (OFFICER, "ghana", 302),  # assigned to the officer
        (OFFICER, "kenya", 403),  # a desk colleague's: read only
        (LEAD, "kenya", 302),  # the team lead supervises the whole desk
        (CLERK, "peru", 302),  # the intake desk corrects what it logged
        (FINANCE, "ghana", 403),
        (AUDITOR, "ghana", 403),
    ],
)
def test_who_may_edit_a_case_in_the_admin(client, world, role, case_name, status):
    case = world[case_name]
    client.force_login(world["team"][role])
    url = admin_url("assistancerequest_change", case.pk)
    page = client.get(url)
    assert page.status_code == 200
    assert ('name="_save"' in page.content.decode()) == (status == 302)
    data = change_form_data(page)
    data["summary"] = "Edited by someone."
    assert client.post(url, data).status_code == status
    case.refresh_from_db()
    assert (case.summary == "Edited by someone.") == (status == 302)
    if status == 302:
        edit = case.events.order_by("id").last()
        assert edit.action == "details_updated" and edit.actor == world["team"][role]
        assert "Edited by someone." in edit.details_text  # old → new


# Intake: the clerk registers and attaches; finance and the auditor do neither --------------------


@pytest.mark.parametrize(("role", "registers"), [(CLERK, True), (FINANCE, False), (AUDITOR, False), (OFFICER, False)])
def test_only_the_intake_clerk_registers_requests(client, team, role, registers):
    client.force_login(team[role])
    response = client.post(admin_url("assistancerequest_add"), intake_data())
    assert response.status_code == (302 if registers else 403)
    assert AssistanceRequest.objects.exists() == registers
    if registers:
        event = AssistanceRequest.objects.get().events.get()
        assert (event.action, event.actor) == ("registered", team[role])


@pytest.mark.parametrize(("role", "attaches"), [(CLERK, True), (FINANCE, False), (AUDITOR, False)])
def test_the_clerk_attaches_documents_finance_and_the_auditor_cannot(client, world, role, attaches):
    case, user = world["peru"], world["team"][role]
    before = CaseDocument.objects.count()

    if attaches:
        document_services.attach_document(actor=user, case=case, kind=DocumentKind.OTHER, upload=pdf_upload())
    else:
        with pytest.raises(ActionRefused, match="permission"):
            document_services.attach_document(actor=user, case=case, kind=DocumentKind.OTHER, upload=pdf_upload())

    # And through the admin's case page.
    client.force_login(user)
    url = admin_url("assistancerequest_change", case.pk)
    data = change_form_data(client.get(url))
    new = int(data.get("documents-TOTAL_FORMS", 0))  # the row after the case's documents
    data.update(
        {
            "documents-TOTAL_FORMS": str(new + 1),
            f"documents-{new}-kind": "request_letter",
            f"documents-{new}-file": pdf_upload("second letter.pdf"),
        }
    )
    response = client.post(url, data)
    assert response.status_code == (302 if attaches else 403)
    assert CaseDocument.objects.count() == before + (2 if attaches else 0)
    if attaches:
        assert case.events.filter(action="document_attached", actor=user).count() == 2
