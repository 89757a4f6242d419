"""The actions that move a case. Each one locks the case, checks the transition table and
its guards, writes the change with a history entry, all in one transaction."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeAlias

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from requests_app.cases import selectors
from requests_app.cases.choices import AssessmentMethod, DecisionOutcome, ImplementationModality, Stage
from requests_app.cases.models import AssistanceRequest, Decision, Election, NeedsAssessment, ReferenceCounter
from requests_app.cases.workflow import ACTIONS, is_short_notice
from requests_app.core.confidentiality import Level
from requests_app.core.errors import ActionRefused
from requests_app.core.types import StrOrPromise, User
from requests_app.deadlines import services as deadlines
from requests_app.evaluation import services as evaluation
from requests_app.history.models import CaseEvent
from requests_app.reference.models import AssistanceType


def record_event(
    *,
    case: AssistanceRequest,
    actor: User | None,
    action: str,
    from_stage: str = "",
    to_stage: str = "",
    comment: str = "",
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
    level: str = Level.INTERNAL,
) -> CaseEvent:
    """One line of the case's history; ``level``: who may read its comment and details."""
    return CaseEvent.objects.create(
        case=case,
        actor=actor,
        action=action,
        from_stage=from_stage,
        to_stage=to_stage,
        comment=comment,
        details=details or {},
        created_at=at or timezone.now(),
        level=level,
    )


def next_reference(year: int) -> str:
    """EAS-YYYY-NNNN. The counter only grows, so a number is never given twice."""
    with transaction.atomic():
        updated = ReferenceCounter.objects.filter(year=year).update(last_number=F("last_number") + 1)
        if not updated:
            counter, created = ReferenceCounter.objects.get_or_create(year=year, defaults={"last_number": 1})
            if not created:
                ReferenceCounter.objects.filter(year=year).update(last_number=F("last_number") + 1)
        number = ReferenceCounter.objects.get(year=year).last_number
    return f"EAS-{year}-{number:04d}"


def enter_stage(case: AssistanceRequest, stage: str, at: datetime) -> None:
    case.stage = stage
    case.stage_entered_at = at
    case.stage_due_at = deadlines.due_at(case, stage, at)


@transaction.atomic
def register_request(
    *,
    actor: User | None,
    case: AssistanceRequest,
    requested_types: Iterable[AssistanceType] | None = None,
    elections: Iterable[Election] = (),
    comment: str = "",
) -> AssistanceRequest:
    """Log a new request (or mandate). ``case`` is an unsaved, validated AssistanceRequest."""
    if actor is None or not actor.has_perm("requests_app.add_assistancerequest"):
        raise ActionRefused(_("You do not have permission to register requests."))
    if case.pk is not None:
        raise ActionRefused(_("This request is already registered as %(reference)s.") % {"reference": case.reference})
    now = timezone.now()
    case.reference = next_reference(timezone.localdate(now).year)
    case.stage, case.stage_entered_at = Stage.RECEIVED, now
    case.save()
    if requested_types is not None:
        case.requested_types.set(requested_types)
    for election in elections:
        election.case = case
        election.save()
    # The deadline may depend on the elections, so it is set once they are saved.
    enter_stage(case, Stage.RECEIVED, now)
    case.save(update_fields=["stage_due_at"])
    record_event(
        case=case,
        actor=actor,
        action="registered",
        to_stage=Stage.RECEIVED,
        comment=comment,
        details={"origin": case.origin, "authority": case.authority_type},
        at=now,
    )
    return case


@transaction.atomic
def record_details_changed(
    *,
    actor: User | None,
    case: AssistanceRequest,
    changes: dict[str, list[Any]],
    action: str = "details_updated",
    comment: str = "",
    level: str = Level.INTERNAL,
) -> None:
    """Keep in the history what an edit changed: {field label: [old, new]}, read at ``level``."""
    if changes:
        record_event(case=case, actor=actor, action=action, comment=comment, details={"changes": changes}, level=level)


@dataclass
class Outcome:
    """What an action's own step decided: the stage to enter (None: stay) and what to record."""

    stage: Stage | None = None
    details: dict[str, Any] | None = None
    due_at: datetime | None = None  # set only when the action, not the policy, fixes the deadline


# An action's own step: given the locked case, checks and writes what the action adds.
Step: TypeAlias = Callable[[AssistanceRequest], Outcome]


