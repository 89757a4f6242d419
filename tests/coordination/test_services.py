"""Who took part, through the services: what each write records, what it refuses (and then writes nothing),
and the line each leaves in the case's history."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from requests_app.cases import services as case_services
from requests_app.cases.choices import AssessmentMethod, Stage
from requests_app.cases.models import DecisionAmendment
from requests_app.coordination import selectors, services
from requests_app.coordination.models import (
    Audience,
    BasketDonor,
    Consultation,
    DecisionNotice,
    ImplementationVehicle,
    MemberRole,
    MissionMember,
    Organisation,
    VehicleKind,
)
from requests_app.core import roles
from requests_app.core.confidentiality import Level
from requests_app.core.errors import ActionRefused
from requests_app.correspondence.models import Channel, Direction, Letter, Purpose
from tests.coordination.helpers import add_member, basket_fund, consult, partner, told
from tests.factories import (
    ExpertFactory,
    amend_params,
    case_in_stage,
    member_of,
    member_state,
    new_mandate,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def refused(call, *expected):
    """The service refuses, saying each of ``expected`` (part of its messages)."""
    with pytest.raises(ActionRefused) as caught:
        call()
    text = " ".join(caught.value.messages)
    for message in expected:
        assert message in text, text
    return caught.value.messages


def latest_event(case):
    return case.events.order_by("-created_at", "-id").first()


# The mission's members ------------------------------------------------------------------------------


def test_the_officer_records_the_missions_leader_and_a_regional_organisations_member(mission, desk_officer):
    add_member(desk_officer, mission)
    member = add_member(
        desk_officer,
        mission,
        name="Fatou Ndiaye",
        organisation=Organisation.REGIONAL,
        organisation_name="African Union Commission",
        role=MemberRole.MEMBER,
    )

    rows = list(MissionMember.objects.filter(assessment__case=mission))
    assert [(row.name, row.organisation_label, row.role) for row in rows] == [
        ("Ingrid Solberg", "DPPA Electoral Assistance Division", "leader"),
        ("Fatou Ndiaye", "African Union Commission", "member"),
    ]
    assert member.recorded_by == desk_officer
    event = latest_event(mission)
    assert (event.action, event.actor, event.action_label) == (
        "mission_member_added",
        desk_officer,
        "Mission member added",
    )
    assert event.details_text == (
        "member: Fatou Ndiaye; organisation: African Union Commission; role on the mission: Member"
    )


def test_a_member_from_the_roster_takes_the_experts_name(mission, desk_officer):
    expert = ExpertFactory(given_name="Hamza", family_name="Abdi")

    member = add_member(desk_officer, mission, name="", role=MemberRole.MEMBER, expert=expert)

    assert (member.name, member.expert) == ("Hamza Abdi", expert)
    assert "expert: Hamza Abdi" in latest_event(mission).details_text


def test_a_desk_review_has_no_members(desk_review, desk_officer):
    events = desk_review.events.count()

    refused(lambda: add_member(desk_officer, desk_review), "desk review sends no mission, so it has no members")

    assert not MissionMember.objects.exists()
    assert desk_review.events.count() == events


def test_a_member_needs_a_name_an_organisation_named_and_a_role(mission, desk_officer):
    messages = refused(
        lambda: add_member(desk_officer, mission, name="  ", organisation=Organisation.OTHER, role="chief"),
        "Give the member's name, or choose the expert of the roster.",
        "Name the regional or other organisation.",
        "Choose the member's role on the mission",
    )
    assert len(messages) == 3
    refused(lambda: add_member(desk_officer, mission, organisation="ministry"), "Choose the member's organisation.")
    refused(lambda: add_member(desk_officer, mission, name="Ingrid\nSolberg"), "control characters")
    assert not MissionMember.objects.exists()


def test_a_member_is_recorded_once(mission, desk_officer):
    add_member(desk_officer, mission)

    refused(lambda: add_member(desk_officer, mission, name="ingrid solberg"), "already a member of this mission")
    assert MissionMember.objects.count() == 1


def test_only_those_who_work_on_the_case_record_its_members(mission, desk_officer, colleague, focal):
    refused(lambda: add_member(colleague, mission), "This case is not assigned to you")
    refused(lambda: add_member(member_of(roles.FINANCE), mission), "You do not have permission")
    refused(lambda: add_member(None, mission), "You do not have permission")

    add_member(focal, mission)  # the focal point works on every case
    assert MissionMember.objects.count() == 1


def test_members_wait_for_the_assessment_and_an_ended_case_keeps_its_record(registrar, desk_officer, mission):
    under_review = case_in_stage(Stage.UNDER_REVIEW, actor=registrar, officer=desk_officer)
    refused(lambda: add_member(desk_officer, under_review), "The needs are not being assessed yet")

    withdrawn = case_services.withdraw(actor=registrar, case=mission, comment="The Government withdrew the request.")
    refused(lambda: add_member(desk_officer, withdrawn), "The case is withdrawn by the state: its record is kept")


def test_a_member_recorded_by_mistake_is_removed_and_the_history_keeps_who_it_was(mission, desk_officer, colleague):
    member = add_member(desk_officer, mission, name="Kwame Asante", organisation=Organisation.UNDP)

    refused(lambda: services.remove_member(actor=colleague, member=member), "not assigned to you")
    services.remove_member(actor=desk_officer, member=member)

    assert not MissionMember.objects.exists()
    event = latest_event(mission)
    assert event.action_label == "Mission member removed"
    assert "member: Kwame Asante; organisation: UNDP" in event.details_text


# Consultations -------------------------------------------------------------------------------------------


def test_a_consultation_records_whom_when_and_its_outcome_as_a_note_at_its_level(mission, desk_officer):
    consultation = consult(desk_officer, mission, level=Level.CONFIDENTIAL, outcome="Two parties would boycott.")

    assert (consultation.counterpart, consultation.level) == ("electoral_body", "confidential")
    event = latest_event(mission)
    assert (event.action_label, event.comment, event.level) == (
        "Consultation recorded",
        "Two parties would boycott.",
        Level.CONFIDENTIAL,
    )
    held = consultation.held_on
    assert (
        "with: Electoral management body; name or organisation: Electoral Commission of Ghana; "
        f"held on: {held:%-d %b %Y}"
    ) in event.details_text


def test_a_consultation_is_internal_unless_said_otherwise(desk_review, desk_officer):
    # A desk review consults too (by telephone, with the country team): only members need a mission.
    consultation = services.record_consultation(
        actor=desk_officer,
        case=desk_review,
        counterpart="resident_coordinator",
        name="Resident Coordinator",
        held_on=TODAY(),
        outcome="Supports the request.",
    )
    assert consultation.level == Level.INTERNAL


def test_a_consultation_is_a_fact_not_in_the_future_nor_before_the_request(mission, desk_officer):
    refused(lambda: consult(desk_officer, mission, days_ago=-1), "cannot have been held after today")
    # The request was received two days ago (tests.factories.new_request).
    refused(lambda: consult(desk_officer, mission, days_ago=3), "cannot have been held before the request was received")
    refused(lambda: consult(desk_officer, mission, held_on=None), "Give the day of the consultation.")
    messages = refused(
        lambda: consult(desk_officer, mission, counterpart="press", name="", outcome=" ", level="secret", days_ago=0),
        "Choose with whom",
        "Say who was met",
        "Write what came of the consultation.",
        "Choose who may read the outcome",
    )
    assert len(messages) == 4
    assert not Consultation.objects.exists()


def test_a_consultation_is_removed_only_by_who_may_read_its_outcome(mission, desk_officer, focal):
    secret = consult(focal, mission, level=Level.STRICTLY_CONFIDENTIAL, outcome="What the minister said in private.")

    refused(lambda: services.remove_consultation(actor=desk_officer, consultation=secret), "strictly confidential")
    services.remove_consultation(actor=focal, consultation=secret)

    assert not Consultation.objects.exists()
    event = latest_event(mission)
    assert (event.action_label, event.comment, event.level) == (
        "Consultation removed",
        "What the minister said in private.",
        Level.STRICTLY_CONFIDENTIAL,
    )


# Vehicles of implementation ------------------------------------------------------------------------------


def test_a_undp_project_with_a_basket_fund_of_two_donors(implementing, desk_officer):
    vehicle = services.record_vehicle(actor=desk_officer, case=implementing, terms=basket_fund())

    assert (vehicle.kind, vehicle.title, vehicle.budget, vehicle.currency, vehicle.basket_fund) == (
        "undp_project",
        "Support to the Electoral Cycle in Ghana",
        Decimal("6800000.00"),
        "USD",
        True,
    )
    donors = [(str(d.donor), d.pledged, d.currency) for d in BasketDonor.objects.filter(vehicle=vehicle)]
    assert donors == [("European Union (EU)", Decimal("2500000.00"), "EUR"), ("Norway", Decimal("18000000.00"), "NOK")]
    event = latest_event(implementing)
    assert event.action_label == "Vehicle of implementation recorded"
    assert "vehicle: UNDP project; title or name: Support to the Electoral Cycle in Ghana" in event.details_text
    assert "budget: 6,800,000.00 USD" in event.details_text
    assert "basket fund: European Union (EU): 2,500,000.00 EUR, Norway: 18,000,000.00 NOK" in event.details_text


def test_a_peace_operation_rests_on_a_mandate_of_the_case(on_mandate, desk_officer):
    mandate = on_mandate.mandates.get()
    terms = services.VehicleTerms(
        kind=VehicleKind.PEACE_OPERATION, title="United Nations Integrated Mission in Ghana", mandate=mandate
    )

    vehicle = services.record_vehicle(actor=desk_officer, case=on_mandate, terms=terms)

    assert vehicle.mandate == mandate
    assert f"mandate: {mandate.symbol}" in latest_event(on_mandate).details_text


def test_a_mission_on_a_mandate_the_case_does_not_rest_on_is_refused(on_mandate, desk_officer):
    other = new_mandate(state="GHA", symbol="S/RES/2999 (2026)")
    terms = services.VehicleTerms(kind=VehicleKind.SPECIAL_POLITICAL_MISSION, title="UNOWAS", mandate=other)

    refused(
        lambda: services.record_vehicle(actor=desk_officer, case=on_mandate, terms=terms),
        "The case does not rest on S/RES/2999 (2026)",
    )
    refused(
        lambda: services.record_vehicle(
            actor=desk_officer, case=on_mandate, terms=services.VehicleTerms(kind=VehicleKind.PEACE_OPERATION)
        ),
        "Give the name of the peace operation",
        "Choose the mandate the operation or mission rests on.",
    )
    assert not ImplementationVehicle.objects.exists()


def test_what_a_kind_of_vehicle_does_not_record_is_refused(implementing, on_mandate, desk_officer):
    def record(case, **terms):
        return lambda: services.record_vehicle(actor=desk_officer, case=case, terms=services.VehicleTerms(**terms))

    refused(record(implementing, kind="embassy"), "Choose the vehicle of implementation.")
    refused(
        record(implementing, kind=VehicleKind.PEACE_OPERATION, title="A mission", budget=Decimal(10)),
        "Only a UNDP project has a project ID",
    )
    refused(
        record(implementing, kind=VehicleKind.UNDP_PROJECT, title="P", mandate=on_mandate.mandates.get()),
        "Only a peace operation or a special political mission rests on a mandate",
    )
    refused(record(implementing, kind=VehicleKind.ROSTER_EXPERTS, title="Experts"), "the vehicle records nothing more")
    refused(record(implementing, kind=VehicleKind.UNDP_PROJECT, title=""), "Give the project's title.")
    refused(
        record(implementing, kind=VehicleKind.UNDP_PROJECT, title="P", budget=Decimal(5), currency="dollars"),
        "Give the currency of the budget",
    )
    refused(
        record(implementing, kind=VehicleKind.UNDP_PROJECT, title="P", signed_on=TODAY() + datetime.timedelta(days=1)),
        "cannot have been signed after today",
    )
    assert not ImplementationVehicle.objects.exists()


def test_the_donors_of_a_basket_fund(implementing, desk_officer):
    def record(**overrides):
        return lambda: services.record_vehicle(actor=desk_officer, case=implementing, terms=basket_fund(**overrides))

    eu = partner()
    refused(record(basket_fund=False), "Donors fund a basket fund")
    refused(
        record(
            donors=[
                services.Pledge(partner=eu, pledged=Decimal(1), currency="EUR"),
                services.Pledge(partner=eu, pledged=Decimal(0), currency="eu"),
                services.Pledge(member_state=member_state("PSE"), pledged=Decimal(5), currency="USD"),
                services.Pledge(),
            ]
        ),
        "European Union (EU) is named twice among the donors.",
        "Give what European Union (EU) pledged, more than zero.",
        "Give the currency of European Union (EU)'s pledge",
        "State of Palestine (observer State) is not a Member State.",
        "Each donor is a partner organisation or a Member State.",
    )
    eu.is_active = False
    eu.save()
    refused(record(), "European Union (EU) is no longer an active partner.")
    assert not ImplementationVehicle.objects.exists()


def test_roster_experts_are_one_vehicle_showing_the_deployments(implementing, desk_officer):
    roster = services.VehicleTerms(kind=VehicleKind.ROSTER_EXPERTS)
    services.record_vehicle(actor=desk_officer, case=implementing, terms=roster)

    refused(
        lambda: services.record_vehicle(actor=desk_officer, case=implementing, terms=roster),
        "already records experts from the roster",
    )


def test_the_vehicle_is_recorded_once_the_assistance_is_implemented(registrar, desk_officer, colleague, implementing):
    decided = case_in_stage(Stage.DECISION_COMMUNICATED, actor=registrar, officer=desk_officer)

    refused(
        lambda: services.record_vehicle(actor=desk_officer, case=decided, terms=basket_fund()),
        "recorded while the assistance is implemented or reported on; the case is decided",
    )
    refused(
        lambda: services.record_vehicle(actor=colleague, case=implementing, terms=basket_fund()),
        "not assigned to you",
    )
    refused(
        lambda: services.record_vehicle(actor=member_of(roles.AUDITOR), case=implementing, terms=basket_fund()),
        "You do not have permission to record the vehicle",
    )


def test_an_edit_of_the_vehicle_keeps_what_it_said_before_in_the_history(implementing, desk_officer):
    vehicle = services.record_vehicle(actor=desk_officer, case=implementing, terms=basket_fund())
    terms = services.vehicle_terms(vehicle)
    terms.budget = Decimal("7200000")
    terms.donors.append(services.Pledge(member_state=member_state("JPN"), pledged=Decimal("150000000"), currency="JPY"))

    services.change_vehicle(actor=desk_officer, vehicle=vehicle, terms=terms)

    vehicle.refresh_from_db()
    assert vehicle.budget == Decimal("7200000.00")
    assert vehicle.donors.count() == 3
    event = latest_event(implementing)
    assert event.action_label == "Vehicle of implementation edited"
    assert "budget: 6,800,000.00 USD → 7,200,000.00 USD" in event.details_text
    assert "Norway: 18,000,000.00 NOK → European Union (EU)" in event.details_text
    assert "Japan: 150,000,000.00 JPY" in event.details_text

    events = implementing.events.count()
    services.change_vehicle(actor=desk_officer, vehicle=vehicle, terms=services.vehicle_terms(vehicle))
    assert implementing.events.count() == events  # nothing changed, nothing written


# Who was told of the decision ----------------------------------------------------------------------------


def versions(case):
    return selectors.who_was_told(type(case).objects.get(pk=case.pk))


def told_of(version):
    return {row.audience: row for row in version.told}


def test_the_decision_letter_tells_the_requester_and_the_resident_coordinator_waits(implementing):
    [decision] = versions(implementing)
    told_rows = told_of(decision)

    assert (decision.number, list(told_rows)) == (1, [Audience.REQUESTER, Audience.RESIDENT_COORDINATOR])
    assert told_rows[Audience.REQUESTER].by_decision_letter
    assert told_rows[Audience.REQUESTER].letter.purpose == Purpose.DECISION
    assert not told_rows[Audience.RESIDENT_COORDINATOR].is_told


def test_the_focal_point_records_that_the_resident_coordinator_was_told(implementing, focal):
    [version] = versions(implementing)

    notice = services.record_told(
        actor=focal, case=implementing, notice=told(implementing, version.key, Audience.RESIDENT_COORDINATOR)
    )

    letter = notice.letter
    assert (letter.direction, letter.purpose, letter.channel, letter.case, letter.recipient) == (
        Direction.OUT,
        Purpose.OTHER,
        Channel.RESIDENT_COORDINATOR,
        implementing,
        "Resident Coordinator in Ghana",
    )
    assert (notice.decision, notice.version, notice.audience) == (version.decision, 1, Audience.RESIDENT_COORDINATOR)
    assert told_of(versions(implementing)[0])[Audience.RESIDENT_COORDINATOR].letter == letter
    event = latest_event(implementing)
    assert (event.action_label, event.actor) == ("Letter sent", focal)
    assert event.comment == "Told of decision: assist: The Resident Coordinator."
    assert "to: Resident Coordinator in Ghana" in event.details_text


def test_only_the_focal_point_records_who_was_told(implementing, desk_officer):
    [version] = versions(implementing)
    letters = Letter.objects.count()

    refused(
        lambda: services.record_told(
            actor=desk_officer, case=implementing, notice=told(implementing, version.key, "resident_coordinator")
        ),
        "Only the focal point records who was told of a decision.",
    )
    assert Letter.objects.count() == letters and not DecisionNotice.objects.exists()


def test_each_is_told_once_and_not_before_the_decision(implementing, focal):
    [version] = versions(implementing)
    rc = Audience.RESIDENT_COORDINATOR

    def tell(**overrides):
        key, audience = overrides.pop("version", version.key), overrides.pop("audience", rc)
        return lambda: services.record_told(
            actor=focal, case=implementing, notice=told(implementing, key, audience, **overrides)
        )

    refused(tell(date=version.day - datetime.timedelta(days=1)), "cannot tell of a decision before it was taken")
    refused(tell(date=TODAY() + datetime.timedelta(days=1)), "The letter cannot be dated after today.")
    refused(tell(recipient=" "), "Say who the letter went to.")
    refused(tell(version="0:1"), "Choose the decision or amendment that was told.")
    refused(tell(audience="head_of_mission"), "Choose who was told: for this case, the requester")
    refused(tell(audience=Audience.REQUESTER), "The requester, through the Permanent Mission was already told")
    assert not DecisionNotice.objects.exists()

    tell()()
    refused(tell(), "The Resident Coordinator was already told of this version")
    assert DecisionNotice.objects.count() == 1


def test_the_requester_is_told_of_an_amendment_in_reply_to_its_request(implementing, focal):
    case_services.amend_decision(actor=focal, case=implementing, **amend_params())
    first, amendment = versions(implementing)
    assert amendment.number == 2 and not told_of(amendment)[Audience.REQUESTER].is_told

    notice = services.record_told(
        actor=focal,
        case=implementing,
        notice=told(
            implementing,
            amendment.key,
            Audience.REQUESTER,
            recipient="Permanent Mission of Ghana to the United Nations",
            channel=Channel.PERMANENT_MISSION,
            kind="note_verbale",
            subject="Amended decision on the request (version 2)",
        ),
    )

    # A letter of its own: the register's decision letter stays the one the decision filed.
    assert notice.letter.purpose == Purpose.OTHER
    assert notice.letter.in_reply_to.purpose == Purpose.REQUEST
    first, amendment = versions(implementing)
    assert told_of(amendment)[Audience.REQUESTER].letter == notice.letter
    assert not told_of(amendment)[Audience.REQUESTER].by_decision_letter
    # The decision itself was told by its own letter, not by the amendment's.
    assert told_of(first)[Audience.REQUESTER].letter != notice.letter
    assert DecisionAmendment.objects.get().version == 2


def test_the_head_of_mission_is_told_when_the_case_rests_on_a_mandate(on_mandate, focal):
    [version] = versions(on_mandate)
    # A mandate alone: nobody requested, so there is no requester to tell.
    assert list(told_of(version)) == [Audience.RESIDENT_COORDINATOR, Audience.HEAD_OF_MISSION]

    services.record_told(
        actor=focal,
        case=on_mandate,
        notice=told(on_mandate, version.key, Audience.HEAD_OF_MISSION, recipient="Head of the mission in Ghana"),
    )

    assert told_of(versions(on_mandate)[0])[Audience.HEAD_OF_MISSION].is_told


def test_a_deferral_is_not_told_and_a_decline_is(registrar, desk_officer, focal):
    deferred = case_in_stage(Stage.AWAITING_DECISION, actor=registrar, officer=desk_officer)
    case_services.record_decision(
        actor=registrar,
        case=deferred,
        outcome="defer",
        reason="The electoral law is being revised.",
        revisit_on=TODAY() + datetime.timedelta(days=30),
    )
    assert versions(deferred) == []

    declined = case_in_stage(Stage.AWAITING_DECISION, actor=registrar, officer=desk_officer)
    declined = case_services.record_decision(actor=registrar, case=declined, outcome="decline", reason="No conditions.")
    [version] = versions(declined)
    services.record_told(actor=focal, case=declined, notice=told(declined, version.key, "resident_coordinator"))
    assert declined.stage == Stage.DECLINED and DecisionNotice.objects.filter(case=declined).count() == 1


def test_the_method_of_the_assessment_decides_whether_members_are_recorded(registrar, desk_officer):
    case = case_in_stage(
        Stage.AWAITING_DECISION, actor=registrar, officer=desk_officer, method=AssessmentMethod.MISSION
    )
    add_member(desk_officer, case)  # after the mission returned, before the decision: still its record
    assert MissionMember.objects.filter(assessment__case=case).count() == 1
