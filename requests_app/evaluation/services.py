"""Writes of the post-electoral phase: the evaluation, lessons learned, and the waiver of an evaluation.

Each locks the case, checks the right and the stage, writes, and leaves a line in the case's
history, in one transaction. requests_app.cases.services calls waive_evaluation when a case closes,
so this module cannot import that one back: the history lines are written here (_record_event) as
cases.services.record_event writes them.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from requests_app.cases import selectors
from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.core.errors import ActionRefused
from requests_app.core.types import StrOrPromise, User
from requests_app.core.validators import has_control_characters
from requests_app.evaluation.models import Evaluation, EvaluationWaiver, LessonLearned
from requests_app.evaluation.workflow import EVALUATION_STAGES, has_evaluation, has_waiver
from requests_app.history.models import CaseEvent
from requests_app.reference.models import AssistanceType

EVALUATION_TEXTS = ("what_worked", "what_did_not_work", "recommendations")


def _record_event(
    *, case: AssistanceRequest, actor: User, action: str, comment: str = "", details: dict[str, Any] | None = None
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, actor=actor, action=action, comment=comment, details=details or {}, created_at=timezone.now()
    )


def _label(model: type[Model], name: str) -> str:
    """A field's name as a reader of the form and the history knows it."""
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def _lock(case: AssistanceRequest) -> AssistanceRequest:
    return AssistanceRequest.objects.select_for_update().select_related("member_state").get(pk=case.pk)


def refusals(actor: User | None, case: AssistanceRequest, permission: str) -> list[StrOrPromise]:
    """Why ``actor`` may not write this part of the post-electoral phase now; empty when they may."""
    if actor is None or not actor.has_perm(permission):
        return [_("You do not have permission to record evaluations and lessons learned.")]
    if not selectors.may_work_on(actor, case):
        return [
            _("This case is not assigned to you: its officer, or the team lead of its desk, records its evaluation.")
        ]
    if case.stage not in EVALUATION_STAGES:
        return [
            _(
                "The evaluation and lessons learned are recorded while the assistance is implemented "
                "or reported on; the case is %(stage)s."
            )
            % {"stage": case.stage_phrase}
        ]
    return []


def _single_line_problems(**texts: str) -> list[StrOrPromise]:
    return [
        _("%(field)s: line breaks, tabs and other control characters are not allowed.") % {"field": label}
        for label, text in texts.items()
        if has_control_characters(text)
    ]


