"""One benchmark case, simulated from its registration to the present moment.

The rows it makes are written in bulk by ``BulkSeeder`` (demo/bulk.py). Each step draws from
the seeder's generator in a fixed order, so a seed gives the same cases every time.
"""

import contextlib
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from requests_app.cases.choices import (
    AuthorityType,
    DecisionOutcome,
    ElectionType,
    ElectoralPhase,
    ImplementationModality,
    Origin,
    Stage,
)
from requests_app.deadlines import services as deadlines
from requests_app.demo.inserts import _Now
from requests_app.demo.vocabulary import (
    CAPACITIES,
    CONTEXTS,
    DECLINE_REASONS,
    DESK,
    ELECTION_WORDS,
    ELECTORAL_BODIES,
    INELIGIBLE_REASONS,
    JUSTIFICATIONS,
    MANDATED,
    MISSION,
    NARROW_SCOPES,
    RECOMMENDATIONS,
    RISKS,
    SC,
    TYPE_WORDS,
    WITHDRAWALS,
    WOMEN,
    _join,
    _mandate_symbol,
    _pick,
)
from requests_app.documents.models import DocumentKind

SHARED_REPORT_NAME = "cases/bulk/mission-report.pdf"


def simulate_case(seeder, registered_at, reference, state=None):
    """The rows of one case registered at ``registered_at``: the case, its elections and requested
    types, and what the case went through (assessment, decision, mission report, events) until now.
    ``state``: the case's country, else drawn by region."""
    rng = seeder.rng
    origin = _pick(rng, seeder.origins, seeder.origin_weights)
    drawn = _pick(rng, seeder.states, seeder.state_weights)  # drawn anyway: a seed gives the same other cases
    state = state or drawn
    received = timezone.localtime(registered_at).date()
    authority_type, requesting_authority, mandate_symbol = _requester(seeder, origin, received)
    first_day = received + timedelta(days=int(rng.triangular(60, 720, 330)))
    elections = _elections(seeder, first_day)
    codes = _requested_codes(seeder, origin)
    words = "the " + _join(ELECTION_WORDS[k] for k, _d in elections)
    summary = (
        f"{'Mandate' if mandate_symbol else 'Request'} for "
        f"{_join(TYPE_WORDS[c] for c in codes)} for {words} of {first_day:%B %Y} in {state.name}."
    )
    officer = rng.choice(seeder.officers)
    letter_date = received - timedelta(days=rng.randrange(2, 30))  # of the request, or the resolution's adoption
    case = seeder.new_case(
        reference=reference,
        member_state_id=state.pk,
        origin="" if origin in MANDATED else origin,
        requesting_authority=requesting_authority,
        authority_type=authority_type,
        letter_date=None if origin in MANDATED else letter_date,
        received_date=received,
        summary=summary,
        officer_id=officer,
        created_at=registered_at,
        stage_entered_at=registered_at,
        emb_request_accepted_at=None,
        implementation_modality="",
        implementation_ends_on=None,
    )
    mandate = (origin, mandate_symbol, state.pk, letter_date) if origin in MANDATED else None
    life = CaseLife(seeder, case, officer, registered_at, codes=codes, first_day=first_day, mandate=mandate)
    with contextlib.suppress(_Now):
        life.play()
    # stage_due_at is set once the elections and the assessment it may count from are written.
    case.stage, case.stage_entered_at, case.stage_due_at = life.stage, life.entered, None
    case.updated_at = life.events[-1][4]
    seeder.stages[str(life.stage)] += 1
    return {"elections": elections, "types": codes, "mandate": mandate, **life.record}


def _requester(seeder, origin, received):
    """(authority type, requesting authority, mandate symbol) of a case of ``origin`` (or a mandate's organ)."""
    rng = seeder.rng
    if origin == Origin.GOVERNMENT:
        return (*_pick(rng, seeder.authorities, seeder.authority_weights), "")
    if origin == Origin.ELECTORAL_BODY:
        return AuthorityType.ELECTORAL_BODY, f"Chairperson, {rng.choice(ELECTORAL_BODIES)}", ""
    return "", "", _mandate_symbol(rng, origin, received.year)  # a mandate alone: nobody requested


def _elections(seeder, first_day):
    """The elections the request is for: one, sometimes a second (local, or another) later."""
    rng = seeder.rng
    kind = _pick(rng, seeder.election_kinds, seeder.election_weights)
    elections = [(kind, first_day)]
    if rng.random() < 0.15:
        elections.append(
            (
                ElectionType.LOCAL if kind != ElectionType.LOCAL else ElectionType.OTHER,
                first_day + timedelta(days=rng.randrange(30, 240)),
            )
        )
    return elections


def _requested_codes(seeder, origin):
    """The codes of the types of assistance requested; a mandate sometimes asks for one of its own."""
    rng = seeder.rng
    codes = []
    for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
        code = _pick(rng, seeder.common_types, seeder.common_type_weights)
        if code not in codes:
            codes.append(code)
    if origin in MANDATED and rng.random() < 0.2:
        codes.append(rng.choice(("organization-conduct", "observation", "supervision", "certification")))
    return codes


