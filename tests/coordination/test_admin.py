"""Who took part in the admin: read and searched there, within the reader's scope, changed by nobody; a
consultation's outcome withheld from a role that may not read its level; and who holds which right
(migration 0026_took14)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from requests_app.cases.choices import AssessmentMethod, Stage
from requests_app.coordination import selectors, services
from requests_app.core import roles
from requests_app.core.confidentiality import Level
from requests_app.documents.models import ConfidentialRead
from tests.coordination.helpers import add_member, basket_fund, consult, told
from tests.factories import case_in_stage, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(registrar, mission, implementing, desk_officer, focal):
    """The officer's Ghanaian mission with a member and a confidential consultation, their case in
    implementation with a basket fund told to the Resident Coordinator; a Peruvian mission's member."""
    add_member(desk_officer, mission)
    secret = consult(desk_officer, mission, level=Level.CONFIDENTIAL, outcome="Two parties would boycott.")
    vehicle = services.record_vehicle(actor=desk_officer, case=implementing, terms=basket_fund())
    [version] = selectors.who_was_told(implementing)
    notice = services.record_told(
        actor=focal, case=implementing, notice=told(implementing, version.key, "resident_coordinator")
    )
    peru = case_in_stage(Stage.NEEDS_ASSESSMENT, actor=registrar, state="PER", method=AssessmentMethod.MISSION)
    add_member(registrar, peru, name="Diego Ferreira")
    return {"consultation": secret, "vehicle": vehicle, "notice": notice, "peru": peru}


def admin_page(client, name, *args, **params):
    response = client.get(reverse(f"admin:requests_app_{name}", args=args), params)
    assert response.status_code == 200, name
    return response.content.decode()


def test_the_officer_reads_the_records_of_their_desk_only(client, records, desk_officer):
    client.force_login(desk_officer)

    members = admin_page(client, "missionmember_changelist")
    assert "Ingrid Solberg" in members and "Diego Ferreira" not in members
    peru_member = records["peru"].assessment.members.get()
    assert client.get(reverse("admin:requests_app_missionmember_change", args=[peru_member.pk])).status_code == 404
    vehicles = admin_page(client, "implementationvehicle_changelist")
    assert "Support to the Electoral Cycle in Ghana" in vehicles


def test_the_vehicle_shows_its_donors_inline_read_only(client, records, focal):
    client.force_login(focal)
    page = admin_page(client, "implementationvehicle_change", records["vehicle"].pk)

    assert "basket fund donors (recorded on the case page)" in page.lower()
    assert "European Union (EU)" in page and "Norway" in page and "18000000" in page.replace(",", "")
    assert 'name="title"' not in page and 'name="donors-0-pledged"' not in page  # read only
    found = admin_page(client, "implementationvehicle_changelist", q="00131872")
    assert "Support to the Electoral Cycle in Ghana" in found


def test_a_consultations_outcome_is_withheld_from_a_role_that_may_not_read_it(client, records):
    clerk = member_of(roles.INTAKE_CLERK)  # internal only
    client.force_login(clerk)
    page = admin_page(client, "consultation_change", records["consultation"].pk)

    assert "Two parties would boycott." not in page
    assert "Confidential: not shown to your role." in page
    assert not ConfidentialRead.objects.filter(reader=clerk).exists()


def test_a_confidential_outcome_shown_in_the_admin_is_recorded(client, records, focal):
    client.force_login(focal)
    page = admin_page(client, "consultation_change", records["consultation"].pk)

    assert "Two parties would boycott." in page
    read = ConfidentialRead.objects.get(reader=focal)
    assert (read.level, read.place) == (Level.CONFIDENTIAL, ConfidentialRead.Place.ADMIN_PAGE)


def test_the_notice_names_the_letter_that_told(client, records, focal):
    client.force_login(focal)
    listed = admin_page(client, "decisionnotice_changelist")
    assert "Resident Coordinator in Ghana" in listed and "The Resident Coordinator" in listed


def test_nobody_adds_changes_or_deletes_them_in_the_admin(admin_client, records):
    for model in ("missionmember", "consultation", "implementationvehicle", "decisionnotice"):
        assert admin_client.get(reverse(f"admin:requests_app_{model}_add")).status_code == 403, model
    vehicle = records["vehicle"]
    url = reverse("admin:requests_app_implementationvehicle_change", args=[vehicle.pk])
    assert admin_client.post(url, {"title": "Changed"}).status_code == 403
    delete = reverse("admin:requests_app_implementationvehicle_delete", args=[vehicle.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    vehicle.refresh_from_db()
    assert vehicle.title == "Support to the Electoral Cycle in Ghana"


def codenames(role):
    return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))


def test_the_roles_rights_on_who_took_part():
    writers = {roles.ELECTORAL_OFFICER, roles.TEAM_LEAD, roles.FOCAL_POINT}
    for role in roles.ALL:
        held = codenames(role)
        assert {"view_missionmember", "view_consultation", "view_implementationvehicle", "view_decisionnotice"} <= held
        assert ("add_missionmember" in held) == (role in writers), role
        assert ("change_implementationvehicle" in held) == (role in writers), role
        assert ("add_decisionnotice" in held) == (role == roles.FOCAL_POINT), role
        never = {"change_missionmember", "change_consultation", "change_decisionnotice", "delete_decisionnotice"}
        assert not held & never, role
