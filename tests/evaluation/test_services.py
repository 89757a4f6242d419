"""The evaluation, lessons learned and the waiver: written through the services, kept in the history."""

import datetime

import pytest
from django.utils import timezone

from requests_app.cases import services as case_services
from requests_app.cases.choices import Stage
from requests_app.core.errors import ActionRefused
from requests_app.evaluation import services
from requests_app.evaluation.models import Evaluation, LessonLearned
from tests.evaluation.helpers import evaluate, evaluation_values, lesson
from tests.factories import attach_mission_report, case_in_stage, case_snapshot

pytestmark = pytest.mark.django_db


def refused(write, **kwargs):
    with pytest.raises(ActionRefused) as refusal:
        write(**kwargs)
    return " ".join(refusal.value.messages)


def events(case, action):
    return list(case.events.filter(action=action).order_by("id"))


# The evaluation ------------------------------------------------------------------------------------


def test_the_officer_records_the_evaluation_of_their_case_and_the_history_says_so(reporting, desk_officer):
    evaluation = evaluate(desk_officer, reporting)

    stored = Evaluation.objects.get(case=reporting)
    assert stored == evaluation
    assert stored.what_worked == "Voter registration started a year before election day."
    assert (stored.recorded_by, stored.evaluated_by) == (desk_officer, "The Division with the UNDP country office")
    [event] = events(reporting, "evaluation_recorded")
    assert event.actor == desk_officer
    assert "The Division with the UNDP country office" in event.details_text
    assert event.action_label == "Evaluation recorded"


def test_editing_the_evaluation_keeps_what_it_said_in_the_history(reporting, desk_officer):
    evaluate(desk_officer, reporting)
    evaluate(desk_officer, reporting, recommendations="Test the results system in a mock election.")

    assert Evaluation.objects.get(case=reporting).recommendations == "Test the results system in a mock election."
    [event] = events(reporting, "evaluation_updated")
    assert event.details["changes"] == {
        "recommendations": [
            "Procure the results system nine months ahead.",
            "Test the results system in a mock election.",
        ]
    }
    # Saving the same again changes nothing and writes nothing.
    evaluate(desk_officer, reporting, recommendations="Test the results system in a mock election.")
    assert len(events(reporting, "evaluation_updated")) == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"what_worked": "  "}, "Write what worked."),
        ({"what_did_not_work": ""}, "Write what did not work."),
        ({"recommendations": ""}, "Write recommendations."),
        ({"evaluated_by": ""}, "Say who carried out the evaluation."),
        ({"evaluated_by": "The Division\nand UNDP"}, "control characters are not allowed"),
        ({"evaluated_on": None}, "Give the day of the evaluation."),
        ({"evaluated_on": timezone.localdate() + datetime.timedelta(days=1)}, "after today"),
        ({"evaluated_on": datetime.date(2000, 1, 1)}, "before the request was received"),
    ],
)
def test_an_incomplete_evaluation_is_refused_and_changes_nothing(reporting, desk_officer, overrides, message):
    before = case_snapshot(reporting)
    text = refused(services.record_evaluation, actor=desk_officer, case=reporting, **evaluation_values(**overrides))
    assert message in text
    assert not Evaluation.objects.exists()
    assert case_snapshot(reporting) == before


def test_only_those_who_work_the_case_record_its_evaluation(reporting, registrar, focal):
    from tests.factories import member_of

    colleague = member_of("Electoral officer")  # not on the case, not on its desk
    auditor = member_of("Auditor")
    assert "not assigned to you" in refused(
        services.record_evaluation, actor=colleague, case=reporting, **evaluation_values()
    )
    assert "permission" in refused(services.record_evaluation, actor=auditor, case=reporting, **evaluation_values())
    assert "permission" in refused(services.record_evaluation, actor=None, case=reporting, **evaluation_values())
    evaluate(focal, reporting)  # the focal point works every case
    assert Evaluation.objects.filter(case=reporting).exists()


@pytest.mark.parametrize("stage", [Stage.DECISION_COMMUNICATED, Stage.CLOSED, Stage.WITHDRAWN])
def test_the_evaluation_is_recorded_in_implementation_or_reporting_only(registrar, stage):
    case = case_in_stage(stage, actor=registrar)
    Evaluation.objects.filter(case=case).delete()  # a closed case was evaluated to close
    text = refused(services.record_evaluation, actor=registrar, case=case, **evaluation_values())
    assert "while the assistance is implemented or reported on" in text


def test_the_evaluation_may_be_recorded_during_implementation(registrar, desk_officer):
    case = case_in_stage(Stage.IN_IMPLEMENTATION, actor=registrar, officer=desk_officer)
    evaluate(desk_officer, case)
    lesson(desk_officer, case)
    assert case.lessons.count() == 1 and hasattr(case, "evaluation")


# Lessons learned -----------------------------------------------------------------------------------


def test_a_lesson_is_recorded_with_its_areas_and_written_in_the_history(reporting, desk_officer):
    row = lesson(desk_officer, reporting, codes=["voter-registration", "training"])

    assert LessonLearned.objects.get() == row
    assert sorted(row.areas.values_list("code", flat=True)) == ["training", "voter-registration"]
    [event] = events(reporting, "lesson_added")
    assert event.comment == "Register voters a year ahead"
    assert "Training" in event.details_text and "Voter registration" in event.details_text


def test_editing_a_lesson_keeps_its_old_text_in_the_history(reporting, desk_officer):
    row = lesson(desk_officer, reporting, codes=["voter-registration"])
    services.change_lesson(
        actor=desk_officer, lesson=row, title="Register voters early", text="Start twelve months before.", areas=[]
    )

    row.refresh_from_db()
    assert row.title == "Register voters early" and not row.areas.exists()
    [event] = events(reporting, "lesson_updated")
    assert event.details["changes"] == {
        "title": ["Register voters a year ahead", "Register voters early"],
        "areas of assistance": ["Voter registration", ""],
    }


@pytest.mark.parametrize(
    ("title", "text", "message"),
    [
        ("", "Start early.", "short title"),
        ("Register early", " ", "Write the lesson."),
        ("Register\rearly", "Start early.", "control characters"),
    ],
)
def test_an_incomplete_lesson_is_refused(reporting, desk_officer, title, text, message):
    assert message in refused(services.add_lesson, actor=desk_officer, case=reporting, title=title, lesson=text)
    assert not LessonLearned.objects.exists()
    assert not events(reporting, "lesson_added")


def test_a_lesson_of_an_ended_case_is_not_edited(registrar):
    case = case_in_stage(Stage.REPORTING, actor=registrar)
    row = lesson(registrar, case)
    attach_mission_report(case, actor=registrar)
    evaluate(registrar, case)
    case_services.close_case(actor=registrar, case=case)
    text = refused(services.change_lesson, actor=registrar, lesson=row, title="Other", text="Other")
    assert "the case is closed" in text
    row.refresh_from_db()
    assert row.title == "Register voters a year ahead"
