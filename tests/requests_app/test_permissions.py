"""Roles, rights and scope: every role against every action and page; the history nobody can change.

The six roles are the groups migration 0007_roles makes. Each user here is a fresh user added
to the real group, so a change to the migration that grants something new fails a table below.
Scope: the officer is a member of the African desk and the team lead leads it; a case in
Ghana or Kenya is the desk's, a case in Peru is outside it.
"""

import csv
import datetime
import io
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from requests_app.calendar.services import token_for as calendar_token_for
from requests_app.cases import services
from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest, Decision, RegionalDesk
from requests_app.cases.workflow import ACTIONS
from requests_app.core import roles
from requests_app.core.errors import ActionRefused
from requests_app.documents import services as document_services
from requests_app.documents.models import CaseDocument, DocumentKind
from requests_app.history.models import CaseEvent
from requests_app.reference.models import RegionalGroup
from requests_app.reminders.models import Reminder
from tests.admin_forms import change_form_data, intake_data
from tests.factories import (
    REQUESTERS,
    UserFactory,
    action_params,
    attach_mission_report,
    case_in_stage,
    case_snapshot,
    complete_assessment,
    new_request,
    pdf_upload,
    user_with_perms,
)

pytestmark = pytest.mark.django_db

CLERK, OFFICER, LEAD, FOCAL, FINANCE, AUDITOR, SUPERUSER = (
    "clerk",
    "officer",
    "lead",
    "focal",
    "finance",
    "auditor",
    "superuser",
)
ROLES = [CLERK, OFFICER, LEAD, FOCAL, FINANCE, AUDITOR, SUPERUSER]
GROUP_OF = {
    CLERK: roles.INTAKE_CLERK,
    OFFICER: roles.ELECTORAL_OFFICER,
    LEAD: roles.TEAM_LEAD,
    FOCAL: roles.FOCAL_POINT,
    FINANCE: roles.FINANCE,
    AUDITOR: roles.AUDITOR,
}
NOBODY, ANONYMOUS = "nobody", "anonymous"  # staff in no group (deny by default); not logged in

OWN, DESK, OUTSIDE = "own case", "desk colleague's case", "outside the desk"
SCOPES = [OWN, DESK, OUTSIDE]


def role_user(role, **fields):
    """A fresh staff user in the real group of ``role`` (a superuser in none)."""
    user = UserFactory(is_staff=role != ANONYMOUS, is_superuser=role == SUPERUSER, **fields)
    if role in GROUP_OF:
        user.groups.add(Group.objects.get(name=GROUP_OF[role]))
    return type(user).objects.get(pk=user.pk)  # without a stale permission cache


@pytest.fixture
def team(db):
    """One user per role, two more officers, the African desk (officer, colleague, lead) and the
    Latin American desk (andean), and a superuser who registers and prepares the cases."""
    people = {role: role_user(role) for role in ROLES + [NOBODY]}
    people["colleague"] = role_user(OFFICER)
    people["andean"] = role_user(OFFICER)
    people["registrar"] = role_user(SUPERUSER)
    african = RegionalDesk.objects.get(regional_group=RegionalGroup.AFRICAN)
    african.team_lead = people[LEAD]
    african.save()
    african.members.add(people[OFFICER], people["colleague"])
    RegionalDesk.objects.get(regional_group=RegionalGroup.LATIN_AMERICAN_CARIBBEAN).members.add(people["andean"])
    return people


def scoped_case_fields(scope, team):
    """Where the case is and whom it is assigned to, for each scope of the matrix."""
    return {
        OWN: {"state": "GHA", "officer": team[OFFICER]},
        DESK: {"state": "GHA", "officer": team["colleague"]},
        OUTSIDE: {"state": "PER", "officer": team["andean"]},
    }[scope]


# Rights of the roles (migration 0007_roles) -----------------------------------------------------


def test_the_six_roles_are_groups_made_by_the_migration():
    assert sorted(Group.objects.filter(name__in=roles.ALL).values_list("name", flat=True)) == sorted(roles.ALL)
    assert len(roles.ALL) == 6


def codenames(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("codename", flat=True))


def test_no_role_may_change_or_delete_history_or_delete_a_case():
    forbidden = {
        "add_caseevent",
        "change_caseevent",
        "delete_caseevent",
        "change_reminder",
        "delete_reminder",
        "delete_assistancerequest",
        "delete_casedocument",
        "change_decision",
        "delete_decision",
    }
    for name in roles.ALL:
        assert not codenames(name) & forbidden, name


