"""Writes of who took part (paras 10-11): the mission's members, the consultations, the vehicles of
implementation, and who was told of a decision.

Each locks the case, checks the right (the permission, and the case in the actor's work: its officer,
its desk's team lead, the focal point), the stage and what is given, writes, and leaves a line in the
case's history, in one transaction. Who was told is a letter of the correspondence register, written
through its service (which writes the history's line): the notice only links it to the decision.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.db import transaction
from django.db.models import Field
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from requests_app.cases.choices import AssessmentMethod
from requests_app.cases.models import AssistanceRequest, NeedsAssessment
from requests_app.cases.selectors import may_work_on
from requests_app.cases.services import record_event
from requests_app.coordination import selectors
from requests_app.coordination.models import (
    Audience,
    BasketDonor,
    Consultation,
    Counterpart,
    DecisionNotice,
    ImplementationVehicle,
    MemberRole,
    MissionMember,
    Organisation,
    VehicleKind,
)
from requests_app.core.confidentiality import Level, label, may_read
from requests_app.core.errors import ActionRefused
from requests_app.core.types import StrOrPromise, User
from requests_app.core.validators import has_control_characters
from requests_app.correspondence import services as correspondence
from requests_app.correspondence.models import FOCAL_POINT, Channel, LetterKind, Purpose
from requests_app.documents import services as documents
from requests_app.documents.models import ConfidentialRead
from requests_app.mandates.models import Mandate
from requests_app.partners.models import Partner
from requests_app.reference.models import CountryStatus, MemberState
from requests_app.roster.models import Expert

NAME_MAX = 200
CURRENCY = re.compile(r"^[A-Z]{3}$")


def _lock(case: AssistanceRequest) -> AssistanceRequest:
    return AssistanceRequest.objects.select_for_update().select_related("member_state").get(pk=case.pk)


def _day(value: date | None) -> str:
    return formats.date_format(value) if value else ""


def _money(amount: Decimal | None, currency: str) -> str:
    return f"{formats.number_format(amount, 2, force_grouping=True)} {currency}" if amount is not None else ""


def _line_problems(what: StrOrPromise, text: str, *, required: StrOrPromise | None = None) -> list[StrOrPromise]:
    """A name on one line, of at most NAME_MAX characters; ``required``: the message when it is empty."""
    if not text:
        return [required] if required else []
    if has_control_characters(text):
        return [_("%(field)s: line breaks, tabs and other control characters are not allowed.") % {"field": what}]
    if len(text) > NAME_MAX:
        return [_("%(field)s: at most %(limit)d characters.") % {"field": what, "limit": NAME_MAX}]
    return []


def _work_refusals(
    actor: User | None, case: AssistanceRequest, permission: str, no_right: StrOrPromise
) -> list[StrOrPromise]:
    """Who may write: the permission, and the case in their work."""
    if actor is None or not actor.is_active or not actor.has_perm(permission):
        return [no_right]
    if not may_work_on(actor, case):
        return [
            _("This case is not assigned to you: its officer, or the team lead of its desk, records who took part.")
        ]
    return []


def _assessment_refusals(case: AssistanceRequest) -> list[StrOrPromise]:
    if not case.is_open:
        return [_("The case is %(stage)s: its record is kept as it is.") % {"stage": case.stage_phrase}]
    if selectors.assessment_of(case) is None:
        return [_("The needs are not being assessed yet: who took part is recorded once the assessment has begun.")]
    return []


# The mission's members -------------------------------------------------------------------------------


def member_refusals(actor: User | None, case: AssistanceRequest, permission: str) -> list[StrOrPromise]:
    """Why ``actor`` may not add (or remove) the members of the case's mission now; empty when they may."""
    no_right = _("You do not have permission to record the members of a needs assessment mission.")
    problems = _work_refusals(actor, case, permission, no_right) or _assessment_refusals(case)
    if problems:
        return problems
    assessment = selectors.assessment_of(case)
    if assessment is not None and assessment.method != AssessmentMethod.MISSION:
        return [_("The needs are assessed by a desk review: a desk review sends no mission, so it has no members.")]
    return []


def _member_problems(name: str, organisation: str, organisation_name: str, role: str) -> list[StrOrPromise]:
    problems = _line_problems(
        _("Name"), name, required=_("Give the member's name, or choose the expert of the roster.")
    )
    if organisation not in Organisation.values:
        problems.append(_("Choose the member's organisation."))
    elif organisation in Organisation.named():
        problems += _line_problems(
            _("Name of the organisation"), organisation_name, required=_("Name the regional or other organisation.")
        )
    if role not in MemberRole.values:
        problems.append(_("Choose the member's role on the mission: team leader or member."))
    return problems


