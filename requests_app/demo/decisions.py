"""Demo data of issue 13, through the services: a follow-up request of a country (its earlier case
closed), a recommendation that awaits the focal point, and a decision amended once to extend it.

Run after the demo cases (demo/cases.py); each part is skipped when it is there already, so seeding
again adds nothing.
"""

from datetime import timedelta

import time_machine
from django.db import transaction
from django.utils import timezone

from requests_app.cases import recommendations, services, versions, workflow
from requests_app.cases.choices import AssessmentMethod, AuthorityType, ElectionType, Origin, Stage
from requests_app.cases.models import AssistanceRequest, DecisionAmendment, Election

FOLLOW_UP_SUMMARY = (
    "Follow-up to the assistance closed in %(reference)s: the Government of %(state)s asks for support to the "
    "voter register ahead of the next general elections, building on the lessons of the last ones."
)


def seed_decisions(*, team, now, stdout):
    """The three parts below; says what each added."""
    added = [
        _follow_up(team, now),
        _pending_recommendation(team, now),
        _amendment(team, now),
    ]
    stdout.write(f"Follow-ups and decisions (issue 13): {sum(added)} added, {len(added) - sum(added)} already there.")


def _last_moment(case, now):
    """A moment after the case's last event and before now: what happens next to it happens then."""
    last = case.events.order_by("-created_at").values_list("created_at", flat=True).first() or now
    return min(now - timedelta(minutes=5), last + timedelta(days=2))


@transaction.atomic
def _follow_up(team, now):
    """The earliest closed case gets a follow-up request of its country, under review, recommended."""
    earlier = AssistanceRequest.objects.filter(stage=Stage.CLOSED).select_related("member_state").order_by("pk").first()
    if earlier is None or earlier.followed_by.exists():
        return False
    officer = earlier.officer or team.officers[0]
    received = now - timedelta(days=12)
    with time_machine.travel(received, tick=False):
        today = timezone.localdate()
        case = AssistanceRequest(
            member_state=earlier.member_state,
            origin=Origin.GOVERNMENT,
            requesting_authority="Minister for Foreign Affairs",
            authority_type=AuthorityType.FOREIGN_MINISTER,
            letter_date=today - timedelta(days=9),
            received_date=today,
            summary=FOLLOW_UP_SUMMARY % {"reference": earlier.reference, "state": earlier.member_state.name},
            officer=officer,
            follows=earlier,
        )
        case.full_clean(exclude=["reference"])
        election = Election(election_type=ElectionType.GENERAL, planned_date=today + timedelta(days=420))
        case = services.register_request(
            actor=team.clerk,
            case=case,
            requested_types=list(earlier.requested_types.all()),
            elections=[election],
            comment="Received through the Permanent Mission; it follows the earlier case.",
        )
    with time_machine.travel(received + timedelta(days=2), tick=False):
        case = services.start_review(actor=officer, case=case, comment="Acknowledged by note verbale.")
    with time_machine.travel(received + timedelta(days=6), tick=False):
        services.recommend(
            actor=officer,
            case=case,
            method=AssessmentMethod.DESK_REVIEW,
            comment="The Division knows the electoral body from the earlier case: a desk review is enough.",
        )
    return True


@transaction.atomic
def _pending_recommendation(team, now):
    """An electoral body's request under review, not yet accepted: its officer recommends accepting it."""
    case = (
        AssistanceRequest.objects.filter(
            stage=Stage.UNDER_REVIEW, authority_type=AuthorityType.ELECTORAL_BODY, emb_request_accepted_at__isnull=True
        )
        .order_by("pk")
        .first()
    )
    if case is None or workflow.latest_recommendation(case) is not None or case.officer is None:
        return False
    with time_machine.travel(_last_moment(case, now), tick=False):
        services.recommend(
            actor=case.officer,
            case=case,
            accept_emb_request=True if recommendations.asks_acceptance(case) else None,
            method=AssessmentMethod.MISSION,
            comment="The Commission is the constitutional body for elections and the Government supports its "
            "request; a mission should meet the parties and civil society.",
        )
    return True


@transaction.atomic
def _amendment(team, now):
    """A decision to assist in implementation, amended once by the focal point: three more months."""
    if DecisionAmendment.objects.exists():
        return False
    case = (
        AssistanceRequest.objects.filter(stage=Stage.IN_IMPLEMENTATION, implementation_ends_on__gt=now.date())
        .order_by("pk")
        .first()
    )
    found = None if case is None else versions.decision_in_force(case)
    if case is None or found is None:
        return False
    decision, in_force = found
    if in_force.period_end is None:
        return False
    with time_machine.travel(_last_moment(case, now), tick=False):
        services.amend_decision(
            actor=team.focal_point,
            case=case,
            assistance_types=list(decision.assistance_types.all()),
            period_start=in_force.period_start,
            period_end=in_force.period_end + timedelta(days=91),
            scope=in_force.scope,
            reason="The electoral calendar was revised: polling day is three months later, and the Government "
            "asked that the assistance go on until the results are certified.",
        )
    return True
