"""What the evaluation tests share: a valid evaluation, and writes through the services."""

import datetime

from django.utils import timezone

from requests_app.evaluation import services
from tests.factories import assistance_type


def evaluation_values(**overrides):
    values = {
        "what_worked": "Voter registration started a year before election day.",
        "what_did_not_work": "Results transmission equipment arrived late.",
        "recommendations": "Procure the results system nine months ahead.",
        "evaluated_on": timezone.localdate() - datetime.timedelta(days=1),
        "evaluated_by": "The Division with the UNDP country office",
    }
    values.update(overrides)
    return values


def evaluate(actor, case, **overrides):
    return services.record_evaluation(actor=actor, case=case, **evaluation_values(**overrides))


def lesson(actor, case, title="Register voters a year ahead", text="Start twelve months before.", codes=()):
    areas = [assistance_type(code) for code in codes]
    return services.add_lesson(actor=actor, case=case, title=title, lesson=text, areas=areas)