def _member_details(member: MissionMember) -> dict[str, Any]:
    details: dict[str, Any] = {"member": member.name, "organisation": member.organisation, "member_role": member.role}
    if member.organisation in Organisation.named():
        details["organisation"] = member.organisation_name
    if member.expert_id:
        details["expert"] = str(member.expert)
    return details


@transaction.atomic
def add_member(
    *,
    actor: User | None,
    case: AssistanceRequest,
    name: str,
    organisation: str,
    role: str,
    organisation_name: str = "",
    expert: Expert | None = None,
) -> MissionMember:
    """A member of the case's needs assessment mission: who, sent by whom, in what role."""
    locked = _lock(case)
    name = (name or "").strip() or (str(expert) if expert is not None else "")
    organisation_name = (organisation_name or "").strip() if organisation in Organisation.named() else ""
    problems = member_refusals(actor, locked, "requests_app.add_missionmember") or _member_problems(
        name, organisation, organisation_name, role
    )
    assessment = NeedsAssessment.objects.get(case=locked) if not problems else None
    if assessment is not None and MissionMember.objects.filter(assessment=assessment, name__iexact=name).exists():
        problems.append(_("%(name)s is already a member of this mission.") % {"name": name})
    if problems:
        raise ActionRefused(*problems)
    assert actor is not None and assessment is not None  # refused above otherwise
    member = MissionMember.objects.create(
        assessment=assessment,
        name=name,
        organisation=organisation,
        organisation_name=organisation_name,
        role=role,
        expert=expert,
        recorded_by=actor,
    )
    record_event(case=locked, actor=actor, action="mission_member_added", details=_member_details(member))
    return member


@transaction.atomic
def remove_member(*, actor: User | None, member: MissionMember) -> None:
    """Take a member recorded by mistake off the mission; the history keeps who it was."""
    locked = _lock(member.assessment.case)
    row = MissionMember.objects.select_for_update().filter(pk=member.pk, assessment__case=locked).first()
    problems = member_refusals(actor, locked, "requests_app.delete_missionmember")
    if row is None:
        problems = problems or [_("This member is no longer recorded on the mission.")]
    if problems:
        raise ActionRefused(*problems)
    assert row is not None
    record_event(case=locked, actor=actor, action="mission_member_removed", details=_member_details(row))
    row.delete()


# Consultations --------------------------------------------------------------------------------------


def consultation_refusals(actor: User | None, case: AssistanceRequest, permission: str) -> list[StrOrPromise]:
    """Why ``actor`` may not record (or remove) the case's consultations now; empty when they may."""
    no_right = _("You do not have permission to record the consultations of a needs assessment.")
    return _work_refusals(actor, case, permission, no_right) or _assessment_refusals(case)


def _consultation_problems(
    case: AssistanceRequest, counterpart: str, name: str, held_on: date | None, outcome: str, level: str
) -> list[StrOrPromise]:
    problems: list[StrOrPromise] = []
    if counterpart not in Counterpart.values:
        problems.append(_("Choose with whom the consultation was held."))
    problems += _line_problems(
        _("Name or organisation"), name, required=_("Say who was met: a name or an organisation.")
    )
    if held_on is None:
        problems.append(_("Give the day of the consultation."))
    elif held_on > timezone.localdate():
        problems.append(_("The consultation cannot have been held after today: give the day it was held."))
    elif held_on < case.received_date:
        problems.append(
            _("The consultation cannot have been held before the request was received (%(day)s).")
            % {"day": _day(case.received_date)}
        )
    if not outcome:
        problems.append(_("Write what came of the consultation."))
    if level not in Level.values:
        problems.append(_("Choose who may read the outcome: its level."))
    return problems


def _consultation_details(consultation: Consultation) -> dict[str, Any]:
    return {
        "counterpart": consultation.counterpart,
        "consulted": consultation.name,
        "held_on": consultation.held_on.isoformat(),
        "confidentiality": consultation.level,
    }


