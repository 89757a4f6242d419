"""The versions of a decision to assist: the decision is version 1, each amendment the next; the last
is in force. Reads shared by the case page, the amendment's form and its service, at a fixed number of
queries (from what the case page loaded, or one query for the decision and its amendments)."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from requests_app.cases.choices import DecisionOutcome
from requests_app.cases.models import AssistanceRequest, Decision, DecisionAmendment
from requests_app.cases.workflow import decision_to_assist
from requests_app.core.types import StrOrPromise, User


@dataclass
class DecisionVersion:
    """One version of a decision to assist: the decision itself is version 1, each amendment the next."""

    number: int
    types: list[str]  # the names of the types of assistance, sorted
    phase: str
    period_start: date | None
    period_end: date | None
    scope: str
    reason: str = ""  # why this version replaced the one before
    by: User | None = None
    at: datetime | None = None
    communicated_on: date | None = None
    changes: dict[StrOrPromise, list[str]] = field(default_factory=dict)  # from the version before


def decision_versions(decision: Decision) -> list[DecisionVersion]:
    """The versions of a decision, oldest first: the last is in force (from its loaded amendments)."""
    versions = [
        DecisionVersion(
            number=1,
            types=sorted(t.local_name for t in decision.assistance_types.all()),
            phase=decision.phase,
            period_start=decision.period_start,
            period_end=decision.period_end,
            scope=decision.scope.strip(),
            by=decision.decided_by,
            at=decision.decided_at,
            communicated_on=decision.communicated_on,
        )
    ]
    for amendment in sorted(decision.amendments.all(), key=lambda a: a.version):
        version = DecisionVersion(
            number=amendment.version,
            types=sorted(t.local_name for t in amendment.assistance_types.all()),
            phase=decision.phase,
            period_start=amendment.period_start,
            period_end=amendment.period_end,
            scope=amendment.scope,
            reason=amendment.reason,
            by=amendment.amended_by,
            at=amendment.amended_at,
            communicated_on=amendment.communicated_on,
        )
        version.changes = version_changes(versions[-1], version)
        versions.append(version)
    return versions


def _period_text(version: DecisionVersion) -> str:
    return " – ".join(
        formats.date_format(day, "DATE_FORMAT") for day in (version.period_start, version.period_end) if day
    )


def version_changes(before: DecisionVersion, after: DecisionVersion) -> dict[StrOrPromise, list[str]]:
    """What a version changed from the one before: {what: [before, after]}, as the page and the history show it."""
    changes: dict[StrOrPromise, list[str]] = {}
    if (before.period_start, before.period_end) != (after.period_start, after.period_end):
        changes[_("period")] = [_period_text(before), _period_text(after)]
    if before.scope != after.scope:
        changes[_("scope")] = [before.scope, after.scope]
    if before.types != after.types:
        changes[_("assistance")] = [", ".join(before.types), ", ".join(after.types)]
    return changes


def decisions_with_versions(case: AssistanceRequest) -> list[tuple[Decision, list[DecisionVersion]]]:
    """The case's decisions (newest first), each to assist with its versions (the last in force)."""
    return [
        (decision, decision_versions(decision) if decision.outcome in DecisionOutcome.assisting() else [])
        for decision in case.decisions.all()
    ]


def decision_in_force(case: AssistanceRequest) -> tuple[Decision, DecisionVersion] | None:
    """The case's latest decision to assist and its version in force, read anew (None: no such decision)."""
    decision = (
        Decision.objects.filter(case=case, outcome__in=DecisionOutcome.assisting())
        .select_related("decided_by")
        .prefetch_related(
            "assistance_types",
            Prefetch("amendments", queryset=DecisionAmendment.objects.prefetch_related("assistance_types")),
        )
        .order_by("-decided_at", "-id")
        .first()
    )
    return (decision, decision_versions(decision)[-1]) if decision else None


def decided_period_end(case: AssistanceRequest) -> date | None:
    """The last day of assistance the version in force of the latest decision to assist allows (None: none)."""
    decision = (
        Decision.objects.filter(case=case, outcome__in=DecisionOutcome.assisting())
        .order_by("-decided_at", "-id")
        .only("period_end")
        .first()
    )
    if decision is None:
        return None
    amendment = decision.amendments.order_by("-version").only("period_end").first()
    return amendment.period_end if amendment else decision.period_end


def loaded_period_end(case: AssistanceRequest) -> date | None:
    """decided_period_end, from the decisions and amendments a page has loaded with the case (or the
    period each decision was read with: cases.selectors.case_detail without versions)."""
    decision = decision_to_assist(case)
    if decision is None:
        return None
    if hasattr(decision, "period_end_in_force"):
        return decision.period_end_in_force
    return decision_versions(decision)[-1].period_end
