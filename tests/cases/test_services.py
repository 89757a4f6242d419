"""What the workflow's services write: each event's details, each stage's deadline, one transaction
per action. The transition table itself: test_workflow.py.
"""

import datetime
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from requests_app.cases import services
from requests_app.cases.choices import AssessmentMethod, DecisionOutcome, ElectoralPhase, ImplementationModality, Stage
from requests_app.cases.models import AssistanceRequest, Decision, NeedsAssessment
from requests_app.core.errors import ActionRefused
from requests_app.deadlines.models import StagePolicy
from requests_app.history.models import CaseEvent
from tests.factories import (
    REQUESTERS,
    advance_to,
    assist_params,
    assistance_type,
    attach_mission_report,
    case_in_stage,
    case_snapshot,
    new_request,
    recommend,
    user_with_perms,
)
from tests.factories_evaluation import evaluated

pytestmark = pytest.mark.django_db

S = Stage
UTC = datetime.UTC


# What each event records -----------------------------------------------------------------

NOW = datetime.datetime(2025, 3, 3, 9, 30, tzinfo=UTC)


def test_start_assessment_records_the_method_who_chose_it_and_on_what_recommendation(officer, time_machine):
    time_machine.move_to(NOW, tick=False)
    case = case_in_stage(S.UNDER_REVIEW, actor=officer)
    case = recommend(case, actor=officer, method=AssessmentMethod.DESK_REVIEW)
    recommendation = case.recommendations.get()
    case = services.start_assessment(actor=officer, case=case, method=AssessmentMethod.MISSION, comment="NAM.")
    event = case.events.last()
    assert event.details == {
        "method": "mission",
        "recommendation": recommendation.pk,
        "recommended_by": officer.get_full_name(),
        "recommended": "Desk review",
    }
    assert event.created_at == NOW
    assessment = NeedsAssessment.objects.get(case=case)
    assert (assessment.method, assessment.chosen_by, assessment.chosen_at) == (AssessmentMethod.MISSION, officer, NOW)
    assert assessment.recommendation == recommendation


def test_start_assessment_needs_a_method(officer):
    case = recommend(case_in_stage(S.UNDER_REVIEW, actor=officer), actor=officer)
    before = case_snapshot(case)
    with pytest.raises(ActionRefused, match="mission or a desk review"):
        services.start_assessment(actor=officer, case=case, method="")
    assert case_snapshot(case) == before


def test_the_decision_records_its_parameters_and_who_decided(officer, time_machine):
    time_machine.move_to(NOW, tick=False)
    case = case_in_stage(S.AWAITING_DECISION, actor=officer)
    focal_point = user_with_perms("decide_request", "view_all_cases")
    types = [assistance_type("voter-registration"), assistance_type("voting-counting")]
    case = services.record_decision(
        actor=focal_point,
        case=case,
        outcome=DecisionOutcome.ASSIST,
        assistance_types=types,
        phase=ElectoralPhase.WHOLE_CYCLE,
        period_start=datetime.date(2025, 4, 1),
        period_end=datetime.date(2026, 3, 31),
        comment="Approved by the focal point.",
    )
    decision = Decision.objects.get(case=case)
    event = case.events.last()
    assert event.details == {
        "decision": decision.pk,
        "outcome": "assist",
        "types": ["Voter registration", "Voting and counting operations"],
        "phase": "whole_cycle",
        "period": ["2025-04-01", "2026-03-31"],
    }
    assert decision.decided_by == focal_point
    assert event.actor == focal_point
    assert decision.decided_at == NOW
    assert decision.assessment == case.assessment
    assert decision.communicated_on == datetime.date(2025, 3, 3)
    assert set(decision.assistance_types.all()) == set(types)
    assert (decision.phase, decision.period_start, decision.period_end) == (
        ElectoralPhase.WHOLE_CYCLE,
        datetime.date(2025, 4, 1),
        datetime.date(2026, 3, 31),
    )