@transaction.atomic
def record_consultation(
    *,
    actor: User | None,
    case: AssistanceRequest,
    counterpart: str,
    name: str,
    held_on: date | None,
    outcome: str,
    level: str = Level.INTERNAL,
) -> Consultation:
    """A consultation of the case's needs assessment, and what came of it (a note at ``level``)."""
    locked = _lock(case)
    name, outcome = (name or "").strip(), (outcome or "").strip()
    problems = consultation_refusals(actor, locked, "requests_app.add_consultation") or _consultation_problems(
        locked, counterpart, name, held_on, outcome, level
    )
    if problems:
        raise ActionRefused(*problems)
    assert actor is not None and held_on is not None  # refused above otherwise
    consultation = Consultation.objects.create(
        assessment=NeedsAssessment.objects.get(case=locked),
        counterpart=counterpart,
        name=name,
        held_on=held_on,
        outcome=outcome,
        level=level,
        recorded_by=actor,
    )
    # The outcome is a note: the history's line is read at its level.
    record_event(
        case=locked,
        actor=actor,
        action="consultation_recorded",
        comment=outcome,
        details=_consultation_details(consultation),
        level=level,
    )
    return consultation


@transaction.atomic
def remove_consultation(*, actor: User | None, consultation: Consultation) -> None:
    """Take off a consultation recorded by mistake; the history keeps what it said, at its level."""
    locked = _lock(consultation.assessment.case)
    row = Consultation.objects.select_for_update().filter(pk=consultation.pk, assessment__case=locked).first()
    problems = consultation_refusals(actor, locked, "requests_app.delete_consultation")
    if not problems and row is None:
        problems = [_("This consultation is no longer recorded.")]
    if not problems and row is not None and not may_read(actor, row.level):
        problems = [
            _("The outcome of this consultation is %(level)s: only those who may read it may remove it.")
            % {"level": label(row.level).lower()}
        ]
    if problems:
        raise ActionRefused(*problems)
    assert row is not None
    record_event(
        case=locked,
        actor=actor,
        action="consultation_removed",
        comment=row.outcome,
        details=_consultation_details(row),
        level=row.level,
    )
    row.delete()


def record_outcomes_shown(*, reader: User, case: AssistanceRequest, rows: list[Consultation]) -> int:
    """Write down the confidential outcomes the case page showed ``reader`` (README, Confidentiality)."""
    opened = [
        documents.Opened(
            case.pk,
            row,
            row.level,
            _("Outcome of the consultation with %(who)s") % {"who": row.name},
        )
        for row in rows
        if row.readable
    ]
    return documents.record_reads(reader=reader, place=ConfidentialRead.Place.CASE_PAGE, opened=opened)


# Vehicles of implementation ---------------------------------------------------------------------------


@dataclass
class Pledge:
    """A donor to a basket fund (a partner organisation or a Member State) and what it pledged."""

    partner: Partner | None = None
    member_state: MemberState | None = None
    pledged: Decimal | None = None
    currency: str = ""

    @property
    def donor(self) -> Partner | MemberState | None:
        return self.partner or self.member_state

    def text(self) -> str:
        return f"{self.donor}: {_money(self.pledged, self.currency)}"


@dataclass
class VehicleTerms:
    """What a vehicle of implementation records; what a kind does not use stays empty."""

    kind: str
    title: str = ""
    project_id: str = ""
    signed_on: date | None = None
    budget: Decimal | None = None
    currency: str = ""
    basket_fund: bool = False
    mandate: Mandate | None = None
    donors: list[Pledge] = field(default_factory=list)

    def cleaned(self) -> "VehicleTerms":
        return VehicleTerms(
            kind=self.kind,
            title=(self.title or "").strip(),
            project_id=(self.project_id or "").strip(),
            signed_on=self.signed_on,
            budget=self.budget,
            currency=(self.currency or "").strip().upper(),
            basket_fund=bool(self.basket_fund),
            mandate=self.mandate,
            donors=[
                Pledge(pledge.partner, pledge.member_state, pledge.pledged, (pledge.currency or "").strip().upper())
                for pledge in self.donors
            ],
        )


def vehicle_refusals(actor: User | None, case: AssistanceRequest, permission: str) -> list[StrOrPromise]:
    """Why ``actor`` may not record (or edit) the case's vehicles now; empty when they may."""
    no_right = _("You do not have permission to record the vehicle of implementation.")
    problems = _work_refusals(actor, case, permission, no_right)
    if not problems and case.stage not in selectors.VEHICLE_STAGES:
        problems = [
            _(
                "The vehicle of implementation is recorded while the assistance is implemented or reported on; "
                "the case is %(stage)s."
            )
            % {"stage": case.stage_phrase}
        ]
    return problems


