"""When each stage of a case falls due, from the stage policies an administrator edits."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F, JSONField, OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone

from requests_app.cases.choices import DecisionOutcome, Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.core.types import User
from requests_app.deadlines.models import DeadlineReason, StagePolicy
from requests_app.history.models import CaseEvent

Anchor = StagePolicy.Anchor


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def policies() -> dict[str, StagePolicy]:
    return {policy.stage: policy for policy in StagePolicy.objects.all()}


def _anchor_day(case: AssistanceRequest, anchor: str) -> date | None:
    """The date a policy counts from, when it is known."""
    if anchor == Anchor.IMPLEMENTATION_ENDS:
        return case.implementation_ends_on
    if anchor in (Anchor.MISSION_RETURNED, Anchor.REPORT_SUBMITTED):
        assessment = getattr(case, "assessment", None)
        if assessment is None:
            return None
        return assessment.deployed_until if anchor == Anchor.MISSION_RETURNED else assessment.report_submitted_on
    return None


def next_election_day(
    case: AssistanceRequest, today: date | None = None, election_days: Iterable[date] | None = None
) -> date | None:
    """The next election day of the case: of ``election_days`` when given (a case being registered
    with them), else of its recorded elections."""
    if election_days is None:
        if case.pk is None:
            return None  # not saved yet, so no elections recorded yet
        election_days = [e.planned_date for e in case.elections.all()]
    today = today or timezone.localdate()
    upcoming = [day for day in election_days if day >= today]
    return min(upcoming) if upcoming else None


def deadline(
    case: AssistanceRequest,
    stage: str,
    entered_at: datetime,
    policy: StagePolicy | None = None,
    election_days: Iterable[date] | None = None,
) -> tuple[datetime | None, bool]:
    """(due, urgent): when the stage falls due, and whether the election brought it forward
    (``election_days``: see next_election_day)."""
    if stage in Stage.ends():
        return None, False
    if policy is None:
        policy = StagePolicy.objects.filter(stage=stage).first()
    if policy is None:
        return None, False
    anchor_day = None if policy.anchor == Anchor.ENTERED else _anchor_day(case, policy.anchor)
    if anchor_day is not None:
        due = end_of_day(anchor_day + timedelta(days=policy.days))
    else:
        fallback = policy.days if policy.days_if_no_anchor is None else policy.days_if_no_anchor
        due = entered_at + timedelta(days=fallback)
    if policy.election_cutoff_days is not None:
        # Help that comes later than this before election day comes too late: an urgent
        # case is due then, or at once when that point has already passed.
        election_day = next_election_day(case, timezone.localdate(entered_at), election_days)
        if election_day is not None:
            cutoff = max(end_of_day(election_day - timedelta(days=policy.election_cutoff_days)), entered_at)
            if cutoff < due:
                return cutoff, True
    return due, False


def due_at(
    case: AssistanceRequest,
    stage: str,
    entered_at: datetime,
    policy: StagePolicy | None = None,
    election_days: Iterable[date] | None = None,
) -> datetime | None:
    """The time by which a case entering ``stage`` at ``entered_at`` should move on."""
    return deadline(case, stage, entered_at, policy, election_days)[0]


def is_urgent(case: AssistanceRequest, policy: StagePolicy | None = None) -> bool:
    return case.is_open and deadline(case, case.stage, case.stage_entered_at, policy)[1]


# The figures of a policy that a deadline is computed from (deadline()).
_DEADLINE_FIGURES = ("anchor", "days", "days_if_no_anchor", "election_cutoff_days")


def with_stage_policy(cases: QuerySet[AssistanceRequest]) -> QuerySet[AssistanceRequest]:
    """The cases, each with the figures of its stage's policy read in the same query (loaded_policy)."""
    figures = StagePolicy.objects.filter(stage=OuterRef("stage")).values(
        figures=JSONObject(**{name: name for name in _DEADLINE_FIGURES})
    )[:1]
    return cases.annotate(stage_policy_figures=Subquery(figures, output_field=JSONField()))


def loaded_policy(case: AssistanceRequest) -> StagePolicy | None:
    """The policy of the case's stage as with_stage_policy read it (None: the stage has none)."""
    figures = getattr(case, "stage_policy_figures", None)
    if not isinstance(figures, dict):
        return None
    return StagePolicy(stage=case.stage, **{name: figures.get(name) for name in _DEADLINE_FIGURES})


