"""Evaluations, waivers and lessons in the admin: read and searched there, changed by nobody; and who
holds which right on them (migration 0016_closing13_evaluation)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from requests_app.cases import services as case_services
from requests_app.cases.choices import Stage
from requests_app.core import roles
from tests.evaluation.helpers import evaluate, lesson
from tests.factories import attach_mission_report, case_in_stage, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(registrar, reporting, desk_officer, focal):
    """The officer's Ghanaian case evaluated with a lesson; a Peruvian case closed with a waiver."""
    evaluate(desk_officer, reporting)
    lesson(desk_officer, reporting, codes=["voter-registration"])
    peru = case_in_stage(Stage.REPORTING, actor=registrar, state="PER")
    lesson(registrar, peru, title="Publish results by polling station")
    attach_mission_report(peru, actor=registrar)
    case_services.close_case(actor=focal, case=peru, evaluation_waiver="A two-week deployment only.")
    return {"ghana": reporting, "peru": peru}


def changelist(client, model, **params):
    response = client.get(reverse(f"admin:requests_app_{model}_changelist"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_officer_reads_every_lesson_but_the_evaluations_of_their_desk_only(client, records, desk_officer):
    client.force_login(desk_officer)
    lessons = changelist(client, "lessonlearned")
    assert "Register voters a year ahead" in lessons and "Publish results by polling station" in lessons
    evaluations = changelist(client, "evaluation")
    assert records["ghana"].reference in evaluations
    assert records["peru"].reference not in changelist(client, "evaluationwaiver")
    peru_waiver = records["peru"].evaluation_waiver
    assert client.get(reverse("admin:requests_app_evaluationwaiver_change", args=[peru_waiver.pk])).status_code == 404


def test_the_focal_point_searches_lessons_and_reads_a_waiver(client, records, focal):
    client.force_login(focal)
    found = changelist(client, "lessonlearned", q="polling")
    assert "Publish results by polling station" in found and "Register voters" not in found
    assert "A two-week deployment only." in changelist(client, "evaluationwaiver", q="two-week")
    lesson_row = records["peru"].lessons.get()
    page = client.get(reverse("admin:requests_app_lessonlearned_change", args=[lesson_row.pk])).content.decode()
    assert records["peru"].reference in page and 'name="title"' not in page  # read only


def test_nobody_adds_changes_or_deletes_them_in_the_admin(admin_client, records):
    evaluation = records["ghana"].evaluation
    for model in ("evaluation", "evaluationwaiver", "lessonlearned"):
        assert admin_client.get(reverse(f"admin:requests_app_{model}_add")).status_code == 403
    url = reverse("admin:requests_app_evaluation_change", args=[evaluation.pk])
    response = admin_client.post(url, {"what_worked": "Rewritten."})
    assert response.status_code == 403
    evaluation.refresh_from_db()
    assert evaluation.what_worked != "Rewritten."
    delete = reverse("admin:requests_app_lessonlearned_delete", args=[records["ghana"].lessons.get().pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403


def codenames(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("codename", flat=True))


@pytest.mark.parametrize(
    ("codename", "holders"),
    [
        ("view_lessonlearned", set(roles.ALL)),
        ("view_evaluation", set(roles.ALL)),
        ("view_evaluationwaiver", set(roles.ALL)),
        ("add_evaluation", {roles.ELECTORAL_OFFICER, roles.TEAM_LEAD, roles.FOCAL_POINT}),
        ("change_evaluation", {roles.ELECTORAL_OFFICER, roles.TEAM_LEAD, roles.FOCAL_POINT}),
        ("add_lessonlearned", {roles.ELECTORAL_OFFICER, roles.TEAM_LEAD, roles.FOCAL_POINT}),
        ("change_lessonlearned", {roles.ELECTORAL_OFFICER, roles.TEAM_LEAD, roles.FOCAL_POINT}),
        ("delete_lessonlearned", set()),
        ("add_evaluationwaiver", set()),
    ],
)
def test_who_holds_the_rights_of_the_post_electoral_phase(codename, holders):
    assert {name for name in roles.ALL if codename in codenames(name)} == holders


def test_the_team_lead_records_the_evaluation_of_a_case_of_their_desk(registrar):
    from requests_app.cases.models import RegionalDesk
    from requests_app.reference.models import RegionalGroup

    lead = member_of(roles.TEAM_LEAD)
    RegionalDesk.objects.filter(regional_group=RegionalGroup.AFRICAN).update(team_lead=lead)
    case = case_in_stage(Stage.REPORTING, actor=registrar, state="KEN")
    evaluate(lead, case)
    assert case.evaluation.recorded_by == lead