def _pledge_problems(donors: list[Pledge]) -> list[StrOrPromise]:
    problems: list[StrOrPromise] = []
    seen: set[str] = set()
    for pledge in donors:
        donor = pledge.donor
        if donor is None or (pledge.partner is not None and pledge.member_state is not None):
            problems.append(_("Each donor is a partner organisation or a Member State."))
            continue
        if str(donor) in seen:
            problems.append(_("%(donor)s is named twice among the donors.") % {"donor": donor})
        seen.add(str(donor))
        if pledge.partner is not None and not pledge.partner.is_active:
            problems.append(_("%(partner)s is no longer an active partner.") % {"partner": pledge.partner})
        if pledge.member_state is not None and pledge.member_state.status != CountryStatus.MEMBER_STATE:
            problems.append(_("%(state)s is not a Member State.") % {"state": pledge.member_state})
        if pledge.pledged is None or pledge.pledged <= 0:
            problems.append(_("Give what %(donor)s pledged, more than zero.") % {"donor": donor})
        if not CURRENCY.match(pledge.currency):
            problems.append(_("Give the currency of %(donor)s's pledge as three letters, e.g. EUR.") % {"donor": donor})
    return problems


def _project_problems(case: AssistanceRequest, terms: VehicleTerms) -> list[StrOrPromise]:
    problems = _line_problems(_("Project title"), terms.title, required=_("Give the project's title."))
    problems += _line_problems(_("Atlas/Quantum project ID"), terms.project_id)
    if terms.signed_on is not None and terms.signed_on > timezone.localdate():
        problems.append(_("The project document cannot have been signed after today: leave it empty until it is."))
    elif terms.signed_on is not None and terms.signed_on < case.received_date:
        problems.append(_("The project document cannot have been signed before the request was received."))
    if terms.budget is not None and terms.budget <= 0:
        problems.append(_("The budget is more than zero."))
    if terms.budget is not None and not CURRENCY.match(terms.currency):
        problems.append(_("Give the currency of the budget as three letters, e.g. USD."))
    if terms.donors and not terms.basket_fund:
        problems.append(_("Donors fund a basket fund: tick “Basket fund”, or leave the donors out."))
    return problems + _pledge_problems(terms.donors)


def _mandate_problems(case: AssistanceRequest, terms: VehicleTerms) -> list[StrOrPromise]:
    """A peace operation or a special political mission rests on a mandate the case rests on too."""
    problems = _line_problems(
        _("Name"), terms.title, required=_("Give the name of the peace operation or special political mission.")
    )
    if terms.mandate is None:
        return problems + [_("Choose the mandate the operation or mission rests on.")]
    if not case.mandates.filter(pk=terms.mandate.pk).exists():
        problems.append(
            _(
                "The case does not rest on %(symbol)s: the electoral component rests on a mandate of the case. "
                "Link the case to the mandate in the intake desk first, or choose a mandate the case rests on."
            )
            % {"symbol": terms.mandate.symbol}
        )
    return problems


def _kind_problems(case: AssistanceRequest, terms: VehicleTerms) -> list[StrOrPromise]:
    if terms.kind not in VehicleKind.values:
        return [_("Choose the vehicle of implementation.")]
    project_fields = terms.project_id or terms.signed_on or terms.budget is not None or terms.basket_fund
    if terms.kind != VehicleKind.UNDP_PROJECT and (project_fields or terms.donors):
        return [
            _(
                "Only a UNDP project has a project ID, a project document, a budget and a basket fund: "
                "leave them empty for %(kind)s."
            )
            % {"kind": VehicleKind(terms.kind).label}
        ]
    if terms.kind not in VehicleKind.on_mandate() and terms.mandate is not None:
        return [_("Only a peace operation or a special political mission rests on a mandate: leave it empty.")]
    if terms.kind == VehicleKind.ROSTER_EXPERTS and terms.title:
        return [_("Experts from the roster are the case's deployments: the vehicle records nothing more.")]
    if terms.kind == VehicleKind.UNDP_PROJECT:
        return _project_problems(case, terms)
    if terms.kind in VehicleKind.on_mandate():
        return _mandate_problems(case, terms)
    return []


def _vehicle_problems(
    case: AssistanceRequest, terms: VehicleTerms, vehicle: ImplementationVehicle | None
) -> list[StrOrPromise]:
    problems = _kind_problems(case, terms)
    others = ImplementationVehicle.objects.filter(case=case, kind=VehicleKind.ROSTER_EXPERTS)
    if vehicle is not None:
        others = others.exclude(pk=vehicle.pk)
    if terms.kind == VehicleKind.ROSTER_EXPERTS and others.exists():
        problems.append(_("The case already records experts from the roster as a vehicle."))
    return problems


