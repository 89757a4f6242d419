"""The demo's post-electoral phase: every closed demo case is evaluated or says why not."""

from io import StringIO

import pytest
from django.core.management import call_command

from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.evaluation.models import LessonLearned

pytestmark = pytest.mark.django_db


def test_closed_demo_cases_are_evaluated_with_lessons_and_one_closed_with_a_waiver():
    call_command("seed_demo", stdout=StringIO())

    closed = list(
        AssistanceRequest.objects.filter(stage=Stage.CLOSED).select_related("evaluation", "evaluation_waiver")
    )
    assert len(closed) >= 5
    evaluated = [case for case in closed if hasattr(case, "evaluation")]
    waived = [case for case in closed if hasattr(case, "evaluation_waiver")]
    assert len(waived) == 1 and len(evaluated) == len(closed) - 1
    assert waived[0].evaluation_waiver.reason
    assert waived[0].events.filter(action="evaluation_waived", comment=waived[0].evaluation_waiver.reason).exists()
    for case in evaluated:
        assert case.lessons.exists(), case.reference
        assert case.events.filter(action="evaluation_recorded").exists(), case.reference
    # Lessons from several countries, for /lessons/ to filter.
    assert LessonLearned.objects.values("case__member_state").distinct().count() >= 5
