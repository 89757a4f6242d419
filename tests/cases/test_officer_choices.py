"""Whom a case can be assigned to: staff who can work it, its desk's first (issue 10)."""

import pytest
from django.urls import reverse

from requests_app.cases.models import RegionalDesk
from requests_app.core import roles
from tests.factories import UserFactory, member_of, member_state, new_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    people = {
        "africa_officer": member_of(roles.ELECTORAL_OFFICER, first_name="Zainab", last_name="Z"),
        "africa_lead": member_of(roles.TEAM_LEAD, first_name="Yusuf", last_name="Y"),
        "latin_officer": member_of(roles.ELECTORAL_OFFICER, first_name="Ana", last_name="A"),
        "finance": member_of(roles.FINANCE, first_name="Fiona", last_name="F"),
        "clerk": member_of(roles.INTAKE_CLERK, first_name="Clara", last_name="C"),
        "admin": UserFactory(is_staff=True, is_superuser=True, first_name="Adam", last_name="Admin"),
    }
    africa = RegionalDesk.objects.get(regional_group=member_state("GHA").regional_group)
    africa.members.add(people["africa_officer"])
    africa.team_lead = people["africa_lead"]
    africa.save()
    RegionalDesk.objects.get(regional_group=member_state("PER").regional_group).members.add(people["latin_officer"])
    return people


def name_of(user):
    return f"{user.first_name} {user.last_name}"


def officer_choices(client, case):
    from django.contrib.auth import get_user_model

    names = {str(u.pk): name_of(u) for u in get_user_model().objects.all()}
    response = client.get(reverse("admin:requests_app_assistancerequest_change", args=[case.pk]))
    field = response.context["adminform"].form.fields["officer"]
    return [names[str(value)] for value, label in field.choices if value]


def test_the_officer_list_offers_officers_and_team_leads_of_the_case_desk_first(client, staff):
    lead = member_of(roles.TEAM_LEAD, first_name="Zoe", last_name="Lead")  # named after Ana A: the desk sorts by name
    RegionalDesk.objects.filter(regional_group=member_state("PER").regional_group).update(team_lead=lead)
    client.force_login(staff["africa_lead"])
    ghana = new_request(state="GHA")

    choices = officer_choices(client, ghana)

    desk = ["Yusuf Y", "Zainab Z"]
    assert choices[:2] == desk
    assert "Ana A" in choices[2:]
    for outsider in ("Fiona F", "Clara C", "Adam Admin"):
        assert outsider not in choices

    client.force_login(lead)
    assert officer_choices(client, new_request(state="PER"))[0] == "Ana A"


def test_the_add_form_offers_the_same_people(client, staff):
    clerk = member_of(roles.INTAKE_CLERK)
    from django.contrib.auth.models import Permission

    clerk.user_permissions.add(Permission.objects.get(codename="assign_officer"))  # to see the field
    client.force_login(clerk)
    add = client.get(reverse("admin:requests_app_assistancerequest_add"))
    offered = {str(value) for value, label in add.context["adminform"].form.fields["officer"].choices if value}
    assert offered == {str(staff[name].pk) for name in ("africa_officer", "africa_lead", "latin_officer")}
