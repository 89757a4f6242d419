"""Reads of who took part: a case's mission members and consultations, its vehicles of implementation,
who was told of each version of its decisions; the vehicles of a country (the country file).

The case page's section costs a fixed number of queries, whatever the number of rows: the members,
the consultations, the vehicles and their donors, the deployments when the roster's experts are a
vehicle, the notices and the decision letters. The decisions, their amendments and the mandates are
those the case page loaded with the case (cases.selectors.case_detail).
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app.cases.choices import AssessmentMethod, DecisionOutcome, Stage
from requests_app.cases.models import AssistanceRequest, Decision, NeedsAssessment
from requests_app.cases.selectors import may_work_on
from requests_app.coordination.models import (
    Audience,
    BasketDonor,
    Consultation,
    DecisionNotice,
    ImplementationVehicle,
    MissionMember,
    VehicleKind,
)
from requests_app.core import presence
from requests_app.core.confidentiality import may_read
from requests_app.core.types import StrOrPromise, User
from requests_app.correspondence.models import Channel, Direction, Letter, LetterKind, Purpose
from requests_app.mandates.models import Mandate
from requests_app.roster import selectors as roster_selectors
from requests_app.roster.models import Deployment

# Members and consultations are recorded once the needs are assessed, while the case is open; the
# vehicles once the assistance is implemented (and while it is reported on).
VEHICLE_STAGES = frozenset({Stage.IN_IMPLEMENTATION, Stage.REPORTING})
# A decline ends the case, and still has to be told.
TELLING_STAGES = frozenset(Stage.open_stages()) | {Stage.DECLINED}


def assessment_of(case: AssistanceRequest) -> NeedsAssessment | None:
    """The case's needs assessment: the one the page loaded with it, else read now (None: not started)."""
    if "assessment" in case._state.fields_cache:
        return getattr(case, "assessment", None)
    return NeedsAssessment.objects.filter(case=case).first()


def members(assessment: NeedsAssessment | None) -> list[MissionMember]:
    if assessment is None:
        return []
    return list(MissionMember.objects.filter(assessment=assessment).select_related("expert"))


def consultations(assessment: NeedsAssessment | None, user: User) -> list[Consultation]:
    """The assessment's consultations, each marked ``readable`` when this user may read its outcome."""
    if assessment is None:
        return []
    rows = list(Consultation.objects.filter(assessment=assessment))
    for row in rows:
        row.readable = may_read(user, row.level)
    return rows


def vehicles(queryset: QuerySet[ImplementationVehicle]) -> list[ImplementationVehicle]:
    """Vehicles with their mandate and donors: two queries (one when there is none)."""
    donors = BasketDonor.objects.select_related("partner", "member_state")
    return list(queryset.select_related("mandate").prefetch_related(Prefetch("donors", queryset=donors)))


def case_vehicles(case: AssistanceRequest) -> list[ImplementationVehicle]:
    if not presence.holds(case, "vehicles"):
        return []
    rows = vehicles(ImplementationVehicle.objects.filter(case=case).order_by("recorded_at", "id"))
    for row in rows:
        row.case = case
    return rows


def mandate_choices(case: AssistanceRequest) -> QuerySet[Mandate]:
    """The mandates a mission's vehicle may name: the country's, those the case rests on first.

    Another one of the country's is refused by the service with the reason (the case does not rest on it)."""
    resting = Mandate.objects.filter(cases=case, pk=OuterRef("pk"))
    return (
        Mandate.objects.filter(member_state_id=case.member_state_id)
        .annotate(rests=Exists(resting))
        .order_by("-rests", "-adopted_on", "-id")
    )


# Who was told of the decision ------------------------------------------------------------------------


@dataclass
class Told:
    """One of those who must know a version of a decision, and the letter that told them (None: not yet)."""

    audience: str
    label: StrOrPromise
    letter: Letter | None = None
    by_decision_letter: bool = False  # told by the decision letter the case's decision filed

    @property
    def is_told(self) -> bool:
        return self.letter is not None


@dataclass
class VersionToTell:
    """A decision (version 1) or one of its amendments, and who has been told of it."""

    decision: Decision
    number: int
    at: datetime
    label: StrOrPromise
    told: list[Told] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.decision.pk}:{self.number}"

    @property
    def day(self) -> date:
        return timezone.localdate(self.at)

    @property
    def untold(self) -> list[Told]:
        return [row for row in self.told if not row.is_told]


def audiences(case: AssistanceRequest) -> list[str]:
    """Who must be told of a decision on this case: the requester when there is a request, the Resident
    Coordinator always, the head of mission when the case rests on a mandate."""
    wanted = [Audience.REQUESTER] if case.has_request else []
    wanted.append(Audience.RESIDENT_COORDINATOR)
    if case.is_mandate:
        wanted.append(Audience.HEAD_OF_MISSION)
    return [str(audience) for audience in wanted]


def versions_to_tell(case: AssistanceRequest) -> list[VersionToTell]:
    """Each decision that was communicated (a deferral is not), and each amendment of a decision to
    assist, oldest first (from the decisions and amendments the case page loaded)."""
    rows: list[VersionToTell] = []
    decisions = sorted(case.decisions.all(), key=lambda decision: (decision.decided_at, decision.pk))
    for decision in decisions:
        if decision.outcome == DecisionOutcome.DEFER:
            continue
        label = _("Decision: %(outcome)s") % {"outcome": decision.get_outcome_display()}
        rows.append(VersionToTell(decision, 1, decision.decided_at, label))
        if decision.outcome in DecisionOutcome.assisting():
            for amendment in sorted(decision.amendments.all(), key=lambda amendment: amendment.version):
                label = _("Amendment: version %(version)d") % {"version": amendment.version}
                rows.append(VersionToTell(decision, amendment.version, amendment.amended_at, label))
    return rows