def test_start_implementation_records_how_and_until_when(officer, time_machine):
    time_machine.move_to(NOW, tick=False)
    case = case_in_stage(S.DECISION_COMMUNICATED, actor=officer)
    case = services.start_implementation(
        actor=officer, case=case, modality=ImplementationModality.ROSTER_EXPERTS, ends_on=datetime.date(2025, 9, 15)
    )
    assert case.events.last().details == {"modality": "roster_experts", "ends_on": "2025-09-15"}
    fresh = AssistanceRequest.objects.get(pk=case.pk)
    assert (fresh.implementation_modality, fresh.implementation_ends_on) == (
        ImplementationModality.ROSTER_EXPERTS,
        datetime.date(2025, 9, 15),
    )


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"modality": "", "ends_on": datetime.date(2025, 9, 30)}, "how the assistance is implemented"),
        ({"modality": ImplementationModality.UNDP_PROJECT, "ends_on": None}, "planned to end"),
        ({"modality": ImplementationModality.UNDP_PROJECT, "ends_on": datetime.date(2025, 3, 2)}, "in the past"),
    ],
)
def test_start_implementation_needs_a_modality_and_a_future_end(params, words, officer, time_machine):
    time_machine.move_to(NOW, tick=False)
    case = case_in_stage(S.DECISION_COMMUNICATED, actor=officer)
    before = case_snapshot(case)
    with pytest.raises(ActionRefused, match=words):
        services.start_implementation(actor=officer, case=case, **params)
    assert case_snapshot(case) == before


def test_accepting_an_electoral_body_request_records_when(officer, time_machine):
    time_machine.move_to(NOW, tick=False)
    case = case_in_stage(S.UNDER_REVIEW, actor=officer, **REQUESTERS["electoral_body"])
    case = recommend(case, actor=officer)
    case = services.accept_emb_request(actor=officer, case=case, comment="Constitutionally independent body.")
    fresh = AssistanceRequest.objects.get(pk=case.pk)
    assert (fresh.emb_request_accepted_at, fresh.emb_request_accepted_by) == (NOW, officer)
    assert fresh.emb_request_recommendation == case.recommendations.get()


# Deadlines (requests_app/deadlines/services.py) -------------------------------------------------


def test_each_stage_falls_due_as_the_deadlines_say(officer, time_machine):
    time_machine.move_to(NOW, tick=False)
    day = datetime.timedelta(days=1)

    case = new_request(actor=officer)
    assert (case.stage_entered_at, case.stage_due_at) == (NOW, NOW + 7 * day)

    def end_of(date):
        return datetime.datetime.combine(date, datetime.time(23, 59, 59), tzinfo=UTC)

    # The default policies: days from entering the stage, or from the event the policy names.
    expected_due = {
        S.UNDER_REVIEW: lambda now, case: now + 14 * day,
        # a desk review has no mission return date yet: 45 days from entering
        S.NEEDS_ASSESSMENT: lambda now, case: now + 45 * day,
        # 14 days after the assessment report was submitted
        S.AWAITING_DECISION: lambda now, case: end_of(case.assessment.report_submitted_on + 14 * day),
        S.DECISION_COMMUNICATED: lambda now, case: now + 30 * day,
    }
    for stage, expected in expected_due.items():
        time_machine.shift(day)
        now = timezone.now()
        case = advance_to(case, stage, actor=officer, method=AssessmentMethod.DESK_REVIEW)
        fresh = AssistanceRequest.objects.get(pk=case.pk)
        assert (fresh.stage, fresh.stage_entered_at, fresh.stage_due_at) == (stage, now, expected(now, fresh)), stage

    time_machine.shift(day)
    now = timezone.now()
    case = services.start_implementation(
        actor=officer,
        case=case,
        modality=ImplementationModality.UNDP_PROJECT,
        ends_on=datetime.date(2025, 12, 15),
        confirm_beyond_period=True,  # the decided period ends in September
    )
    fresh = AssistanceRequest.objects.get(pk=case.pk)
    assert fresh.stage_entered_at == now
    # Implementation is due on its planned end, at the end of that day.
    assert fresh.stage_due_at == datetime.datetime(2025, 12, 15, 23, 59, 59, tzinfo=UTC)

    time_machine.shift(day)
    now = timezone.now()
    case = services.start_reporting(actor=officer, case=case)
    fresh = AssistanceRequest.objects.get(pk=case.pk)
    # implementation ended before its planned end (15 Dec): the mission report is due 60 days after the real end
    assert (fresh.stage_entered_at, fresh.stage_due_at) == (now, end_of(timezone.localdate(now) + 60 * day))

    time_machine.shift(day)
    now = timezone.now()
    attach_mission_report(case, actor=officer)
    case = services.close_case(actor=officer, case=evaluated(case))
    fresh = AssistanceRequest.objects.get(pk=case.pk)
    assert (fresh.stage, fresh.stage_entered_at, fresh.stage_due_at) == (S.CLOSED, now, None)


