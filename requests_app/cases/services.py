"""The actions that move a case. Each one locks the case, checks the transition table and
its guards, writes the change with a history entry, all in one transaction."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeAlias

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from requests_app.cases import decisions, recommendations, selectors, versions
from requests_app.cases.choices import AssessmentMethod, Basis, DecisionOutcome, ImplementationModality, Origin, Stage
from requests_app.cases.models import (
    NOT_A_REQUEST,
    AssistanceRequest,
    Election,
    NeedsAssessment,
    Recommendation,
    ReferenceCounter,
)
from requests_app.cases.workflow import ACTIONS, Action
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
    """EAS-YYYY-NNNN. The counter only grows, so a number is never given twice.

    Within the registration's transaction (no savepoint of its own: a failure undoes it all)."""
    with transaction.atomic(savepoint=False):
        number = _count_one_more(year)
        if number is None:
            counter, created = ReferenceCounter.objects.get_or_create(year=year, defaults={"last_number": 1})
            number = 1 if created else _count_one_more(year)
    return f"EAS-{year}-{number:04d}"


def _count_one_more(year: int) -> int | None:
    """The year's counter plus one, read back in the same statement (UPDATE … RETURNING, on
    PostgreSQL and SQLite alike: one round trip instead of two); None if the year has none yet."""
    quote = connection.ops.quote_name
    table, number, key = quote(ReferenceCounter._meta.db_table), quote("last_number"), quote("year")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {number} = {number} + 1 WHERE {key} = %s RETURNING {number}", [year])
        row = cursor.fetchone()
    return None if row is None else row[0]


def enter_stage(case: AssistanceRequest, stage: str, at: datetime, election_days: Iterable[date] | None = None) -> None:
    case.stage = stage
    case.stage_entered_at = at
    case.stage_due_at = deadlines.due_at(case, stage, at, election_days=election_days)


def register_request(
    *,
    actor: User | None,
    case: AssistanceRequest,
    requested_types: Iterable[AssistanceType] | None = None,
    elections: Iterable[Election] = (),
    mandates: Iterable[Any] = (),
    comment: str = "",
) -> AssistanceRequest:
    """Log a new case on a request, on mandates (requests_app.mandates' Mandate rows), or on both.

    ``case`` is an unsaved, validated AssistanceRequest; its origin says whether it has a request;
    ``elections``, unsaved. The case is written once, its deadline counted from its elections."""
    mandates, elections = list(mandates), list(elections)
    _check_registration(actor, case, mandates)
    # One transaction, without a savepoint inside the admin's own: nothing in it is caught and
    # retried, so a failure undoes the whole registration (a refusal comes before it).
    with transaction.atomic(savepoint=False):
        return _write_registration(actor, case, requested_types, elections, mandates, comment)


def _write_registration(
    actor: User | None,
    case: AssistanceRequest,
    requested_types: Iterable[AssistanceType] | None,
    elections: list[Election],
    mandates: list[Any],
    comment: str,
) -> AssistanceRequest:
    now = timezone.now()
    case.reference = next_reference(timezone.localdate(now).year)
    enter_stage(case, Stage.RECEIVED, now, election_days=[election.planned_date for election in elections])
    case.save()
    for election in elections:
        election.case = case
    Election.objects.bulk_create(elections)
    if requested_types:
        case.requested_types.add(*requested_types)  # a new case has none to replace
    if mandates:
        # Through the relation the mandates declare: cases import nothing of theirs.
        case.mandates.add(*mandates)
    symbols = sorted({mandate.symbol for mandate in mandates})
    record_event(
        case=case,
        actor=actor,
        action="registered",
        to_stage=Stage.RECEIVED,
        comment=comment,
        details=_registration_details(case, symbols),
        at=now,
    )
    if case.follows_id:
        link_follow_up(actor=actor, case=case, previous=None)
    return case


def _check_registration(actor: User | None, case: AssistanceRequest, mandates: list[Any]) -> None:
    """Who may register, and what a new case rests on: a request, its own country's mandates, or both."""
    if actor is None or not actor.has_perm("requests_app.add_assistancerequest"):
        raise ActionRefused(_("You do not have permission to register requests."))
    if case.pk is not None:
        raise ActionRefused(_("This request is already registered as %(reference)s.") % {"reference": case.reference})
    if case.origin in Origin.not_requests():
        raise ActionRefused(NOT_A_REQUEST)
    _check_follows(case)
    if not case.has_request and not mandates:
        raise ActionRefused(_("A case rests on a request, a mandate or both: record the request, or its mandate."))
    if any(mandate.member_state_id != case.member_state_id for mandate in mandates):
        raise ActionRefused(_("A case rests only on mandates for its own country."))


