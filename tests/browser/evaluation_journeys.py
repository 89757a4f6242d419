"""Steps of the post-electoral phase in a real browser: the evaluation and lessons learned recorded on
the case page, a closing that waives the evaluation, and /lessons/. Shared by test_evaluation.py and
the journeys that close a case (journeys.report_and_close)."""

from dataclasses import dataclass

from tests.browser.journeys import days, expect


@dataclass
class Evaluation:
    evaluated_by: str
    worked: str
    did_not_work: str
    recommendations: str


def section(actor):
    return actor.page.locator("#evaluation")


def record_evaluation(officer, reference, evaluation):
    """From the case page's "Record the evaluation", the form, saved; the page shows it back."""
    page = officer.open_case(reference)
    section(officer).get_by_role("link", name="Record the evaluation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Evaluation of the assistance")
    expect(page.get_by_label("Evaluated by")).to_have_value(officer.name)  # who records it, to start with
    page.get_by_label("Evaluated on").fill(days(0))
    page.get_by_label("Evaluated by").fill(evaluation.evaluated_by)
    page.get_by_label("What worked").fill(evaluation.worked)
    page.get_by_label("What did not work").fill(evaluation.did_not_work)
    page.get_by_label("Recommendations").fill(evaluation.recommendations)
    officer.shot("fills-the-evaluation")
    page.get_by_role("button", name="Save the evaluation").click()
    expect(page.locator(".messages .message.success")).to_have_text("The evaluation is recorded.")
    for text in (evaluation.worked, evaluation.did_not_work, evaluation.recommendations, evaluation.evaluated_by):
        expect(section(officer)).to_contain_text(text)
    officer.expect_latest_event("Evaluation recorded", evaluation.evaluated_by)
    officer.shot("records-the-evaluation", focus=section(officer))


def add_lesson(officer, reference, title, text, areas=()):
    page = officer.open_case(reference)
    section(officer).get_by_role("link", name="Add a lesson learned").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Add a lesson learned")
    page.get_by_label("Title").fill(title)
    page.get_by_role("textbox", name="Lesson", exact=True).fill(text)
    for area in areas:
        page.get_by_label(area, exact=True).check()
    page.get_by_role("button", name="Add the lesson").click()
    expect(page.locator(".messages .message.success")).to_contain_text(title)
    lesson = section(officer).locator("li.lesson", has_text=title)
    expect(lesson).to_contain_text(text)
    for area in areas:
        expect(lesson).to_contain_text(area)
    officer.expect_latest_event("Lesson learned added", title)
    officer.shot("adds-a-lesson", focus=lesson)


def close_waiving_the_evaluation(focal_point, reference, reason):
    """The focal point closes a case that was not evaluated, giving the reason in the close action."""
    focal_point.open_case(reference)
    form = focal_point.action_form("Close the case")
    expect(form.locator(".blockers")).to_contain_text("The assistance has not been evaluated")

    def waive(form):
        form.get_by_label("Waive the evaluation: reason").fill(reason)

    focal_point.act(
        reference,
        "Close the case",
        stage="Closed",
        comment="Closed without an evaluation.",
        fill=waive,
        step="closes-waiving-the-evaluation",
    )
    waiver = section(focal_point).locator(".waiver")
    expect(waiver).to_contain_text("Closed without an evaluation.")
    expect(waiver).to_contain_text(reason)
    expect(waiver).to_contain_text(focal_point.name)
    expect(focal_point.page.locator("ol.timeline > li").nth(1)).to_contain_text("Evaluation waived")
    expect(focal_point.page.locator("ol.timeline > li").nth(1)).to_contain_text(reason)