def _perform(
    *, actor: User | None, case: AssistanceRequest, action_name: str, comment: str = "", step: Step | None = None
) -> AssistanceRequest:
    action = ACTIONS[action_name]
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = AssistanceRequest.objects.select_for_update().select_related("member_state").get(pk=case.pk)
        if actor is None or not actor.has_perm(action.permission):
            raise ActionRefused(_("You do not have permission to %(action)s.") % {"action": str(action.label).lower()})
        if not selectors.may_work_on(actor, locked):
            raise ActionRefused(
                _("This case is not assigned to you: its officer, or the team lead of its desk, moves it on.")
            )
        if locked.stage not in action.sources:
            raise ActionRefused(
                _("“%(action)s” is not possible while the case is %(stage)s.")
                % {"action": action.label, "stage": locked.stage_phrase}
            )
        reasons = action.blockers(locked)
        if action.needs_comment and not comment:
            reasons.append(_("A comment is required: %(help)s") % {"help": action.help_text})
        if reasons:
            raise ActionRefused(*reasons)
        outcome = step(locked) if step else Outcome()
        target = outcome.stage or action.target
        now = timezone.now()
        from_stage = locked.stage
        if target is not None:
            enter_stage(locked, target, now)
            if outcome.due_at is not None:
                locked.stage_due_at = outcome.due_at
        locked.save()
        record_event(
            case=locked,
            actor=actor,
            action=action.name,
            from_stage=from_stage,
            to_stage=locked.stage,
            comment=comment,
            details=outcome.details,
            at=now,
            level=action.comment_level,
        )
    return locked


def start_review(*, actor: User | None, case: AssistanceRequest, comment: str = "") -> AssistanceRequest:
    return _perform(actor=actor, case=case, action_name="start_review", comment=comment)


def accept_emb_request(*, actor: User | None, case: AssistanceRequest, comment: str = "") -> AssistanceRequest:
    def step(locked: AssistanceRequest) -> Outcome:
        locked.emb_request_accepted_at = timezone.now()
        return Outcome()

    return _perform(actor=actor, case=case, action_name="accept_emb_request", comment=comment, step=step)


def start_assessment(
    *, actor: User | None, case: AssistanceRequest, method: str, comment: str = ""
) -> AssistanceRequest:
    # The method is checked in the step, after the permission and the stage: a move from
    # the wrong stage is refused for that reason, not for a detail left blank.
    def step(locked: AssistanceRequest) -> Outcome:
        if method not in AssessmentMethod.values:
            raise ActionRefused(_("Choose how the needs will be assessed: a mission or a desk review."))
        assessment, created = NeedsAssessment.objects.get_or_create(case=locked, defaults={"method": method})
        if not created and assessment.method != method:
            assessment.method = method
            assessment.save(update_fields=["method", "updated_at"])
        return Outcome(details={"method": method})

    return _perform(actor=actor, case=case, action_name="start_assessment", comment=comment, step=step)


def decline_request(*, actor: User | None, case: AssistanceRequest, comment: str = "") -> AssistanceRequest:
    return _perform(actor=actor, case=case, action_name="decline_request", comment=comment)


def submit_assessment(*, actor: User | None, case: AssistanceRequest, comment: str = "") -> AssistanceRequest:
    return _perform(actor=actor, case=case, action_name="submit_assessment", comment=comment)


def _decision_problems(
    case: AssistanceRequest,
    assessment: NeedsAssessment,
    *,
    outcome: str,
    assistance_types: Iterable[AssistanceType],
    phase: str,
    period_start: date | None,
    period_end: date | None,
    scope: str,
    short_notice_justification: str,
    reason: str,
    revisit_on: date | None,
) -> list[StrOrPromise]:
    """Para 4 and 5: what the decision must record, given what the assessment found."""
    if outcome not in DecisionOutcome.values:
        return [_("Choose the outcome of the decision.")]
    if outcome in DecisionOutcome.assisting():
        problems = _assistance_problems(case, assessment, assistance_types)
        problems += _parameter_problems(
            case,
            assessment,
            outcome=outcome,
            phase=phase,
            period_start=period_start,
            period_end=period_end,
            scope=scope,
            short_notice_justification=short_notice_justification,
        )
        return problems
    problems = []
    if outcome == DecisionOutcome.DECLINE:
        if not reason.strip():
            problems.append(_("Give the reason for declining."))
    elif outcome == DecisionOutcome.DEFER:
        if not reason.strip():
            problems.append(_("Give the reason for deferring."))
        if not revisit_on:
            problems.append(_("Say when the request will be considered again."))
        elif revisit_on <= timezone.localdate():
            problems.append(_("The date to consider the request again must be in the future."))
    return problems


