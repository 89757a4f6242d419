"""Benchmark cases inserted directly: many rows, fast."""

import time
from collections import Counter
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import prefetch_related_objects
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
from requests_app.cases.models import AssistanceRequest, Decision, Election, NeedsAssessment, ReferenceCounter
from requests_app.deadlines import services as deadlines
from requests_app.demo.documents import demo_pdf
from requests_app.demo.inserts import _no_query_log, _Now, _PlainInsert, _Rows, _timestamps_as_given
from requests_app.demo.vocabulary import (
    CAPACITIES,
    CIVIL_SOCIETY,
    COMMON_TYPES,
    CONTEXTS,
    DECLINE_REASONS,
    DESK,
    ELECTION_WEIGHTS,
    ELECTION_WORDS,
    ELECTORAL_BODIES,
    GOVERNMENT_AUTHORITIES,
    INELIGIBLE_REASONS,
    JUSTIFICATIONS,
    MISSION,
    NARROW_SCOPES,
    ORIGIN_WEIGHTS,
    PARTIES,
    RECOMMENDATIONS,
    REGION_WEIGHTS,
    RISKS,
    TYPE_WORDS,
    WITHDRAWALS,
    WOMEN,
    _at_work,
    _join,
    _mandate_symbol,
    _pick,
    _weighted,
)
from requests_app.documents.models import CaseDocument, DocumentKind
from requests_app.history.models import CaseEvent
from requests_app.reference.models import AssistanceType, MemberState

SHARED_REPORT_NAME = "cases/bulk/mission-report.pdf"


