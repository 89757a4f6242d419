"""How a demo case will go: who asked, for what, its steps and their dates, and its words.

``DemoSeeder`` (demo/cases.py) then plays the plan through the services. Each case draws from
its own generator, in a fixed order: a seed gives the same cases every time.
"""

from datetime import datetime, timedelta

from requests_app.cases.choices import AuthorityType, DecisionOutcome, ElectionType, Stage
from requests_app.demo.scenarios import ORDER, DemoPlan, Step
from requests_app.demo.vocabulary import (
    COMMON_TYPES,
    ELECTION_WEIGHTS,
    ELECTION_WORDS,
    ELECTORAL_BODIES,
    EMB,
    GA,
    GOVERNMENT_AUTHORITIES,
    MANDATED,
    MISSION,
    SC,
    TYPE_WORDS,
    _at_work,
    _join,
    _mandate_symbol,
    _weighted,
)


class CasePlanner:
    """The plan of one demo case, drawn from ``rng``."""

    def __init__(self, *, rng, types, policies, now):
        self.rng = rng
        self.types = types
        self.policies = policies
        self.now = now

    def plan(self, scenario, state, officer):
        authority_type, requesting_authority = self._requester(scenario)
        codes = self._requested_codes(scenario.origin, authority_type)
        plan = DemoPlan(
            scenario=scenario,
            state=state,
            origin=scenario.origin,
            authority_type=authority_type,
            requesting_authority=requesting_authority,
            mandate_symbol="",
            types=[self.types[c] for c in codes],
            officer=officer,
            steps=self._steps(scenario),
        )
        self._schedule(plan)
        self._dates(plan)
        self._words(plan)
        return plan

    def _requester(self, scenario):
        """(authority type, requesting authority): who signed the request, or the mandating organ."""
        rng, origin = self.rng, scenario.origin
        if origin == EMB:
            return AuthorityType.ELECTORAL_BODY, f"Chairperson, {rng.choice(ELECTORAL_BODIES)}"
        if origin in MANDATED:
            return "", ""  # a mandate alone: nobody requested
        population, cumulative = _weighted([((a, text), w) for a, text, w in GOVERNMENT_AUTHORITIES])
        return rng.choices(population, cum_weights=cumulative)[0]

    def _requested_codes(self, origin, authority_type):
        """The codes of the types of assistance asked for."""
        if origin == SC:
            return ["voting-counting", "electoral-security", "results-management"]
        if origin == GA:
            return ["supervision", "civic-education"]
        rng = self.rng
        population, cumulative = _weighted(COMMON_TYPES)
        codes: list[str] = []
        while len(codes) < rng.choice([1, 2, 2, 3]):
            code = rng.choices(population, cum_weights=cumulative)[0]
            if code not in codes:
                codes.append(code)
        return codes

    def _steps(self, scenario):
        """The steps that take the case to its scenario's stage, each with its gap in days."""
        final = scenario.stage
        declined_by_decision = final == Stage.DECLINED and scenario.outcome == DecisionOutcome.DECLINE
        if final == Stage.WITHDRAWN:
            reach = ORDER.index(scenario.withdrawn_from)
        elif final == Stage.DECLINED:
            reach = ORDER.index(Stage.AWAITING_DECISION if declined_by_decision else Stage.UNDER_REVIEW)
        else:
            reach = ORDER.index(final)
        steps = [Step("register", 0, True)]
        steps += self._review_and_assessment_steps(scenario, reach)
        steps += self._decision_and_later_steps(scenario, reach, declined_by_decision)
        rng = self.rng
        if final == Stage.WITHDRAWN:
            steps.append(Step("withdraw", rng.uniform(5, 30), True))
        if final == Stage.DECLINED and not declined_by_decision:
            steps.append(Step("decline", rng.uniform(3, 10), True))
        return steps

    def _review_and_assessment_steps(self, scenario, reach):
        """Up to the submitted assessment (``reach``: how far along the main road the case goes)."""
        rng, steps = self.rng, []
        if reach >= 1 and scenario.origin not in MANDATED:
            steps.append(Step("start_review", rng.uniform(1, 5), True))
        if scenario.origin == EMB and scenario.emb_accepted and reach >= 1:
            steps.append(Step("accept_emb", rng.uniform(3, 8), False))
        if reach >= 2:
            steps.append(Step("start_assessment", rng.uniform(4, 10), True))
            if scenario.method == MISSION:
                steps.append(Step("assessment_progress", rng.uniform(6, 12), False))
        if reach >= 3:
            gap = rng.uniform(28, 38) if scenario.method == MISSION else rng.uniform(10, 20)
            steps.append(Step("assessment_report", gap, False))
            steps.append(Step("submit_assessment", rng.uniform(1, 3), True))
            if scenario.defer:
                steps.append(Step("decide", rng.uniform(5, 9), False))
        return steps

    def _decision_and_later_steps(self, scenario, reach, declined_by_decision):
        """From the decision to the case's close."""
        rng, steps = self.rng, []
        if reach >= 4 or declined_by_decision:
            steps.append(Step("decide", rng.uniform(4, 12), True))
        if reach >= 5:
            steps.append(Step("start_implementation", rng.uniform(10, 25), True))
        if reach >= 6:
            steps.append(Step("start_reporting", rng.uniform(90, 200), True))
            if scenario.stage == Stage.REPORTING and not scenario.overdue:
                steps.append(Step("mission_report", rng.uniform(5, 15), False))
        if reach >= 7:
            steps.append(Step("mission_report", rng.uniform(15, 40), False))
            steps.append(Step("close", rng.uniform(2, 7), True))
        return steps

    def _schedule(self, plan):
        """Dates for the steps: the case entered its present stage long enough ago to be due,
        or overdue, or ended a while back."""
        steps = plan.steps
        entering = max(i for i, step in enumerate(steps) if step.moves)
        days_ago = [0.0] * len(steps)
        days_ago[entering] = self._age(plan.scenario)
        for i in range(entering - 1, -1, -1):
            days_ago[i] = days_ago[i + 1] + steps[i + 1].gap
        for i in range(entering + 1, len(steps)):
            days_ago[i] = days_ago[i - 1] - min(steps[i].gap, 0.4 * days_ago[i - 1])
        plan.times = self._moments(days_ago)

    def _age(self, scenario):
        """How many days ago the case entered its present stage."""
        rng, final = self.rng, scenario.stage
        if final in Stage.ends():
            return rng.uniform(7, 150) + 365 * scenario.years_ago
        if final == Stage.IN_IMPLEMENTATION:
            return rng.uniform(130, 200) if scenario.overdue else rng.uniform(20, 120)
        days = self._allowed_days(final)
        return days + rng.uniform(3, 25) if scenario.overdue else days * rng.uniform(0.1, 0.7)

    def _moments(self, days_ago):
        """The steps' moments, in office hours, one after the other, none after the present."""
        rng, now = self.rng, self.now
        times: list[datetime] = []
        for ago in days_ago:
            moment = _at_work(now - timedelta(days=ago), rng)
            if times and moment <= times[-1]:
                moment = times[-1] + timedelta(minutes=rng.randrange(5, 40))
            times.append(moment)
        # Office hours may have put today's steps after the present moment.
        latest = now - timedelta(minutes=1)
        for i in range(len(times) - 1, -1, -1):
            if times[i] > latest:
                times[i] = latest
            latest = times[i] - timedelta(minutes=1)
        return times

    def _allowed_days(self, stage):
        """The longest a stage may take by its policy, counted from the day it was entered."""
        policy = self.policies.get(stage)
        if policy is None:
            return 30
        return max(policy.days, policy.days_if_no_anchor or 0)

    def _dates(self, plan):
        rng, scenario = self.rng, plan.scenario
        received = plan.times[0].date()
        plan.letter_date = received - timedelta(days=rng.randrange(3, 21))
        election_day = self._implementation_period(plan)
        if scenario.short_notice:
            election_day = received + timedelta(days=rng.randrange(75, 110))
        election_day = max(election_day, received + timedelta(days=30))
        kinds = self._election_kinds(plan)
        plan.elections = [(kind, election_day + timedelta(days=28 * i)) for i, kind in enumerate(kinds)]
        if scenario.defer:
            plan.revisit_on = self.now.date() + timedelta(days=rng.randrange(15, 45))
        if plan.origin in MANDATED:
            plan.mandate_symbol = _mandate_symbol(rng, plan.origin, plan.letter_date.year)

    def _implementation_period(self, plan):
        """Sets the plan's implementation period (its end, the end of the period it covers); returns
        the election day it works towards, within the implementation or some months after receipt."""
        rng = self.rng
        when = {step.name: moment.date() for step, moment in zip(plan.steps, plan.times, strict=True)}
        if "start_implementation" not in when:
            election_day = plan.times[0].date() + timedelta(days=rng.randrange(150, 420))
            plan.period_end = election_day + timedelta(days=rng.randrange(60, 120))
            return election_day
        started = when["start_implementation"]
        if "start_reporting" in when:
            plan.ends_on = max(started, when["start_reporting"] - timedelta(days=rng.randrange(0, 5)))
        elif plan.scenario.overdue:
            plan.ends_on = started + timedelta(days=rng.randrange(90, 125))
        else:
            plan.ends_on = self.now.date() + timedelta(days=rng.randrange(30, 200))
        plan.period_end = plan.ends_on
        return started + (plan.ends_on - started) * 6 // 10

    def _election_kinds(self, plan):
        """A referendum for the General Assembly; two elections for the Security Council, or sometimes."""
        rng = self.rng
        if plan.origin == GA:
            return [ElectionType.REFERENDUM]
        if plan.origin == SC or rng.random() < 0.3:
            return [ElectionType.PRESIDENTIAL, ElectionType.PARLIAMENTARY]
        population, cumulative = _weighted(ELECTION_WEIGHTS.items())
        return [rng.choices(population, cum_weights=cumulative)[0]]

    def _words(self, plan):
        rng = self.rng
        elections = "the " + _join(ELECTION_WORDS[kind] for kind, _day in plan.elections)
        types = _join(TYPE_WORDS.get(t.code, t.name.lower()) for t in plan.types)
        state = plan.state.name
        if plan.origin == SC:
            summary = (
                f"Security Council resolution {plan.mandate_symbol} asks the Secretary-General to support the "
                f"national authorities of {state} with {types} for {elections}."
            )
        elif plan.origin == GA:
            summary = (
                f"General Assembly resolution {plan.mandate_symbol} requests the supervision of {elections} "
                f"in {state}, with {types}."
            )
        elif plan.origin == EMB:
            body = plan.requesting_authority.split(", ", 1)[1]
            summary = (
                f"The {body} of {state} asks for {types} for {elections}; "
                f"the Government has been asked to confirm the request."
            )
        else:
            summary = rng.choice(
                [
                    f"The {plan.requesting_authority} of {state} asks for {types} ahead of {elections}.",
                    f"{state} requests {types} in preparation for {elections}, and advice on the electoral calendar.",
                    f"Follow-up to earlier assistance: the Government of {state} asks for {types} for {elections}.",
                    f"The Government of {state} requests {types} for {elections} and a needs assessment at the "
                    f"earliest convenience.",
                ]
            )
        plan.summary = summary