def _day(value: date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def _evaluation_problems(
    case: AssistanceRequest, texts: dict[str, str], evaluated_on: date | None, evaluated_by: str
) -> list[StrOrPromise]:
    problems: list[StrOrPromise] = [
        _("Write %(field)s.") % {"field": _label(Evaluation, name)} for name, text in texts.items() if not text
    ]
    if not evaluated_by:
        problems.append(_("Say who carried out the evaluation."))
    problems += _single_line_problems(**{_label(Evaluation, "evaluated_by"): evaluated_by})
    if evaluated_on is None:
        problems.append(_("Give the day of the evaluation."))
    elif evaluated_on > timezone.localdate():
        problems.append(_("The evaluation cannot have taken place after today: give the day it took place."))
    elif evaluated_on < case.received_date:
        problems.append(_("The evaluation cannot have taken place before the request was received."))
    return problems


def _evaluation_changes(evaluation: Evaluation, values: dict[str, Any]) -> dict[str, list[str]]:
    """{label: [old, new]} for what an edit changes, as the history shows it."""
    changes = {}
    for name, new in values.items():
        old = getattr(evaluation, name)
        if old != new:
            shown = (_day(old), _day(new)) if name == "evaluated_on" else (old, new)
            changes[_label(Evaluation, name)] = list(shown)
    return changes


@transaction.atomic
def record_evaluation(
    *,
    actor: User | None,
    case: AssistanceRequest,
    what_worked: str,
    what_did_not_work: str,
    recommendations: str,
    evaluated_on: date | None,
    evaluated_by: str,
) -> Evaluation:
    """Record the evaluation of a case, or edit it: one per case, every edit kept in the history."""
    locked = _lock(case)
    evaluation = Evaluation.objects.filter(case=locked).first()
    permission = "requests_app.change_evaluation" if evaluation else "requests_app.add_evaluation"
    texts = {
        "what_worked": (what_worked or "").strip(),
        "what_did_not_work": (what_did_not_work or "").strip(),
        "recommendations": (recommendations or "").strip(),
    }
    evaluated_by = (evaluated_by or "").strip()
    problems = refusals(actor, locked, permission) or _evaluation_problems(locked, texts, evaluated_on, evaluated_by)
    if problems:
        raise ActionRefused(*problems)
    assert actor is not None  # refusals() refuses no one else
    values = {**texts, "evaluated_on": evaluated_on, "evaluated_by": evaluated_by}
    if evaluation is None:
        evaluation = Evaluation.objects.create(case=locked, recorded_by=actor, **values)
        details = {
            "changes": {str(_("evaluated on")): ["", _day(evaluated_on)], str(_("evaluated by")): ["", evaluated_by]}
        }
        _record_event(case=locked, actor=actor, action="evaluation_recorded", details=details)
        return evaluation
    changes = _evaluation_changes(evaluation, values)
    if changes:
        for name, value in values.items():
            setattr(evaluation, name, value)
        evaluation.updated_at = timezone.now()
        evaluation.save()
        _record_event(case=locked, actor=actor, action="evaluation_updated", details={"changes": changes})
    return evaluation


def _lesson_problems(title: str, lesson: str) -> list[StrOrPromise]:
    problems: list[StrOrPromise] = []
    if not title:
        problems.append(_("Give the lesson a short title."))
    if not lesson:
        problems.append(_("Write the lesson."))
    return problems + _single_line_problems(**{_label(LessonLearned, "title"): title})


def _names(areas: Iterable[AssistanceType]) -> list[str]:
    return sorted(area.name for area in areas)


@transaction.atomic
def add_lesson(
    *, actor: User | None, case: AssistanceRequest, title: str, lesson: str, areas: Iterable[AssistanceType] = ()
) -> LessonLearned:
    """A lesson learned from the case, for the cases to come."""
    locked = _lock(case)
    title, lesson, areas = (title or "").strip(), (lesson or "").strip(), list(areas)
    problems = refusals(actor, locked, "requests_app.add_lessonlearned") or _lesson_problems(title, lesson)
    if problems:
        raise ActionRefused(*problems)
    assert actor is not None  # refusals() refuses no one else
    row = LessonLearned.objects.create(case=locked, title=title, lesson=lesson, recorded_by=actor)
    row.areas.set(areas)
    _record_event(case=locked, actor=actor, action="lesson_added", comment=title, details={"types": _names(areas)})
    return row


@transaction.atomic
def change_lesson(
    *, actor: User | None, lesson: LessonLearned, title: str, text: str, areas: Iterable[AssistanceType] = ()
) -> LessonLearned:
    """Edit a lesson learned; what it said before stays in the case's history."""
    locked = _lock(lesson.case)
    row = LessonLearned.objects.select_for_update().get(pk=lesson.pk, case=locked)
    title, text, areas = (title or "").strip(), (text or "").strip(), list(areas)
    problems = refusals(actor, locked, "requests_app.change_lessonlearned") or _lesson_problems(title, text)
    if problems:
        raise ActionRefused(*problems)
    assert actor is not None  # refusals() refuses no one else
    old_areas, new_areas = ", ".join(_names(row.areas.all())), ", ".join(_names(areas))
    changes = {
        _label(LessonLearned, name): [old, new]
        for name, old, new in (
            ("title", row.title, title),
            ("lesson", row.lesson, text),
            ("areas", old_areas, new_areas),
        )
        if old != new
    }
    if changes:
        row.title, row.lesson, row.updated_at = title, text, timezone.now()
        row.save()
        row.areas.set(areas)
        _record_event(case=locked, actor=actor, action="lesson_updated", comment=title, details={"changes": changes})
    return row


@transaction.atomic
def waive_evaluation(*, actor: User | None, case: AssistanceRequest, reason: str) -> EvaluationWaiver:
    """Record why the case closes without an evaluation. Called by the close action (cases.services.close_case),
    in its transaction: a closing refused takes the waiver back with it."""
    locked = _lock(case)
    reason = (reason or "").strip()
    if actor is None or not actor.has_perm("requests_app.close_case"):
        raise ActionRefused(_("Only those who close cases may waive their evaluation."))
    if not selectors.may_work_on(actor, locked):
        raise ActionRefused(
            _("This case is not assigned to you: its officer, or the team lead of its desk, closes it.")
        )
    if locked.stage != Stage.REPORTING:
        raise ActionRefused(
            _("An evaluation is waived when the case closes; the case is %(stage)s.") % {"stage": locked.stage_phrase}
        )
    if has_evaluation(locked):
        raise ActionRefused(
            _("The evaluation of this case is recorded: there is nothing to waive. Leave the reason empty.")
        )
    if has_waiver(locked):
        raise ActionRefused(_("The evaluation of this case was waived already."))
    if not reason:
        raise ActionRefused(_("Give the reason the case closes without an evaluation."))
    waiver = EvaluationWaiver.objects.create(case=locked, reason=reason, waived_by=actor)
    _record_event(case=locked, actor=actor, action="evaluation_waived", comment=reason)
    return waiver
