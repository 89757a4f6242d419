"""The guards of the transition table and of the decision (resolution 62/150, paras 2 and 4).

Each guard has a test that it refuses, with a message that says what to do, and leaves
the case as it was; and a test that it lets the action through once the condition is met.
"""

import datetime

import pytest
from dateutil.relativedelta import relativedelta

from requests_app.cases import services
from requests_app.cases.choices import AssessmentMethod, AuthorityType, DecisionOutcome, ElectoralPhase, Origin, Stage
from requests_app.cases.models import AssistanceRequest, Decision, Election, NeedsAssessment
from requests_app.cases.workflow import is_short_notice
from requests_app.core.errors import ActionRefused
from requests_app.documents import services as documents
from requests_app.documents.models import DocumentKind
from tests.factories import (
    REQUESTERS,
    assist_params,
    assistance_type,
    attach_mission_report,
    case_in_stage,
    case_snapshot,
    complete_assessment,
    new_request,
    pdf_upload,
    recommend,
)
from tests.factories_evaluation import evaluated

pytestmark = pytest.mark.django_db

S = Stage
UTC = datetime.UTC
TODAY = datetime.date(2025, 3, 3)


@pytest.fixture
def frozen(time_machine):
    """Dates matter to several guards: pin today to 3 March 2025."""
    time_machine.move_to(datetime.datetime(2025, 3, 3, 10, 0, tzinfo=UTC), tick=False)


def text(refused):
    return " ".join(refused.value.messages)


def refuse(service, case, **params):
    """Call ``service``; it must refuse and change nothing. Returns the refusal's text."""
    before = case_snapshot(case)
    with pytest.raises(ActionRefused) as refused:
        service(case=case, **params)
    assert case_snapshot(case) == before
    return text(refused)


def stage_of(case):
    return AssistanceRequest.objects.get(pk=case.pk).stage


# Para 2: who may ask -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authority", [AuthorityType.POLITICAL_PARTY, AuthorityType.CIVIL_SOCIETY], ids=["party", "civil_society"]
)
def test_a_body_that_cannot_bind_the_state_is_never_registered_as_a_case(authority, officer):
    """Its letter is no request: the correspondence register files it as not considered, with the reply."""
    case = AssistanceRequest(
        member_state_id=new_request(actor=officer).member_state_id,
        origin=Origin.OTHER_BODY,
        authority_type=authority,
        requesting_authority="Secretary-General of the Democratic Alliance",
        letter_date=datetime.date(2025, 2, 1),
        received_date=datetime.date(2025, 2, 3),
    )
    with pytest.raises(ActionRefused) as refused:
        services.register_request(actor=officer, case=case)
    assert "letter not considered" in text(refused)
    assert AssistanceRequest.objects.count() == 1  # only the government's


def test_declining_needs_the_reason_the_government_will_read(officer):
    case = case_in_stage(S.UNDER_REVIEW, actor=officer)
    message = refuse(services.decline_request, case, actor=officer, comment=" ")
    assert "comment is required" in message
    assert "reason" in message


@pytest.mark.parametrize(
    "authority",
    [
        AuthorityType.HEAD_OF_STATE,
        AuthorityType.HEAD_OF_GOVERNMENT,
        AuthorityType.FOREIGN_MINISTER,
        AuthorityType.PERMANENT_MISSION,
        AuthorityType.OTHER_STATE_ORGAN,
    ],
)
def test_an_organ_that_binds_the_state_may_go_on_to_the_assessment(authority, officer):
    case = case_in_stage(S.UNDER_REVIEW, actor=officer, authority_type=authority)
    case = recommend(case, actor=officer)
    services.start_assessment(actor=officer, case=case, method=AssessmentMethod.DESK_REVIEW)
    assert stage_of(case) == S.NEEDS_ASSESSMENT


def test_an_electoral_body_request_needs_an_explicit_acceptance(officer):
    case = case_in_stage(S.UNDER_REVIEW, actor=officer, **REQUESTERS["electoral_body"])
    case = recommend(case, actor=officer)
    message = refuse(services.start_assessment, case, actor=officer, method=AssessmentMethod.DESK_REVIEW)
    assert "electoral management body" in message
    assert "acceptance" in message


def test_an_electoral_body_request_may_be_assessed_once_accepted(officer):
    case = case_in_stage(S.UNDER_REVIEW, actor=officer, **REQUESTERS["electoral_body"])
    case = recommend(case, actor=officer)
    services.accept_emb_request(actor=officer, case=case, comment="The government endorsed the request.")
    fresh = AssistanceRequest.objects.get(pk=case.pk)
    assert fresh.stage == S.UNDER_REVIEW
    assert fresh.emb_request_accepted_at is not None
    services.start_assessment(actor=officer, case=case, method=AssessmentMethod.DESK_REVIEW)
    assert stage_of(case) == S.NEEDS_ASSESSMENT


