"""The demo's staff: one user per role and desk, all with the demo password."""

import unicodedata
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from requests_app.cases.models import RegionalDesk
from requests_app.core import roles

DEMO_PASSWORD = "eas-demo-2026"


# Users --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffMember:
    username: str
    first_name: str
    last_name: str
    role: str = roles.ELECTORAL_OFFICER
    leads: tuple = ()  # regional groups whose desk this person leads
    desks: tuple = ()  # regional groups whose desk this person works on

    @property
    def is_focal_point(self):
        return self.role == roles.FOCAL_POINT


STAFF = [
    StaffMember("aokafor", "Amara", "Okafor", roles.TEAM_LEAD, leads=("AFRICAN",), desks=("AFRICAN",)),
    StaffMember(
        "therrera",
        "Tomás",
        "Herrera",
        roles.TEAM_LEAD,
        leads=("LATIN_AMERICAN_CARIBBEAN",),
        desks=("LATIN_AMERICAN_CARIBBEAN", "WESTERN_EUROPEAN_OTHERS"),
    ),
    StaffMember("lhaddad", "Leila", "Haddad", desks=("ASIA_PACIFIC", "AFRICAN")),
    StaffMember(
        "mtanaka",
        "Mei",
        "Tanaka",
        roles.TEAM_LEAD,
        leads=("ASIA_PACIFIC", "EASTERN_EUROPEAN"),
        desks=("ASIA_PACIFIC", "EASTERN_EUROPEAN"),
    ),
    StaffMember("hlindqvist", "Helena", "Lindqvist", roles.FOCAL_POINT),
    StaffMember("pnair", "Priya", "Nair", roles.INTAKE_CLERK),
]


@dataclass
class Team:
    admin: object
    officers: list
    focal_point: object
    clerk: object


def _email(first_name, last_name):
    ascii_name = unicodedata.normalize("NFKD", f"{first_name}.{last_name}").encode("ascii", "ignore").decode()
    return f"{ascii_name.lower()}@example.org"


def ensure_users():
    """The superuser and the staff, created once. Existing users keep their password."""
    User = get_user_model()
    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={"email": "admin@example.org", "is_staff": True, "is_superuser": True},
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    groups = {group.name: group for group in Group.objects.filter(name__in=roles.ALL)}
    members = {}
    for member in STAFF:
        user, created = User.objects.get_or_create(
            username=member.username,
            defaults={
                "first_name": member.first_name,
                "last_name": member.last_name,
                "email": _email(member.first_name, member.last_name),
                "is_staff": True,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(groups[member.role])
        for regional_group in member.desks:
            RegionalDesk.objects.get(regional_group=regional_group).members.add(user)
        for regional_group in member.leads:
            RegionalDesk.objects.filter(regional_group=regional_group, team_lead__isnull=True).update(team_lead=user)
        members[member.username] = member
    # Fetched again: has_perm() must not read a permission cache from before the grant.
    users = {user.username: user for user in User.objects.filter(username__in=members).order_by("pk")}
    return Team(
        admin=admin,
        officers=[users[m.username] for m in STAFF if m.role in (roles.ELECTORAL_OFFICER, roles.TEAM_LEAD)],
        focal_point=next(users[m.username] for m in STAFF if m.is_focal_point),
        clerk=next(users[m.username] for m in STAFF if m.role == roles.INTAKE_CLERK),
    )
