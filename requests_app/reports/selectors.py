"""The briefing's figures, counted from the history (forward or backward, the shorter)."""

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, TypeAlias

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, IntegerField, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext

from requests_app.cases.choices import Basis, DecisionOutcome, ImplementationModality, Origin, Stage
from requests_app.cases.models import AssistanceRequest, Decision, DecisionAmendment
from requests_app.correspondence.selectors import not_considered_counts
from requests_app.history.models import CaseEvent
from requests_app.reference.models import AssistanceType, MemberState, RegionalGroup
from requests_app.reports.briefing import Briefing, Figures, StateFigures, TypeFigures
from requests_app.reports.forms import _after, day_start

# Before a decision to assist or decline, a request is still being considered: a withdrawal from
# one of these stages answers it; a withdrawal later ends assistance already decided.
BEFORE_DECISION = (Stage.RECEIVED, Stage.UNDER_REVIEW, Stage.NEEDS_ASSESSMENT, Stage.AWAITING_DECISION)
AFTER_DECISION = (Stage.DECISION_COMMUNICATED, Stage.IN_IMPLEMENTATION, Stage.REPORTING)
# The stages a final response leads to (a deferral leaves the case awaiting its decision).
ANSWERED = (Stage.DECISION_COMMUNICATED, Stage.DECLINED, Stage.WITHDRAWN)
ASSISTING = (DecisionOutcome.ASSIST, DecisionOutcome.NARROW)
# A letter that was never a request (a party's, registered as a case before the correspondence
# register: Origin.not_requests) is not counted among requests received, nor anywhere else.
REQUESTS_ONLY = ~Q(case__origin__in=Origin.not_requests())


# The figures ------------------------------------------------------------------------------------


# Rows of counts per Member State, as .values().annotate() reads them; and a state's row of the
# history read: (Member State id, pending, assistance under way).
CountRows: TypeAlias = QuerySet[Any, Mapping[str, Any]]
StateHistory: TypeAlias = tuple[int, int, int]


def _sort_key(name: str) -> tuple[str, str]:
    # Accents aside, as a reader looks a state up: Côte d'Ivoire between Costa Rica and Croatia.
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold(), name


def _between(since: datetime | None, until: datetime | None) -> Q:
    condition = Q(created_at__gte=since) if since is not None else Q()
    if until is not None:
        condition &= Q(created_at__lt=until)
    return condition


# What a case rested on when it was registered, as its "registered" event says. Events written
# before mandates were recorded of their own (migration 0019_mandates) say the origin only, a mandate then
# being one ("security_council", "general_assembly").
_FORMER_MANDATE_ORIGINS = ["security_council", "general_assembly"]
_SAYS_BASIS = Q(details__has_key="basis")
BASIS_REGISTERED = {
    Basis.REQUEST: Q(details__basis=Basis.REQUEST) | (~_SAYS_BASIS & ~Q(details__origin__in=_FORMER_MANDATE_ORIGINS)),
    Basis.MANDATE: Q(details__basis=Basis.MANDATE) | (~_SAYS_BASIS & Q(details__origin__in=_FORMER_MANDATE_ORIGINS)),
    Basis.BOTH: Q(details__basis=Basis.BOTH),
}


def _period_counts(since: datetime | None, until: datetime | None) -> CountRows:
    """Per Member State: what was received and answered in the period (events dated within it)."""
    decision = Q(action="record_decision")

    def cases(condition: Q) -> Count:
        # A request counts once under each response, however many times it was given (two deferrals).
        return Count("case_id", distinct=True, filter=condition)

    counts = {
        "received": Count("id", filter=Q(action="registered")),
        "assisted": cases(decision & Q(details__outcome=DecisionOutcome.ASSIST)),
        "narrowed": cases(decision & Q(details__outcome=DecisionOutcome.NARROW)),
        "deferred": cases(decision & Q(details__outcome=DecisionOutcome.DEFER)),
        "declined_decision": cases(decision & Q(details__outcome=DecisionOutcome.DECLINE)),
        "declined_review": cases(Q(action="decline_request")),
        "withdrawn": cases(Q(action="withdraw")),
    }
    for basis, condition in BASIS_REGISTERED.items():
        counts[f"basis:{basis}"] = Count("id", filter=Q(action="registered") & condition)
    for modality in ImplementationModality.values:
        counts[f"modality:{modality}"] = cases(Q(action="start_implementation", details__modality=modality))
    return (
        CaseEvent.objects.filter(_between(since, until), REQUESTS_ONLY)
        .filter(action__in=["registered", "record_decision", "decline_request", "withdraw", "start_implementation"])
        .values("case__member_state_id")
        .annotate(**counts)
        .order_by()
    )