def test_accepting_an_electoral_body_request_waits_for_the_officers_recommendation(officer):
    case = case_in_stage(S.UNDER_REVIEW, actor=officer, **REQUESTERS["electoral_body"])
    message = refuse(services.accept_emb_request, case, actor=officer, comment="Accepted.")
    assert "The officer has not recommended yet" in message


@pytest.mark.parametrize("requester", ["government", "security_council"])
def test_choosing_the_assessment_waits_for_the_officers_recommendation(requester, officer):
    stage = S.RECEIVED if requester == "security_council" else S.UNDER_REVIEW
    case = case_in_stage(stage, actor=officer, **REQUESTERS[requester])
    message = refuse(services.start_assessment, case, actor=officer, method=AssessmentMethod.MISSION)
    assert "The officer has not recommended yet" in message


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"accept_emb_request": None, "method": AssessmentMethod.MISSION}, "Say whether the focal point should accept"),
        ({"accept_emb_request": True, "method": ""}, "Recommend how to assess the needs"),
        ({"accept_emb_request": True, "method": "by telepathy"}, "Recommend how to assess the needs"),
        ({"accept_emb_request": True, "method": AssessmentMethod.MISSION, "comment": " "}, "comment is required"),
    ],
)
def test_a_recommendation_says_what_the_focal_point_decides_and_on_what_grounds(params, expected, officer):
    case = case_in_stage(S.UNDER_REVIEW, actor=officer, **REQUESTERS["electoral_body"])
    message = refuse(services.recommend, case, actor=officer, **{"comment": "In order.", **params})
    assert expected in message


def test_recommending_not_to_accept_needs_no_assessment(officer):
    case = case_in_stage(S.UNDER_REVIEW, actor=officer, **REQUESTERS["electoral_body"])
    services.recommend(actor=officer, case=case, accept_emb_request=False, method="", comment="No mandate.")
    recommendation = case.recommendations.get()
    assert (recommendation.accept_emb_request, recommendation.method) == (False, "")


def test_an_electoral_body_request_cannot_be_accepted_twice(officer):
    case = case_in_stage(S.UNDER_REVIEW, actor=officer, **REQUESTERS["electoral_body"])
    case = recommend(case, actor=officer)
    services.accept_emb_request(actor=officer, case=case, comment="Endorsed by the government.")
    message = refuse(services.accept_emb_request, case, actor=officer, comment="Again.")
    assert "already accepted" in message


@pytest.mark.parametrize("requester", ["government"])
def test_only_an_electoral_body_request_can_be_accepted(requester, officer):
    case = case_in_stage(S.UNDER_REVIEW, actor=officer, **REQUESTERS[requester])
    message = refuse(services.accept_emb_request, case, actor=officer, comment="Accept.")
    assert "Only a request from an electoral management body" in message


# Mandates skip the eligibility review --------------------------------------------------------


@pytest.mark.parametrize("requester", ["security_council", "general_assembly"])
def test_a_mandate_is_not_reviewed_for_eligibility(requester, officer):
    case = new_request(actor=officer, **REQUESTERS[requester])
    message = refuse(services.start_review, case, actor=officer)
    assert "mandate skips the eligibility review" in message
    assert "start the needs assessment" in message


@pytest.mark.parametrize("requester", ["security_council", "general_assembly"])
def test_a_mandate_goes_from_received_to_the_assessment(requester, officer):
    case = new_request(actor=officer, **REQUESTERS[requester])
    case = recommend(case, actor=officer, method=AssessmentMethod.MISSION)
    services.start_assessment(actor=officer, case=case, method=AssessmentMethod.MISSION)
    assert stage_of(case) == S.NEEDS_ASSESSMENT


@pytest.mark.parametrize("requester", ["government", "electoral_body"])
def test_a_request_is_reviewed_before_it_is_assessed(requester, officer):
    case = new_request(actor=officer, **REQUESTERS[requester])
    message = refuse(services.start_assessment, case, actor=officer, method=AssessmentMethod.DESK_REVIEW)
    assert "Start the review first" in message


# Para 4: the needs assessment must be complete ------------------------------------------------

MISSION_FIELDS = ["tor_sent_on", "host_clearance_on", "deployed_from", "deployed_until"]
EVERY_METHOD_FIELDS = ["report_submitted_on", "adequate_time", "conditions_exist"]