class CaseLife:
    """A case's steps, each some days after the last, until one would fall after the present
    (``_Now`` is raised) or the case ends. ``record`` holds the rows made on the way."""

    def __init__(self, seeder, case, officer, registered_at, *, codes, first_day, mandate=None):
        self.seeder, self.rng, self.now = seeder, seeder.rng, seeder.now
        self.case, self.officer, self.codes, self.first_day = case, officer, codes, first_day
        self.organ = mandate[0] if mandate else None  # the mandate's organ, for a case on a mandate alone
        self.received = case.received_date
        self.stage, self.entered, self.clock = Stage.RECEIVED, registered_at, registered_at
        self.events = [
            [
                officer,
                "registered",
                "",
                Stage.RECEIVED,
                registered_at,
                "",
                (
                    {"basis": "mandate", "mandates": [mandate[1]]}
                    if mandate
                    else {"basis": "request", "origin": case.origin, "authority": case.authority_type}
                ),
            ]
        ]
        self.record = {"case": case, "assessment": None, "decision": None, "document": None, "events": self.events}

    def advance(self, low, mode, high):
        """Some days later, during office hours (or a little later the same day)."""
        rng, last = self.rng, self.clock
        moment = last.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(
            days=int(rng.triangular(low, high, mode)), seconds=28800 + int(rng.random() * 36000)
        )
        if moment <= last:
            moment = last + timedelta(minutes=rng.randrange(5, 120))
        if moment >= self.now:
            raise _Now
        self.clock = moment
        return moment

    def move(self, action, to_stage, at, actor=None, comment="", details=None):
        actor = self.officer if actor is None else actor
        self.events.append([actor, action, self.stage, to_stage, at, comment, details or {}])
        self.stage, self.entered = to_stage, at

    def withdraw_sometimes(self, chance, low, mode, high):
        """Now and then the State withdraws its request: the case ends there."""
        if self.rng.random() < chance:
            self.move("withdraw", Stage.WITHDRAWN, self.advance(low, mode, high), comment=self.rng.choice(WITHDRAWALS))
            raise _Now

    def play(self):
        if self.organ is None:
            self.review()
        assessment, short_notice = self.assess()
        ends_on = self.decide(assessment, short_notice)
        ends_on = self.implement(ends_on)
        self.report(ends_on)

    def review(self):
        """A request (not a mandate): reviewed; declined or withdrawn if its author cannot ask."""
        rng, case = self.rng, self.case
        self.move("start_review", Stage.UNDER_REVIEW, self.advance(0.1, 2, 12), comment="Acknowledged by letter.")
        if rng.random() < 0.02:
            at = self.advance(2, 9, 35)
            if rng.random() < 0.9:
                reason = INELIGIBLE_REASONS.get(case.authority_type, "The signatory cannot bind the State.")
                self.move("decline_request", Stage.DECLINED, at, actor=self.seeder.focal_point, comment=reason)
            else:
                self.move("withdraw", Stage.WITHDRAWN, at, comment=rng.choice(WITHDRAWALS))
            raise _Now
        if case.origin == Origin.ELECTORAL_BODY:
            at = self.advance(1, 5, 20)
            comment = "The Government confirmed the request by note verbale."
            self.events.append([self.officer, "accept_emb_request", self.stage, self.stage, at, comment, {}])
            case.emb_request_accepted_at = at
        self.withdraw_sometimes(0.02, 2, 10, 40)

    def assess(self):
        """The needs assessment, by mission or desk review, up to its report: (assessment, short notice)."""
        rng = self.rng
        chance = 0.9 if self.organ == SC else 0.55
        method = MISSION if rng.random() < chance else DESK
        at = self.advance(1, 6, 25)
        self.move("start_assessment", Stage.NEEDS_ASSESSMENT, at, details={"method": method})
        assessment = self.seeder.new_assessment(method=method, created_at=at, updated_at=at)
        self.record["assessment"] = assessment
        short_notice = self.received + relativedelta(months=4) > self.first_day
        report_at = self._assessment_dates(assessment, method)
        self._findings(assessment, short_notice)
        assessment.updated_at = report_at
        self.withdraw_sometimes(0.03, 1, 10, 40)
        self.move("submit_assessment", Stage.AWAITING_DECISION, self.advance(0.05, 1, 4))
        return assessment, short_notice

    def _assessment_dates(self, assessment, method):
        """The mission's steps (terms of reference to return), then the report: returns its moment."""
        if method == MISSION:
            assessment.tor_sent_on = self.advance(2, 5, 12).date()
            assessment.host_clearance_on = self.advance(2, 7, 20).date()
            assessment.deployed_from = self.advance(2, 6, 15).date()
            assessment.deployed_until = self.advance(5, 9, 14).date()
            report_at = self.advance(3, 10, 30)
        else:
            report_at = self.advance(7, 20, 70)
        assessment.report_submitted_on = report_at.date()
        return report_at

    def _findings(self, assessment, short_notice):
        """What the assessment found: time, conditions, and its texts."""
        rng = self.rng
        assessment.adequate_time = not short_notice or rng.random() < 0.5
        assessment.conditions_exist = rng.random() < 0.93
        assessment.context, assessment.national_capacity = rng.choice(CONTEXTS), rng.choice(CAPACITIES)
        assessment.risks, assessment.womens_participation = rng.choice(RISKS), rng.choice(WOMEN)
        assessment.recommendations = rng.choice(RECOMMENDATIONS)

    def decide(self, assessment, short_notice):
        """The focal point's decision: assist (the planned end is returned), narrow, or decline."""
        rng, focal_point = self.rng, self.seeder.focal_point
        at = self.advance(1, 8, 35)
        assisting = assessment.conditions_exist and rng.random() < 0.96
        outcome = (
            rng.choice((DecisionOutcome.ASSIST,) * 6 + (DecisionOutcome.NARROW,))
            if assisting
            else DecisionOutcome.DECLINE
        )
        decision = self.seeder.new_decision(
            outcome=outcome, decided_by_id=focal_point, decided_at=at, communicated_on=at.date()
        )
        self.record["decision"] = decision
        details = self.record["decision_details"] = {"decision": None, "outcome": outcome}
        if not assisting:
            decision.codes = []
            decision.reason = rng.choice(DECLINE_REASONS)
            self.move("record_decision", Stage.DECLINED, at, actor=focal_point, details=details)
            raise _Now
        ends_on = self._parameters(decision, at, short_notice or not assessment.adequate_time)
        details.update(
            types=decision.codes,
            phase=decision.phase,
            period=[decision.period_start.isoformat(), ends_on.isoformat()],
        )
        self.move("record_decision", Stage.DECISION_COMMUNICATED, at, actor=focal_point, details=details)
        self.withdraw_sometimes(0.02, 3, 15, 60)
        return ends_on

    def _parameters(self, decision, at, late):
        """The parameters of an assistance decided at ``at``: types, phase, period, scope if narrowed."""
        rng, first_day = self.rng, self.first_day
        types = self.seeder.types
        allowed = [c for c in self.codes if self.organ is not None or not types[c].requires_mandate]
        decision.codes = allowed[:1] if decision.outcome == DecisionOutcome.NARROW else allowed
        decision.phase = rng.choice(list(ElectoralPhase.values))
        decision.period_start = at.date() + timedelta(days=rng.randrange(7, 30))
        if first_day > decision.period_start + timedelta(days=30):
            ends_on = first_day + timedelta(days=int(rng.triangular(30, 180, 90)))
        else:
            ends_on = decision.period_start + timedelta(days=int(rng.triangular(60, 365, 180)))
        decision.period_end = ends_on
        if decision.outcome == DecisionOutcome.NARROW:
            decision.scope = rng.choice(NARROW_SCOPES)
        if late:
            decision.short_notice_justification = rng.choice(JUSTIFICATIONS)
        return ends_on

    def implement(self, ends_on):
        """Implementation starts by its vehicle; the planned end (returned) is at least a month away."""
        rng, case = self.rng, self.case
        at = self.advance(5, 20, 75)
        ends_on = max(ends_on, at.date() + timedelta(days=30))
        if self.organ == SC:
            modality = ImplementationModality.MISSION_COMPONENT
        else:
            modality = rng.choice(
                (ImplementationModality.UNDP_PROJECT,) * 6
                + (ImplementationModality.ROSTER_EXPERTS,) * 3
                + (ImplementationModality.OTHER,)
            )
        case.implementation_modality, case.implementation_ends_on = modality, ends_on
        self.move(
            "start_implementation",
            Stage.IN_IMPLEMENTATION,
            at,
            details={"modality": modality, "ends_on": ends_on.isoformat()},
            comment="Project document signed.",
        )
        self.withdraw_sometimes(0.02, 10, 60, 200)
        return ends_on

    def report(self, ends_on):
        """Reporting starts around the planned end, sometimes well after it; the mission report closes."""
        rng, seeder = self.rng, self.seeder
        ended = deadlines.end_of_day(ends_on) + timedelta(days=rng.triangular(-10, 150, 10))
        self.clock = max(self.clock, ended - timedelta(days=0.1))
        self.move("start_reporting", Stage.REPORTING, self.advance(0.05, 0.5, 1))
        at = self.advance(7, 45, 150)
        document = self.record["document"] = seeder.new_document(
            kind=DocumentKind.MISSION_REPORT,
            file=SHARED_REPORT_NAME,
            original_name=f"{self.case.reference}-mission-report.pdf",
            size=seeder.shared_report_size,
            is_complete=True,
            uploaded_by_id=self.officer,
            uploaded_at=at,
        )
        details = self.record["document_details"] = {
            "document": None,
            "kind": DocumentKind.MISSION_REPORT,
            "name": document.original_name,
            "final": True,
        }
        self.events.append([self.officer, "document_attached", "", "", at, "", details])
        self.move("close", Stage.CLOSED, self.advance(0.1, 3, 20), comment="Mission report filed.")