@pytest.mark.parametrize(
    ("codename", "holders"),
    [
        ("add_assistancerequest", {roles.INTAKE_CLERK}),
        ("add_casedocument", {roles.INTAKE_CLERK, roles.ELECTORAL_OFFICER, roles.TEAM_LEAD, roles.FOCAL_POINT}),
        ("change_assistancerequest", {roles.INTAKE_CLERK, roles.ELECTORAL_OFFICER, roles.TEAM_LEAD, roles.FOCAL_POINT}),
        ("assign_officer", {roles.TEAM_LEAD, roles.FOCAL_POINT}),
        ("decide_request", {roles.FOCAL_POINT}),
        ("close_case", {roles.FOCAL_POINT}),
        ("export_history", {roles.AUDITOR}),
        ("view_all_cases", {roles.INTAKE_CLERK, roles.FOCAL_POINT, roles.FINANCE, roles.AUDITOR}),
        ("view_assistancerequest", set(roles.ALL)),
        ("view_caseevent", set(roles.ALL)),
        ("view_briefing", {roles.TEAM_LEAD, roles.FOCAL_POINT, roles.FINANCE, roles.AUDITOR}),
        ("record_allocation", {roles.FOCAL_POINT}),
        ("add_ledgerentry", {roles.FINANCE}),
        ("view_trust_fund_statement", {roles.FOCAL_POINT, roles.FINANCE, roles.AUDITOR}),
        ("change_trustfundsettings", set()),
        ("add_deployment", {roles.ELECTORAL_OFFICER, roles.TEAM_LEAD, roles.FOCAL_POINT}),
        ("add_expert", {roles.TEAM_LEAD, roles.FOCAL_POINT}),
        ("add_partnercontribution", {roles.ELECTORAL_OFFICER, roles.TEAM_LEAD, roles.FOCAL_POINT}),
        ("view_expert", set(roles.ALL)),
    ],
)
def test_who_holds_each_sensitive_permission(codename, holders):
    assert {name for name in roles.ALL if codename in codenames(name)} == holders


def writes_of(name):
    return {c for c in codenames(name) if c.split("_", 1)[0] in ("add", "change", "delete")}


def test_the_auditor_only_reads_and_finance_writes_only_the_trust_fund():
    assert writes_of(roles.AUDITOR) == set()
    assert writes_of(roles.FINANCE) == {"add_ledgerentry", "add_exchangerate"}


# The action matrix: every role, every action, each scope ----------------------------------------

# Who may take each action, per role; each cell is three letters, for: the officer's own case
# (Ghana, assigned to the officer) / a desk colleague's case (Ghana, assigned to another officer
# of the African desk) / a case outside the desk (Peru). y: allowed, -: refused.
ACTION_MATRIX = {
    #                        clerk  officer lead   focal  finance auditor superuser
    "start_review": ("---", "y--", "yy-", "yyy", "---", "---", "yyy"),
    "accept_emb_request": ("---", "y--", "yy-", "yyy", "---", "---", "yyy"),
    "start_assessment": ("---", "y--", "yy-", "yyy", "---", "---", "yyy"),
    "decline_request": ("---", "---", "---", "yyy", "---", "---", "yyy"),
    "submit_assessment": ("---", "y--", "yy-", "yyy", "---", "---", "yyy"),
    "record_decision": ("---", "---", "---", "yyy", "---", "---", "yyy"),
    "start_implementation": ("---", "y--", "yy-", "yyy", "---", "---", "yyy"),
    "start_reporting": ("---", "y--", "yy-", "yyy", "---", "---", "yyy"),
    "close": ("---", "---", "---", "yyy", "---", "---", "yyy"),
    "withdraw": ("---", "y--", "yy-", "yyy", "---", "---", "yyy"),
}