def field_name(field):
    return str(NeedsAssessment._meta.get_field(field).verbose_name)


def test_a_desk_review_lists_what_it_still_lacks(officer):
    case = case_in_stage(S.NEEDS_ASSESSMENT, actor=officer, method=AssessmentMethod.DESK_REVIEW)
    message = refuse(services.submit_assessment, case, actor=officer)
    assert "not complete" in message
    for field in EVERY_METHOD_FIELDS:
        assert field_name(field) in message
    for field in MISSION_FIELDS:
        assert field_name(field) not in message


def test_a_mission_lists_what_it_still_lacks(officer):
    case = case_in_stage(S.NEEDS_ASSESSMENT, actor=officer, method=AssessmentMethod.MISSION)
    message = refuse(services.submit_assessment, case, actor=officer)
    for field in MISSION_FIELDS + EVERY_METHOD_FIELDS:
        assert field_name(field) in message


@pytest.mark.parametrize("method", [AssessmentMethod.MISSION, AssessmentMethod.DESK_REVIEW])
@pytest.mark.parametrize("missing", MISSION_FIELDS + EVERY_METHOD_FIELDS)
def test_an_assessment_missing_one_finding_cannot_be_submitted(method, missing, officer):
    case = case_in_stage(S.NEEDS_ASSESSMENT, actor=officer, method=method)
    complete_assessment(case, method=method)
    NeedsAssessment.objects.filter(case=case).update(**{missing: None})
    if method == AssessmentMethod.DESK_REVIEW and missing in MISSION_FIELDS:
        services.submit_assessment(actor=officer, case=case)  # a desk review sends no mission
        assert stage_of(case) == S.AWAITING_DECISION
        return
    message = refuse(services.submit_assessment, case, actor=officer)
    assert f"Still to record: {field_name(missing)}." in message


@pytest.mark.parametrize("method", [AssessmentMethod.MISSION, AssessmentMethod.DESK_REVIEW])
def test_a_complete_assessment_goes_to_the_decision(method, officer):
    case = case_in_stage(S.NEEDS_ASSESSMENT, actor=officer, method=method)
    complete_assessment(case, method=method)
    services.submit_assessment(actor=officer, case=case)
    assert stage_of(case) == S.AWAITING_DECISION


def test_a_decision_needs_the_assessment_still_complete(officer):
    case = case_in_stage(S.AWAITING_DECISION, actor=officer)
    NeedsAssessment.objects.filter(case=case).update(conditions_exist=None)
    message = refuse(services.record_decision, case, actor=officer, **assist_params())
    assert "not complete" in message
    assert field_name("conditions_exist") in message

    NeedsAssessment.objects.filter(case=case).update(conditions_exist=True)
    services.record_decision(actor=officer, case=case, **assist_params())
    assert stage_of(case) == S.DECISION_COMMUNICATED


def test_a_decision_needs_an_assessment(officer):
    case = case_in_stage(S.AWAITING_DECISION, actor=officer)
    NeedsAssessment.objects.filter(case=case).delete()
    message = refuse(services.record_decision, case, actor=officer, **assist_params())
    assert "no needs assessment" in message


# Para 4: conditions for a free and fair election ----------------------------------------------


def awaiting_decision(officer, *, election_on=None, adequate_time=True, conditions_exist=True, **request):
    case = case_in_stage(S.NEEDS_ASSESSMENT, actor=officer, **request)
    if election_on is not None:
        Election.objects.filter(case=case).update(planned_date=election_on)
    complete_assessment(case, adequate_time=adequate_time, conditions_exist=conditions_exist)
    return services.submit_assessment(actor=officer, case=case)


@pytest.mark.parametrize(
    "params",
    [
        pytest.param(assist_params, id="assist"),
        pytest.param(
            lambda: assist_params(outcome=DecisionOutcome.NARROW, scope="Voter registration only."), id="narrow"
        ),
    ],
)
def test_no_assistance_without_conditions_for_a_free_and_fair_election(params, officer):
    case = awaiting_decision(officer, conditions_exist=False)
    message = refuse(services.record_decision, case, actor=officer, **params())
    assert "conditions for a free and fair election" in message
    assert "Defer or decline" in message


def test_without_conditions_the_request_can_still_be_declined(officer, frozen):
    case = awaiting_decision(officer, conditions_exist=False)
    services.record_decision(
        actor=officer, case=case, outcome=DecisionOutcome.DECLINE, reason="No conditions for a credible election."
    )
    assert stage_of(case) == S.DECLINED