# The history is read with stages, not details: cheaper over many events. A request is answered
# once, by the first of: a decision to assist or decline, a decline at review, a withdrawal before
# any decision; each leaves the stages before a decision for good. Assistance decided ends once: the
# case is closed, or withdrawn after the decision.
HISTORY_ACTIONS = ["registered", "record_decision", "decline_request", "withdraw", "close"]
REGISTERED = Q(action="registered")
ANSWER = Q(from_stage__in=BEFORE_DECISION, to_stage__in=ANSWERED)
ASSISTANCE = Q(action="record_decision", to_stage=Stage.DECISION_COMMUNICATED)
ASSISTANCE_ENDED = Q(action="close") | Q(action="withdraw", from_stage__in=AFTER_DECISION)


def _history_forward(since: datetime | None, until: datetime | None) -> CountRows:
    """Per Member State, the history up to the period's end: requests registered and answered by
    then, assistance decided by then, and ended before the period began."""
    counts = {
        "registered": Count("id", filter=REGISTERED),
        "answered": Count("id", filter=ANSWER),
        "assisted": Count("id", filter=ASSISTANCE),
    }
    if since is not None:
        counts["ended_before"] = Count("id", filter=ASSISTANCE_ENDED & Q(created_at__lt=since))
    return (
        CaseEvent.objects.filter(_between(None, until), REQUESTS_ONLY, action__in=HISTORY_ACTIONS)
        .values("case__member_state_id")
        .annotate(**counts)
        .order_by()
    )


def _history_backward(since: datetime | None, until: datetime | None) -> CountRows:
    """Per Member State, what happened since: assistance ended since the period began; requests
    registered and answered, and assistance decided, after it ended."""
    counts = {"ended_since": Count("id", filter=ASSISTANCE_ENDED)}
    if until is not None:
        for name, condition in (("registered", REGISTERED), ("answered", ANSWER), ("assisted", ASSISTANCE)):
            counts[f"{name}_after"] = Count("id", filter=condition & Q(created_at__gte=until))
    return (
        CaseEvent.objects.filter(_between(since, None), REQUESTS_ONLY, action__in=HISTORY_ACTIONS)
        .values("case__member_state_id")
        .annotate(**counts)
        .order_by()
    )


def _reads_forward(since: datetime | None, until: datetime | None, now: datetime) -> bool:
    """Whether reading the history up to the period's end costs less than reading it back from
    today: whichever covers the shorter time (with cases spread evenly over it, fewer events)."""
    if since is None or until is None:
        return since is None and until is not None
    first = CaseEvent.objects.filter(action="registered").aggregate(first=Min("created_at"))["first"]
    return first is not None and until - first < now - since


def _open_counts() -> CountRows:
    """Per Member State, the requests not yet answered and those with assistance under way, today.

    The starting point from which the history is read back to the period's end: a request is in a
    stage before a decision exactly as long as its history holds no answer, and in a stage after
    one exactly as long as it holds a decision to assist and no end, because only the services
    change a stage, writing the event with it in the same transaction.
    """
    return (
        AssistanceRequest.objects.filter(stage__in=[*BEFORE_DECISION, *AFTER_DECISION])
        .exclude(origin__in=Origin.not_requests())
        .values("member_state_id")
        .annotate(
            waiting=Count("id", filter=Q(stage__in=BEFORE_DECISION)),
            assisted=Count("id", filter=Q(stage__in=AFTER_DECISION)),
        )
        .order_by()
    )


