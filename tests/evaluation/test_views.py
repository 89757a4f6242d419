"""The case page's evaluation and lessons, their forms, and closing with a waiver from the workspace."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app.cases.choices import Stage
from requests_app.evaluation.models import Evaluation, EvaluationWaiver, LessonLearned
from tests.evaluation.helpers import evaluate, lesson
from tests.factories import assistance_type, attach_mission_report, case_in_stage, member_of

pytestmark = pytest.mark.django_db


def page_of(client, case):
    response = client.get(reverse("workspace:case-detail", args=[case.reference]))
    assert response.status_code == 200
    return response.content.decode()


def form_data(**overrides):
    data = {
        "evaluated_on": timezone.localdate().isoformat(),
        "evaluated_by": "Joint workshop with the electoral commission",
        "what_worked": "Mobile registration teams reached the islands.",
        "what_did_not_work": "The tally software crashed twice.",
        "recommendations": "Hold a mock election with the tally software.",
    }
    data.update(overrides)
    return data


def test_the_officer_records_the_evaluation_from_the_case_page(client, reporting, desk_officer):
    client.force_login(desk_officer)
    html = page_of(client, reporting)
    assert "Evaluation and lessons learned" in html and "No evaluation recorded yet." in html
    url = reverse("workspace:evaluation-edit", args=[reporting.reference])
    assert f'href="{url}"' in html

    form = client.get(url)
    assert form.context["form"].initial["evaluated_by"] == desk_officer.get_full_name()
    response = client.post(url, form_data())

    assert response.status_code == 302 and response["Location"].endswith("#evaluation")
    assert Evaluation.objects.get(case=reporting).what_worked == "Mobile registration teams reached the islands."
    html = page_of(client, reporting)
    assert "The tally software crashed twice." in html and "Edit the evaluation" in html
    assert "Evaluation recorded" in html  # the timeline


def test_the_evaluation_form_starts_from_the_evaluation_to_edit_it(client, reporting, desk_officer):
    evaluate(desk_officer, reporting)
    client.force_login(desk_officer)
    form = client.get(reverse("workspace:evaluation-edit", args=[reporting.reference])).context["form"]
    assert form.initial["recommendations"] == "Procure the results system nine months ahead."


def test_a_refused_evaluation_keeps_what_was_typed_and_says_why(client, reporting, desk_officer):
    client.force_login(desk_officer)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("workspace:evaluation-edit", args=[reporting.reference]),
        form_data(evaluated_on=tomorrow, what_worked=""),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "after today" in html and "Mobile registration teams" not in html
    assert "The tally software crashed twice." in html  # kept
    assert not Evaluation.objects.exists()


def test_someone_not_on_the_case_is_told_why_and_records_nothing(client, reporting):
    colleague = member_of("Electoral officer")
    from requests_app.cases.models import RegionalDesk
    from requests_app.reference.models import RegionalGroup

    RegionalDesk.objects.get(regional_group=RegionalGroup.AFRICAN).members.add(colleague)
    client.force_login(colleague)
    url = reverse("workspace:evaluation-edit", args=[reporting.reference])
    assert "not assigned to you" in client.get(url).content.decode()
    assert "Record the evaluation" not in page_of(client, reporting)
    response = client.post(url, form_data())
    assert response.status_code == 400 and "not assigned to you" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_a_case_outside_the_readers_scope_has_no_evaluation_page(client, registrar):
    peru = case_in_stage(Stage.REPORTING, actor=registrar, state="PER")
    officer = member_of("Electoral officer")
    client.force_login(officer)
    assert client.get(reverse("workspace:evaluation-edit", args=[peru.reference])).status_code == 404
    assert client.get(reverse("workspace:lesson-new", args=[peru.reference])).status_code == 404


def test_lessons_are_added_and_edited_from_the_case_page(client, reporting, desk_officer):
    client.force_login(desk_officer)
    response = client.post(
        reverse("workspace:lesson-new", args=[reporting.reference]),
        {
            "title": "Test the tally software",
            "lesson": "Run a mock election.",
            "areas": [assistance_type("results-management").pk],
        },
    )
    assert response.status_code == 302
    row = LessonLearned.objects.get(case=reporting)
    html = page_of(client, reporting)
    assert "Test the tally software" in html and "Results management" in html
    edit = reverse("workspace:lesson-edit", args=[reporting.reference, row.pk])
    assert f'href="{edit}"' in html

    response = client.post(edit, {"title": "Test the tally software early", "lesson": "Run a mock election."})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.title == "Test the tally software early" and not row.areas.exists()
    assert client.get(reverse("workspace:lesson-edit", args=[reporting.reference, row.pk + 1000])).status_code == 404


def test_a_lesson_without_its_text_is_refused(client, reporting, desk_officer):
    client.force_login(desk_officer)
    response = client.post(reverse("workspace:lesson-new", args=[reporting.reference]), {"title": "Short"})
    assert response.status_code == 400
    assert not LessonLearned.objects.exists()


# Closing from the workspace ----------------------------------------------------------------------------


def close(client, case, **data):
    url = reverse("workspace:case-action", args=[case.reference, "close"])
    return client.post(url, {f"close-{key}": value for key, value in data.items()}, follow=True)


def test_the_close_action_says_why_it_cannot_close_and_offers_the_waiver(client, reporting, focal):
    attach_mission_report(reporting, actor=focal)
    client.force_login(focal)
    html = page_of(client, reporting)
    assert "The assistance has not been evaluated" in html
    assert 'name="close-evaluation_waiver"' in html

    response = close(client, reporting, comment="Done.")
    assert "The assistance has not been evaluated" in response.content.decode()
    reporting.refresh_from_db()
    assert reporting.stage == Stage.REPORTING


def test_closing_with_a_waiver_from_the_case_page_shows_it_on_the_case(client, reporting, focal):
    attach_mission_report(reporting, actor=focal)
    client.force_login(focal)
    response = close(client, reporting, comment="Results reported.", evaluation_waiver="Assistance of two weeks.")

    html = response.content.decode()
    assert "Close the case: done." in html
    assert EvaluationWaiver.objects.get(case=reporting).reason == "Assistance of two weeks."
    assert "Closed without an evaluation." in html and "Assistance of two weeks." in html
    assert "Evaluation waived" in html  # the timeline


def test_an_evaluated_case_closes_without_a_waiver_field(client, reporting, desk_officer, focal):
    attach_mission_report(reporting, actor=focal)
    evaluate(desk_officer, reporting)
    lesson(desk_officer, reporting)
    client.force_login(focal)
    html = page_of(client, reporting)
    assert 'name="close-evaluation_waiver"' not in html
    assert "The assistance has not been evaluated" not in html
    response = close(client, reporting, comment="Results reported.", evaluation_waiver="ignored: no such field")
    assert "Close the case: done." in response.content.decode()
    assert not EvaluationWaiver.objects.exists()
    # The closed case keeps its evaluation and lessons on its page, without links to change them.
    html = page_of(client, reporting)
    assert "Register voters a year ahead" in html and "Edit the evaluation" not in html


def test_a_case_closed_before_evaluations_shows_no_empty_section(client, registrar, focal):
    case = case_in_stage(Stage.CLOSED, actor=registrar)
    Evaluation.objects.filter(case=case).delete()  # as the cases closed under the old rule
    client.force_login(focal)
    assert "Evaluation and lessons learned" not in page_of(client, case)


def test_the_case_page_costs_the_same_queries_with_one_lesson_or_many(client, registrar, desk_officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    few = case_in_stage(Stage.REPORTING, actor=registrar, officer=desk_officer)
    many = case_in_stage(Stage.REPORTING, actor=registrar, officer=desk_officer, state="KEN")
    for case, count in ((few, 1), (many, 12)):
        evaluate(desk_officer, case)
        for number in range(count):
            lesson(desk_officer, case, title=f"Lesson {number}", codes=["training", "voter-registration"])
    client.force_login(desk_officer)
    page_of(client, few)  # the session and permissions warm
    counts = []
    for case in (few, many):
        with CaptureQueriesContext(connection) as queries:
            html = page_of(client, case)
        counts.append(len(queries))
    assert "Lesson 11" in html and html.count("Training") >= 12
    assert counts[0] == counts[1]