def test_an_administrator_can_change_a_stage_deadline(officer, time_machine):
    time_machine.move_to(NOW, tick=False)
    StagePolicy.objects.filter(stage=S.UNDER_REVIEW).update(days=3)
    case = services.start_review(actor=officer, case=new_request(actor=officer))
    assert AssistanceRequest.objects.get(pk=case.pk).stage_due_at == NOW + datetime.timedelta(days=3)


def test_a_deferred_case_falls_due_on_the_day_it_is_to_be_considered_again(officer, time_machine):
    time_machine.move_to(NOW, tick=False)
    case = case_in_stage(S.AWAITING_DECISION, actor=officer)
    entered = AssistanceRequest.objects.get(pk=case.pk).stage_entered_at
    time_machine.shift(datetime.timedelta(days=2))
    case = services.record_decision(
        actor=officer,
        case=case,
        outcome=DecisionOutcome.DEFER,
        reason="Electoral law not yet adopted.",
        revisit_on=datetime.date(2025, 6, 1),
    )
    fresh = AssistanceRequest.objects.get(pk=case.pk)
    assert fresh.stage == S.AWAITING_DECISION
    # deferring enters the stage anew, so reminders start again for the new date
    assert fresh.stage_entered_at == entered + datetime.timedelta(days=2)
    assert fresh.stage_due_at == datetime.datetime(2025, 6, 1, 23, 59, 59, tzinfo=UTC)
    assert fresh.events.last().details["revisit_on"] == "2025-06-01"


# One transaction per action --------------------------------------------------------------------


def test_an_action_that_fails_half_way_leaves_nothing_behind(officer, monkeypatch):
    case = case_in_stage(S.AWAITING_DECISION, actor=officer)
    before = case_snapshot(case)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        services.record_decision(actor=officer, case=case, **assist_params())
    assert case_snapshot(case) == before
    assert not Decision.objects.filter(case=case).exists()


@pytest.mark.postgres
def test_the_case_row_is_locked_while_an_action_runs(officer):
    case = new_request(actor=officer)
    with CaptureQueriesContext(connection) as queries:
        services.start_review(actor=officer, case=case)
    locking = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert locking and 'FROM "requests_app_assistancerequest"' in locking[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_users_withdrawing_at_once_withdraw_once(officer):
    case = new_request(actor=officer)
    barrier = threading.Barrier(2)
    results = []

    def withdraw(comment):
        try:
            barrier.wait(timeout=10)
            services.withdraw(actor=officer, case=AssistanceRequest.objects.get(pk=case.pk), comment=comment)
            results.append("done")
        except ActionRefused as refused:
            results.append(str(refused))
        finally:
            connection.close()

    threads = [threading.Thread(target=withdraw, args=(f"Note verbale {n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(results) == 2
    assert results.count("done") == 1
    refusal = next(result for result in results if result != "done")
    assert "withdrawn" in refusal
    assert CaseEvent.objects.filter(case=case, action="withdraw").count() == 1