def _registration_details(case: AssistanceRequest, symbols: list[str]) -> dict[str, Any]:
    """What the "registered" event records: the basis, the request's origin, the mandates, the case followed."""
    return {
        "basis": Basis.of(has_request=case.has_request, has_mandate=bool(symbols)),
        **({"origin": case.origin, "authority": case.authority_type} if case.has_request else {}),
        **({"mandates": symbols} if symbols else {}),
        **({"follows": case.follows.reference} if case.follows else {}),
    }


def _check_follows(case: AssistanceRequest) -> None:
    errors = case._follows_errors()
    if errors:
        raise ActionRefused(*errors.values())


@transaction.atomic
def link_follow_up(*, actor: User | None, case: AssistanceRequest, previous: AssistanceRequest | None) -> None:
    """Write on the earlier cases' history that ``case`` now follows one (and no longer ``previous``).

    ``case`` is saved with its new ``follows``; its own history says it (registered, or details edited)."""
    if case.follows_id == (previous.pk if previous else None):
        return
    _check_follows(case)
    if previous is not None:
        record_event(case=previous, actor=actor, action="follow_up_unlinked", details={"follow_up": case.reference})
    if case.follows is not None:
        record_event(case=case.follows, actor=actor, action="follow_up_linked", details={"follow_up": case.reference})


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


def _refusals(actor: User | None, locked: AssistanceRequest, action: Action, comment: str) -> None:
    """Refuse the action to whom may not take it, from a stage it does not start from, or while a guard objects."""
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


def _perform(
    *, actor: User | None, case: AssistanceRequest, action_name: str, comment: str = "", step: Step | None = None
) -> AssistanceRequest:
    action = ACTIONS[action_name]
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = AssistanceRequest.objects.select_for_update().select_related("member_state").get(pk=case.pk)
        _refusals(actor, locked, action, comment)
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


# The officer recommends, the focal point decides ---------------------------------------------------


def recommend(
    *,
    actor: User | None,
    case: AssistanceRequest,
    accept_emb_request: bool | None = None,
    method: str = "",
    comment: str = "",
) -> AssistanceRequest:
    """The officer's recommendation to the focal point; the comment gives its grounds."""

    def step(locked: AssistanceRequest) -> Outcome:
        accept = accept_emb_request if recommendations.asks_acceptance(locked) else None
        problems = recommendations.problems(locked, accept, method)
        if problems:
            raise ActionRefused(*problems)
        assert actor is not None  # _perform refuses an action without an actor before this step
        recommendation = Recommendation.objects.create(
            case=locked,
            accept_emb_request=accept,
            method="" if accept is False else method,
            grounds=(comment or "").strip(),
            recommended_by=actor,
            recommended_at=timezone.now(),
        )
        return Outcome(details=recommendations.details(recommendation))

    return _perform(actor=actor, case=case, action_name="recommend", comment=comment, step=step)


def accept_emb_request(*, actor: User | None, case: AssistanceRequest, comment: str = "") -> AssistanceRequest:
    """The focal point accepts an electoral body's request, on the officer's recommendation."""

    def step(locked: AssistanceRequest) -> Outcome:
        recommendation, details = recommendations.followed(locked)
        locked.emb_request_accepted_at = timezone.now()
        locked.emb_request_accepted_by = actor
        locked.emb_request_recommendation = recommendation
        return Outcome(details=details)

    return _perform(actor=actor, case=case, action_name="accept_emb_request", comment=comment, step=step)


def start_assessment(
    *, actor: User | None, case: AssistanceRequest, method: str, comment: str = ""
) -> AssistanceRequest:
    """The focal point chooses a mission or a desk review, on the officer's recommendation."""

    # The method is checked in the step, after the permission and the stage: a move from
    # the wrong stage is refused for that reason, not for a detail left blank.
    def step(locked: AssistanceRequest) -> Outcome:
        if method not in AssessmentMethod.values:
            raise ActionRefused(_("Choose how the needs will be assessed: a mission or a desk review."))
        recommendation, details = recommendations.followed(locked)
        chosen = {"method": method, "chosen_by": actor, "chosen_at": timezone.now(), "recommendation": recommendation}
        NeedsAssessment.objects.update_or_create(case=locked, defaults=chosen)
        return Outcome(details={"method": method, **details})

    return _perform(actor=actor, case=case, action_name="start_assessment", comment=comment, step=step)