def _assistance_problems(
    case: AssistanceRequest, assessment: NeedsAssessment, assistance_types: Iterable[AssistanceType]
) -> list[StrOrPromise]:
    """Whether assistance may be given at all, and of which types."""
    problems: list[StrOrPromise] = []
    if assessment.conditions_exist is not True:
        problems.append(
            _(
                "The needs assessment did not find conditions for a free and fair election: "
                "assistance cannot be approved. Defer or decline instead."
            )
        )
    if not assistance_types:
        problems.append(_("Name the types of assistance to provide."))
    mandated_only = [t.name for t in assistance_types if t.requires_mandate]
    if mandated_only and not case.is_mandate:
        problems.append(
            _("%(types)s can only be provided on a Security Council or General Assembly mandate.")
            % {"types": ", ".join(mandated_only)}
        )
    return problems


def _parameter_problems(
    case: AssistanceRequest,
    assessment: NeedsAssessment,
    *,
    outcome: str,
    phase: str,
    period_start: date | None,
    period_end: date | None,
    scope: str,
    short_notice_justification: str,
) -> list[StrOrPromise]:
    """The parameters of an assistance: phase, period, narrowed scope, and why it goes on at short notice."""
    problems: list[StrOrPromise] = []
    if not phase:
        problems.append(_("Name the phase of the electoral cycle the assistance covers."))
    if not period_start or not period_end:
        problems.append(_("Give the period of assistance, from and until."))
    elif period_end < period_start:
        problems.append(_("The period of assistance cannot end before it starts."))
    if outcome == DecisionOutcome.NARROW and not scope.strip():
        problems.append(_("Describe the narrowed scope."))
    if (assessment.adequate_time is False or is_short_notice(case)) and not short_notice_justification.strip():
        problems.append(
            _(
                "The assessment found too little time before the election, or the request came less than "
                "four months before election day: write the justification for assisting nonetheless."
            )
        )
    return problems


def record_decision(
    *,
    actor: User | None,
    case: AssistanceRequest,
    outcome: str,
    assistance_types: Iterable[AssistanceType] = (),
    phase: str = "",
    period_start: date | None = None,
    period_end: date | None = None,
    scope: str = "",
    short_notice_justification: str = "",
    reason: str = "",
    revisit_on: date | None = None,
    communicated_on: date | None = None,
    comment: str = "",
) -> AssistanceRequest:
    assistance_types = list(assistance_types)

    def step(locked: AssistanceRequest) -> Outcome:
        assessment = locked.assessment
        problems = _decision_problems(
            locked,
            assessment,
            outcome=outcome,
            assistance_types=assistance_types,
            phase=phase,
            period_start=period_start,
            period_end=period_end,
            scope=scope,
            short_notice_justification=short_notice_justification,
            reason=reason,
            revisit_on=revisit_on,
        )
        if communicated_on and communicated_on > timezone.localdate():
            problems.append(
                _(
                    "The decision letter cannot have been sent after today: give the day it was sent, "
                    "or leave it empty for today."
                )
            )
        if problems:
            raise ActionRefused(*problems)
        assert actor is not None  # _perform refuses an action without an actor before this step
        assisting = outcome in DecisionOutcome.assisting()
        decision = Decision.objects.create(
            case=locked,
            assessment=assessment,
            outcome=outcome,
            phase=phase if assisting else "",
            period_start=period_start if assisting else None,
            period_end=period_end if assisting else None,
            scope=scope,
            short_notice_justification=short_notice_justification,
            reason=reason,
            revisit_on=revisit_on if outcome == DecisionOutcome.DEFER else None,
            communicated_on=communicated_on or (timezone.localdate() if outcome != DecisionOutcome.DEFER else None),
            decided_by=actor,
            decided_at=timezone.now(),
        )
        if assisting:
            decision.assistance_types.set(assistance_types)
        details = {"decision": decision.pk, "outcome": outcome}
        if assisting:
            details.update(
                types=[t.name for t in assistance_types],
                phase=phase,
                period=[period_start, period_end],
            )
            if short_notice_justification.strip():
                details["justification"] = short_notice_justification.strip()
        if outcome == DecisionOutcome.DEFER:
            # The case enters the stage anew, due on the day it is to be reconsidered: its
            # reminders start again for that date.
            assert revisit_on is not None  # _decision_problems refuses a deferral without it
            details["revisit_on"] = revisit_on
            return Outcome(stage=Stage.AWAITING_DECISION, details=details, due_at=deadlines.end_of_day(revisit_on))
        stage = Stage.DECLINED if outcome == DecisionOutcome.DECLINE else Stage.DECISION_COMMUNICATED
        return Outcome(stage=stage, details=details)

    return _perform(actor=actor, case=case, action_name="record_decision", comment=comment, step=step)


