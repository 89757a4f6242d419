"""Reads of the post-electoral phase: a case's evaluation and lessons, and the lessons of every case.

Lessons learned are the unit's institutional memory (para 9): every member of staff who may read
lessons reads those of every case, across desks, so that an officer preparing voter registration
in one region learns from another region's. The evaluation itself stays with its case, seen by
those who see the case. A lesson links to its case only for a reader who may open the case.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet

from requests_app.cases.models import AssistanceRequest, Election
from requests_app.cases.selectors import may_work_on, visible_cases
from requests_app.core.types import User
from requests_app.evaluation.models import Evaluation, EvaluationWaiver, LessonLearned
from requests_app.evaluation.workflow import EVALUATION_STAGES

VIEW_LESSONS = "requests_app.view_lessonlearned"


def lessons() -> QuerySet[LessonLearned]:
    """Lessons with what their list, their page and their export show: four queries, whatever their number."""
    return LessonLearned.objects.select_related("case__member_state", "recorded_by").prefetch_related(
        "areas", Prefetch("case__elections", queryset=Election.objects.order_by("planned_date"))
    )


def may_read_lessons(user: User) -> bool:
    return bool(user.is_active and user.has_perm(VIEW_LESSONS))


def readable_lessons(user: User) -> QuerySet[LessonLearned]:
    """Every case's lessons for a reader of lessons (shared across desks: see above); none for anyone else."""
    return lessons() if may_read_lessons(user) else LessonLearned.objects.none()


def mark_openable(user: User, rows: Iterable[LessonLearned]) -> None:
    """Set ``case_visible`` on each lesson: whether this reader may open its case (one query)."""
    rows = list(rows)
    case_ids = {row.case_id for row in rows}
    visible = set(visible_cases(user).filter(pk__in=case_ids).values_list("pk", flat=True)) if case_ids else set()
    for row in rows:
        row.case_visible = row.case_id in visible


def _one(model: Any, case: AssistanceRequest, accessor: str) -> Any:
    """The evaluation or waiver the case was loaded with (cases.selectors.case_detail), else read now."""
    if accessor in case._state.fields_cache:
        return getattr(case, accessor, None)
    return model.objects.filter(case=case).first()


def case_section(case: AssistanceRequest, user: User) -> dict[str, Any]:
    """What the case page shows of the post-electoral phase, and what this user may record there."""
    evaluation = _one(Evaluation, case, "evaluation")
    waiver = _one(EvaluationWaiver, case, "evaluation_waiver")
    case_lessons = list(LessonLearned.objects.filter(case=case).select_related("recorded_by").prefetch_related("areas"))
    works_on = case.stage in EVALUATION_STAGES and may_work_on(user, case)
    evaluation_permission = "requests_app.change_evaluation" if evaluation else "requests_app.add_evaluation"
    return {
        "evaluation": evaluation,
        "waiver": waiver,
        "lessons": case_lessons,
        "may_evaluate": works_on and user.has_perm(evaluation_permission),
        "may_add_lesson": works_on and user.has_perm("requests_app.add_lessonlearned"),
        "may_edit_lessons": works_on and user.has_perm("requests_app.change_lessonlearned"),
    }
