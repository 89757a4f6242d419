"""The roles and scopes that the access tests (tests/core) and the history's tests share.

The six roles are the groups migration 0007_roles makes. Each user here is a fresh user added
to the real group, so a change to the migration that grants something new fails a table.
Scope: the officer is a member of the African desk and the team lead leads it; a case in
Ghana or Kenya is the desk's, a case in Peru is outside it.
"""

from django.contrib.auth.models import Group
from django.urls import reverse

from requests_app.cases.models import RegionalDesk
from requests_app.core import roles
from requests_app.reference.models import RegionalGroup
from tests.factories import UserFactory

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


def make_team():
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


def case_url(name, case, *args):
    return reverse(name, args=[case.reference, *args])


def admin_url(name, *args):
    return reverse(f"admin:requests_app_{name}", args=args)


def body_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content