def _vehicle_values(terms: VehicleTerms) -> dict[str, Any]:
    return {
        "kind": terms.kind,
        "title": terms.title,
        "project_id": terms.project_id,
        "signed_on": terms.signed_on,
        "budget": terms.budget,
        "currency": terms.currency if terms.budget is not None else "",
        "basket_fund": terms.basket_fund,
        "mandate": terms.mandate,
    }


def _vehicle_details(terms: VehicleTerms) -> dict[str, Any]:
    """What the history says of a vehicle recorded: its kind and what it records."""
    details: dict[str, Any] = {"vehicle": terms.kind}
    if terms.title:
        details["title"] = terms.title
    if terms.project_id:
        details["project_id"] = terms.project_id
    if terms.signed_on:
        details["signed_on"] = terms.signed_on.isoformat()
    if terms.budget is not None:
        details["budget"] = _money(terms.budget, terms.currency)
    if terms.basket_fund:
        details["basket_fund"] = [pledge.text() for pledge in terms.donors] or True
    if terms.mandate is not None:
        details["mandate"] = terms.mandate.symbol
    return details


def _save_donors(vehicle: ImplementationVehicle, donors: list[Pledge]) -> None:
    vehicle.donors.all().delete()
    rows = []
    for pledge in donors:
        assert pledge.pledged is not None  # _pledge_problems refuses a pledge without its amount
        rows.append(
            BasketDonor(
                vehicle=vehicle,
                partner=pledge.partner,
                member_state=pledge.member_state,
                pledged=pledge.pledged,
                currency=pledge.currency,
            )
        )
    BasketDonor.objects.bulk_create(rows)


@transaction.atomic
def record_vehicle(*, actor: User | None, case: AssistanceRequest, terms: VehicleTerms) -> ImplementationVehicle:
    """A vehicle that carries the case's assistance: a UNDP project (with its basket fund and donors), a
    peace operation's or special political mission's electoral component (on the case's mandate), or
    experts from the roster (the case's deployments)."""
    locked = _lock(case)
    terms = terms.cleaned()
    problems = vehicle_refusals(actor, locked, "requests_app.add_implementationvehicle") or _vehicle_problems(
        locked, terms, None
    )
    if problems:
        raise ActionRefused(*problems)
    assert actor is not None  # refused above otherwise
    vehicle = ImplementationVehicle.objects.create(case=locked, recorded_by=actor, **_vehicle_values(terms))
    _save_donors(vehicle, terms.donors)
    record_event(case=locked, actor=actor, action="vehicle_recorded", details=_vehicle_details(terms))
    return vehicle


