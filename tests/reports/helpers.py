"""The briefing's quarter, its hand count, and who reads it: what the report tests share.

The history (tests/reports/conftest.py) is made through the services, the clock moved by
time-machine, so the events are those the application writes. The period is the first quarter of 2026.
"""

import datetime

from django.contrib.auth.models import Group
from django.urls import reverse

from requests_app.cases import services
from requests_app.cases.choices import AssessmentMethod, DecisionOutcome
from requests_app.core import roles
from requests_app.reports.briefing import Figures
from tests.factories import (
    UserFactory,
    amend_params,
    assist_params,
    assistance_type,
    attach_mission_report,
    complete_assessment,
    new_request,
)
from tests.factories_evaluation import evaluated

UTC = datetime.UTC
START, END = datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)
PAGE = reverse("workspace:briefing")
QUERY = "?from=2026-01-01&to=2026-03-31"


def day(text):
    return datetime.date.fromisoformat(text)


def F(received=0, assisted=0, narrowed=0, deferred=0, declined=0, withdrawn=0, pending=0):
    return Figures(received, assisted, narrowed, deferred, declined, withdrawn, pending)


# The history ----------------------------------------------------------------------------------


class Story:
    """Moves cases through the services at given moments."""

    def __init__(self, time_machine, actor):
        self.time_machine = time_machine
        self.actor = actor

    def at(self, when, hour=10, minute=0):
        moment = datetime.datetime.combine(day(when), datetime.time(hour, minute), tzinfo=UTC)
        self.time_machine.move_to(moment, tick=False)

    def register(self, when, state, **fields):
        self.at(when, *fields.pop("time", ()))
        return new_request(state=state, **fields)

    def ready(self, case, when):
        """Reviewed (unless a mandate), assessed and submitted for decision on the day ``when``."""
        self.at(when)
        if not case.is_mandate:
            case = services.start_review(actor=self.actor, case=case)
        case = services.recommend(
            actor=self.actor, case=case, method=AssessmentMethod.DESK_REVIEW, comment="The request is in order."
        )
        case = services.start_assessment(actor=self.actor, case=case, method=AssessmentMethod.DESK_REVIEW)
        complete_assessment(case)
        return services.submit_assessment(actor=self.actor, case=case)

    def decide(self, case, when, outcome=DecisionOutcome.ASSIST, types=("voter-registration",), **fields):
        self.at(when)
        if outcome in (DecisionOutcome.ASSIST, DecisionOutcome.NARROW):
            params = assist_params(
                outcome=outcome, assistance_types=[assistance_type(code) for code in types], **fields
            )
        else:
            params = {"outcome": outcome, **fields}
        return services.record_decision(actor=self.actor, case=case, **params)

    def amend(self, case, when, types, **fields):
        """A new version of the decision to assist, with these types (and its period, unless given)."""
        self.at(when)
        params = amend_params(assistance_types=[assistance_type(code) for code in types], **fields)
        return services.amend_decision(actor=self.actor, case=case, **params)

    def defer(self, case, when, until):
        return self.decide(case, when, DecisionOutcome.DEFER, reason="Elections postponed.", revisit_on=day(until))

    def implement(self, case, when, modality):
        self.at(when)
        return services.start_implementation(
            actor=self.actor, case=case, modality=modality, ends_on=day(when) + datetime.timedelta(days=120)
        )

    def close(self, case, when):
        self.at(when)
        case = services.start_reporting(actor=self.actor, case=case)
        attach_mission_report(case, actor=self.actor)
        return services.close_case(actor=self.actor, case=evaluated(case))

    def withdraw(self, case, when):
        self.at(when)
        return services.withdraw(actor=self.actor, case=case, comment="Note verbale withdrawing the request.")

    def decline_at_review(self, case, when):
        self.at(when)
        case = services.start_review(actor=self.actor, case=case)
        return services.decline_request(actor=self.actor, case=case, comment="Signed by a political party.")


EXPECTED_STATES = {
    "CIV": F(received=2, assisted=1, narrowed=1),
    "GHA": F(received=1, withdrawn=1, pending=1),
    "KEN": F(assisted=1),
    "NPL": F(deferred=1, pending=1),
    "PER": F(received=2, withdrawn=1, pending=1),
    "TUR": F(received=2, declined=2),
    "UKR": F(pending=1),
}
EXPECTED_REGIONS = {
    "AFRICAN": F(received=3, assisted=2, narrowed=1, withdrawn=1, pending=1),
    "ASIA_PACIFIC": F(deferred=1, pending=1),
    "EASTERN_EUROPEAN": F(pending=1),
    "LATIN_AMERICAN_CARIBBEAN": F(received=2, withdrawn=1, pending=1),
    "WESTERN_EUROPEAN_OTHERS": F(received=2, declined=2),
}
EXPECTED_TOTALS = F(received=7, assisted=2, narrowed=1, deferred=1, declined=2, withdrawn=2, pending=4)


# (requests assisted, Member States, per regional group)
EXPECTED_TYPES = {
    "voter-registration": (1, 1, {"AFRICAN": 1}),
    "voting-counting": (1, 1, {"AFRICAN": 1}),
    "results-management": (1, 1, {"AFRICAN": 1}),
    "training": (1, 1, {"AFRICAN": 1}),
}


# (name, decisions to assist in the quarter, assistance under way, types decided in the quarter)
EXPECTED_ASSISTED = [
    ("Côte d'Ivoire", 2, 2, ["Voter registration", "Voting and counting operations", "Results management"]),
    ("Ghana", 0, 1, []),
    ("Kenya", 1, 1, ["Training"]),
]


def focal_point():
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=roles.FOCAL_POINT))
    return user
