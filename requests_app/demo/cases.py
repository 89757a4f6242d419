"""Demo cases made through the services, with the clock moved back."""

import random
from datetime import timedelta

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from requests_app.cases import services
from requests_app.cases.choices import (
    AuthorityType,
    DecisionOutcome,
    ElectionType,
    ElectoralPhase,
    ImplementationModality,
    Origin,
    Stage,
)
from requests_app.cases.models import (
    AssistanceRequest,
    Election,
    NeedsAssessment,
)
from requests_app.cases.workflow import is_short_notice
from requests_app.deadlines import services as deadlines
from requests_app.deadlines.models import DeadlineReason
from requests_app.demo.documents import demo_pdf
from requests_app.demo.scenarios import ORDER, SCENARIOS, DemoPlan, Step
from requests_app.demo.vocabulary import (
    CAPACITIES,
    CIVIL_SOCIETY,
    COMMON_TYPES,
    CONTEXTS,
    DECLINE_REASONS,
    ELECTION_WEIGHTS,
    ELECTION_WORDS,
    ELECTORAL_BODIES,
    EMB,
    GA,
    GOVERNMENT_AUTHORITIES,
    INELIGIBLE_REASONS,
    JUSTIFICATIONS,
    MISSION,
    NARROW_SCOPES,
    OTHER,
    PARTIES,
    RECOMMENDATIONS,
    REGION_WEIGHTS,
    RISKS,
    SC,
    TYPE_WORDS,
    WITHDRAWALS,
    WOMEN,
    _at_work,
    _join,
    _mandate_symbol,
    _weighted,
)
from requests_app.documents import services as document_services
from requests_app.documents.models import DocumentKind
from requests_app.reference.models import AssistanceType, MemberState