def test_without_conditions_the_request_can_still_be_deferred(officer, frozen):
    case = awaiting_decision(officer, conditions_exist=False)
    services.record_decision(
        actor=officer,
        case=case,
        outcome=DecisionOutcome.DEFER,
        reason="Await the peace agreement.",
        revisit_on=TODAY + datetime.timedelta(days=90),
    )
    assert stage_of(case) == S.AWAITING_DECISION


# Para 4: enough time for an effective mission ---------------------------------------------------


@pytest.mark.parametrize("phase", [ElectoralPhase.PRE_ELECTORAL, ElectoralPhase.POST_ELECTORAL])
def test_assisting_when_the_assessment_found_too_little_time_needs_a_justification(phase, officer, frozen):
    case = awaiting_decision(officer, adequate_time=False)
    assert not is_short_notice(case)
    message = refuse(services.record_decision, case, actor=officer, **assist_params(phase=phase))
    assert "too little time" in message
    assert "justification" in message

    services.record_decision(
        actor=officer, case=case, **assist_params(phase=phase, short_notice_justification="Narrow support.")
    )
    assert stage_of(case) == S.DECISION_COMMUNICATED


def test_enough_time_needs_no_justification(officer, frozen):
    case = awaiting_decision(officer, election_on=TODAY + relativedelta(months=18))
    services.record_decision(actor=officer, case=case, **assist_params())
    assert stage_of(case) == S.DECISION_COMMUNICATED


# Para 4 and 5: what a decision records -----------------------------------------------------------


@pytest.mark.parametrize(
    ("missing", "words"),
    [
        ({"assistance_types": []}, "types of assistance"),
        ({"phase": ""}, "phase of the electoral cycle"),
        ({"period_start": None}, "period of assistance"),
        ({"period_end": None}, "period of assistance"),
    ],
)
def test_a_decision_to_assist_names_types_phase_and_period(missing, words, officer, frozen):
    case = awaiting_decision(officer)
    message = refuse(services.record_decision, case, actor=officer, **assist_params(**missing))
    assert words in message


def test_the_period_of_assistance_cannot_end_before_it_starts(officer, frozen):
    case = awaiting_decision(officer)
    message = refuse(
        services.record_decision,
        case,
        actor=officer,
        **assist_params(period_start=TODAY, period_end=TODAY - datetime.timedelta(days=1)),
    )
    assert "cannot end before it starts" in message

    services.record_decision(actor=officer, case=case, **assist_params(period_start=TODAY, period_end=TODAY))
    assert stage_of(case) == S.DECISION_COMMUNICATED


def test_a_decision_needs_an_outcome(officer):
    case = awaiting_decision(officer)
    assert "Choose the outcome" in refuse(services.record_decision, case, actor=officer, outcome="maybe")


def test_a_narrowed_scope_must_be_described(officer, frozen):
    case = awaiting_decision(officer)
    narrow = assist_params(outcome=DecisionOutcome.NARROW)
    message = refuse(services.record_decision, case, actor=officer, **narrow, scope=" ")
    assert "Describe the narrowed scope" in message

    services.record_decision(actor=officer, case=case, **narrow, scope="Training of polling staff only.")
    assert stage_of(case) == S.DECISION_COMMUNICATED
    assert Decision.objects.get(case=case).scope == "Training of polling staff only."


def test_declining_needs_a_reason(officer, frozen):
    case = awaiting_decision(officer)
    message = refuse(services.record_decision, case, actor=officer, outcome=DecisionOutcome.DECLINE, reason="")
    assert "reason for declining" in message

    services.record_decision(
        actor=officer, case=case, outcome=DecisionOutcome.DECLINE, reason="Election postponed sine die."
    )
    fresh = AssistanceRequest.objects.get(pk=case.pk)
    assert (fresh.stage, fresh.stage_due_at) == (S.DECLINED, None)
    decision = Decision.objects.get(case=case)
    assert (decision.outcome, decision.reason, decision.decided_by) == (
        DecisionOutcome.DECLINE,
        "Election postponed sine die.",
        officer,
    )


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"reason": "", "revisit_on": TODAY + datetime.timedelta(days=30)}, "reason for deferring"),
        ({"reason": "Law pending.", "revisit_on": None}, "considered again"),
        ({"reason": "Law pending.", "revisit_on": TODAY}, "must be in the future"),
        ({"reason": "Law pending.", "revisit_on": TODAY - datetime.timedelta(days=1)}, "must be in the future"),
    ],
)
def test_deferring_needs_a_reason_and_a_future_date(params, words, officer, frozen):
    case = awaiting_decision(officer)
    message = refuse(services.record_decision, case, actor=officer, outcome=DecisionOutcome.DEFER, **params)
    assert words in message


