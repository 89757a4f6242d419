"""Demo of who took part (paras 10-11), through the coordination's services: the members and
consultations of a few needs assessment missions, the vehicles of the cases in implementation (a UNDP
project with a basket fund of three donors, a peace operation's electoral component on its mandate,
roster experts, projects without a basket fund), and the letters that told the Resident Coordinator,
the head of mission and, of an amendment, the requester. A few remain untold, as on any morning.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from requests_app.cases.choices import AssessmentMethod, ImplementationModality, Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.coordination import selectors, services
from requests_app.coordination.models import (
    Audience,
    Counterpart,
    DecisionNotice,
    ImplementationVehicle,
    MemberRole,
    MissionMember,
    Organisation,
    VehicleKind,
)
from requests_app.core.confidentiality import Level
from requests_app.partners.models import Partner
from requests_app.reference.models import MemberState, RegionalGroup
from requests_app.roster.models import Expert

MISSIONS = 4  # the open cases assessed by a mission that get their members and consultations

# name, organisation, role (the regional organisation's member comes from the region's, below)
MEMBERS = [
    ("Ingrid Solberg", Organisation.DPPA_EAD, MemberRole.LEADER),
    ("Kwame Asante", Organisation.UNDP, MemberRole.MEMBER),
    ("Mariana Duarte", Organisation.OHCHR, MemberRole.MEMBER),
    ("Aisha Rahman", Organisation.UN_WOMEN, MemberRole.MEMBER),
]
REGIONAL: dict[str, tuple[str, str]] = {
    RegionalGroup.AFRICAN: ("Fatou Ndiaye", "African Union Commission"),
    RegionalGroup.LATIN_AMERICAN_CARIBBEAN: ("Diego Ferreira", "Organization of American States"),
    RegionalGroup.EASTERN_EUROPEAN: ("Jana Novak", "OSCE Office for Democratic Institutions and Human Rights"),
}

# with whom, who, days into the mission, outcome, level
CONSULTATIONS = [
    (
        Counterpart.RESIDENT_COORDINATOR,
        "Resident Coordinator and the UN country team",
        0,
        "Briefed the mission on the political context; the country team supports a UNDP project after the decision.",
        Level.INTERNAL,
    ),
    (
        Counterpart.ELECTORAL_BODY,
        "Independent Electoral Commission, its chair and two commissioners",
        1,
        "The commission asks for support to voter registration and results management; its budget is 60% funded.",
        Level.INTERNAL,
    ),
    (
        Counterpart.POLITICAL_PARTIES,
        "Leaders of the four parties represented in parliament",
        2,
        "Two opposition parties doubt the commission's independence and would boycott without a new register.",
        Level.CONFIDENTIAL,
    ),
    (
        Counterpart.WOMENS_GROUPS,
        "Women's Situation Room network",
        3,
        "Candidates report intimidation; the network asks that the legal quota be enforced on the lists.",
        Level.INTERNAL,
    ),
]


def _writer(case, team):
    """Who records for the case: its officer when they may, else the focal point."""
    officer = case.officer
    if officer is not None and officer.is_active and officer.has_perm("requests_app.add_implementationvehicle"):
        return officer
    return team.focal_point


def _mission_day(case, assessment, offset):
    start = assessment.deployed_from or max(case.received_date, timezone.localdate() - timedelta(days=10))
    return min(start + timedelta(days=offset), timezone.localdate())


def _missions(team):
    cases = (
        AssistanceRequest.objects.filter(stage__in=Stage.open_stages(), assessment__method=AssessmentMethod.MISSION)
        .select_related("member_state", "assessment", "officer")
        .order_by("reference")[:MISSIONS]
    )
    expert = Expert.objects.filter(is_active=True).order_by("family_name", "id").first()
    recorded = 0
    for case in cases:
        if MissionMember.objects.filter(assessment__case=case).exists():
            continue  # recorded by an earlier run
        actor = _writer(case, team)
        for name, organisation, role in MEMBERS:
            services.add_member(actor=actor, case=case, name=name, organisation=organisation, role=role)
        regional = REGIONAL.get(case.member_state.regional_group)
        if regional is not None:
            services.add_member(
                actor=actor,
                case=case,
                name=regional[0],
                organisation=Organisation.REGIONAL,
                organisation_name=regional[1],
                role=MemberRole.MEMBER,
            )
        if expert is not None:
            services.add_member(
                actor=actor,
                case=case,
                name="",
                organisation=Organisation.DPPA_EAD,
                role=MemberRole.MEMBER,
                expert=expert,
            )
        for counterpart, who, offset, outcome, level in CONSULTATIONS:
            services.record_consultation(
                actor=actor,
                case=case,
                counterpart=counterpart,
                name=who,
                held_on=_mission_day(case, case.assessment, offset),
                outcome=outcome,
                level=level,
            )
        recorded += 1
    return recorded


def _signed_on(case):
    return max(timezone.localtime(case.stage_entered_at).date() - timedelta(days=3), case.received_date)


def _basket_fund(team):
    """The first UNDP project in implementation: a basket fund of the EU, Norway and Japan."""
    case = (
        AssistanceRequest.objects.filter(
            stage=Stage.IN_IMPLEMENTATION,
            implementation_modality=ImplementationModality.UNDP_PROJECT,
            vehicles__isnull=True,
        )
        .select_related("member_state", "officer")
        .order_by("reference")
        .first()
    )
    if case is None:
        return None
    states = {state.iso3: state for state in MemberState.objects.filter(iso3__in=["NOR", "JPN"])}
    donors = [
        services.Pledge(
            partner=Partner.objects.filter(acronym="EU").first(), pledged=Decimal("2500000"), currency="EUR"
        ),
        services.Pledge(member_state=states.get("NOR"), pledged=Decimal("18000000"), currency="NOK"),
        services.Pledge(member_state=states.get("JPN"), pledged=Decimal("150000000"), currency="JPY"),
    ]
    terms = services.VehicleTerms(
        kind=VehicleKind.UNDP_PROJECT,
        title=f"Support to the Electoral Cycle in {case.member_state.name} (SECP)",
        project_id="00131872",
        signed_on=_signed_on(case),
        budget=Decimal("6800000"),
        currency="USD",
        basket_fund=True,
        donors=[pledge for pledge in donors if pledge.donor is not None],
    )
    return services.record_vehicle(actor=_writer(case, team), case=case, terms=terms)


def _terms(case):
    """The vehicle a case's modality names: its mandate's mission, a plain project, roster experts."""
    if case.implementation_modality == ImplementationModality.MISSION_COMPONENT:
        mandate = case.mandates.order_by("-adopted_on", "-id").first()
        if mandate is None:
            return None
        return services.VehicleTerms(
            kind=VehicleKind.PEACE_OPERATION,
            title=f"United Nations Integrated Mission in {case.member_state.name}",
            mandate=mandate,
        )
    if case.implementation_modality == ImplementationModality.ROSTER_EXPERTS:
        return services.VehicleTerms(kind=VehicleKind.ROSTER_EXPERTS)
    if case.implementation_modality == ImplementationModality.UNDP_PROJECT:
        return services.VehicleTerms(
            kind=VehicleKind.UNDP_PROJECT,
            title=f"Electoral assistance project, {case.member_state.name}",
            signed_on=_signed_on(case),
            budget=Decimal("1200000"),
            currency="USD",
        )
    return None


def _vehicles(team):
    recorded = 1 if _basket_fund(team) is not None else 0
    cases = (
        AssistanceRequest.objects.filter(stage__in=selectors.VEHICLE_STAGES, vehicles__isnull=True)
        .select_related("member_state", "officer")
        .order_by("reference")
    )
    for case in cases:
        terms = _terms(case)
        if terms is not None:
            services.record_vehicle(actor=_writer(case, team), case=case, terms=terms)
            recorded += 1
    return recorded


def _tell(team, case, version, audience):
    day: date = min(version.day + timedelta(days=2), timezone.localdate())
    defaults = selectors.told_defaults(case, version, audience)
    notice = services.Notice(version=version.key, audience=audience, date=day, **defaults)
    services.record_told(actor=team.focal_point, case=case, notice=notice)


def _told(team):
    """The Resident Coordinator and the head of mission told of the decisions of the cases in implementation
    and after; the requester told of an amendment. The decisions just communicated wait, untold."""
    told = 0
    cases = (
        AssistanceRequest.objects.filter(stage__in=[*selectors.VEHICLE_STAGES, Stage.DECLINED])
        .exclude(decision_notices__isnull=False)
        .select_related("member_state")
        .prefetch_related("decisions__amendments", "mandates")
        .order_by("reference")
    )
    for case in cases:
        for version in selectors.who_was_told(case):
            for row in version.untold:
                if row.audience == Audience.REQUESTER and version.number == 1:
                    continue  # the decision letter tells the requester
                _tell(team, case, version, row.audience)
                told += 1
    return told


def seed_coordination(*, team, stdout):
    with transaction.atomic():
        missions = _missions(team)
        vehicles = _vehicles(team)
        told = _told(team)
    stdout.write(
        f"Coordination: {missions} missions with members and consultations, {vehicles} vehicles of implementation, "
        f"{told} letters telling of decisions ({MissionMember.objects.count()} members, "
        f"{ImplementationVehicle.objects.count()} vehicles, {DecisionNotice.objects.count()} notices in all)."
    )