def _shown(name: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return _day(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name == "kind":
        return str(VehicleKind(value).label)
    return str(value)


def vehicle_terms(vehicle: ImplementationVehicle) -> VehicleTerms:
    """A recorded vehicle's terms, as its edit form starts from."""
    return VehicleTerms(
        kind=vehicle.kind,
        title=vehicle.title,
        project_id=vehicle.project_id,
        signed_on=vehicle.signed_on,
        budget=vehicle.budget,
        currency=vehicle.currency,
        basket_fund=vehicle.basket_fund,
        mandate=vehicle.mandate,
        donors=[Pledge(d.partner, d.member_state, d.pledged, d.currency) for d in vehicle.donors.all()],
    )


def _vehicle_changes(before: VehicleTerms, after: VehicleTerms) -> dict[str, list[str]]:
    """{label: [old, new]} of what an edit changes, as the history shows it."""
    old, new = _vehicle_values(before), _vehicle_values(after)
    old["budget"], new["budget"] = _money(before.budget, before.currency), _money(after.budget, after.currency)
    changes = {
        str(cast(Field, ImplementationVehicle._meta.get_field(name)).verbose_name): [
            _shown(name, old[name]),
            _shown(name, value),
        ]
        for name, value in new.items()
        if name != "currency" and old[name] != value
    }
    donors_before = "; ".join(pledge.text() for pledge in before.donors)
    donors_after = "; ".join(pledge.text() for pledge in after.donors)
    if donors_before != donors_after:
        changes[_("donors")] = [donors_before, donors_after]
    return changes


@transaction.atomic
def change_vehicle(*, actor: User | None, vehicle: ImplementationVehicle, terms: VehicleTerms) -> ImplementationVehicle:
    """Edit a vehicle (its budget revised, its project document signed, a donor joining); the history
    keeps what it recorded before."""
    locked = _lock(vehicle.case)
    row = ImplementationVehicle.objects.select_for_update().filter(pk=vehicle.pk, case=locked).first()
    terms = terms.cleaned()
    problems = vehicle_refusals(actor, locked, "requests_app.change_implementationvehicle") or _vehicle_problems(
        locked, terms, row
    )
    if problems or row is None:
        raise ActionRefused(*(problems or [_("This vehicle is no longer recorded.")]))
    changes = _vehicle_changes(vehicle_terms(row), terms)
    if changes:
        for name, value in _vehicle_values(terms).items():
            setattr(row, name, value)
        row.updated_at = timezone.now()
        row.save()
        _save_donors(row, terms.donors)
        record_event(case=locked, actor=actor, action="vehicle_updated", details={"changes": changes})
    return row


# Who was told of the decision ---------------------------------------------------------------------------


@dataclass
class Notice:
    """A letter that told one of those who must know of a version of a decision (``version``: its key)."""

    version: str
    audience: str
    date: date | None
    recipient: str
    subject: str
    channel: str = Channel.DIRECT
    kind: str = LetterKind.LETTER
    notes: str = ""


def told_refusals(actor: User | None, case: AssistanceRequest) -> list[StrOrPromise]:
    """Why ``actor`` may not record who was told of the case's decisions now; empty when they may."""
    if actor is None or not actor.is_active or not actor.has_perm("requests_app.add_decisionnotice"):
        return [_("Only the focal point records who was told of a decision.")]
    if not may_work_on(actor, case):
        return [
            _("This case is not assigned to you: its officer, or the team lead of its desk, records who took part.")
        ]
    if case.stage not in selectors.TELLING_STAGES:
        return [_("The case is %(stage)s: its record is kept as it is.") % {"stage": case.stage_phrase}]
    return []


def _told(case: AssistanceRequest, notice: Notice) -> tuple[selectors.VersionToTell, selectors.Told]:
    """The version and the one told that ``notice`` names, if they may be recorded; refused if not."""
    version = selectors.version_to_tell(case, notice.version)
    if version is None:
        raise ActionRefused(_("Choose the decision or amendment that was told."))
    told = next((row for row in version.told if row.audience == notice.audience), None)
    if told is None:
        raise ActionRefused(
            _("Choose who was told: for this case, %(whom)s.")
            % {"whom": ", ".join(str(row.label).lower() for row in version.told)}
        )
    if told.letter is not None:
        raise ActionRefused(
            _("%(whom)s was already told of this version, by the letter of %(day)s.")
            % {"whom": told.label, "day": _day(told.letter.date)}
        )
    if notice.date is not None and notice.date < version.day:
        raise ActionRefused(
            _("A letter cannot tell of a decision before it was taken (%(day)s).") % {"day": _day(version.day)}
        )
    return version, told


@transaction.atomic
def record_told(*, actor: User | None, case: AssistanceRequest, notice: Notice) -> DecisionNotice:
    """Record that one of those who must know was told of a decision or an amendment: a letter out of the
    correspondence register (the requester's in reply to the request), linked to the version it told."""
    locked = _lock(case)
    problems = told_refusals(actor, locked)
    if not problems and not (notice.recipient or "").strip():
        problems = [_("Say who the letter went to.")]
    if problems:
        raise ActionRefused(*problems)
    assert actor is not None  # refused above otherwise
    version, told = _told(locked, notice)
    to_requester = notice.audience == Audience.REQUESTER
    details = correspondence.LetterDetails(
        kind=notice.kind,
        date=notice.date,
        channel=notice.channel,
        sender=str(FOCAL_POINT),
        recipient=notice.recipient.strip(),
        subject=notice.subject,
        notes=notice.notes,
        # "Other": the register's decision letter is the one the decision's own step files, which a drafted
        # or attached decision letter joins (correspondence.services); a notice's letter stands apart.
        purpose=Purpose.OTHER,
    )
    comment = _("Told of %(version)s: %(whom)s.") % {"version": str(version.label).lower(), "whom": told.label}
    letter = correspondence.register_outgoing(
        actor=actor,
        details=details,
        case=locked,
        in_reply_to=correspondence.request_letter(locked) if to_requester else None,
        comment=comment,
    )
    return DecisionNotice.objects.create(
        case=locked,
        decision=version.decision,
        version=version.number,
        audience=notice.audience,
        letter=letter,
        recorded_by=actor,
    )
