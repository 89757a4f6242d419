"""The demo's post-electoral phase: closed cases evaluated, with their lessons learned, through the
services; one closed case waives its evaluation (the one assisted at short notice, for a few weeks)."""

import random

from django.utils import timezone

from requests_app.cases.models import AssistanceRequest
from requests_app.core.types import User
from requests_app.evaluation import services

WORKED = [
    "Voter registration started a year before election day: the register was published on time "
    "and the claims period was respected.",
    "The basket fund brought the donors behind one budget; the electoral commission dealt with one partner.",
    "Training of trainers reached every district; poll workers knew the counting procedures.",
    "The electoral dispute resolution body decided every complaint within the legal deadlines.",
]
DID_NOT_WORK = [
    "Results transmission equipment arrived six weeks late and could not be tested in the field.",
    "Civic education materials were printed in the official language only; turnout of first-time voters fell.",
    "The procurement of ballot papers was re-tendered twice, compressing the logistics calendar.",
    "Women's participation as candidates stayed below the target despite the quota in the law.",
]
RECOMMENDATIONS = [
    "Procure and test the results system at least nine months before election day.",
    "Budget civic education in the main national languages from the first project document.",
    "Agree the procurement plan with the electoral commission before the decision letter is sent.",
    "Pair the next needs assessment with a gender analysis of the candidate lists.",
]
EVALUATORS = [
    "The Division with the UNDP country office",
    "Joint lessons-learned workshop with the electoral commission",
    "Independent evaluator commissioned by the project board",
]
LESSONS = [
    (
        "Register voters a year ahead",
        "Where registration started twelve months before election day, the register "
        "was published on time; where it started at six months, the claims period was cut short.",
    ),
    (
        "Test the results system in the field",
        "A results system that was not tested in a mock election failed on "
        "election night in two provinces; a field test two months ahead would have shown it.",
    ),
    (
        "One budget, one partner",
        "A basket fund managed by UNDP spared the electoral commission reporting to "
        "seven donors separately: agree it before the first pledges arrive.",
    ),
    (
        "Print in the voters' languages",
        "Voter education in the official language only missed rural first-time "
        "voters; translation costs little against what is lost.",
    ),
    (
        "Women's participation needs more than a quota",
        "A legal quota without placement rules on the lists left "
        "women at the bottom of them; advise on placement rules at the legal framework stage.",
    ),
    (
        "Train poll workers twice",
        "A second, practical session on counting halved the number of results sheets sent back for correction.",
    ),
]
WAIVER = (
    "Assistance at short notice, for the last weeks before election day only; the electoral commission's own "
    "post-election review, shared with the Division, stands for the evaluation."
)


def before_closing(*, rng: random.Random, case: AssistanceRequest, officer: User, waive: bool) -> str:
    """Evaluate the case and draw its lessons (returns ""), or return the reason the closing waives it."""
    if waive:
        return WAIVER
    services.record_evaluation(
        actor=officer,
        case=case,
        what_worked=rng.choice(WORKED),
        what_did_not_work=rng.choice(DID_NOT_WORK),
        recommendations=rng.choice(RECOMMENDATIONS),
        evaluated_on=timezone.localdate(),
        evaluated_by=rng.choice(EVALUATORS),
    )
    areas = list(case.requested_types.filter(requires_mandate=False))
    for title, text in rng.sample(LESSONS, rng.choice([1, 2, 2, 3])):
        services.add_lesson(
            actor=officer, case=case, title=title, lesson=text, areas=rng.sample(areas, min(len(areas), 2))
        )
    return ""