def decision_letters(case: AssistanceRequest) -> list[Letter]:
    """The decision letters the case's decisions filed (letters out of purpose "decision" that record no
    notice of their own), oldest first: one query."""
    noticed = DecisionNotice.objects.filter(letter=OuterRef("pk"))
    return list(
        Letter.objects.filter(case=case, direction=Direction.OUT, purpose=Purpose.DECISION)
        .exclude(Exists(noticed))
        .order_by("registered_at", "id")
    )


def _filed_letter(version: VersionToTell, letters: list[Letter]) -> Letter | None:
    """The decision letter filed with the decision itself: the first registered when it was decided or after."""
    if version.number != 1:
        return None
    return next((letter for letter in letters if letter.registered_at >= version.at), None)


def who_was_told(case: AssistanceRequest) -> list[VersionToTell]:
    """Each version to tell with who has and has not been told: two queries (none without a decision)."""
    rows = versions_to_tell(case)
    if not rows:
        return []
    notices = {
        (notice.decision_id, notice.version, notice.audience): notice
        for notice in DecisionNotice.objects.filter(case=case).select_related("letter")
    }
    letters = decision_letters(case)
    labels = dict(Audience.choices)
    wanted = audiences(case)
    for version in rows:
        filed = _filed_letter(version, letters)
        for audience in wanted:
            notice = notices.get((version.decision.pk, version.number, audience))
            told = Told(audience, labels[audience], notice.letter if notice else None)
            if told.letter is None and audience == Audience.REQUESTER and filed is not None:
                told.letter, told.by_decision_letter = filed, True
            version.told.append(told)
    return rows


def version_to_tell(case: AssistanceRequest, key: str) -> VersionToTell | None:
    """The version named by ``key`` ("<decision id>:<version>"), with who was told; None for any other text."""
    return next((version for version in who_was_told(case) if version.key == key), None)


def told_defaults(case: AssistanceRequest, version: VersionToTell | None, audience: str) -> dict[str, Any]:
    """What a letter telling ``audience`` of ``version`` usually says: to whom, through which channel."""
    state = case.member_state.local_name
    if audience == Audience.REQUESTER:
        recipient = gettext("Permanent Mission of %(state)s to the United Nations") % {"state": state}
        channel, kind = Channel.PERMANENT_MISSION, LetterKind.NOTE_VERBALE
    elif audience == Audience.HEAD_OF_MISSION:
        recipient = gettext("Head of the United Nations mission in %(state)s") % {"state": state}
        channel, kind = Channel.DIRECT, LetterKind.LETTER
    else:
        recipient = gettext("Resident Coordinator in %(state)s") % {"state": state}
        channel, kind = Channel.RESIDENT_COORDINATOR, LetterKind.LETTER
    if version is None or version.number == 1:
        what = gettext("Decision on the request: %(outcome)s") % {
            "outcome": version.decision.get_outcome_display() if version else ""
        }
    else:
        what = gettext("Amended decision on the request (version %(version)d)") % {"version": version.number}
    if audience != Audience.REQUESTER:
        what = gettext("For information: %(what)s (%(state)s, %(reference)s)") % {
            "what": what,
            "state": state,
            "reference": case.reference,
        }
    return {"recipient": recipient, "channel": channel, "kind": kind, "subject": what}


# The case page ------------------------------------------------------------------------------------


def may_write(user: User, case: AssistanceRequest, permission: str) -> bool:
    return bool(user.is_active and user.has_perm(permission) and may_work_on(user, case))


def _roster_deployments(case: AssistanceRequest, rows: list[ImplementationVehicle]) -> list[Deployment]:
    if not any(row.kind == VehicleKind.ROSTER_EXPERTS for row in rows):
        return []
    return roster_selectors.case_deployments(case)


def case_section(case: AssistanceRequest, user: User) -> dict[str, Any]:
    """What the case page shows of who took part, and what this user may record there."""
    assessment = assessment_of(case)
    is_mission = assessment is not None and assessment.method == AssessmentMethod.MISSION
    case_rows = case_vehicles(case)
    open_assessment = assessment is not None and case.is_open
    return {
        "assessment": assessment,
        "is_mission": is_mission,
        "members": members(assessment) if is_mission else [],
        "consultations": consultations(assessment, user),
        "vehicles": case_rows,
        "deployments": _roster_deployments(case, case_rows),
        "versions": who_was_told(case),
        "may_add_member": is_mission and case.is_open and may_write(user, case, "requests_app.add_missionmember"),
        "may_remove_member": open_assessment and may_write(user, case, "requests_app.delete_missionmember"),
        "may_consult": open_assessment and may_write(user, case, "requests_app.add_consultation"),
        "may_remove_consultation": open_assessment and may_write(user, case, "requests_app.delete_consultation"),
        "may_add_vehicle": case.stage in VEHICLE_STAGES
        and may_write(user, case, "requests_app.add_implementationvehicle"),
        "may_edit_vehicle": case.stage in VEHICLE_STAGES
        and may_write(user, case, "requests_app.change_implementationvehicle"),
        "may_tell": case.stage in TELLING_STAGES and may_write(user, case, "requests_app.add_decisionnotice"),
    }


# The country file ---------------------------------------------------------------------------------


def for_cases(case_ids: QuerySet[AssistanceRequest, Any]) -> list[ImplementationVehicle]:
    """The vehicles of these cases, the latest recorded first: two queries (one when there is none)."""
    return vehicles(ImplementationVehicle.objects.filter(case__in=case_ids).order_by("-recorded_at", "-id"))
