"""Factories of the post-electoral phase. Rows written directly, for tests that need a case evaluated
(closing needs it); the evaluation's own writes are tested through its services (tests/evaluation)."""

import datetime

import factory
from django.utils import timezone

from tests.factories import UserFactory


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "requests_app.Evaluation"

    what_worked = "Early voter registration, with mobile teams in the rural districts."
    what_did_not_work = "Results transmission: the servers were procured too late to be tested."
    recommendations = "Procure the results system a year before election day."
    evaluated_on = factory.LazyFunction(timezone.localdate)
    evaluated_by = "The Division with the UNDP country office"
    recorded_by = factory.SubFactory(UserFactory)


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "requests_app.LessonLearned"

    title = factory.Sequence(lambda n: f"Lesson {n}")
    lesson = "Train the poll workers twice: once on the procedures, once on the equipment."
    recorded_by = factory.SubFactory(UserFactory)
    recorded_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(minutes=1))


def evaluated(case):
    """The case with its evaluation recorded (closing needs it)."""
    EvaluationFactory(case=case)
    return case