def decided_period_end(case: AssistanceRequest) -> date | None:
    """The last day of assistance the latest decision to assist allows (None: no such decision)."""
    decision = (
        Decision.objects.filter(case=case, outcome__in=DecisionOutcome.assisting())
        .order_by("-decided_at", "-id")
        .only("period_end")
        .first()
    )
    return decision.period_end if decision else None


def start_implementation(
    *,
    actor: User | None,
    case: AssistanceRequest,
    modality: str,
    ends_on: date | None,
    confirm_beyond_period: bool = False,
    comment: str = "",
) -> AssistanceRequest:
    def step(locked: AssistanceRequest) -> Outcome:
        # Checked after the permission and the stage, as in start_assessment.
        problems: list[StrOrPromise] = []
        if modality not in ImplementationModality.values:
            problems.append(_("Choose how the assistance is implemented."))
        if not ends_on:
            problems.append(_("Give the date implementation is planned to end."))
        elif ends_on < timezone.localdate():
            problems.append(_("The planned end of implementation cannot be in the past."))
        period_end = decided_period_end(locked)
        beyond = bool(ends_on and period_end and ends_on > period_end)
        if beyond and not confirm_beyond_period:
            assert ends_on is not None and period_end is not None  # beyond: both are known
            problems.append(
                _(
                    "The planned end (%(end)s) is after the period of assistance decided, "
                    "which ends on %(period_end)s. Tick the confirmation to go on beyond it, or give an earlier date."
                )
                % {"end": ends_on.isoformat(), "period_end": period_end.isoformat()}
            )
        if problems:
            raise ActionRefused(*problems)
        locked.implementation_modality = modality
        locked.implementation_ends_on = ends_on
        details: dict[str, Any] = {"modality": modality, "ends_on": ends_on}
        if beyond:
            details["beyond_period"] = True
        return Outcome(details=details)

    return _perform(actor=actor, case=case, action_name="start_implementation", comment=comment, step=step)


def start_reporting(*, actor: User | None, case: AssistanceRequest, comment: str = "") -> AssistanceRequest:
    def step(locked: AssistanceRequest) -> Outcome:
        # Implementation that ends early ends today: the report is then due from the real end,
        # not from the planned one (the planned day stays in the history of start_implementation).
        today = timezone.localdate()
        if locked.implementation_ends_on and today < locked.implementation_ends_on:
            planned, locked.implementation_ends_on = locked.implementation_ends_on, today
            return Outcome(details={"ends_on": today, "planned_end": planned})
        return Outcome()

    return _perform(actor=actor, case=case, action_name="start_reporting", comment=comment, step=step)


def close_case(
    *, actor: User | None, case: AssistanceRequest, comment: str = "", evaluation_waiver: str = ""
) -> AssistanceRequest:
    # A waiver of the evaluation is written first, for the close guard to see; a closing refused
    # takes it back with it (one transaction).
    with transaction.atomic():
        if (evaluation_waiver or "").strip():
            evaluation.waive_evaluation(actor=actor, case=case, reason=evaluation_waiver)
        return _perform(actor=actor, case=case, action_name="close", comment=comment)


def withdraw(*, actor: User | None, case: AssistanceRequest, comment: str = "") -> AssistanceRequest:
    return _perform(actor=actor, case=case, action_name="withdraw", comment=comment)


# The service behind each action of the transition table.
ACTION_SERVICES: dict[str, Callable[..., AssistanceRequest]] = {
    "start_review": start_review,
    "accept_emb_request": accept_emb_request,
    "start_assessment": start_assessment,
    "decline_request": decline_request,
    "submit_assessment": submit_assessment,
    "record_decision": record_decision,
    "start_implementation": start_implementation,
    "start_reporting": start_reporting,
    "close": close_case,
    "withdraw": withdraw,
}
assert set(ACTION_SERVICES) == set(ACTIONS), "every action in the transition table has its service"


def perform_action(
    *, actor: User | None, case: AssistanceRequest, action_name: str, **params: Any
) -> AssistanceRequest:
    """Run the named action: what admin buttons, pages and commands call."""
    if action_name not in ACTION_SERVICES:
        raise ActionRefused(_("There is no such action."))
    return ACTION_SERVICES[action_name](actor=actor, case=case, **params)
