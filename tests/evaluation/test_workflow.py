"""Closing needs the final mission report and the evaluation, or a recorded reason to waive it."""

import pytest

from requests_app.cases import services as case_services
from requests_app.cases.choices import Stage
from requests_app.core.errors import ActionRefused
from requests_app.evaluation.models import EvaluationWaiver
from tests.evaluation.helpers import evaluate
from tests.factories import attach_mission_report, case_in_stage, case_snapshot, member_of

pytestmark = pytest.mark.django_db

WAIVER = "The Member State's electoral commission published its own review of the assistance."


def close(actor, case, **params):
    return case_services.close_case(actor=actor, case=case, **params)


def refusal_of(actor, case, **params):
    before = case_snapshot(case)
    with pytest.raises(ActionRefused) as refusal:
        close(actor, case, **params)
    assert case_snapshot(case) == before  # nothing changed
    assert not EvaluationWaiver.objects.filter(case=case).exists()
    return " ".join(refusal.value.messages)


def test_a_case_without_its_evaluation_does_not_close_and_says_what_to_do(reporting, focal):
    attach_mission_report(reporting, actor=focal)
    text = refusal_of(focal, reporting)
    assert "The assistance has not been evaluated" in text
    assert "Waive the evaluation: reason" in text


def test_without_report_and_evaluation_both_reasons_are_given(reporting, focal):
    text = refusal_of(focal, reporting)
    assert "Attach the mission report" in text and "has not been evaluated" in text


def test_the_case_closes_once_evaluated(reporting, desk_officer, focal):
    attach_mission_report(reporting, actor=desk_officer)
    evaluate(desk_officer, reporting)
    case = close(focal, reporting, comment="Results reported.")
    assert case.stage == Stage.CLOSED
    assert not EvaluationWaiver.objects.exists()


def test_the_closing_user_waives_the_evaluation_with_a_reason_kept_in_the_history(reporting, focal):
    attach_mission_report(reporting, actor=focal)
    case = close(focal, reporting, comment="Results reported.", evaluation_waiver=f"  {WAIVER} ")

    assert case.stage == Stage.CLOSED
    waiver = EvaluationWaiver.objects.get(case=reporting)
    assert (waiver.reason, waiver.waived_by) == (WAIVER, focal)
    actions = list(reporting.events.order_by("id").values_list("action", "comment"))
    assert actions[-2:] == [("evaluation_waived", WAIVER), ("close", "Results reported.")]


def test_a_waiver_with_a_closing_refused_for_another_reason_is_taken_back(reporting, focal):
    # No mission report: the closing is refused, and the waiver with it.
    text = refusal_of(focal, reporting, evaluation_waiver=WAIVER)
    assert "Attach the mission report" in text
    assert "has not been evaluated" not in text  # the waiver answered that, until the refusal
    assert not reporting.events.filter(action="evaluation_waived").exists()


def test_an_evaluated_case_has_nothing_to_waive(reporting, desk_officer, focal):
    attach_mission_report(reporting, actor=focal)
    evaluate(desk_officer, reporting)
    assert "nothing to waive" in refusal_of(focal, reporting, evaluation_waiver=WAIVER)


def test_only_who_may_close_may_waive(reporting, desk_officer):
    attach_mission_report(reporting, actor=desk_officer)
    # The officer works the case but does not close cases (the focal point does).
    assert "Only those who close cases" in refusal_of(desk_officer, reporting, evaluation_waiver=WAIVER)


def test_a_waiver_is_not_taken_before_reporting(registrar):
    case = case_in_stage(Stage.IN_IMPLEMENTATION, actor=registrar)
    text = refusal_of(registrar, case, evaluation_waiver=WAIVER)
    assert "waived when the case closes" in text


def test_a_blank_waiver_is_no_waiver(reporting, focal):
    attach_mission_report(reporting, actor=focal)
    assert "has not been evaluated" in refusal_of(focal, reporting, evaluation_waiver="   ")


def test_the_transition_table_lists_the_guard_with_the_close_action():
    from requests_app.cases.workflow import ACTIONS
    from requests_app.evaluation.workflow import evaluation_or_waiver

    assert evaluation_or_waiver in ACTIONS["close"].guards


def test_an_auditor_cannot_close_even_with_a_waiver(reporting):
    auditor = member_of("Auditor")
    attach_mission_report(reporting, actor=member_of("Focal point"))
    assert "close cases" in refusal_of(auditor, reporting, evaluation_waiver=WAIVER)
