"""Rights of the roles: the six groups migration 0007_roles makes, and who holds what.

Each user is a fresh user added to the real group, so a change to the migration that grants
something new fails a table below (the roles and scopes: tests/core/helpers.py).
"""

import pytest
from django.contrib.auth.models import Group

from requests_app.core import roles

pytestmark = pytest.mark.django_db


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
        # The officer recommends, the focal point accepts an electoral body's request and chooses the assessment.
        ("review_request", {roles.ELECTORAL_OFFICER, roles.TEAM_LEAD, roles.FOCAL_POINT}),
        ("decide_review", {roles.FOCAL_POINT}),
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
        # Who took part (migration 0026_took14): the focal point records who was told of a decision.
        ("add_missionmember", {roles.ELECTORAL_OFFICER, roles.TEAM_LEAD, roles.FOCAL_POINT}),
        ("add_implementationvehicle", {roles.ELECTORAL_OFFICER, roles.TEAM_LEAD, roles.FOCAL_POINT}),
        ("add_decisionnotice", {roles.FOCAL_POINT}),
        ("view_decisionnotice", set(roles.ALL)),
    ],
)
def test_who_holds_each_sensitive_permission(codename, holders):
    assert {name for name in roles.ALL if codename in codenames(name)} == holders


def writes_of(name):
    return {c for c in codenames(name) if c.split("_", 1)[0] in ("add", "change", "delete")}


def test_the_auditor_only_reads_and_finance_writes_only_the_trust_fund():
    assert writes_of(roles.AUDITOR) == set()
    assert writes_of(roles.FINANCE) == {"add_ledgerentry", "add_exchangerate"}