@contextmanager
def _one_moment() -> Iterator[None]:
    """The stages and the events read as of one moment, so that a case moving on meanwhile is
    counted either before or after it moved, never half: one transaction, a snapshot on PostgreSQL
    (SQLite's transactions always are one). Inside a transaction already, that one decides."""
    outermost = not connection.in_atomic_block
    with transaction.atomic(savepoint=False):  # only reads: nothing to roll back to
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _type_counts(since: datetime | None, until: datetime | None) -> list[tuple[int, int, int]]:
    """(type id, Member State id, decisions): the types named by the period's decisions to assist.

    Each decision counts as its version in force at the period's end: amended before then, the
    types of its latest amendment until then; amended later, as it stood (so the report of a past
    period stays what it was). Read from the decisions the events point to (Decision rows are never
    edited, nor amendments), so a type renamed since is shown under its present name. One query.
    """
    in_period = Q(created_at__gte=since) if since is not None else Q()
    if until is not None:
        in_period &= Q(created_at__lt=until)
    decisions = (
        CaseEvent.objects.filter(in_period, action="record_decision", details__outcome__in=list(ASSISTING))
        .annotate(decision_id=Cast(KT("details__decision"), IntegerField()))
        .values("decision_id")
    )
    amended = DecisionAmendment.objects.filter(decision_id__in=Subquery(decisions))
    if until is not None:
        amended = amended.filter(amended_at__lt=until)
    latest = amended.filter(
        version=Subquery(amended.filter(decision=OuterRef("decision")).order_by("-version").values("version")[:1])
    )
    as_decided = (
        Decision.assistance_types.through.objects.filter(decision_id__in=Subquery(decisions))
        .exclude(decision_id__in=amended.values("decision_id"))
        .values_list("assistancetype_id", "decision__case__member_state_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    as_amended = (
        DecisionAmendment.assistance_types.through.objects.filter(decisionamendment_id__in=latest.values("pk"))
        .values_list("assistancetype_id", "decisionamendment__decision__case__member_state_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: Counter[tuple[int, int]] = Counter()
    for type_id, state_id, count in as_decided.union(as_amended, all=True):
        counts[(type_id, state_id)] += count
    return [(type_id, state_id, count) for (type_id, state_id), count in counts.items()]


def _read_forward(history: Iterable[Mapping[str, Any]]) -> Iterator[StateHistory]:
    """(Member State id, pending at the period's end, assistance under way during it)."""
    for row in history:
        yield (
            row["case__member_state_id"],
            row["registered"] - row["answered"],
            row["assisted"] - row.get("ended_before", 0),
        )


def _read_backward(
    history: Iterable[Mapping[str, Any]], open_now: Iterable[Mapping[str, Any]]
) -> Iterator[StateHistory]:
    """The same, from today's counts with what happened since put back (see ``_open_counts``):
    pending then = waiting now - registered since + answered since, and under way then = under way
    now - decided since + ended since the period began."""
    later = {row["case__member_state_id"]: row for row in history}
    today = {row["member_state_id"]: row for row in open_now}
    for state_id in set(later) | set(today):
        since, now = later.get(state_id, {}), today.get(state_id, {})
        yield (
            state_id,
            now.get("waiting", 0) - since.get("registered_after", 0) + since.get("answered_after", 0),
            now.get("assisted", 0) - since.get("assisted_after", 0) + since.get("ended_since", 0),
        )


def country_name(state: MemberState) -> str:
    """A country's or territory's name as the reports write it, in the active language (the caller's
    ``translation.override``), without what a non-member is: the reports say that themselves.

    The one place the reports read a name: it follows the names in six languages that MemberState
    holds (issue 15), as its display does."""
    return state.name


def country_names() -> dict[int, str]:
    """Every country's and territory's name in the active language, by id: one query."""
    return {state.pk: country_name(state) for state in MemberState.objects.all()}


class _StateRows:
    """The briefing's figures per State or territory, each row made when one first has one."""

    def __init__(self) -> None:
        self.states = {
            state.pk: (state.iso3, country_name(state), state.regional_group, state.status)
            for state in MemberState.objects.all()
        }
        self.per_state: dict[int, StateFigures] = {}

    def row(self, pk: int) -> StateFigures:
        if pk not in self.per_state:
            iso3, name, region, status = self.states.get(pk, ("", gettext("Unknown"), "", ""))
            self.per_state[pk] = StateFigures(iso3=iso3, name=name, region=region, status=status)
        return self.per_state[pk]

    def add_period(self, period: Iterable[Mapping[str, Any]]) -> tuple[int, dict[str, int], dict[str, int]]:
        """What happened in the period, per state: (declined at review, by basis, by modality)."""
        declined_at_review = 0
        by_basis = dict.fromkeys(Basis.values, 0)
        by_modality = dict.fromkeys(ImplementationModality.values, 0)
        for row in period:
            state = self.row(row["case__member_state_id"])
            figures = state.figures
            figures.received = row["received"]
            figures.assisted, figures.narrowed = row["assisted"], row["narrowed"]
            figures.deferred = row["deferred"]
            figures.declined = row["declined_decision"] + row["declined_review"]
            figures.withdrawn = row["withdrawn"]
            state.decided_to_assist = row["assisted"] + row["narrowed"]
            declined_at_review += row["declined_review"]
            for basis in by_basis:
                by_basis[basis] += row[f"basis:{basis}"]
            for modality in by_modality:
                by_modality[modality] += row[f"modality:{modality}"]
        return declined_at_review, by_basis, by_modality

    def add_history(self, pending_and_under_way: Iterable[StateHistory]) -> None:
        """Requests pending and assistance under way at the end of the period, per state."""
        for state_id, pending, under_way in pending_and_under_way:
            if pending or under_way:
                state = self.row(state_id)
                state.figures.pending = max(0, pending)
                state.under_way = max(0, under_way)

    def add_types(
        self, types: list[tuple[int, str, str]], types_given: Iterable[tuple[int, int, int]]
    ) -> dict[str, TypeFigures]:
        """The types of assistance given: {code: TypeFigures}, and each state's list of types."""
        type_names = {pk: name for pk, _code, name in types}
        by_type = {code: TypeFigures(code=code, name=name) for _pk, code, name in types}
        codes = {pk: code for pk, code, _name in types}
        state_types: defaultdict[int, set[int]] = defaultdict(set)
        for type_id, state_id, count in types_given:
            if type_id not in codes:
                continue
            row = by_type[codes[type_id]]
            row.requests += count
            row.states += 1
            region = self.states.get(state_id, ("", "", "", ""))[2]
            row.per_region[region] = row.per_region.get(region, 0) + count
            state_types[state_id].add(type_id)
        rank = {pk: index for index, (pk, _code, _name) in enumerate(types)}
        for state_id, type_ids in state_types.items():
            self.row(state_id).types = [type_names[pk] for pk in sorted(type_ids, key=rank.__getitem__)]
        return by_type


def build_briefing(start: date, end: date, *, now: datetime | None = None, read: str | None = None) -> Briefing:
    """The briefing for the days ``start`` to ``end``, both included, in the current time zone.

    ``read`` ("forward" or "backward") forces the way the history is read, for the tests; both
    give the same figures, and by default the cheaper is chosen."""
    since, until = day_start(start), _after(end)
    rows = _StateRows()
    types = list(AssistanceType.objects.order_by("position", "name").values_list("pk", "code", "name"))
    moment = now or timezone.now()
    with _one_moment():
        forward = _reads_forward(since, until, moment)
        if read is not None:
            forward = read == "forward"
        period = list(_period_counts(since, until))
        history = list((_history_forward if forward else _history_backward)(since, until))
        open_now = [] if forward else list(_open_counts())
        types_given = list(_type_counts(since, until))
        not_considered = sum(not_considered_counts(start, end).values())
    declined_at_review, by_basis, by_modality = rows.add_period(period)
    rows.add_history(_read_forward(history) if forward else _read_backward(history, open_now))
    by_type = rows.add_types(types, types_given)
    per_state = rows.per_state

    ordered = sorted(per_state.values(), key=lambda state: _sort_key(state.name))
    by_region = {region: Figures() for region in RegionalGroup.values}
    totals = Figures()
    for state in ordered:
        if state.region in by_region:
            by_region[state.region].add(state.figures)
        totals.add(state.figures)
    return Briefing(
        start=start,
        end=end,
        generated_at=moment,
        totals=totals,
        declined_at_review=declined_at_review,
        by_region=by_region,
        by_state={state.iso3: state for state in ordered if state.figures},
        by_type=by_type,
        by_basis=by_basis,
        by_modality=by_modality,
        states_assisted=[state for state in ordered if state.under_way or state.decided_to_assist],
        not_considered=not_considered,
        omit_declined_names=settings.EAS_BRIEFING_OMIT_DECLINED_NAMES,
    )