def test_a_deferred_request_waits_for_its_date(officer, frozen):
    case = awaiting_decision(officer)
    revisit = TODAY + datetime.timedelta(days=1)
    services.record_decision(
        actor=officer, case=case, outcome=DecisionOutcome.DEFER, reason="Law pending.", revisit_on=revisit
    )
    fresh = AssistanceRequest.objects.get(pk=case.pk)
    assert fresh.stage == S.AWAITING_DECISION
    assert fresh.stage_due_at == datetime.datetime(2025, 3, 4, 23, 59, 59, tzinfo=UTC)
    decision = Decision.objects.get(case=case)
    assert (decision.outcome, decision.revisit_on, decision.communicated_on) == (DecisionOutcome.DEFER, revisit, None)


# Organization and conduct, observation, supervision and certification only on a mandate ------------

MANDATED = ["organization-conduct", "observation", "supervision", "certification"]


@pytest.mark.parametrize("code", MANDATED)
def test_mandated_assistance_is_refused_without_a_mandate(code, officer, frozen):
    case = awaiting_decision(officer)
    types = [assistance_type("voter-registration"), assistance_type(code)]
    message = refuse(services.record_decision, case, actor=officer, **assist_params(assistance_types=types))
    assert assistance_type(code).name in message
    assert "Voter registration" not in message
    assert "Security Council or General Assembly mandate" in message


@pytest.mark.parametrize("requester", ["security_council", "general_assembly"])
@pytest.mark.parametrize("code", MANDATED)
def test_mandated_assistance_is_allowed_on_a_mandate(code, requester, officer, frozen):
    case = awaiting_decision(officer, **REQUESTERS[requester])
    services.record_decision(actor=officer, case=case, **assist_params(assistance_types=[assistance_type(code)]))
    assert stage_of(case) == S.DECISION_COMMUNICATED
    assert list(Decision.objects.get(case=case).assistance_types.values_list("code", flat=True)) == [code]


# Para 4: no closing without the mission report ------------------------------------------------------


def test_a_case_cannot_close_without_its_mission_report(officer):
    case = case_in_stage(S.REPORTING, actor=officer)
    message = refuse(services.close_case, case, actor=officer)
    assert "Attach the mission report" in message
    assert "final and complete" in message


def test_a_draft_mission_report_does_not_let_the_case_close(officer):
    case = case_in_stage(S.REPORTING, actor=officer)
    attach_mission_report(case, actor=officer, final=False)
    assert "mark it final" in refuse(services.close_case, case, actor=officer)


def test_another_final_document_does_not_count_as_the_mission_report(officer):
    case = case_in_stage(S.REPORTING, actor=officer)
    documents.attach_document(
        actor=officer, case=case, kind=DocumentKind.ASSESSMENT_REPORT, upload=pdf_upload(), is_complete=True
    )
    assert "Attach the mission report" in refuse(services.close_case, case, actor=officer)


def test_the_case_closes_once_the_mission_report_is_marked_final(officer):
    case = case_in_stage(S.REPORTING, actor=officer)
    report = attach_mission_report(case, actor=officer, final=False)
    documents.set_document_final(actor=officer, document=report, is_complete=True)
    services.close_case(actor=officer, case=evaluated(case), comment="Report transmitted to the government.")
    assert stage_of(case) == S.CLOSED


def test_a_mission_report_marked_back_to_draft_blocks_closing_again(officer):
    case = case_in_stage(S.REPORTING, actor=officer)
    report = attach_mission_report(case, actor=officer, final=True)
    documents.set_document_final(actor=officer, document=report, is_complete=False)
    assert "mark it final" in refuse(services.close_case, case, actor=officer)


@pytest.mark.parametrize("origin", ["", "government"], ids=["mandate alone", "request and mandate"])
def test_a_mandate_is_not_declined_for_eligibility(officer, origin):
    from tests.factories import new_request

    case = new_request(actor=officer, mandate="security_council", origin=origin)
    with pytest.raises(ActionRefused, match="mandate is not declined"):
        services.decline_request(actor=officer, case=case, comment="Not eligible")
    case.refresh_from_db()
    assert case.stage == Stage.RECEIVED


def test_registering_a_request_needs_the_permission():
    from tests.factories import new_request, user_with_perms

    with pytest.raises(ActionRefused, match="permission to register"):
        new_request(actor=user_with_perms("view_assistancerequest"))
    assert not AssistanceRequest.objects.exists()
