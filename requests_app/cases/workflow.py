"""The transition table: what may happen to a case in each stage, and on what condition.

Each action names the stages it starts from, the stage it leads to, the permission it
needs and its guards. A guard looks at the case and returns the reasons it refuses, in
words a user can act on; an empty list lets the action through. Services
(requests_app.cases.services) are the only code that applies these actions.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeAlias

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from requests_app.cases.choices import AuthorityType, DecisionOutcome, ElectoralPhase, Stage
from requests_app.cases.models import AssistanceRequest, Decision, Recommendation
from requests_app.core.confidentiality import Level
from requests_app.core.types import StrOrPromise
from requests_app.documents.models import DocumentKind
from requests_app.evaluation.workflow import evaluation_or_waiver

OPEN_STAGES = frozenset(Stage.open_stages())
# The stages of a case whose decision to assist was communicated, and may be amended.
DECIDED_STAGES = frozenset({Stage.DECISION_COMMUNICATED, Stage.IN_IMPLEMENTATION, Stage.REPORTING})

# A guard's answer: the reasons it refuses, empty to let the action through.
Reasons: TypeAlias = list[StrOrPromise]
Guard: TypeAlias = Callable[[AssistanceRequest], Reasons]


# The four-month rule -----------------------------------------------------------------------
# The Department's guidance, not resolution 62/150: "normally a request made less than four months
# before election day cannot be accommodated". It concerns assistance to an election event, not
# long-term (whole-cycle) or post-electoral support: the phase of the assistance decides.

ELECTION_EVENT_PHASES = frozenset({ElectoralPhase.PRE_ELECTORAL, ElectoralPhase.ELECTORAL})


def short_notice_months() -> int:
    return getattr(settings, "EAS_SHORT_NOTICE_MONTHS", 4)


def first_election_date(case: AssistanceRequest) -> date | None:
    dates = [election.planned_date for election in case.elections.all()]
    return min(dates) if dates else None


def is_short_notice(case: AssistanceRequest) -> bool:
    """Whether the request came less than four months before election day (the Department's guidance)."""
    election_day = first_election_date(case)
    if election_day is None:
        return False
    return case.received_date + relativedelta(months=short_notice_months()) > election_day


def decision_to_assist(case: AssistanceRequest) -> Decision | None:
    """The case's latest decision to assist (None: there is none), from its loaded decisions."""
    assisting = [d for d in case.decisions.all() if d.outcome in DecisionOutcome.assisting()]
    return max(assisting, key=lambda d: (d.decided_at, d.pk)) if assisting else None


def decided_phase(case: AssistanceRequest) -> str:
    """The phase of the assistance decided ("" before a decision to assist)."""
    decision = decision_to_assist(case)
    return decision.phase if decision else ""


def short_notice_rule_applies(case: AssistanceRequest, phase: str | None = None) -> bool:
    """Whether the four-month rule concerns this case: a late request, for assistance to an election event.

    ``phase``: of the assistance being decided; None: of the decision to assist already taken, and
    before one the rule may apply (the page warns)."""
    if not is_short_notice(case):
        return False
    if phase is None:
        phase = decided_phase(case)
    return not phase or phase in ELECTION_EVENT_PHASES


# Recommendations -----------------------------------------------------------------------------


def latest_recommendation(case: AssistanceRequest) -> Recommendation | None:
    """The officer's recommendation the focal point decides on: the latest (from the loaded ones)."""
    recommendations = list(case.recommendations.all())
    return max(recommendations, key=lambda r: (r.recommended_at, r.pk)) if recommendations else None


def awaits_recommendation(case: AssistanceRequest) -> bool:
    return latest_recommendation(case) is None


# Guards ---------------------------------------------------------------------------


def _not_a_mandate(case: AssistanceRequest) -> Reasons:
    if case.is_mandate:
        return [
            _(
                "A Security Council or General Assembly mandate skips the eligibility review: "
                "start the needs assessment."
            )
        ]
    return []


def _not_eligibility_declinable(case: AssistanceRequest) -> Reasons:
    if case.is_mandate:
        return [_("A mandate is not declined for eligibility: assess the needs, then record the decision.")]
    return []


def _requester_may_bind_state(case: AssistanceRequest) -> Reasons:
    """Para 2: assistance only at the request of the state, through an organ that binds it."""
    if case.is_mandate:
        return []
    if case.stage == Stage.RECEIVED:
        return [_("Start the review first: only a mandate may skip the eligibility review.")]
    if case.authority_type in AuthorityType.never_eligible():
        return [
            _(
                "%(authority)s cannot bind the state. The United Nations assists only at the request of "
                "the government: decline this request or wait for one from an authorised state organ."
            )
            % {"authority": case.get_authority_type_display()}
        ]
    if case.authority_type == AuthorityType.ELECTORAL_BODY and case.emb_request_accepted_at is None:
        return [
            _(
                "This request comes from an electoral management body: the focal point records its explicit "
                "acceptance first."
            )
        ]
    return []


def _is_unaccepted_emb_request(case: AssistanceRequest) -> Reasons:
    if case.authority_type != AuthorityType.ELECTORAL_BODY:
        return [_("Only a request from an electoral management body needs an explicit acceptance.")]
    if case.emb_request_accepted_at is not None:
        return [_("The electoral management body's request was already accepted.")]
    return []


def _recommended(case: AssistanceRequest) -> Reasons:
    """The focal point accepts a request and chooses the assessment on the officer's recommendation."""
    if awaits_recommendation(case):
        return [_("The officer has not recommended yet: the focal point decides on the officer's recommendation.")]
    return []


def _has_decision_to_assist(case: AssistanceRequest) -> Reasons:
    if decision_to_assist(case) is not None:
        return []
    return [_("Only a decision to assist is amended.")]


def _assessment_complete(case: AssistanceRequest) -> Reasons:
    assessment = getattr(case, "assessment", None)
    if assessment is None:
        return [_("There is no needs assessment on this case.")]
    reasons: Reasons = []
    missing = assessment.missing_for_completion()
    if missing:
        reasons.append(
            _("The needs assessment is not complete. Still to record: %(fields)s.")
            % {"fields": ", ".join(str(name) for name in missing)}
        )
    future = assessment.future_dates()
    if future:
        reasons.append(
            _("The needs assessment records dates that have not come yet: %(fields)s. Correct them first.")
            % {"fields": ", ".join(str(name) for name in future)}
        )
    return reasons


def _final_mission_report(case: AssistanceRequest) -> Reasons:
    """Para 4: the results of the mission are reported before the case closes."""
    if not any(
        document.kind == DocumentKind.MISSION_REPORT and document.is_complete for document in case.documents.all()
    ):
        return [_("Attach the mission report and mark it final and complete before closing the case.")]
    return []


@dataclass(frozen=True)
class Action:
    name: str
    label: StrOrPromise
    sources: frozenset[Stage]
    target: Stage | None  # None: the stage does not change, or the service decides it.
    permission: str
    guards: tuple[Guard, ...] = ()
    needs_comment: bool = False
    help_text: StrOrPromise = ""
    targets: frozenset[Stage] = field(default_factory=frozenset)
    # Whether the action concerns this kind of case at all (an electoral body's acceptance
    # means nothing for a mandate). Pages offer only actions that apply; guards still refuse.
    applies: Callable[[AssistanceRequest], bool] | None = None
    # Whether the case waits for this action now (None: whenever it applies): the focal point's
    # acceptance waits for the officer's recommendation; an amendment is never awaited.
    # "Who acts next" (cases.selectors.next_actors) names those the case waits for.
    waits: Callable[[AssistanceRequest], bool] | None = None
    # Who may read the comment written with the action (README "Security", confidentiality).
    comment_level: str = Level.INTERNAL

    def applies_to(self, case: AssistanceRequest) -> bool:
        return self.applies is None or self.applies(case)

    def awaited(self, case: AssistanceRequest) -> bool:
        return self.applies_to(case) and (self.waits is None or self.waits(case))

    def blockers(self, case: AssistanceRequest) -> Reasons:
        reasons: Reasons = []
        for guard in self.guards:
            reasons.extend(guard(case))
        return reasons

    @property
    def possible_targets(self) -> frozenset[Stage]:
        return self.targets or frozenset({self.target} if self.target else set())


ACTIONS = {
    action.name: action
    for action in [
        Action(
            name="start_review",
            label=_("Acknowledge and start review"),
            sources=frozenset({Stage.RECEIVED}),
            target=Stage.UNDER_REVIEW,
            permission="requests_app.review_request",
            guards=(_not_a_mandate,),
            applies=lambda case: not case.is_mandate,
        ),
        Action(
            name="recommend",
            label=_("Recommend to the focal point"),
            sources=frozenset({Stage.RECEIVED, Stage.UNDER_REVIEW}),
            target=None,
            permission="requests_app.review_request",
            applies=lambda case: case.is_mandate or case.stage != Stage.RECEIVED,
            waits=awaits_recommendation,
            needs_comment=True,
            help_text=_("The grounds of your recommendation: the focal point decides on them."),
        ),
        Action(
            name="accept_emb_request",
            label=_("Accept the electoral body's request"),
            sources=frozenset({Stage.UNDER_REVIEW}),
            target=None,
            permission="requests_app.decide_review",
            guards=(_is_unaccepted_emb_request, _recommended),
            applies=lambda case: not _is_unaccepted_emb_request(case),
            waits=lambda case: not awaits_recommendation(case),
        ),
        Action(
            name="start_assessment",
            label=_("Start needs assessment"),
            sources=frozenset({Stage.RECEIVED, Stage.UNDER_REVIEW}),
            target=Stage.NEEDS_ASSESSMENT,
            permission="requests_app.decide_review",
            guards=(_requester_may_bind_state, _recommended),
            applies=lambda case: case.is_mandate or case.stage != Stage.RECEIVED,
            waits=lambda case: not awaits_recommendation(case),
        ),
        Action(
            name="decline_request",
            label=_("Decline as ineligible"),
            sources=frozenset({Stage.RECEIVED, Stage.UNDER_REVIEW}),
            target=Stage.DECLINED,
            permission="requests_app.decide_request",
            guards=(_not_eligibility_declinable,),
            needs_comment=True,
            help_text=_("Give the reason the government will read in the reply."),
            applies=lambda case: not case.is_mandate,
        ),
        Action(
            name="submit_assessment",
            label=_("Submit assessment for decision"),
            sources=frozenset({Stage.NEEDS_ASSESSMENT}),
            target=Stage.AWAITING_DECISION,
            permission="requests_app.conduct_assessment",
            guards=(_assessment_complete,),
            comment_level=Level.CONFIDENTIAL,  # it speaks of the assessment's findings
        ),
        Action(
            name="record_decision",
            label=_("Record the decision"),
            sources=frozenset({Stage.AWAITING_DECISION}),
            target=None,
            targets=frozenset({Stage.DECISION_COMMUNICATED, Stage.DECLINED, Stage.AWAITING_DECISION}),
            permission="requests_app.decide_request",
            guards=(_assessment_complete,),
        ),
        Action(
            name="amend_decision",
            label=_("Amend the decision"),
            sources=DECIDED_STAGES,
            target=None,
            permission="requests_app.decide_request",
            guards=(_has_decision_to_assist,),
            applies=lambda case: decision_to_assist(case) is not None,
            waits=lambda case: False,
        ),
        Action(
            name="start_implementation",
            label=_("Start implementation"),
            sources=frozenset({Stage.DECISION_COMMUNICATED}),
            target=Stage.IN_IMPLEMENTATION,
            permission="requests_app.manage_implementation",
        ),
        Action(
            name="start_reporting",
            label=_("Implementation ended: start reporting"),
            sources=frozenset({Stage.IN_IMPLEMENTATION}),
            target=Stage.REPORTING,
            permission="requests_app.manage_implementation",
        ),
        Action(
            name="close",
            label=_("Close the case"),
            sources=frozenset({Stage.REPORTING}),
            target=Stage.CLOSED,
            permission="requests_app.close_case",
            guards=(_final_mission_report, evaluation_or_waiver),
        ),
        Action(
            name="withdraw",
            label=_("Record withdrawal by the state"),
            sources=OPEN_STAGES,
            target=Stage.WITHDRAWN,
            permission="requests_app.record_withdrawal",
            needs_comment=True,
            help_text=_("Quote the communication by which the state withdrew its request."),
        ),
    ]
}


def actions_from(stage: str) -> list[Action]:
    return [action for action in ACTIONS.values() if stage in action.sources]


def allowed_next_stages(stage: str) -> set[Stage]:
    """The stage graph, as the table defines it."""
    targets: set[Stage] = set()
    for action in actions_from(stage):
        targets |= action.possible_targets
    return targets


# The codenames of the permissions the actions need (requests_app.<codename>).
WORKFLOW_PERMISSIONS = sorted({action.permission.split(".", 1)[1] for action in ACTIONS.values()})

# The road an assisted case takes, from the letter to the closing report.
MAIN_ROAD = [stage for stage in Stage if stage not in (Stage.WITHDRAWN, Stage.DECLINED)]
