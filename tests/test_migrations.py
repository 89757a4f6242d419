"""The migrations carry the demo data of migration 0015 onto today's model with nothing lost.

tests/data/demo_at_0015.json is `manage.py dumpdata requests_app auth.user auth.group` of a
database seeded by `seed_demo` at 0015 (the last migration before issue 13). The test builds a
database at 0015 (django-test-migrations), loads that copy through the models of 0015, migrates to
the latest migration, and checks every case, event and document against the copy.
"""

import json
from collections import defaultdict
from importlib import import_module
from pathlib import Path

import pytest
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q

FIXTURE = Path(__file__).parent / "data" / "demo_at_0015.json"
START = ("requests_app", "0015_search_unaccent")

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def rows(model_label):
    return [row for row in json.loads(FIXTURE.read_text()) if row["model"] == model_label]


def _group_names():
    return {row["pk"]: row["fields"]["name"] for row in rows("auth.group")}


def _field_values(model, fields):
    """Constructor arguments and many-to-many values of one dumped row, for a model of any state."""
    values, many = {}, {}
    for name, value in fields.items():
        field = model._meta.get_field(name)
        if field.many_to_many:
            many[name] = value
        elif field.is_relation:
            values[field.attname] = value
        else:
            values[name] = field.to_python(value)
    return values, many


def load_copy(apps):
    """Write the dumped rows through the historical models (rows made by migrations are updated)."""
    groups = _group_names()
    Group = apps.get_model("auth", "Group")
    loaded = set()
    with transaction.atomic():
        # Migration 0002 loads the types from today's data file (0021 changed it): the copy brings the
        # types as they were at 0015, in their place.
        apps.get_model("requests_app", "AssistanceType").objects.all().delete()
        for row in json.loads(FIXTURE.read_text()):
            if row["model"] == "auth.group":
                continue  # made by the roles migration; users keep theirs by name below
            model = apps.get_model(row["model"])
            loaded.add(model)
            fields = dict(row["fields"])
            fields.pop("user_permissions", None)
            group_pks = fields.pop("groups", [])
            values, many = _field_values(model, fields)
            instance = model(pk=row["pk"], **values)
            instance.save()
            for name, pks in many.items():
                getattr(instance, name).set(pks)
            if group_pks:
                instance.groups.set(Group.objects.filter(name__in=[groups[pk] for pk in group_pks]))
        # As loaddata does: rows written with their ids leave PostgreSQL's sequences behind, and a later
        # migration that writes rows (0021 and 0023 write history lines) would take ids already used.
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), sorted(loaded, key=str)):
                cursor.execute(statement)


