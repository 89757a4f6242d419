"""Demo countries with several engagements (issue 13): three countries, each with cases over
several elections and years, with their decisions, experts deployed and partner contributions.

Each case is played through the services on its own past dates, as the other demo cases are
(``DemoSeeder``); the experts are deployed and the partners' contributions recorded while the case
is in implementation, at that time, through the roster's and the partners' services. Runs after the
roster and the partners are seeded (it needs their experts and partners); running it again adds
nothing. Liberia is also the country the benchmarks' country file reads (demo/country_file.py).
"""

import random
from datetime import timedelta
from decimal import Decimal
from typing import TypedDict

from django.db import transaction
from django.utils import timezone

from requests_app.cases.choices import DecisionOutcome, Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.core.errors import ActionRefused
from requests_app.demo.cases import DemoSeeder
from requests_app.demo.planning import CasePlanner
from requests_app.demo.scenarios import Scenario, Step
from requests_app.demo.vocabulary import MISSION, SC
from requests_app.partners import services as partner_services
from requests_app.partners.models import Partner, PartnerContribution
from requests_app.reference.models import MemberState
from requests_app.roster import services as roster_services
from requests_app.roster.models import Expert

Kind = PartnerContribution.Kind


# Per country: who works its cases (a member of its desk), the experts and partners it draws on, and
# its cases from the oldest: each ended case a few years after the one before, the last one open.
class Engagement(TypedDict):
    officer: str
    experts: list[tuple[str, str]]
    partners: list[str]
    cases: list[Scenario]


ENGAGEMENTS: dict[str, Engagement] = {
    "LBR": {
        "officer": "lhaddad",
        "experts": [("Bello", "Civic education adviser"), ("O'Connor", "Training specialist")],
        "partners": ["ECOWAS", "AUC", "EU"],
        "cases": [
            Scenario(Stage.CLOSED, origin=SC, method=MISSION, years_ago=9),
            Scenario(Stage.CLOSED, method=MISSION, years_ago=6),
            Scenario(Stage.CLOSED, outcome=DecisionOutcome.NARROW, years_ago=3),
            Scenario(Stage.IN_IMPLEMENTATION, method=MISSION),
        ],
    },
    "NPL": {
        "officer": "mtanaka",
        "experts": [("Rahman", "Civic education adviser"), ("Sato", "Results management expert")],
        "partners": ["JICA", "International IDEA", "EU"],
        "cases": [
            Scenario(Stage.CLOSED, method=MISSION, years_ago=8),
            Scenario(Stage.WITHDRAWN, withdrawn_from=Stage.NEEDS_ASSESSMENT, method=MISSION, years_ago=5),
            Scenario(Stage.CLOSED, years_ago=2),
            Scenario(Stage.UNDER_REVIEW),
        ],
    },
    "HTI": {
        "officer": "therrera",
        "experts": [("Fernández", "Voter registration expert"), ("Rojas", "Legal adviser")],
        "partners": ["OAS", "IFES", "The Carter Center"],
        "cases": [
            Scenario(Stage.CLOSED, origin=SC, method=MISSION, years_ago=7),
            Scenario(Stage.CLOSED, method=MISSION, years_ago=4),
            Scenario(Stage.REPORTING, method=MISSION),
        ],
    },
}
# After implementation starts: the experts' deployment, then the partners' contributions (days later).
AFTER_IMPLEMENTATION = [("deploy_experts", 3), ("record_contributions", 8)]


class EngagementSeeder(DemoSeeder):
    """The demo's countries with several engagements, each case played as DemoSeeder plays one."""

    def run(self):
        created = skipped = 0
        officers = {user.username: user for user in self.team.officers}
        for iso3, engagement in ENGAGEMENTS.items():
            state = MemberState.objects.get(iso3=iso3)
            self.experts = [(Expert.objects.get(family_name=family), role) for family, role in engagement["experts"]]
            self.partners = list(Partner.objects.filter(acronym__in=engagement["partners"]).order_by("name"))
            self.partners += list(Partner.objects.filter(name__in=engagement["partners"]).order_by("name"))
            for number, scenario in enumerate(engagement["cases"]):
                self.rng = random.Random(f"{self.seed}/engagement/{iso3}/{number}")
                planner = CasePlanner(rng=self.rng, types=self.types, policies=self.policies, now=self.now)
                plan = planner.plan(scenario, state, officers[engagement["officer"]])
                if AssistanceRequest.objects.filter(member_state=state, summary=plan.summary).exists():
                    skipped += 1
                    continue
                _add_steps_after_implementation(plan, self.now)
                with transaction.atomic():
                    self._play(plan)
                created += 1
        return created, skipped

    def _deploy_experts(self, plan, case):
        """Experts of the roster for the first months of implementation."""
        today = timezone.localdate()  # the day the clock stands at: implementation has just started
        for number, (expert, role) in enumerate(self.experts):
            starts_on = today + timedelta(days=7 + 14 * number)
            try:
                roster_services.deploy_expert(
                    actor=plan.officer,
                    case=case,
                    expert=expert,
                    role=role,
                    starts_on=starts_on,
                    ends_on=starts_on + timedelta(days=self.rng.choice([45, 60, 90])),
                )
            except ActionRefused:
                continue  # e.g. the expert is booked then: the demo goes on without
        return case

    def _record_contributions(self, plan, case):
        """Observers from one partner, funds from another."""
        observers, funds = self.partners[0], self.partners[-1]
        partner_services.record_contribution(
            actor=plan.officer,
            case=case,
            partner=observers,
            kind=Kind.OBSERVERS,
            people=self.rng.choice([12, 20, 40]),
            description=f"Observers from {observers.acronym or observers.name} for election day.",
        )
        partner_services.record_contribution(
            actor=plan.officer,
            case=case,
            partner=funds,
            kind=Kind.FUNDS,
            amount=Decimal(self.rng.choice([150, 250, 400])) * 1000,
            currency="USD",
            description="To the UNDP basket fund for the electoral cycle.",
        )
        return case


def _add_steps_after_implementation(plan, now):
    """The engagement's own steps, played between the start of implementation and the next step."""
    names = [step.name for step in plan.steps]
    if "start_implementation" not in names:
        return
    at = names.index("start_implementation")
    started = plan.times[at]
    following = plan.times[at + 1] if at + 1 < len(plan.times) else now
    for offset, (name, days) in enumerate(AFTER_IMPLEMENTATION, start=1):
        moment = min(started + timedelta(days=days), following - timedelta(minutes=10 * (3 - offset)))
        plan.steps.insert(at + offset, Step(name, days, False))
        plan.times.insert(at + offset, max(moment, started + timedelta(minutes=offset)))


def seed_engagements(*, seed, team, now, stdout):
    created, skipped = EngagementSeeder(seed=seed, team=team, now=now, stdout=stdout).run()
    countries = ", ".join(MemberState.objects.filter(iso3__in=ENGAGEMENTS).values_list("name", flat=True))
    message = f"Countries with several engagements ({countries}): {created} cases created"
    stdout.write(message + (f", {skipped} already there." if skipped else "."))
