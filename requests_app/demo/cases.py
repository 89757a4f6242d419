"""Demo cases made through the services, with the clock moved back."""

import random
from datetime import timedelta

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from requests_app.cases import recommendations, services
from requests_app.cases.choices import (
    DecisionOutcome,
    ElectoralPhase,
    ImplementationModality,
    Stage,
)
from requests_app.cases.models import (
    AssistanceRequest,
    Election,
    NeedsAssessment,
)
from requests_app.cases.workflow import latest_recommendation, short_notice_rule_applies
from requests_app.deadlines import services as deadlines
from requests_app.deadlines.models import DeadlineReason
from requests_app.demo import evaluation as demo_evaluation
from requests_app.demo.documents import demo_pdf
from requests_app.demo.mandates import record_scenario_mandate
from requests_app.demo.planning import CasePlanner
from requests_app.demo.scenarios import SCENARIOS
from requests_app.demo.vocabulary import (
    CAPACITIES,
    CONTEXTS,
    DECLINE_REASONS,
    GROUNDS_TO_RECOMMEND,
    INELIGIBLE_REASONS,
    JUSTIFICATIONS,
    MANDATED,
    MISSION,
    NARROW_SCOPES,
    RECOMMENDATIONS,
    REGION_WEIGHTS,
    RISKS,
    SC,
    WITHDRAWALS,
    WOMEN,
)
from requests_app.documents import services as document_services
from requests_app.documents.models import DocumentKind
from requests_app.reference.models import AssistanceType, CountryStatus, MemberState


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
            planner = CasePlanner(rng=self.rng, types=self.types, policies=self.policies, now=self.now)
            plan = planner.plan(scenario, state, self.team.officers[number % len(self.team.officers)])
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
        """Different Member States, drawn by region the way requests arrive (territories: demo.territories)."""
        states = list(MemberState.objects.filter(status=CountryStatus.MEMBER_STATE).order_by("iso3"))
        weights = [
            REGION_WEIGHTS[s.regional_group] / sum(1 for o in states if o.regional_group == s.regional_group)
            for s in states
        ]
        chosen: list[MemberState] = []
        while len(chosen) < count:
            state = self.rng.choices(states, weights)[0]
            if state not in chosen:
                chosen.append(state)
        return chosen

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
        mandated = plan.origin in MANDATED
        case = AssistanceRequest(
            member_state=plan.state,
            origin="" if mandated else plan.origin,
            requesting_authority=plan.requesting_authority,
            authority_type=plan.authority_type,
            letter_date=None if mandated else plan.letter_date,
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
            mandates=[record_scenario_mandate(plan, self.team.clerk)] if mandated else [],
            comment=self.rng.choice(
                [
                    "Received through the Permanent Mission.",
                    "Received by the focal point.",
                    "Transmitted by the Resident Coordinator.",
                    "",
                ]
            ),
        )
        if mandated:
            lines = [f"Resolution {plan.mandate_symbol}", f"Adopted {plan.letter_date:%d %B %Y}", plan.summary[:90]]
            self._attach(case, plan.officer, DocumentKind.OTHER, "Mandate", lines)
            return case
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

    def _recommend(self, plan, case):
        """The officer recommends; the focal point decides (README, "Roles")."""
        if latest_recommendation(case) is not None:
            return case
        return services.recommend(
            actor=plan.officer,
            case=case,
            accept_emb_request=True if recommendations.asks_acceptance(case) else None,
            method=plan.scenario.method,
            # Drawn apart from the case's own generator, so that the rest of the case stays as it was.
            comment=random.Random(case.reference).choice(GROUNDS_TO_RECOMMEND),
        )

    def _accept_emb(self, plan, case):
        case = self._recommend(plan, case)
        return services.accept_emb_request(
            actor=self.team.focal_point,
            case=case,
            comment="The Ministry for Foreign Affairs confirmed by note verbale that the Commission's request "
            "is made on behalf of the Government.",
        )

    def _start_assessment(self, plan, case):
        case = self._recommend(plan, case)
        comment = (
            "Needs assessment mission to be fielded."
            if plan.scenario.method == MISSION
            else "Desk review by the Division, with the Resident Coordinator's office."
        )
        return services.start_assessment(
            actor=self.team.focal_point, case=case, method=plan.scenario.method, comment=comment
        )

    def _update_assessment(self, plan, case, **values):
        """What the admin's assessment form does: save it, and keep what changed in the history."""
        assessment = NeedsAssessment.objects.get(case=case)
        changes = {}
        for name, value in values.items():
            old = getattr(assessment, name)
            if old == value:
                continue
            label = f"{NeedsAssessment._meta.verbose_name}: {NeedsAssessment.field_label(name)}"
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
            phase = rng.choice([ElectoralPhase.PRE_ELECTORAL, ElectoralPhase.WHOLE_CYCLE, ElectoralPhase.ELECTORAL])
            case = services.record_decision(
                actor=focal,
                case=case,
                outcome=outcome,
                assistance_types=kinds,
                phase=phase,
                period_start=today + timedelta(days=7),
                period_end=max(plan.period_end, today + timedelta(days=30)),
                scope=rng.choice(NARROW_SCOPES) if outcome == DecisionOutcome.NARROW else "",
                short_notice_justification=rng.choice(JUSTIFICATIONS)
                if plan.scenario.short_notice or short_notice_rule_applies(case, phase)
                else "",
            )
        self._attach(
            case,
            focal,
            DocumentKind.DECISION_LETTER,
            "Letter on the parameters of assistance",
            [
                f"To: {plan.requesting_authority or 'the Permanent Mission'}",
                f"Outcome: {DecisionOutcome(outcome).label}",
            ],
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
        waiver = demo_evaluation.before_closing(
            rng=self.rng, case=case, officer=plan.officer, waive=plan.scenario.short_notice
        )
        return services.close_case(
            actor=self.team.focal_point, case=case, comment="Mission report filed.", evaluation_waiver=waiver
        )

    def _withdraw(self, plan, case):
        return services.withdraw(actor=plan.officer, case=case, comment=self.rng.choice(WITHDRAWALS))

    def _decline(self, plan, case):
        reason = INELIGIBLE_REASONS.get(
            plan.authority_type, "The request does not come from an organ able to bind the State."
        )
        return services.decline_request(actor=self.team.focal_point, case=case, comment=reason)
