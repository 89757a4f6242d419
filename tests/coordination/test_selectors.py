"""Reads of who took part: the case page's section at a fixed number of queries, the country's vehicles, the
mandates a mission may name, and what a letter telling each one usually says."""

from decimal import Decimal

import pytest

from requests_app.cases import selectors as case_selectors
from requests_app.cases.choices import AssessmentMethod, Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.coordination import selectors, services
from requests_app.coordination.models import Audience, VehicleKind
from requests_app.correspondence.models import Channel, LetterKind
from requests_app.roster import services as roster_services
from tests.coordination.helpers import add_member, basket_fund, consult, told
from tests.factories import ExpertFactory, case_in_stage, member_state, new_mandate

pytestmark = pytest.mark.django_db


def loaded(case):
    """The case as its page loads it (cases.views.case_or_404)."""
    return case_selectors.case_detail(AssistanceRequest.objects.all(), pk=case.pk)


def warmed(user, case):
    """The user with their permissions and desks read, as the page has them before the section."""
    user.has_perm("requests_app.view_missionmember")
    case_selectors.may_work_on(user, case)
    return user


def fill(case, officer, focal, rows):
    """``rows`` members, consultations and donors, a roster vehicle with deployments, and a notice."""
    for number in range(rows):
        add_member(officer, case, name=f"Member {number}", role="member")
        consult(officer, case, name=f"Counterpart {number}")
    donors = [
        services.Pledge(member_state=state, pledged=Decimal(1000), currency="USD")
        for state in member_state("NOR").__class__.objects.filter(status="member_state").order_by("name")[:rows]
    ]
    services.record_vehicle(actor=officer, case=case, terms=basket_fund(donors=donors))
    services.record_vehicle(actor=officer, case=case, terms=services.VehicleTerms(kind=VehicleKind.ROSTER_EXPERTS))
    for _number in range(rows):
        roster_services.deploy_expert(
            actor=officer,
            case=case,
            expert=ExpertFactory(),
            role="Legal adviser",
            starts_on=case.received_date,
            ends_on=case.received_date,
        )
    [version] = selectors.who_was_told(loaded(case))
    services.record_told(actor=focal, case=case, notice=told(case, version.key, Audience.RESIDENT_COORDINATOR))


@pytest.mark.parametrize("rows", [1, 4])
def test_the_section_costs_seven_queries_whatever_its_rows(
    rows, registrar, desk_officer, focal, django_assert_num_queries
):
    case = case_in_stage(
        Stage.IN_IMPLEMENTATION, actor=registrar, officer=desk_officer, method=AssessmentMethod.MISSION
    )
    fill(case, desk_officer, focal, rows)
    case = loaded(case)
    user = warmed(desk_officer, case)

    # members, consultations, vehicles, their donors, the deployments, the notices, the decision letters
    with django_assert_num_queries(7):
        section = selectors.case_section(case, user)

    assert len(section["members"]) == len(section["consultations"]) == rows
    assert len(section["vehicles"][0].donors.all()) == rows
    assert len(section["deployments"]) == rows
    assert [row.is_told for row in section["versions"][0].told] == [True, True]
    assert section["may_add_member"] and section["may_add_vehicle"] and not section["may_tell"]


def test_before_the_assessment_the_section_reads_nothing(registrar, desk_officer, django_assert_num_queries):
    case = loaded(case_in_stage(Stage.UNDER_REVIEW, actor=registrar, officer=desk_officer))
    user = warmed(desk_officer, case)

    with django_assert_num_queries(1):  # the vehicles
        section = selectors.case_section(case, user)

    assert section["assessment"] is None and section["versions"] == [] and section["vehicles"] == []


def test_the_vehicles_of_a_country_cost_two_queries(implementing, desk_officer, django_assert_num_queries):
    services.record_vehicle(actor=desk_officer, case=implementing, terms=basket_fund())
    case_ids = AssistanceRequest.objects.filter(member_state=implementing.member_state).values("pk")

    with django_assert_num_queries(2):
        rows = selectors.for_cases(case_ids)
        donors = [str(donor.donor) for donor in rows[0].donors.all()]

    assert donors == ["European Union (EU)", "Norway"]


def test_a_missions_mandate_is_chosen_among_the_countrys_those_of_the_case_first(on_mandate):
    resting = on_mandate.mandates.get()
    other = new_mandate(state="GHA", symbol="S/RES/2999 (2026)")
    new_mandate(state="KEN", symbol="S/RES/2998 (2026)")

    assert list(selectors.mandate_choices(on_mandate)) == [resting, other]


def test_what_a_letter_telling_each_one_usually_says(implementing):
    case = loaded(implementing)
    [version] = selectors.who_was_told(case)

    requester = selectors.told_defaults(case, version, Audience.REQUESTER)
    coordinator = selectors.told_defaults(case, version, Audience.RESIDENT_COORDINATOR)
    head = selectors.told_defaults(case, version, Audience.HEAD_OF_MISSION)

    assert requester == {
        "recipient": "Permanent Mission of Ghana to the United Nations",
        "channel": Channel.PERMANENT_MISSION,
        "kind": LetterKind.NOTE_VERBALE,
        "subject": "Decision on the request: Assist",
    }
    assert coordinator["recipient"] == "Resident Coordinator in Ghana"
    assert coordinator["channel"] == Channel.RESIDENT_COORDINATOR
    assert coordinator["subject"] == f"For information: Decision on the request: Assist (Ghana, {case.reference})"
    assert head["recipient"] == "Head of the United Nations mission in Ghana"