class DemoSeeder:
    """About forty cases, each played through the services on its own past dates."""

    def __init__(self, *, seed, team, now, stdout):
        self.seed = seed
        self.rng = random.Random(seed)
        self.team = team
        self.now = now
        self.stdout = stdout
        self.types = {t.code: t for t in AssistanceType.objects.all()}
        self.policies = deadlines.policies()

    def run(self):
        states = self._states(len(SCENARIOS))
        created = skipped = 0
        for number, (scenario, state) in enumerate(zip(SCENARIOS, states, strict=True)):
            # Each case draws from its own generator: skipping one leaves the others as they were.
            self.rng = random.Random(f"{self.seed}/{number}")
            plan = self._plan(scenario, state, self.team.officers[number % len(self.team.officers)])
            # A demo case is known by its state and summary, so running the command again adds nothing.
            if AssistanceRequest.objects.filter(member_state=state, summary=plan.summary).exists():
                skipped += 1
                continue
            with transaction.atomic():
                self._play(plan)
            created += 1
        return created, skipped

    # Planning

    def _states(self, count):
        """Different Member States, drawn by region the way requests arrive."""
        states = list(MemberState.objects.order_by("iso3"))
        weights = [
            REGION_WEIGHTS[s.regional_group] / sum(1 for o in states if o.regional_group == s.regional_group)
            for s in states
        ]
        chosen = []
        while len(chosen) < count:
            state = self.rng.choices(states, weights)[0]
            if state not in chosen:
                chosen.append(state)
        return chosen

    def _plan(self, scenario, state, officer):
        rng = self.rng
        origin = scenario.origin
        if scenario.signatory == AuthorityType.CIVIL_SOCIETY:
            authority_type, requesting_authority = (
                AuthorityType.CIVIL_SOCIETY,
                f"Coordinator, {rng.choice(CIVIL_SOCIETY)}",
            )
        elif origin == OTHER:
            authority_type, requesting_authority = (
                AuthorityType.POLITICAL_PARTY,
                f"Secretary-General, {rng.choice(PARTIES)}",
            )
        elif origin == EMB:
            authority_type, requesting_authority = (
                AuthorityType.ELECTORAL_BODY,
                f"Chairperson, {rng.choice(ELECTORAL_BODIES)}",
            )
        elif origin in Origin.mandates():
            authority_type = AuthorityType.UN_ORGAN
            requesting_authority = "Security Council" if origin == SC else "General Assembly"
        else:
            population, cumulative = _weighted([((a, text), w) for a, text, w in GOVERNMENT_AUTHORITIES])
            authority_type, requesting_authority = rng.choices(population, cum_weights=cumulative)[0]
        if origin == SC:
            codes = ["logistics", "electoral-security", "results-management"]
        elif origin == GA:
            codes = ["supervision", "civic-education"]
        elif authority_type in AuthorityType.never_eligible():
            codes = ["international-observers", "national-observers"]
        else:
            population, cumulative = _weighted(COMMON_TYPES)
            codes = []
            while len(codes) < rng.choice([1, 2, 2, 3]):
                code = rng.choices(population, cum_weights=cumulative)[0]
                if code not in codes:
                    codes.append(code)
        plan = DemoPlan(
            scenario=scenario,
            state=state,
            origin=origin,
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

    def _steps(self, scenario):
        rng = self.rng
        final = scenario.stage
        mandate = scenario.origin in Origin.mandates()
        declined_by_decision = final == Stage.DECLINED and scenario.outcome == DecisionOutcome.DECLINE
        if final == Stage.WITHDRAWN:
            reach = ORDER.index(scenario.withdrawn_from)
        elif final == Stage.DECLINED:
            reach = ORDER.index(Stage.AWAITING_DECISION if declined_by_decision else Stage.UNDER_REVIEW)
        else:
            reach = ORDER.index(final)
        steps = [Step("register", 0, True)]
        if reach >= 1 and not mandate:
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
        if reach >= 4 or declined_by_decision:
            steps.append(Step("decide", rng.uniform(4, 12), True))
        if reach >= 5:
            steps.append(Step("start_implementation", rng.uniform(10, 25), True))
        if reach >= 6:
            steps.append(Step("start_reporting", rng.uniform(90, 200), True))
            if final == Stage.REPORTING and not scenario.overdue:
                steps.append(Step("mission_report", rng.uniform(5, 15), False))
        if reach >= 7:
            steps.append(Step("mission_report", rng.uniform(15, 40), False))
            steps.append(Step("close", rng.uniform(2, 7), True))
        if final == Stage.WITHDRAWN:
            steps.append(Step("withdraw", rng.uniform(5, 30), True))
        if final == Stage.DECLINED and not declined_by_decision:
            steps.append(Step("decline", rng.uniform(3, 10), True))
        return steps

    def _schedule(self, plan):
        """Dates for the steps: the case entered its present stage long enough ago to be due,
        or overdue, or ended a while back."""
        rng, now, scenario = self.rng, self.now, plan.scenario
        steps = plan.steps
        entering = max(i for i, step in enumerate(steps) if step.moves)
        final = scenario.stage
        if final in Stage.ends():
            age = rng.uniform(7, 150) + 365 * scenario.years_ago
        elif final == Stage.IN_IMPLEMENTATION:
            age = rng.uniform(130, 200) if scenario.overdue else rng.uniform(20, 120)
        else:
            days = self._allowed_days(final)
            age = days + rng.uniform(3, 25) if scenario.overdue else days * rng.uniform(0.1, 0.7)
        days_ago = [0.0] * len(steps)
        days_ago[entering] = age
        for i in range(entering - 1, -1, -1):
            days_ago[i] = days_ago[i + 1] + steps[i + 1].gap
        for i in range(entering + 1, len(steps)):
            days_ago[i] = days_ago[i - 1] - min(steps[i].gap, 0.4 * days_ago[i - 1])
        times = []
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
        plan.times = times

    def _allowed_days(self, stage):
        """The longest a stage may take by its policy, counted from the day it was entered."""
        policy = self.policies.get(stage)
        if policy is None:
            return 30
        return max(policy.days, policy.days_if_no_anchor or 0)

    def _dates(self, plan):
        rng, scenario = self.rng, plan.scenario
        when = {step.name: moment.date() for step, moment in zip(plan.steps, plan.times, strict=True)}
        received = plan.times[0].date()
        plan.letter_date = received - timedelta(days=rng.randrange(3, 21))
        if "start_implementation" in when:
            started = when["start_implementation"]
            if "start_reporting" in when:
                plan.ends_on = max(started, when["start_reporting"] - timedelta(days=rng.randrange(0, 5)))
            elif scenario.overdue:
                plan.ends_on = started + timedelta(days=rng.randrange(90, 125))
            else:
                plan.ends_on = self.now.date() + timedelta(days=rng.randrange(30, 200))
            plan.period_end = plan.ends_on
            election_day = started + (plan.ends_on - started) * 6 // 10
        else:
            election_day = received + timedelta(days=rng.randrange(150, 420))
            plan.period_end = election_day + timedelta(days=rng.randrange(60, 120))
        if scenario.short_notice:
            election_day = received + timedelta(days=rng.randrange(75, 110))
        election_day = max(election_day, received + timedelta(days=30))
        if plan.origin == GA:
            kinds = [ElectionType.REFERENDUM]
        elif plan.origin == SC or rng.random() < 0.3:
            kinds = [ElectionType.PRESIDENTIAL, ElectionType.PARLIAMENTARY]
        else:
            population, cumulative = _weighted(ELECTION_WEIGHTS.items())
            kinds = [rng.choices(population, cum_weights=cumulative)[0]]
        plan.elections = [(kind, election_day + timedelta(days=28 * i)) for i, kind in enumerate(kinds)]
        if scenario.defer:
            plan.revisit_on = self.now.date() + timedelta(days=rng.randrange(15, 45))
        if plan.origin in Origin.mandates():
            plan.mandate_symbol = _mandate_symbol(rng, plan.origin, plan.letter_date.year)

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
        elif plan.authority_type == AuthorityType.POLITICAL_PARTY:
            party = plan.requesting_authority.split(", ", 1)[1]
            summary = (
                f"The {party}, an opposition party in {state}, asks the United Nations to observe {elections} "
                f"and to train its polling agents."
            )
        elif plan.authority_type == AuthorityType.CIVIL_SOCIETY:
            body = plan.requesting_authority.split(", ", 1)[1]
            summary = f"The {body} of {state} asks for support to domestic observers during {elections}."
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

    # Playing

    def _play(self, plan):
        case = None
        for step, moment in zip(plan.steps, plan.times, strict=True):
            with time_machine.travel(moment, tick=False):
                case = getattr(self, f"_{step.name}")(plan, case)
        return case

    def _attach(self, case, actor, kind, title, lines, *, final=True, comment=""):
        name = f"{case.reference}-{kind.replace('_', '-')}.pdf"
        heading = f"{case.reference} - {title}"
        upload = SimpleUploadedFile(name, demo_pdf(heading, lines), content_type="application/pdf")
        return document_services.attach_document(
            actor=actor, case=case, kind=kind, upload=upload, is_complete=final, comment=comment
        )

    def _register(self, plan, case):
        case = AssistanceRequest(
            member_state=plan.state,
            origin=plan.origin,
            mandate_symbol=plan.mandate_symbol,
            requesting_authority=plan.requesting_authority,
            authority_type=plan.authority_type,
            letter_date=plan.letter_date,
            received_date=timezone.localdate(),
            summary=plan.summary,
            officer=plan.officer,
        )
        case.full_clean(exclude=["reference"])
        elections = [Election(election_type=kind, planned_date=day) for kind, day in plan.elections]
        case = services.register_request(
            actor=self.team.clerk,
            case=case,
            requested_types=plan.types,
            elections=elections,
            comment=self.rng.choice(
                [
                    "Received through the Permanent Mission.",
                    "Received by the focal point.",
                    "Transmitted by the Resident Coordinator.",
                    "",
                ]
            ),
        )
        signed = f"{plan.requesting_authority}, {plan.state.name}"
        self._attach(
            case,
            plan.officer,
            DocumentKind.REQUEST_LETTER,
            "Request for electoral assistance",
            [f"From: {signed}", f"Dated {plan.letter_date:%d %B %Y}", plan.summary[:90]],
        )
        return case

    def _start_review(self, plan, case):
        case = services.start_review(
            actor=plan.officer, case=case, comment="Acknowledged by letter; eligibility review opened."
        )
        self._attach(
            case,
            plan.officer,
            DocumentKind.ACKNOWLEDGEMENT,
            "Acknowledgement of receipt",
            [f"To: {plan.requesting_authority}", "The request is under review by the Division."],
        )
        return case

    def _accept_emb(self, plan, case):
        return services.accept_emb_request(
            actor=plan.officer,
            case=case,
            comment="The Ministry for Foreign Affairs confirmed by note verbale that the Commission's request "
            "is made on behalf of the Government.",
        )

    def _start_assessment(self, plan, case):
        comment = (
            "Needs assessment mission to be fielded."
            if plan.scenario.method == MISSION
            else "Desk review by the Division, with the Resident Coordinator's office."
        )
        return services.start_assessment(actor=plan.officer, case=case, method=plan.scenario.method, comment=comment)

    def _update_assessment(self, plan, case, **values):
        """What the admin's assessment form does: save it, and keep what changed in the history."""
        assessment = NeedsAssessment.objects.get(case=case)
        changes = {}
        for name, value in values.items():
            old = getattr(assessment, name)
            if old == value:
                continue
            label = f"{NeedsAssessment._meta.verbose_name}: {NeedsAssessment._meta.get_field(name).verbose_name}"
            changes[label] = [self._shown(old), self._shown(value)]
            setattr(assessment, name, value)
        assessment.full_clean()
        assessment.save()
        services.record_details_changed(actor=plan.officer, case=case, changes=changes, action="assessment_updated")
        if changes:
            # As the admin does: the deadline may count from the mission's return or the report.
            deadlines.refresh_due(actor=plan.officer, case=case, reason=DeadlineReason.ASSESSMENT)
        return assessment

    @staticmethod
    def _shown(value):
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return "Yes" if value else "No"
        return str(value)

    def _assessment_progress(self, plan, case):
        today = timezone.localdate()
        self._update_assessment(plan, case, tor_sent_on=today - timedelta(days=4), host_clearance_on=today)
        self._attach(
            case,
            plan.officer,
            DocumentKind.TERMS_OF_REFERENCE,
            "Terms of reference, needs assessment mission",
            ["Composition: two officers of the Division and one UNDP adviser.", "Duration: ten days."],
        )
        return case

    def _assessment_report(self, plan, case):
        rng, today = self.rng, timezone.localdate()
        values = {
            "report_submitted_on": today,
            "adequate_time": not plan.scenario.short_notice,
            "conditions_exist": plan.scenario.outcome != DecisionOutcome.DECLINE,
            "context": rng.choice(CONTEXTS),
            "national_capacity": rng.choice(CAPACITIES),
            "risks": rng.choice(RISKS),
            "womens_participation": rng.choice(WOMEN),
            "recommendations": rng.choice(RECOMMENDATIONS),
        }
        if plan.scenario.short_notice:
            values["adequate_time_notes"] = "Less than four months remain before election day."
        if plan.scenario.outcome == DecisionOutcome.DECLINE:
            values["conditions_notes"] = "The main opposition parties have been excluded from the process."
        if plan.scenario.method == MISSION:
            values.update(deployed_from=today - timedelta(days=14), deployed_until=today - timedelta(days=5))
        self._update_assessment(plan, case, **values)
        self._attach(
            case,
            plan.officer,
            DocumentKind.ASSESSMENT_REPORT,
            "Needs assessment report",
            [values["context"][:95], values["recommendations"][:95]],
        )
        return case

    def _submit_assessment(self, plan, case):
        return services.submit_assessment(
            actor=plan.officer, case=case, comment="Assessment report submitted to the focal point."
        )

    def _decide(self, plan, case):
        focal, today, rng = self.team.focal_point, timezone.localdate(), self.rng
        if plan.scenario.defer and case.stage == Stage.AWAITING_DECISION and plan.revisit_on:
            revisit_on, plan.revisit_on = plan.revisit_on, None
            return services.record_decision(
                actor=focal,
                case=case,
                outcome=DecisionOutcome.DEFER,
                revisit_on=revisit_on,
                reason="The electoral calendar is not yet adopted; to be considered again once it is.",
            )
        outcome = plan.scenario.outcome
        if outcome == DecisionOutcome.DECLINE:
            case = services.record_decision(actor=focal, case=case, outcome=outcome, reason=rng.choice(DECLINE_REASONS))
        else:
            kinds = plan.types[:1] if outcome == DecisionOutcome.NARROW else plan.types
            case = services.record_decision(
                actor=focal,
                case=case,
                outcome=outcome,
                assistance_types=kinds,
                phase=rng.choice([ElectoralPhase.PRE_ELECTORAL, ElectoralPhase.WHOLE_CYCLE, ElectoralPhase.ELECTORAL]),
                period_start=today + timedelta(days=7),
                period_end=max(plan.period_end, today + timedelta(days=30)),
                scope=rng.choice(NARROW_SCOPES) if outcome == DecisionOutcome.NARROW else "",
                short_notice_justification=rng.choice(JUSTIFICATIONS)
                if plan.scenario.short_notice or is_short_notice(case)
                else "",
            )
        self._attach(
            case,
            focal,
            DocumentKind.DECISION_LETTER,
            "Letter on the parameters of assistance",
            [f"To: {plan.requesting_authority}", f"Outcome: {DecisionOutcome(outcome).label}"],
        )
        return case

    def _start_implementation(self, plan, case):
        if plan.origin == SC:
            modality = ImplementationModality.MISSION_COMPONENT
        else:
            modality = self.rng.choice(
                [ImplementationModality.UNDP_PROJECT] * 3 + [ImplementationModality.ROSTER_EXPERTS]
            )
        return services.start_implementation(
            actor=plan.officer, case=case, modality=modality, ends_on=plan.ends_on, comment="Project document signed."
        )

    def _start_reporting(self, plan, case):
        return services.start_reporting(
            actor=plan.officer, case=case, comment="Implementation ended; the mission report is being drafted."
        )

    def _mission_report(self, plan, case):
        final = plan.scenario.stage == Stage.CLOSED
        self._attach(
            case,
            plan.officer,
            DocumentKind.MISSION_REPORT,
            "Mission report",
            ["Results of the assistance, lessons learned and recommendations."],
            final=final,
            comment="" if final else "Draft for comments.",
        )
        return case

    def _close(self, plan, case):
        return services.close_case(actor=self.team.focal_point, case=case, comment="Mission report filed.")

    def _withdraw(self, plan, case):
        return services.withdraw(actor=plan.officer, case=case, comment=self.rng.choice(WITHDRAWALS))

    def _decline(self, plan, case):
        reason = INELIGIBLE_REASONS.get(
            plan.authority_type, "The request does not come from an organ able to bind the State."
        )
        return services.decline_request(actor=self.team.focal_point, case=case, comment=reason)