class BulkSeeder:
    """N more cases, simulated from registration to the present and written in bulk.

    Why bulk here and nowhere else: a hundred thousand cases through the services would
    take hours (each action locks the case, checks its guards and writes its event in its
    own transaction, and the demo set plays each step under a moved clock). The
    benchmarks need that volume, so this simulation writes the rows the services would
    write — the case with stage, stage_entered_at and stage_due_at from
    ``deadlines.due_at``, its elections and requested types, a "registered" event and one
    event per action, assessments and decisions for cases past those stages, the final
    mission report of a closed case — a thousand cases per transaction: bulk_create for
    the rows whose ids are needed (cases, assessments, decisions, documents), plain
    INSERTs for the others (see ``_PlainInsert``). It reserves its reference numbers from
    ReferenceCounter first, so later registrations never reuse one. Everything else in
    the project writes through the services; so does the demo set above.
    """

    YEARS = 12  # cases were registered over the last twelve years

    def __init__(self, *, rng, team, now, stdout, batch_size=1000):
        self.rng = rng
        self.now = now
        self.stdout = stdout
        self.batch_size = batch_size
        self.officers = [user.pk for user in team.officers]
        self.focal_point = team.focal_point.pk
        self.types = {t.code: t for t in AssistanceType.objects.all()}
        self.policies = deadlines.policies()
        states = list(MemberState.objects.order_by("iso3"))
        per_region = Counter(s.regional_group for s in states)
        self.states, self.state_weights = _weighted(
            [(s, REGION_WEIGHTS[s.regional_group] / per_region[s.regional_group]) for s in states]
        )
        self.origins, self.origin_weights = _weighted(ORIGIN_WEIGHTS.items())
        self.authorities, self.authority_weights = _weighted([((a, t), w) for a, t, w in GOVERNMENT_AUTHORITIES])
        self.common_types, self.common_type_weights = _weighted(COMMON_TYPES)
        self.election_kinds, self.election_weights = _weighted(ELECTION_WEIGHTS.items())
        self.new_case, self.new_assessment = _Rows(AssistanceRequest), _Rows(NeedsAssessment)
        self.new_decision, self.new_document = _Rows(Decision), _Rows(CaseDocument)
        self.insert_events = _PlainInsert(
            CaseEvent, ("case_id", "actor_id", "action", "from_stage", "to_stage", "created_at", "comment", "details")
        )
        self.insert_elections = _PlainInsert(Election, ("case_id", "election_type", "planned_date"))
        self.insert_requested_types = _PlainInsert(
            AssistanceRequest.requested_types.through, ("assistancerequest_id", "assistancetype_id")
        )
        self.insert_decision_types = _PlainInsert(
            Decision.assistance_types.through, ("decision_id", "assistancetype_id")
        )
        self.type_ids = {code: t.pk for code, t in self.types.items()}
        self.stages = Counter()
        self.overdue = 0
        self.rows = Counter()

    def run(self, count):
        started = time.monotonic()
        self._ensure_shared_report()
        now = self.now
        window = self.YEARS * 365 * 86400
        registered = sorted(now - timedelta(seconds=self.rng.random() * window) for _ in range(count))
        registered = [_at_work(moment, self.rng) if moment.date() < now.date() else moment for moment in registered]
        registered.sort()
        first_number = self._reserve_references(Counter(timezone.localtime(m).year for m in registered))
        self.stdout.write(f"Writing {count:,} cases in batches of {self.batch_size:,}…")
        step = max(self.batch_size, (count // 10) // self.batch_size * self.batch_size)
        for offset in range(0, count, self.batch_size):
            batch = []
            for moment in registered[offset : offset + self.batch_size]:
                year = timezone.localtime(moment).year
                reference = f"EAS-{year}-{first_number[year]:04d}"  # as services.workflow.next_reference
                first_number[year] += 1
                batch.append(self._simulate(moment, reference))
            with (
                _no_query_log(),
                transaction.atomic(),
                _timestamps_as_given(AssistanceRequest, NeedsAssessment, CaseDocument),
            ):
                self._write(batch)
            done = offset + len(batch)
            if done % step == 0 or done == count:
                self.stdout.write(f"  {done:>9,} cases  {time.monotonic() - started:6.1f} s")
        return time.monotonic() - started

    def _ensure_shared_report(self):
        # Closed cases share one stored file: the rows are what the benchmarks need.
        if not default_storage.exists(SHARED_REPORT_NAME):
            default_storage.save(
                SHARED_REPORT_NAME,
                ContentFile(
                    demo_pdf("Mission report", ["Results of the assistance, lessons learned and recommendations."])
                ),
            )
        self.shared_report_size = default_storage.size(SHARED_REPORT_NAME)

    def _reserve_references(self, per_year):
        """Take the numbers this run will use from the counters, so no registration reuses them."""
        first = {}
        with transaction.atomic():
            for year in sorted(per_year):
                ReferenceCounter.objects.get_or_create(year=year)
                counter = ReferenceCounter.objects.select_for_update().get(year=year)
                first[year] = counter.last_number + 1
                counter.last_number += per_year[year]
                counter.save(update_fields=["last_number"])
        return first

    # One case, from its registration to the present moment

    def _simulate(self, registered_at, reference):
        rng, now = self.rng, self.now
        origin = _pick(rng, self.origins, self.origin_weights)
        state = _pick(rng, self.states, self.state_weights)
        received = timezone.localtime(registered_at).date()
        mandate_symbol = ""
        if origin == Origin.GOVERNMENT:
            authority_type, requesting_authority = _pick(rng, self.authorities, self.authority_weights)
        elif origin == Origin.ELECTORAL_BODY:
            authority_type, requesting_authority = (
                AuthorityType.ELECTORAL_BODY,
                f"Chairperson, {rng.choice(ELECTORAL_BODIES)}",
            )
        elif origin == Origin.OTHER_BODY:
            if rng.random() < 0.7:
                authority_type, requesting_authority = (
                    AuthorityType.POLITICAL_PARTY,
                    f"Secretary-General, {rng.choice(PARTIES)}",
                )
            else:
                authority_type, requesting_authority = (
                    AuthorityType.CIVIL_SOCIETY,
                    f"Coordinator, {rng.choice(CIVIL_SOCIETY)}",
                )
        else:
            authority_type = AuthorityType.UN_ORGAN
            requesting_authority = "Security Council" if origin == Origin.SECURITY_COUNCIL else "General Assembly"
            mandate_symbol = _mandate_symbol(rng, origin, received.year)

        first_day = received + timedelta(days=int(rng.triangular(60, 720, 330)))
        kind = _pick(rng, self.election_kinds, self.election_weights)
        elections = [(kind, first_day)]
        if rng.random() < 0.15:
            elections.append(
                (
                    ElectionType.LOCAL if kind != ElectionType.LOCAL else ElectionType.OTHER,
                    first_day + timedelta(days=rng.randrange(30, 240)),
                )
            )
        codes = []
        for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
            code = _pick(rng, self.common_types, self.common_type_weights)
            if code not in codes:
                codes.append(code)
        if origin in Origin.mandates() and rng.random() < 0.2:
            codes.append(rng.choice(("observation", "supervision", "certification")))
        words = "the " + _join(ELECTION_WORDS[k] for k, _d in elections)
        summary = (
            f"{'Mandate' if mandate_symbol else 'Request'} for "
            f"{_join(TYPE_WORDS[c] for c in codes)} for {words} of {first_day:%B %Y} in {state.name}."
        )
        officer = rng.choice(self.officers)
        case = self.new_case(
            reference=reference,
            member_state_id=state.pk,
            origin=origin,
            mandate_symbol=mandate_symbol,
            requesting_authority=requesting_authority,
            authority_type=authority_type,
            letter_date=received - timedelta(days=rng.randrange(2, 30)),
            received_date=received,
            summary=summary,
            officer_id=officer,
            created_at=registered_at,
            stage_entered_at=registered_at,
            emb_request_accepted_at=None,
            implementation_modality="",
            implementation_ends_on=None,
        )
        record = {
            "case": case,
            "elections": elections,
            "types": codes,
            "assessment": None,
            "decision": None,
            "document": None,
            "events": [],
        }
        events = record["events"]
        stage, entered = Stage.RECEIVED, registered_at
        events.append(
            [
                officer,
                "registered",
                "",
                Stage.RECEIVED,
                registered_at,
                "",
                {"origin": origin, "authority": authority_type},
            ]
        )
        clock = [registered_at]

        def advance(low, mode, high):
            # Some days later, during office hours (or a little later the same day).
            last = clock[0]
            moment = last.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(
                days=int(rng.triangular(low, high, mode)), seconds=28800 + int(rng.random() * 36000)
            )
            if moment <= last:
                moment = last + timedelta(minutes=rng.randrange(5, 120))
            if moment >= now:
                raise _Now
            clock[0] = moment
            return moment

        def move(action, to_stage, at, actor=officer, comment="", details=None):
            nonlocal stage, entered
            events.append([actor, action, stage, to_stage, at, comment, details or {}])
            stage, entered = to_stage, at

        try:
            if origin not in Origin.mandates():
                move("start_review", Stage.UNDER_REVIEW, advance(0.1, 2, 12), comment="Acknowledged by letter.")
                if authority_type in AuthorityType.never_eligible() or rng.random() < 0.02:
                    at = advance(2, 9, 35)
                    if rng.random() < 0.9:
                        reason = INELIGIBLE_REASONS.get(authority_type, "The signatory cannot bind the State.")
                        move("decline_request", Stage.DECLINED, at, actor=self.focal_point, comment=reason)
                    else:
                        move("withdraw", Stage.WITHDRAWN, at, comment=rng.choice(WITHDRAWALS))
                    raise _Now
                if origin == Origin.ELECTORAL_BODY:
                    at = advance(1, 5, 20)
                    events.append(
                        [
                            officer,
                            "accept_emb_request",
                            stage,
                            stage,
                            at,
                            "The Government confirmed the request by note verbale.",
                            {},
                        ]
                    )
                    case.emb_request_accepted_at = at
                if rng.random() < 0.02:
                    move("withdraw", Stage.WITHDRAWN, advance(2, 10, 40), comment=rng.choice(WITHDRAWALS))
                    raise _Now
            method = MISSION if rng.random() < (0.9 if origin == Origin.SECURITY_COUNCIL else 0.55) else DESK
            at = advance(1, 6, 25)
            move("start_assessment", Stage.NEEDS_ASSESSMENT, at, details={"method": method})
            assessment = self.new_assessment(method=method, created_at=at, updated_at=at)
            record["assessment"] = assessment
            short_notice = received + relativedelta(months=4) > first_day
            if method == MISSION:
                assessment.tor_sent_on = advance(2, 5, 12).date()
                assessment.host_clearance_on = advance(2, 7, 20).date()
                assessment.deployed_from = advance(2, 6, 15).date()
                assessment.deployed_until = advance(5, 9, 14).date()
                report_at = advance(3, 10, 30)
            else:
                report_at = advance(7, 20, 70)
            assessment.report_submitted_on = report_at.date()
            assessment.adequate_time = not short_notice or rng.random() < 0.5
            assessment.conditions_exist = rng.random() < 0.93
            assessment.context, assessment.national_capacity = rng.choice(CONTEXTS), rng.choice(CAPACITIES)
            assessment.risks, assessment.womens_participation = rng.choice(RISKS), rng.choice(WOMEN)
            assessment.recommendations = rng.choice(RECOMMENDATIONS)
            assessment.updated_at = report_at
            if rng.random() < 0.03:
                move("withdraw", Stage.WITHDRAWN, advance(1, 10, 40), comment=rng.choice(WITHDRAWALS))
                raise _Now
            move("submit_assessment", Stage.AWAITING_DECISION, advance(0.05, 1, 4))

            at = advance(1, 8, 35)
            assisting = assessment.conditions_exist and rng.random() < 0.96
            outcome = (
                rng.choice((DecisionOutcome.ASSIST,) * 6 + (DecisionOutcome.NARROW,))
                if assisting
                else DecisionOutcome.DECLINE
            )
            decision = self.new_decision(
                outcome=outcome, decided_by_id=self.focal_point, decided_at=at, communicated_on=at.date()
            )
            record["decision"] = decision
            details = record["decision_details"] = {"decision": None, "outcome": outcome}
            if assisting:
                allowed = [c for c in codes if origin in Origin.mandates() or not self.types[c].requires_mandate]
                decision.codes = allowed[:1] if outcome == DecisionOutcome.NARROW else allowed
                decision.phase = rng.choice(list(ElectoralPhase.values))
                decision.period_start = at.date() + timedelta(days=rng.randrange(7, 30))
                if first_day > decision.period_start + timedelta(days=30):
                    ends_on = first_day + timedelta(days=int(rng.triangular(30, 180, 90)))
                else:
                    ends_on = decision.period_start + timedelta(days=int(rng.triangular(60, 365, 180)))
                decision.period_end = ends_on
                if outcome == DecisionOutcome.NARROW:
                    decision.scope = rng.choice(NARROW_SCOPES)
                if short_notice or not assessment.adequate_time:
                    decision.short_notice_justification = rng.choice(JUSTIFICATIONS)
                details.update(
                    types=decision.codes,
                    phase=decision.phase,
                    period=[decision.period_start.isoformat(), ends_on.isoformat()],
                )
                move("record_decision", Stage.DECISION_COMMUNICATED, at, actor=self.focal_point, details=details)
            else:
                decision.codes = []
                decision.reason = rng.choice(DECLINE_REASONS)
                move("record_decision", Stage.DECLINED, at, actor=self.focal_point, details=details)
                raise _Now
            if rng.random() < 0.02:
                move("withdraw", Stage.WITHDRAWN, advance(3, 15, 60), comment=rng.choice(WITHDRAWALS))
                raise _Now

            at = advance(5, 20, 75)
            ends_on = max(ends_on, at.date() + timedelta(days=30))
            if origin == Origin.SECURITY_COUNCIL:
                modality = ImplementationModality.MISSION_COMPONENT
            else:
                modality = rng.choice(
                    (ImplementationModality.UNDP_PROJECT,) * 6
                    + (ImplementationModality.ROSTER_EXPERTS,) * 3
                    + (ImplementationModality.OTHER,)
                )
            case.implementation_modality, case.implementation_ends_on = modality, ends_on
            move(
                "start_implementation",
                Stage.IN_IMPLEMENTATION,
                at,
                details={"modality": modality, "ends_on": ends_on.isoformat()},
                comment="Project document signed.",
            )
            if rng.random() < 0.02:
                move("withdraw", Stage.WITHDRAWN, advance(10, 60, 200), comment=rng.choice(WITHDRAWALS))
                raise _Now
            # Reporting starts around the planned end, sometimes well after it.
            ended = deadlines.end_of_day(ends_on) + timedelta(days=rng.triangular(-10, 150, 10))
            clock[0] = max(clock[0], ended - timedelta(days=0.1))
            move("start_reporting", Stage.REPORTING, advance(0.05, 0.5, 1))
            at = advance(7, 45, 150)
            record["document"] = self.new_document(
                kind=DocumentKind.MISSION_REPORT,
                file=SHARED_REPORT_NAME,
                original_name=f"{reference}-mission-report.pdf",
                size=self.shared_report_size,
                is_complete=True,
                uploaded_by_id=officer,
                uploaded_at=at,
            )
            record["document_details"] = details = {
                "document": None,
                "kind": DocumentKind.MISSION_REPORT,
                "name": record["document"].original_name,
                "final": True,
            }
            events.append([officer, "document_attached", "", "", at, "", details])
            move("close", Stage.CLOSED, advance(0.1, 3, 20), comment="Mission report filed.")
        except _Now:
            pass

        # stage_due_at is set once the elections and the assessment it may count from are written.
        case.stage, case.stage_entered_at, case.stage_due_at = stage, entered, None
        case.updated_at = events[-1][4]
        self.stages[str(stage)] += 1
        return record

    # Writing a batch

    def _set_deadlines(self, open_cases):
        """Each open case's deadline, as deadlines.due_at gives it from the policy of its stage."""
        if not open_cases:
            return
        prefetch_related_objects(open_cases, "elections", "assessment")
        for case in open_cases:
            case.stage_due_at = deadlines.due_at(
                case, case.stage, case.stage_entered_at, policy=self.policies.get(case.stage)
            )
            if case.stage_due_at is not None and case.stage_due_at < self.now:
                self.overdue += 1
        AssistanceRequest.objects.bulk_update(open_cases, ["stage_due_at"], batch_size=self.batch_size)

    def _write(self, batch):
        size = self.batch_size
        type_ids = self.type_ids
        cases = [record["case"] for record in batch]
        AssistanceRequest.objects.bulk_create(cases, batch_size=size)
        elections, requested, assessments = [], [], []
        for record in batch:
            case_id = record["case"].pk
            elections += [(case_id, kind, day) for kind, day in record["elections"]]
            requested += [(case_id, type_ids[code]) for code in record["types"]]
            if record["assessment"] is not None:
                record["assessment"].case_id = case_id
                assessments.append(record["assessment"])
        self.insert_elections(elections)
        self.insert_requested_types(requested)
        NeedsAssessment.objects.bulk_create(assessments, batch_size=size)
        self._set_deadlines([case for case in cases if case.stage not in Stage.ends()])

        decisions, documents = [], []
        for record in batch:
            if record["decision"] is not None:
                record["decision"].case_id = record["case"].pk
                record["decision"].assessment_id = record["assessment"].pk
                decisions.append(record["decision"])
            if record["document"] is not None:
                record["document"].case_id = record["case"].pk
                documents.append(record["document"])
        Decision.objects.bulk_create(decisions, batch_size=size)
        CaseDocument.objects.bulk_create(documents, batch_size=size)
        decision_types = [(d.pk, type_ids[code]) for d in decisions for code in d.codes]
        self.insert_decision_types(decision_types)

        events = []
        for record in batch:
            if record["decision"] is not None:
                record["decision_details"]["decision"] = record["decision"].pk
            if record["document"] is not None:
                record["document_details"]["document"] = record["document"].pk
            case_id = record["case"].pk
            events += [(case_id, *event) for event in record["events"]]
        self.insert_events(events)
        self.rows.update(
            cases=len(cases),
            elections=len(elections),
            requested_types=len(requested),
            assessments=len(assessments),
            decisions=len(decisions),
            decision_types=len(decision_types),
            documents=len(documents),
            events=len(events),
        )