def drop_search_index():
    """SQLite's search index is a virtual table that the migrator, which drops the models' tables,
    does not know: dropped here, so that migrations 0009 and 0015 build it again from nothing."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for statement in import_module("requests_app.migrations.0015_search_unaccent").SQLITE_DROP:
                cursor.execute(statement)


@pytest.fixture
def migrated(migrator):
    """The apps of the latest state, after migrating the copy from 0015."""
    drop_search_index()
    load_copy(migrator.apply_initial_migration(START).apps)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("requests_app")
    apps = migrator.apply_tested_migration(latest).apps
    yield apps
    drop_search_index()  # the migrator's reset migrates again from nothing


def check_every_case_is_still_there_with_its_country_stage_and_dates(migrated):
    Case = migrated.get_model("requests_app", "AssistanceRequest")
    after = {case.pk: case for case in Case.objects.all()}
    for row in rows("requests_app.assistancerequest"):
        case = after.get(row["pk"])
        assert case is not None, f"case {row['fields']['reference']} was lost"
        fields = row["fields"]
        assert (case.reference, case.member_state_id, case.stage) == (
            fields["reference"],
            fields["member_state"],
            fields["stage"],
        )
        assert case.received_date.isoformat() == fields["received_date"]
        assert case.letter_date.isoformat() == fields["letter_date"]


def check_every_event_keeps_its_case_action_and_words(migrated):
    Event = migrated.get_model("requests_app", "CaseEvent")
    after = {event.pk: event for event in Event.objects.all()}
    for row in rows("requests_app.caseevent"):
        event = after.get(row["pk"])
        assert event is not None, f"event {row['pk']} ({row['fields']['action']}) was lost"
        assert (event.case_id, event.action, event.comment, event.to_stage) == (
            row["fields"]["case"],
            row["fields"]["action"],
            row["fields"]["comment"],
            row["fields"]["to_stage"],
        )


def check_every_document_keeps_its_case_file_and_name(migrated):
    Document = migrated.get_model("requests_app", "CaseDocument")
    after = {document.pk: document for document in Document.objects.all()}
    for row in rows("requests_app.casedocument"):
        document = after.get(row["pk"])
        assert document is not None, f"document {row['fields']['original_name']} was lost"
        assert (document.case_id, document.file.name, document.original_name, document.kind) == (
            row["fields"]["case"],
            row["fields"]["file"],
            row["fields"]["original_name"],
            row["fields"]["kind"],
        )


def check_the_requested_types_and_decisions_are_kept(migrated):
    Case = migrated.get_model("requests_app", "AssistanceRequest")
    Decision = migrated.get_model("requests_app", "Decision")
    types = defaultdict(set)
    for case in Case.objects.prefetch_related("requested_types"):
        types[case.pk] = {kind.pk for kind in case.requested_types.all()}
    for row in rows("requests_app.assistancerequest"):
        assert len(types[row["pk"]]) == len(set(row["fields"]["requested_types"])), row["fields"]["reference"]
    decided = set(Decision.objects.values_list("pk", flat=True))
    assert {row["pk"] for row in rows("requests_app.decision")} <= decided


def check_the_demo_staff_keep_their_roles(migrated):
    User = migrated.get_model("auth", "User")
    groups = _group_names()
    for row in rows("auth.user"):
        user = User.objects.get(pk=row["pk"])
        assert set(user.groups.values_list("name", flat=True)) == {groups[pk] for pk in row["fields"]["groups"]}


def _tidy(symbol):
    return " ".join(symbol.split())


def check_a_mandate_origin_became_a_mandate_the_case_rests_on(migrated):
    """0019_mandates: a case "from" the Security Council or the General Assembly rests on a Mandate of
    its country with the symbol it recorded, and has no requester of its own."""
    Case = migrated.get_model("requests_app", "AssistanceRequest")
    for row in rows("requests_app.assistancerequest"):
        fields = row["fields"]
        case = Case.objects.get(pk=row["pk"])
        symbols = {mandate.symbol for mandate in case.mandates.all()}
        if fields["origin"] in ("security_council", "general_assembly"):
            assert _tidy(fields["mandate_symbol"]) in symbols, fields["reference"]
            assert case.origin == "" and all(m.member_state_id == case.member_state_id for m in case.mandates.all())
        else:
            assert symbols == set() and case.origin == fields["origin"], fields["reference"]


def check_every_case_has_its_letters_and_a_letter_from_another_body_is_none(migrated):
    """0020_letters13: a request's letter is the first entry of its case's correspondence; a letter
    from a party or civil society that was made a case is a letter "not considered", its case kept."""
    Letter = migrated.get_model("requests_app", "Letter")
    for row in rows("requests_app.assistancerequest"):
        fields = row["fields"]
        letters = Letter.objects.filter(Q(case_id=row["pk"]) | Q(former_case_id=row["pk"]))
        if fields["origin"] == "other_body":
            assert letters.filter(status="not_considered", former_case_id=row["pk"]).count() == 1, fields["reference"]
        elif fields["origin"] in ("government", "electoral_body"):
            request = letters.filter(purpose="request", direction="in").get()
            assert request.date.isoformat() == fields["letter_date"], fields["reference"]


def check_every_document_and_entry_has_the_level_of_its_kind(migrated):
    """0022_confidentiality14: reports confidential, the rest internal; an entry about a document at its level; the
    comments of a submitted assessment and the edits of an assessment confidential."""
    Document = migrated.get_model("requests_app", "CaseDocument")
    Event = migrated.get_model("requests_app", "CaseEvent")
    Assessment = migrated.get_model("requests_app", "NeedsAssessment")
    reports = {"assessment_report", "mission_report"}
    levels = dict(Document.objects.values_list("pk", "level"))
    for row in rows("requests_app.casedocument"):
        assert levels[row["pk"]] == ("confidential" if row["fields"]["kind"] in reports else "internal")
    for event in Event.objects.all():
        document = event.details.get("document") if event.action.startswith("document_") else None
        if document is not None:
            expected = levels[document]
        elif event.action in ("submit_assessment", "assessment_updated"):
            expected = "confidential"
        else:
            expected = "internal"
        assert event.level == expected, (event.action, event.details)
    assert set(Assessment.objects.values_list("level", flat=True)) == {"confidential"}
    Group = migrated.get_model("auth", "Group")
    reading = {
        group.name: set(group.permissions.filter(codename__startswith="read_").values_list("codename", flat=True))
        for group in Group.objects.all()
    }
    assert reading["Intake clerk"] == reading["Finance"] == reading["Auditor"] == {"read_internal_content"}
    assert reading["Focal point"] == {
        "read_internal_content",
        "read_confidential_content",
        "read_strictly_confidential_content",
    }


def check_the_trust_fund_ledger_is_kept_and_each_allocation_has_a_purpose(migrated):
    """Migration 0023_fund14 (issue 14): every entry as it was, unearmarked, no support costs charged after
    the fact; each allocation given a purpose from what it funds, and its case's history says so."""
    Entry = migrated.get_model("requests_app", "LedgerEntry")
    Event = migrated.get_model("requests_app", "CaseEvent")
    cases = {row["pk"]: row["fields"] for row in rows("requests_app.assistancerequest")}
    after = {entry.pk: entry for entry in Entry.objects.all()}
    allocations = 0
    for row in rows("requests_app.ledgerentry"):
        entry, fields = after.get(row["pk"]), row["fields"]
        assert entry is not None, f"ledger entry {row['pk']} was lost"
        assert (entry.kind, str(entry.amount), str(entry.amount_usd), entry.case_id) == (
            fields["kind"],
            fields["amount"],
            fields["amount_usd"],
            fields["case"],
        )
        assert (entry.earmark_country_id, entry.earmark_region, entry.earmark_purpose) == (None, "", "")
        assert entry.support_rate is None
        if entry.kind == "allocation":
            allocations += 1
            roster = cases[entry.case_id]["implementation_modality"] == "roster_experts"
            assert entry.purpose == ("deployment" if roster else "project_support"), cases[entry.case_id]
            event = Event.objects.get(action="fund_purpose_given", details__ledger_entry=entry.pk)
            assert event.case_id == entry.case_id and event.details["purpose"] == entry.purpose
    assert allocations and Entry.objects.count() == len(rows("requests_app.ledgerentry"))
    assert not Entry.objects.filter(kind__in=["support_cost", "support_refund"]).exists()


def test_the_demo_data_of_0015_comes_through_every_migration(migrated):
    """One migration run (each builds the database twice, so one run checks everything)."""
    check_every_case_is_still_there_with_its_country_stage_and_dates(migrated)
    check_every_event_keeps_its_case_action_and_words(migrated)
    check_every_document_keeps_its_case_file_and_name(migrated)
    check_the_requested_types_and_decisions_are_kept(migrated)
    check_the_demo_staff_keep_their_roles(migrated)
    check_a_mandate_origin_became_a_mandate_the_case_rests_on(migrated)
    check_every_case_has_its_letters_and_a_letter_from_another_body_is_none(migrated)
    check_every_document_and_entry_has_the_level_of_its_kind(migrated)
    check_the_trust_fund_ledger_is_kept_and_each_allocation_has_a_purpose(migrated)