def decline_request(*, actor: User | None, case: AssistanceRequest, comment: str = "") -> AssistanceRequest:
    return _perform(actor=actor, case=case, action_name="decline_request", comment=comment)


def submit_assessment(*, actor: User | None, case: AssistanceRequest, comment: str = "") -> AssistanceRequest:
    return _perform(actor=actor, case=case, action_name="submit_assessment", comment=comment)


# The decision and its amendments (what each must record: requests_app.cases.decisions) ---------------


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
    terms = decisions.DecisionTerms(
        outcome=outcome,
        assistance_types=list(assistance_types),
        phase=phase,
        period_start=period_start,
        period_end=period_end,
        scope=scope,
        short_notice_justification=short_notice_justification,
        reason=reason,
        revisit_on=revisit_on,
        communicated_on=communicated_on,
    )

    def step(locked: AssistanceRequest) -> Outcome:
        problems = decisions.decision_problems(locked, locked.assessment, terms)
        if problems:
            raise ActionRefused(*problems)
        assert actor is not None  # _perform refuses an action without an actor before this step
        decision = decisions.create_decision(locked, terms, actor)
        return _decided(terms, decisions.decision_details(decision, terms))

    return _perform(actor=actor, case=case, action_name="record_decision", comment=comment, step=step)


def _decided(terms: decisions.DecisionTerms, details: dict[str, Any]) -> Outcome:
    """Where a decision leaves the case: communicated, declined, or deferred to a day."""
    if terms.outcome == DecisionOutcome.DEFER:
        # The case enters the stage anew, due on the day it is to be reconsidered: its
        # reminders start again for that date.
        assert terms.revisit_on is not None  # decision_problems refuses a deferral without it
        return Outcome(stage=Stage.AWAITING_DECISION, details=details, due_at=deadlines.end_of_day(terms.revisit_on))
    stage = Stage.DECLINED if terms.outcome == DecisionOutcome.DECLINE else Stage.DECISION_COMMUNICATED
    return Outcome(stage=stage, details=details)


def amend_decision(
    *,
    actor: User | None,
    case: AssistanceRequest,
    assistance_types: Iterable[AssistanceType] = (),
    period_start: date | None = None,
    period_end: date | None = None,
    scope: str = "",
    reason: str = "",
    communicated_on: date | None = None,
    comment: str = "",
) -> AssistanceRequest:
    """A new version of the communicated decision to assist; the case stays in its stage."""
    terms = decisions.AmendmentTerms(
        assistance_types=list(assistance_types),
        period_start=period_start,
        period_end=period_end,
        scope=scope,
        reason=reason,
        communicated_on=communicated_on,
    )

    def step(locked: AssistanceRequest) -> Outcome:
        found = versions.decision_in_force(locked)
        assert found is not None  # the _has_decision_to_assist guard refuses a case without one
        decision, in_force = found
        problems = decisions.amendment_problems(locked, in_force, terms)
        if problems:
            raise ActionRefused(*problems)
        assert actor is not None  # _perform refuses an action without an actor before this step
        details = decisions.amendment_details(decision, in_force, terms)
        decisions.create_amendment(decision, in_force, terms, actor)
        return _implementation_follows(locked, terms.period_end, details)

    return _perform(actor=actor, case=case, action_name="amend_decision", comment=comment, step=step)


def _implementation_follows(locked: AssistanceRequest, period_end: date | None, details: dict[str, Any]) -> Outcome:
    """In implementation, the planned end follows the period of the version in force, and the deadline with it.

    Before implementation starts, its planned end is checked against that period then; in reporting,
    implementation has ended and its end is a fact."""
    if locked.stage != Stage.IN_IMPLEMENTATION or period_end is None or locked.implementation_ends_on == period_end:
        return Outcome(details=details)
    details.update(planned_end=locked.implementation_ends_on, ends_on=period_end)
    locked.implementation_ends_on = period_end
    return Outcome(details=details, due_at=deadlines.due_at(locked, locked.stage, locked.stage_entered_at))


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
        period_end = versions.decided_period_end(locked)
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
    "recommend": recommend,
    "accept_emb_request": accept_emb_request,
    "start_assessment": start_assessment,
    "decline_request": decline_request,
    "submit_assessment": submit_assessment,
    "record_decision": record_decision,
    "amend_decision": amend_decision,
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
