"""Benchmark cases inserted directly: many rows, fast."""

import time
from collections import Counter
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest, Decision, Election, NeedsAssessment, ReferenceCounter
from requests_app.deadlines import services as deadlines
from requests_app.demo.country_file import COUNTRY_FILE_STATE, CountryFilePlan
from requests_app.demo.documents import demo_pdf
from requests_app.demo.inserts import _CopyInsert, _no_query_log, _PlainInsert, _Rows, _timestamps_as_given
from requests_app.demo.simulation import SHARED_REPORT_NAME, simulate_case
from requests_app.demo.vocabulary import (
    COMMON_TYPES,
    ELECTION_WEIGHTS,
    GOVERNMENT_AUTHORITIES,
    ORIGIN_WEIGHTS,
    REGION_WEIGHTS,
    SC,
    _at_work,
    _weighted,
)
from requests_app.documents.models import CaseDocument
from requests_app.history.models import CaseEvent
from requests_app.mandates.models import Mandate
from requests_app.reference.models import AssistanceType, MemberState


def _share(country):
    """A territory or observer State asks far less often than a Member State of its region."""
    return 1.0 if country.is_member_state else 0.1


class BulkSeeder:
    """N more cases, simulated from registration to the present and written in bulk.

    Why bulk here and nowhere else: a hundred thousand cases through the services would
    take hours (each action locks the case, checks its guards and writes its event in its
    own transaction, and the demo set plays each step under a moved clock). The
    benchmarks need that volume, so this simulation writes the rows the services would
    write — the case with stage, stage_entered_at and stage_due_at from
    ``deadlines.due_at``, its elections and requested types, a "registered" event and one
    event per action, assessments and decisions for cases past those stages, the final
    mission report of a closed case — a thousand cases per transaction: the rows whose ids
    are needed (cases, assessments, decisions, documents) with ids reserved from their
    sequence and COPY on PostgreSQL, bulk_create elsewhere (``_CopyInsert``); plain INSERTs
    or COPY for the others (``_PlainInsert``). It reserves its reference numbers from
    ReferenceCounter first, so later registrations never reuse one. Everything else in
    the project writes through the services; so does the demo set above.
    """

    YEARS = 12  # cases were registered over the last twelve years

    def __init__(self, *, rng, team, now, stdout, batch_size=1000):
        self.rng, self.now = rng, now
        self.stdout = stdout
        self.batch_size = batch_size
        self.officers = [user.pk for user in team.officers]
        self.focal_point = team.focal_point.pk
        self.types = {t.code: t for t in AssistanceType.objects.all()}
        self.policies = deadlines.policies()
        self._draw_states(list(MemberState.objects.order_by("iso3")))
        self.origins, self.origin_weights = _weighted(ORIGIN_WEIGHTS.items())
        self.authorities, self.authority_weights = _weighted([((a, t), w) for a, t, w in GOVERNMENT_AUTHORITIES])
        self.common_types, self.common_type_weights = _weighted(COMMON_TYPES)
        self.election_kinds, self.election_weights = _weighted(ELECTION_WEIGHTS.items())
        self.new_case, self.new_assessment = _Rows(AssistanceRequest), _Rows(NeedsAssessment)
        self.new_decision, self.new_document = _Rows(Decision), _Rows(CaseDocument)
        self.insert_cases, self.insert_assessments, self.insert_decisions, self.insert_documents = (
            _CopyInsert(model, batch_size) for model in (AssistanceRequest, NeedsAssessment, Decision, CaseDocument)
        )
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
        self.insert_mandate_links = _PlainInsert(Mandate.cases.through, ("mandate_id", "assistancerequest_id"))
        # The mandates cases rest on, one per symbol and country, shared across batches and runs.
        self.mandate_ids = {
            (symbol, state): pk for pk, symbol, state in Mandate.objects.values_list("pk", "symbol", "member_state_id")
        }
        self.type_ids = {code: t.pk for code, t in self.types.items()}
        self.stages: Counter[str] = Counter()
        self.overdue = 0
        self.rows: Counter[str] = Counter()

    def _draw_states(self, states):
        """The states cases are drawn from, weighted by region; one country is kept aside for the
        country file's benchmark (demo/country_file.py)."""
        self.country_file_state = next((s for s in states if s.iso3 == COUNTRY_FILE_STATE), None)
        states = [s for s in states if s is not self.country_file_state]
        per_region = Counter(s.regional_group for s in states)
        self.states, self.state_weights = _weighted(
            [(s, REGION_WEIGHTS[s.regional_group] / per_region[s.regional_group] * _share(s)) for s in states]
        )

    def run(self, count):
        started = time.monotonic()
        self._ensure_shared_report()
        now = self.now
        window = self.YEARS * 365 * 86400
        registered = sorted(now - timedelta(seconds=self.rng.random() * window) for _ in range(count))
        registered = [_at_work(moment, self.rng) if moment.date() < now.date() else moment for moment in registered]
        registered.sort()
        first_number = self._reserve_references(Counter(timezone.localtime(m).year for m in registered))
        country_file = CountryFilePlan(count, self.country_file_state)
        self.stdout.write(f"Writing {count:,} cases in batches of {self.batch_size:,}…")
        step = max(self.batch_size, (count // 10) // self.batch_size * self.batch_size)
        for offset in range(0, count, self.batch_size):
            batch = []
            for index, moment in enumerate(registered[offset : offset + self.batch_size], start=offset):
                year = timezone.localtime(moment).year
                reference = f"EAS-{year}-{first_number[year]:04d}"  # as services.workflow.next_reference
                first_number[year] += 1
                state = country_file.state_for(index)
                batch.append(simulate_case(self, moment, reference, state=state))
                if state is not None:
                    country_file.lengthen(batch[-1], self.rng, batch[-1]["case"].officer_id)
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
        """A batch of generated cases into the database, each table in bulk, in the order the keys need."""
        counts = self._write_cases(batch)
        counts.update(self._write_decisions(batch))
        counts.update(self._write_events(batch))
        self.rows.update(**counts)

    def _write_cases(self, batch):
        """The cases, their elections, requested types and assessments, then the open cases' deadlines."""
        cases = [record["case"] for record in batch]
        self.insert_cases(cases)
        elections, requested, assessments = [], [], []
        for record in batch:
            case_id = record["case"].pk
            elections += [(case_id, kind, day) for kind, day in record["elections"]]
            requested += [(case_id, self.type_ids[code]) for code in record["types"]]
            if record["assessment"] is not None:
                record["assessment"].case_id = case_id
                assessments.append(record["assessment"])
        self.insert_elections(elections)
        self.insert_requested_types(requested)
        links = self._write_mandates(batch)
        self.insert_assessments(assessments)
        self._set_deadlines([case for case in cases if case.stage not in Stage.ends()])
        return {
            "cases": len(cases),
            "elections": len(elections),
            "requested_types": len(requested),
            "assessments": len(assessments),
            "mandate_links": len(links),
        }

    def _write_decisions(self, batch):
        """The decisions (after the assessments they follow), the types they name, and the documents."""
        decisions, documents = [], []
        for record in batch:
            if record["decision"] is not None:
                record["decision"].case_id = record["case"].pk
                record["decision"].assessment_id = record["assessment"].pk
                decisions.append(record["decision"])
            if record["document"] is not None:
                record["document"].case_id = record["case"].pk
                documents.append(record["document"])
        self.insert_decisions(decisions)
        self.insert_documents(documents)
        decision_types = [(d.pk, self.type_ids[code]) for d in decisions for code in d.codes]
        self.insert_decision_types(decision_types)
        return {"decisions": len(decisions), "decision_types": len(decision_types), "documents": len(documents)}

    def _write_events(self, batch):
        """The history, last: its details name the decision and the document by their new ids."""
        events = []
        for record in batch:
            if record["decision"] is not None:
                record["decision_details"]["decision"] = record["decision"].pk
            if record["document"] is not None:
                record["document_details"]["document"] = record["document"].pk
            case_id = record["case"].pk
            events += [(case_id, *event) for event in record["events"]]
        self.insert_events(events)
        return {"events": len(events)}

    def _write_mandates(self, batch):
        """The mandates the batch's cases rest on (new ones created), and each case's link to its own."""
        new = {}
        for record in batch:
            if record["mandate"] is None:
                continue
            organ, symbol, state_id, adopted_on = record["mandate"]
            if (symbol, state_id) not in self.mandate_ids and (symbol, state_id) not in new:
                new[symbol, state_id] = Mandate(
                    member_state_id=state_id,
                    organ=organ,
                    symbol=symbol,
                    adopted_on=adopted_on,
                    expires_on=adopted_on + timedelta(days=365) if organ == SC else None,
                    recorded_at=record["case"].created_at,
                )
        Mandate.objects.bulk_create(new.values(), batch_size=self.batch_size)
        self.mandate_ids.update({key: mandate.pk for key, mandate in new.items()})
        links = [
            (self.mandate_ids[record["mandate"][1], record["mandate"][2]], record["case"].pk)
            for record in batch
            if record["mandate"] is not None
        ]
        self.insert_mandate_links(links)
        return links