def is_urgent_as_loaded(case: AssistanceRequest) -> bool:
    """is_urgent, from the policy read with the case (with_stage_policy): no query."""
    policy = loaded_policy(case)
    return policy is not None and is_urgent(case, policy)


def _entered_by_deferral(cases: QuerySet[AssistanceRequest]) -> set[int]:
    """Ids of the ``cases`` whose present stage a deferral entered.

    Their deadline is the day the request is to be considered again (README, "awaiting
    decision, deferred"), set by the decision: policies and election dates do not move it.
    """
    return set(
        CaseEvent.objects.filter(
            case__in=cases.filter(stage=Stage.AWAITING_DECISION).values("pk"),
            action="record_decision",
            to_stage=Stage.AWAITING_DECISION,
            created_at=F("case__stage_entered_at"),
            details__outcome=DecisionOutcome.DEFER,
        ).values_list("case_id", flat=True)
    )


def _deadline_event(
    case: AssistanceRequest,
    old: datetime | None,
    new: datetime | None,
    actor: User | None,
    reason: str,
    at: datetime,
) -> CaseEvent:
    return CaseEvent(
        case=case,
        actor=actor,
        action="deadline_changed",
        created_at=at,
        details={"from": old, "to": new, "reason": reason},
    )


@transaction.atomic
def refresh_due(*, actor: User | None, case: AssistanceRequest, reason: str, record: bool = True) -> AssistanceRequest:
    """Recompute the current stage's deadline after what it counts from changed."""
    case = (
        # of=self: PostgreSQL cannot lock the assessment's side of the outer join, nor need it.
        AssistanceRequest.objects.select_for_update(of=("self",))
        .select_related("member_state", "assessment")
        .prefetch_related("elections")
        .get(pk=case.pk)
    )
    # Only a case awaiting decision can have been deferred (and the query, on 750,000 history rows, takes
    # SQLite a second: README, Benchmarks).
    if case.stage == Stage.AWAITING_DECISION and _entered_by_deferral(AssistanceRequest.objects.filter(pk=case.pk)):
        return case
    new = due_at(case, case.stage, case.stage_entered_at)
    if new == case.stage_due_at:
        return case
    old, case.stage_due_at = case.stage_due_at, new
    case.save(update_fields=["stage_due_at", "updated_at"])
    if record:
        _deadline_event(case, old, new, actor, reason, timezone.now()).save()
    return case


@transaction.atomic
def recompute_open_cases(*, actor: User | None, stages: Iterable[str], batch_size: int = 2000) -> int:
    """Apply the present policies to the open cases in ``stages``. Returns how many changed."""
    current = policies()
    now = timezone.now()
    changed = 0
    in_stages = AssistanceRequest.objects.filter(stage__in=[s for s in stages if s not in Stage.ends()])
    deferred = _entered_by_deferral(in_stages)
    cases = in_stages.select_related("assessment").prefetch_related("elections").order_by("pk")
    batch: list[AssistanceRequest] = []
    events: list[CaseEvent] = []
    for case in cases.iterator(chunk_size=batch_size):
        if case.pk in deferred:
            continue
        new = due_at(case, case.stage, case.stage_entered_at, policy=current.get(case.stage))
        if new == case.stage_due_at:
            continue
        events.append(_deadline_event(case, case.stage_due_at, new, actor, DeadlineReason.POLICY, now))
        case.stage_due_at = new
        batch.append(case)
        if len(batch) >= batch_size:
            changed += _flush(batch, events)
            batch, events = [], []
    changed += _flush(batch, events)
    return changed


def _flush(cases: list[AssistanceRequest], events: list[CaseEvent]) -> int:
    AssistanceRequest.objects.bulk_update(cases, ["stage_due_at"], batch_size=500)
    CaseEvent.objects.bulk_create(events, batch_size=500)
    return len(cases)


def stage_days(stage: str) -> int | None:
    """The days the policy allows for ``stage`` (None: no policy, or an end)."""
    policy = StagePolicy.objects.filter(stage=stage).first()
    return policy.days if policy else None
