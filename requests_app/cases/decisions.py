"""The focal point's decisions on the parameters of assistance (para 4, 5) and their amendments:
what each must record, and the rows that record it. The services (requests_app.cases.services)
run them inside the action that locks the case and writes its history."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from requests_app.cases import versions
from requests_app.cases.choices import DecisionOutcome
from requests_app.cases.models import AssistanceRequest, Decision, DecisionAmendment, NeedsAssessment
from requests_app.cases.workflow import short_notice_rule_applies
from requests_app.core.types import StrOrPromise, User
from requests_app.reference.models import AssistanceType

Problems = list[StrOrPromise]


@dataclass
class DecisionTerms:
    """What the focal point decides: the outcome and, to assist, its parameters; to decline or defer, why."""

    outcome: str
    assistance_types: list[AssistanceType] = field(default_factory=list)
    phase: str = ""
    period_start: date | None = None
    period_end: date | None = None
    scope: str = ""
    short_notice_justification: str = ""
    reason: str = ""
    revisit_on: date | None = None
    communicated_on: date | None = None

    @property
    def assisting(self) -> bool:
        return self.outcome in DecisionOutcome.assisting()


# What a decision must record ----------------------------------------------------------------------


def decision_problems(case: AssistanceRequest, assessment: NeedsAssessment, terms: DecisionTerms) -> Problems:
    """Para 4 and 5: what the decision must record, given what the assessment found."""
    if terms.outcome not in DecisionOutcome.values:
        return [_("Choose the outcome of the decision.")]
    if terms.assisting:
        problems = _assistance_problems(case, assessment, terms.assistance_types)
        problems += _parameter_problems(case, assessment, terms)
    else:
        problems = _answer_problems(terms)
    return problems + _letter_problems(terms.communicated_on)


def _assistance_problems(
    case: AssistanceRequest, assessment: NeedsAssessment, assistance_types: Iterable[AssistanceType]
) -> Problems:
    """Whether assistance may be given at all, and of which types."""
    problems: Problems = []
    if assessment.conditions_exist is not True:
        problems.append(
            _(
                "The needs assessment did not find conditions for a free and fair election: "
                "assistance cannot be approved. Defer or decline instead."
            )
        )
    return problems + _type_problems(case, assistance_types)


def _type_problems(case: AssistanceRequest, assistance_types: Iterable[AssistanceType]) -> Problems:
    assistance_types = list(assistance_types)
    if not assistance_types:
        return [_("Name the types of assistance to provide.")]
    mandated_only = [t.local_name for t in assistance_types if t.requires_mandate]
    if mandated_only and not case.is_mandate:
        return [
            _("%(types)s can only be provided on a Security Council or General Assembly mandate.")
            % {"types": ", ".join(mandated_only)}
        ]
    return []


def _period_problems(period_start: date | None, period_end: date | None) -> Problems:
    if not period_start or not period_end:
        return [_("Give the period of assistance, from and until.")]
    if period_end < period_start:
        return [_("The period of assistance cannot end before it starts.")]
    return []


def _parameter_problems(case: AssistanceRequest, assessment: NeedsAssessment, terms: DecisionTerms) -> Problems:
    """The parameters of an assistance: phase, period, narrowed scope, and why it goes on at short notice."""
    problems: Problems = []
    if not terms.phase:
        problems.append(_("Name the phase of the electoral cycle the assistance covers."))
    problems += _period_problems(terms.period_start, terms.period_end)
    if terms.outcome == DecisionOutcome.NARROW and not terms.scope.strip():
        problems.append(_("Describe the narrowed scope."))
    if not terms.short_notice_justification.strip():
        if assessment.adequate_time is False:
            problems.append(
                _(
                    "The needs assessment found too little time before the election: write the justification "
                    "for assisting nonetheless."
                )
            )
        elif terms.phase and short_notice_rule_applies(case, terms.phase):
            problems.append(
                _(
                    "The request came less than four months before election day, and the Department's guidance "
                    "is that such a request normally cannot be accommodated for the election event: write the "
                    "justification for assisting nonetheless (none is needed for post-electoral or whole-cycle "
                    "support)."
                )
            )
    return problems


def _answer_problems(terms: DecisionTerms) -> Problems:
    """To decline or defer: why, and for a deferral when the request is considered again."""
    problems: Problems = []
    if terms.outcome == DecisionOutcome.DECLINE and not terms.reason.strip():
        problems.append(_("Give the reason for declining."))
    if terms.outcome == DecisionOutcome.DEFER:
        if not terms.reason.strip():
            problems.append(_("Give the reason for deferring."))
        if not terms.revisit_on:
            problems.append(_("Say when the request will be considered again."))
        elif terms.revisit_on <= timezone.localdate():
            problems.append(_("The date to consider the request again must be in the future."))
    return problems


def _letter_problems(communicated_on: date | None) -> Problems:
    if communicated_on and communicated_on > timezone.localdate():
        return [
            _(
                "The decision letter cannot have been sent after today: give the day it was sent, "
                "or leave it empty for today."
            )
        ]
    return []


# The decision's row ---------------------------------------------------------------------------


def create_decision(case: AssistanceRequest, terms: DecisionTerms, actor: User) -> Decision:
    assisting = terms.assisting
    deferring = terms.outcome == DecisionOutcome.DEFER
    decision = Decision.objects.create(
        case=case,
        assessment=case.assessment,
        outcome=terms.outcome,
        phase=terms.phase if assisting else "",
        period_start=terms.period_start if assisting else None,
        period_end=terms.period_end if assisting else None,
        scope=terms.scope,
        short_notice_justification=terms.short_notice_justification,
        reason=terms.reason,
        revisit_on=terms.revisit_on if deferring else None,
        communicated_on=terms.communicated_on or (None if deferring else timezone.localdate()),
        decided_by=actor,
        decided_at=timezone.now(),
    )
    if assisting:
        decision.assistance_types.set(terms.assistance_types)
    return decision


def decision_details(decision: Decision, terms: DecisionTerms) -> dict[str, Any]:
    """What the history keeps of a decision (the briefing counts from it)."""
    details: dict[str, Any] = {"decision": decision.pk, "outcome": terms.outcome}
    if terms.assisting:
        details.update(
            types=[t.name for t in terms.assistance_types],
            phase=terms.phase,
            period=[terms.period_start, terms.period_end],
        )
        if terms.short_notice_justification.strip():
            details["justification"] = terms.short_notice_justification.strip()
    if terms.outcome == DecisionOutcome.DEFER:
        details["revisit_on"] = terms.revisit_on
    return details


# Amendments -----------------------------------------------------------------------------------


@dataclass
class AmendmentTerms:
    """A new version of a decision to assist: its types, period and scope, and why it changes."""

    assistance_types: list[AssistanceType] = field(default_factory=list)
    period_start: date | None = None
    period_end: date | None = None
    scope: str = ""
    reason: str = ""
    communicated_on: date | None = None


def amendment_problems(case: AssistanceRequest, in_force: versions.DecisionVersion, terms: AmendmentTerms) -> Problems:
    """An amendment says why, keeps what a decision to assist must hold, and changes something."""
    problems: Problems = []
    if not terms.reason.strip():
        problems.append(_("Give the reason for the amendment: the government reads it in the letter."))
    problems += _type_problems(case, terms.assistance_types)
    problems += _period_problems(terms.period_start, terms.period_end)
    problems += _letter_problems(terms.communicated_on)
    if not problems and not versions.version_changes(in_force, _as_version(in_force, terms)):
        problems.append(
            _("This amendment changes nothing: change the period, the scope or the types of the decision in force.")
        )
    return problems


def _as_version(in_force: versions.DecisionVersion, terms: AmendmentTerms) -> versions.DecisionVersion:
    return versions.DecisionVersion(
        number=in_force.number + 1,
        types=sorted(t.local_name for t in terms.assistance_types),
        phase=in_force.phase,
        period_start=terms.period_start,
        period_end=terms.period_end,
        scope=terms.scope.strip(),
    )


def create_amendment(
    decision: Decision, in_force: versions.DecisionVersion, terms: AmendmentTerms, actor: User
) -> DecisionAmendment:
    assert terms.period_start is not None and terms.period_end is not None  # amendment_problems asks for both
    amendment = DecisionAmendment.objects.create(
        decision=decision,
        version=in_force.number + 1,
        period_start=terms.period_start,
        period_end=terms.period_end,
        scope=terms.scope.strip(),
        reason=terms.reason.strip(),
        communicated_on=terms.communicated_on or timezone.localdate(),
        amended_by=actor,
        amended_at=timezone.now(),
    )
    amendment.assistance_types.set(terms.assistance_types)
    return amendment


def amendment_details(decision: Decision, in_force: versions.DecisionVersion, terms: AmendmentTerms) -> dict[str, Any]:
    """What the history keeps of an amendment: the decision, the version, and what changed."""
    changes = versions.version_changes(in_force, _as_version(in_force, terms))
    return {
        "decision": decision.pk,
        "version": in_force.number + 1,
        "changes": {str(label): values for label, values in changes.items()},
        "reason": terms.reason.strip(),
    }
