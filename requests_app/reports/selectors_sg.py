"""The cases the Secretary-General's report reads, one row each (see reports/sg_report.py).

The report covers two years at most, a few thousand cases over all the years: it reads them in
five queries whatever their number (the cases, their mandates, their decisions to assist with
their types, and the ends of assistance) and counts in Python.
"""

from collections import defaultdict
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from requests_app.cases.choices import Basis, DecisionOutcome, Origin
from requests_app.cases.models import AssistanceRequest, Decision
from requests_app.correspondence.selectors import not_considered_counts
from requests_app.history.models import CaseEvent
from requests_app.reference.models import AssistanceType
from requests_app.reports.selectors import country_names
from requests_app.reports.sg_report import CaseRow, SgReport

ASSISTING = (DecisionOutcome.ASSIST, DecisionOutcome.NARROW)
AFTER_DECISION = ("decision_communicated", "in_implementation", "reporting")


def _day(moment: datetime) -> date:
    return timezone.localdate(moment)


def _assistance() -> tuple[dict[int, date], dict[int, set[str]]]:
    """Per case: the day of its first decision to assist, and the types its decisions to assist name.

    The types are the original decision's, as it was communicated (Decision.assistance_types), never an
    amendment's (DecisionAmendment, the version in force): the report counts the responses given to the
    requests, and an amendment is no new response. The briefing reads the version in force instead."""
    first: dict[int, date] = {}
    types: defaultdict[int, set[str]] = defaultdict(set)
    for case_id, decided_at in Decision.objects.filter(outcome__in=ASSISTING).values_list("case_id", "decided_at"):
        day = _day(decided_at)
        if case_id not in first or day < first[case_id]:
            first[case_id] = day
    through = Decision.assistance_types.through
    pairs = through.objects.filter(decision__outcome__in=ASSISTING).values_list(
        "decision__case_id", "assistancetype__name"
    )
    for case_id, name in pairs:
        types[case_id].add(name)
    return first, types


def _ends() -> dict[int, date]:
    """Per case: the day its assistance ended (closed, or withdrawn after a decision to assist)."""
    ends: dict[int, date] = {}
    events = CaseEvent.objects.filter(action__in=["close", "withdraw"], from_stage__in=AFTER_DECISION)
    for case_id, created_at in events.values_list("case_id", "created_at"):
        day = _day(created_at)
        if case_id not in ends or day < ends[case_id]:
            ends[case_id] = day
    return ends


def case_rows() -> list[CaseRow]:
    """Every case that is a request or a mandate (a letter from another body never is)."""
    mandated = set(AssistanceRequest.mandates.through.objects.values_list("assistancerequest_id", flat=True))
    first, types = _assistance()
    ends = _ends()
    names = country_names()
    cases = AssistanceRequest.objects.exclude(origin__in=Origin.not_requests()).values_list(
        "pk",
        "member_state__iso3",
        "member_state_id",
        "member_state__regional_group",
        "member_state__status",
        "received_date",
        "origin",
        "stage",
        "follows_id",
    )
    return [
        CaseRow(
            pk=pk,
            iso3=iso3,
            name=names.get(state_id, ""),
            region=region,
            status=status,
            received=received,
            basis=Basis.of(has_request=bool(origin), has_mandate=pk in mandated),
            stage=stage,
            follows=follows_id,
            assisted_from=first.get(pk),
            assisted_until=ends.get(pk),
            types=sorted(types.get(pk, ())),
        )
        for pk, iso3, state_id, region, status, received, origin, stage, follows_id in cases
    ]


def build_sg_report(start: date, end: date, *, now: datetime | None = None) -> SgReport:
    """The Secretary-General's report for the days ``start`` to ``end``, both included."""
    since = date(settings.EAS_SG_REPORT_START_YEAR, 1, 1)
    type_order = list(AssistanceType.objects.order_by("position", "name").values_list("name", flat=True))
    return SgReport(
        start=start,
        end=end,
        generated_at=now or timezone.now(),
        cumulative_since=since,
        cases=case_rows(),
        type_order=type_order,
        not_considered=sum(not_considered_counts(start, end).values()),
        not_considered_since=sum(not_considered_counts(since, end).values()),
    )