# The stage each action is tried from, and who asked (the electoral body's acceptance needs one).
ACTION_SETUP = {
    "start_review": (Stage.RECEIVED, {}),
    "accept_emb_request": (Stage.UNDER_REVIEW, REQUESTERS["electoral_body"]),
    "start_assessment": (Stage.UNDER_REVIEW, {}),
    "decline_request": (Stage.UNDER_REVIEW, {}),
    "submit_assessment": (Stage.NEEDS_ASSESSMENT, {}),
    "record_decision": (Stage.AWAITING_DECISION, {}),
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
    if action_name == "submit_assessment":
        complete_assessment(case)
    if action_name == "close":
        attach_mission_report(case, actor=registrar)
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


def case_url(name, case, *args):
    return reverse(name, args=[case.reference, *args])


def admin_url(name, *args):
    return reverse(f"admin:requests_app_{name}", args=args)


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


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def _xlsx_text(response):
    with zipfile.ZipFile(io.BytesIO(_body(response))) as workbook:
        return workbook.read("xl/worksheets/sheet1.xml").decode()


LIST_PAGES = {
    "case list": lambda client: " ".join(
        case.reference for case in client.get(reverse("workspace:case-list")).context["page"].object_list
    ),
    "CSV export": lambda client: _body(client.get(reverse("workspace:case-export-csv"))).decode("utf-8-sig"),
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


# History cannot be edited or deleted, not even by a superuser ------------------------------------


@pytest.fixture
def decided_case(team):
    case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=team["registrar"])
    services.record_details_changed(actor=team["registrar"], case=case, changes={"Summary": ["old text", "new text"]})
    return case


def history_of(case):
    return list(CaseEvent.objects.filter(case=case).order_by("id").values())


def test_a_superuser_sees_a_history_entry_read_only_and_cannot_change_it(admin_client, decided_case):
    event = decided_case.events.order_by("id").last()
    before = history_of(decided_case)
    url = admin_url("caseevent_change", event.pk)

    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert not page.context["has_change_permission"]

    forged = {"action": "registered", "comment": "Rewritten", "to_stage": "closed", "details": "{}", "_save": "Save"}
    assert admin_client.post(url, forged).status_code == 403
    assert history_of(decided_case) == before


def test_a_superuser_cannot_delete_history_one_by_one_or_in_bulk(admin_client, decided_case):
    event = decided_case.events.first()
    before = history_of(decided_case)

    delete_url = admin_url("caseevent_delete", event.pk)
    assert admin_client.get(delete_url).status_code == 403
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403

    changelist = admin_client.get(admin_url("caseevent_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    admin_client.post(
        admin_url("caseevent_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [str(e.pk) for e in decided_case.events.all()],
            "post": "yes",
        },
    )
    assert history_of(decided_case) == before


def test_a_superuser_cannot_delete_a_case_and_its_history_with_it(admin_client, decided_case):
    before = history_of(decided_case)
    url = admin_url("assistancerequest_delete", decided_case.pk)
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    changelist = admin_client.get(admin_url("assistancerequest_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    admin_client.post(
        admin_url("assistancerequest_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [str(decided_case.pk)],
            "post": "yes",
        },
    )
    assert AssistanceRequest.objects.filter(pk=decided_case.pk).exists()
    assert history_of(decided_case) == before


def test_the_case_form_shows_history_and_decisions_read_only_and_ignores_forged_edits(admin_client, decided_case):
    url = admin_url("assistancerequest_change", decided_case.pk)
    page = admin_client.get(url)
    history = next(f for f in page.context["inline_admin_formsets"] if f.formset.model is CaseEvent)
    assert not (history.has_change_permission or history.has_add_permission or history.has_delete_permission)
    before_events = history_of(decided_case)
    before_decisions = list(Decision.objects.filter(case=decided_case).values())

    data = change_form_data(page)
    event, decision = decided_case.events.first(), decided_case.decisions.get()
    data.update(
        {
            # Rewrite the first entry, add one, delete one: a browser's form has no such fields.
            "events-0-id": str(event.pk),
            "events-0-comment": "Rewritten",
            "events-0-action": "closed",
            "events-0-DELETE": "on",
            "events-TOTAL_FORMS": str(len(before_events) + 1),
            f"events-{len(before_events)}-action": "registered",
            f"events-{len(before_events)}-comment": "Invented",
            "decisions-0-id": str(decision.pk),
            "decisions-0-reason": "Rewritten",
            "decisions-0-outcome": "decline",
            "decisions-0-DELETE": "on",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert history_of(decided_case) == before_events  # the untouched case adds no entry either
    assert list(Decision.objects.filter(case=decided_case).values()) == before_decisions


def test_reminders_are_a_record_too(admin_client, decided_case):
    reminder = Reminder.objects.create(
        case=decided_case,
        stage=decided_case.stage,
        stage_entered_at=decided_case.stage_entered_at,
        due_at=timezone.now(),
        level=Reminder.Level.OVERDUE,
        recipient="officer@un.example.org",
    )
    assert admin_client.post(admin_url("reminder_change", reminder.pk), {"status": "sent"}).status_code == 403
    assert admin_client.post(admin_url("reminder_delete", reminder.pk), {"post": "yes"}).status_code == 403
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.PENDING


# The auditor's export of the history --------------------------------------------------------------

AUDIT_URL = reverse("workspace:audit-history-csv")
HISTORY_HEADER = ["When", "Case", "Member State", "Action", "From stage", "To stage", "By", "Comment", "Details"]


def history_csv(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    content = _body(response)
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def name_of(user):
    return user.get_full_name() or user.username


def test_the_history_of_a_case_with_who_when_and_old_and_new_values(client, team, decided_case):
    registrar = team["registrar"]
    other = new_request(actor=registrar, state="PER")
    services.record_event(case=decided_case, actor=None, action="reminder_sent", details={"level": "overdue"})
    client.force_login(team[AUDITOR])

    response = client.get(AUDIT_URL, {"case": decided_case.reference})
    rows = history_csv(response)

    assert rows[0] == HISTORY_HEADER
    assert decided_case.reference in response["Content-Disposition"]
    events = list(decided_case.events.order_by("created_at", "id"))
    assert len(rows) == 1 + len(events)
    assert all(row[1] == decided_case.reference and row[2] == "Ghana" for row in rows[1:])
    assert other.reference not in _body(client.get(AUDIT_URL, {"case": decided_case.reference})).decode()
    assert [row[3] for row in rows[1:]] == [str(e.action_label) for e in events]
    first = rows[1]
    assert first[0] == timezone.localtime(events[0].created_at).isoformat(" ", "seconds")
    assert (first[3], first[4], first[5], first[6]) == ("Request registered", "", "Received", name_of(registrar))
    review = next(row for row in rows if row[3] == "Acknowledge and start review")
    assert (review[4], review[5]) == ("Received", "Under review")
    edit = next(row for row in rows if row[3] == "Details edited")
    assert "Summary: old text → new text" in edit[8]
    assert rows[-1][3] == "Reminder sent" and rows[-1][6] == "EAS"


def test_the_history_of_a_period_counts_whole_days_in_the_current_time_zone(client, team, settings):
    settings.TIME_ZONE = "America/New_York"  # UTC-4 in May
    zone = timezone.get_current_timezone()
    case = new_request(actor=team["registrar"], state="PER")
    CaseEvent.objects.filter(case=case).delete()  # start from a blank page (as a test only can)

    def event_at(day, hour, minute, comment):
        at = datetime.datetime(2026, 5, day, hour, minute, tzinfo=zone)
        services.record_event(case=case, actor=team[FOCAL], action="details_updated", comment=comment, at=at)

    event_at(3, 23, 59, "before")
    event_at(4, 0, 0, "first day")
    event_at(6, 23, 59, "last day")  # 03:59 UTC on the 7th: still the 6th here
    event_at(7, 0, 0, "after")
    client.force_login(team[AUDITOR])

    rows = history_csv(client.get(AUDIT_URL, {"from": "2026-05-04", "to": "2026-05-06"}))

    assert [row[7] for row in rows[1:]] == ["first day", "last day"]
    assert rows[2][0] == "2026-05-06 23:59:00-04:00"
    one_case = history_csv(client.get(AUDIT_URL, {"case": case.reference, "from": "2026-05-06"}))
    assert [row[7] for row in one_case[1:]] == ["last day", "after"]
    until = history_csv(client.get(AUDIT_URL, {"case": case.reference, "to": "2026-05-03"}))
    assert [row[7] for row in until[1:]] == ["before"]


def test_the_export_keeps_to_the_users_scope(client, team):
    registrar = team["registrar"]
    ghana = new_request(actor=registrar, state="GHA")
    peru = new_request(actor=registrar, state="PER")
    # Someone who may export history but sees only the African desk's cases.
    desk_auditor = user_with_perms("view_assistancerequest", "export_history", is_staff=True)
    RegionalDesk.objects.get(regional_group=RegionalGroup.AFRICAN).members.add(desk_auditor)
    client.force_login(desk_auditor)
    today = timezone.localdate().isoformat()

    rows = history_csv(client.get(AUDIT_URL, {"from": today, "to": today}))
    assert {row[1] for row in rows[1:]} == {ghana.reference}
    assert client.get(AUDIT_URL, {"case": peru.reference}).status_code == 404
    assert client.get(AUDIT_URL, {"case": "EAS-1999-0001"}).status_code == 404


@pytest.mark.parametrize("role", [CLERK, OFFICER, LEAD, FOCAL, FINANCE])
def test_only_who_may_export_history_gets_it(client, team, role):
    case = new_request(actor=team["registrar"], state="GHA", officer=team[OFFICER])
    client.force_login(team[role])
    assert client.get(AUDIT_URL, {"case": case.reference}).status_code == 403
    assert client.get(reverse("workspace:audit")).status_code == 403
    assert "Export this history" not in client.get(case_url("workspace:case-detail", case)).content.decode()


def test_the_auditor_finds_the_export_on_the_case_page_and_on_its_own_page(client, team):
    case = new_request(actor=team["registrar"], state="GHA")
    client.force_login(team[AUDITOR])
    page = client.get(case_url("workspace:case-detail", case)).content.decode()
    assert "Export this history" in page
    assert f"{AUDIT_URL}?case={case.reference}" in page
    form = client.get(reverse("workspace:audit"), {"case": case.reference})
    assert form.status_code == 200
    assert f'value="{case.reference}"' in form.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2026-13-01"}, "This is not a date"),
        ({"from": "04/05/2026", "to": "2026-05-10"}, "YYYY-MM-DD"),
        ({"to": "yesterday"}, "This is not a date"),
        ({"from": "2026-05-10", "to": "2026-05-01"}, "ends before it starts"),
        ({}, "Give a case reference, a period, or both."),
        ({"case": "   "}, "Give a case reference, a period, or both."),
    ],
)
def test_bad_dates_answer_400_and_say_why(client, team, query, message):
    client.force_login(team[AUDITOR])
    response = client.get(AUDIT_URL, query)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "query", [{"from": "0001-01-01", "to": "9999-12-31"}, {"to": "9999-12-31"}, {"from": "0001-01-01"}]
)
def test_the_widest_period_exports_everything_without_error(client, team, settings, query):
    settings.TIME_ZONE = "Asia/Tokyo"  # ahead of UTC: the first day starts before year 1 in UTC
    case = new_request(actor=team["registrar"], state="GHA")
    client.force_login(team[AUDITOR])
    rows = history_csv(client.get(AUDIT_URL, query))
    assert [row[1] for row in rows[1:]] == [case.reference]


def test_history_cells_that_would_run_as_formulas_are_made_text(client, team):
    case = new_request(actor=team["registrar"], state="GHA")
    services.record_event(case=case, actor=team[FOCAL], action="details_updated", comment='=HYPERLINK("http://x")')
    client.force_login(team[AUDITOR])
    rows = history_csv(client.get(AUDIT_URL, {"case": case.reference}))
    assert rows[-1][7] == '\'=HYPERLINK("http://x")'


def test_the_export_costs_the_same_queries_for_3_or_30_entries(client, team):
    case = new_request(actor=team["registrar"], state="GHA")
    client.force_login(team[AUDITOR])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            history_csv(client.get(AUDIT_URL, {"case": case.reference}))
        return len(captured)

    for n in range(2):
        services.record_event(case=case, actor=team[FOCAL], action="details_updated", comment=f"edit {n}")
    few = queries()
    for n in range(27):
        actor = role_user(FOCAL) if n % 3 else None  # many different actors, and the system
        services.record_event(case=case, actor=actor, action="details_updated", comment=f"more {n}")
    assert queries() == few


def test_a_large_history_is_read_chunk_by_chunk(client, team, monkeypatch):
    from requests_app.history import views as views_audit

    monkeypatch.setattr(views_audit, "CHUNK_SIZE", 4)
    case = new_request(actor=team["registrar"], state="GHA")
    for n in range(10):
        services.record_event(case=case, actor=team[FOCAL], action="details_updated", comment=f"edit {n}")
    client.force_login(team[AUDITOR])
    rows = history_csv(client.get(AUDIT_URL, {"case": case.reference}))
    assert [row[7] for row in rows[2:]] == [f"edit {n}" for n in range(10)]
