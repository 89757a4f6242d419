"""Migration 0027_corr14 on letters registered before it: each in its State's language, internal, or its
document's level when that is higher; the States' languages of correspondence; French and Spanish templates."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE, AFTER = "0024_letters14", "0027_corr14"


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("requests_app", target)])
    return executor.loader.project_state([("requests_app", target)]).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_letters_before_take_their_states_language_and_their_documents_level():
    old = migrate(BEFORE)
    State = old.get_model("requests_app", "MemberState")
    Letter = old.get_model("requests_app", "Letter")
    Case = old.get_model("requests_app", "AssistanceRequest")
    Document = old.get_model("requests_app", "CaseDocument")
    day = datetime.date(2026, 3, 2)
    fields = {"direction": "in", "date": day, "sender": "Permanent Mission", "subject": "A letter"}
    made = {
        iso3: Letter.objects.create(country=State.objects.get(iso3=iso3), **fields).pk
        for iso3 in ("CIV", "MEX", "GHA", "EGY")
    }
    case = Case.objects.create(
        reference="EAS-2026-9901",
        member_state=State.objects.get(iso3="GHA"),
        origin="government",
        requesting_authority="Minister for Foreign Affairs",
        authority_type="foreign_minister",
        letter_date=day,
        received_date=day,
        stage="received",
    )
    report = Document.objects.create(case=case, kind="request_letter", file="x.pdf", level="strictly_confidential")
    held = Letter.objects.create(country=case.member_state, case=case, document=report, **fields).pk

    try:
        new = migrate(AFTER)
        check_after(new, made, held)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("requests_app")[0][1])  # and the rest


def check_after(new, made, held):
    Letter = new.get_model("requests_app", "Letter")
    languages = {iso3: Letter.objects.get(pk=pk).language for iso3, pk in made.items()}
    assert languages == {"CIV": "fr", "MEX": "es", "GHA": "en", "EGY": "ar"}
    assert {Letter.objects.get(pk=pk).level for pk in made.values()} == {"internal"}
    assert Letter.objects.get(pk=held).level == "strictly_confidential"
    templates = new.get_model("requests_app", "LetterTemplate").objects.values_list("purpose", "language")
    assert set(templates) >= {
        ("acknowledgement", "fr"),
        ("decision", "fr"),
        ("acknowledgement", "es"),
        ("decision", "es"),
    }
    assert new.get_model("requests_app", "MemberState").objects.get(iso3="CHN").correspondence_language == "zh-hans"
