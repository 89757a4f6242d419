"""Demo requests for territories: besides Member States, the territories can be assisted.

Registered through the intake service, on past dates, like the other demo cases; a request already
there (same territory, same summary) is left as it is.
"""

import datetime
from dataclasses import dataclass

import time_machine
from django.core.management.base import OutputWrapper
from django.utils import timezone

from requests_app.cases import services
from requests_app.cases.choices import AuthorityType, ElectionType, Origin
from requests_app.cases.models import AssistanceRequest, Election
from requests_app.demo.staff import Team
from requests_app.reference.models import AssistanceType, MemberState


@dataclass(frozen=True)
class TerritoryRequest:
    iso3: str
    signed_by: str
    authority_type: AuthorityType
    types: tuple[str, ...]
    election: ElectionType
    election_in_days: int
    received_days_ago: int
    summary: str


REQUESTS = [
    TerritoryRequest(
        iso3="NCL",
        signed_by="Permanent Representative of France to the United Nations, for the administering Power",
        authority_type=AuthorityType.PERMANENT_MISSION,
        types=("expert-panel", "voter-registration"),
        election=ElectionType.REFERENDUM,
        election_in_days=240,
        received_days_ago=12,
        summary="France, as administering Power, asks for a panel of electoral experts to follow the revision of "
        "the special electoral rolls and the consultation on New Caledonia's political future.",
    ),
    TerritoryRequest(
        iso3="TKL",
        signed_by="Permanent Representative of New Zealand to the United Nations, for the administering Power",
        authority_type=AuthorityType.PERMANENT_MISSION,
        types=("civic-education", "national-observers"),
        election=ElectionType.REFERENDUM,
        election_in_days=420,
        received_days_ago=5,
        summary="New Zealand, with the General Fono of Tokelau, asks for support to voter and civic education and "
        "to domestic observers before a referendum on self-determination.",
    ),
]


def seed_territories(*, team: Team, stdout: OutputWrapper) -> int:
    """Register the demo requests for territories; returns how many were new."""
    created = 0
    for request in REQUESTS:
        territory = MemberState.objects.get(iso3=request.iso3)
        if AssistanceRequest.objects.filter(member_state=territory, summary=request.summary).exists():
            continue
        received = timezone.now() - datetime.timedelta(days=request.received_days_ago)
        with time_machine.travel(received, tick=False):
            _register(team.clerk, territory, request)
        created += 1
    stdout.write(f"Territories: {created} requests registered.")
    return created


def _register(clerk, territory, request):
    today = timezone.localdate()
    case = AssistanceRequest(
        member_state=territory,
        origin=Origin.GOVERNMENT,
        requesting_authority=request.signed_by,
        authority_type=request.authority_type,
        letter_date=today - datetime.timedelta(days=6),
        received_date=today,
        summary=request.summary,
    )
    case.full_clean(exclude=["reference"])
    election = Election(
        election_type=request.election, planned_date=today + datetime.timedelta(days=request.election_in_days)
    )
    return services.register_request(
        actor=clerk,
        case=case,
        requested_types=list(AssistanceType.objects.filter(code__in=request.types)),
        elections=[election],
        comment="Received through the Permanent Mission of the administering Power.",
    )
