"""Migration 0020_letters13 on a copy of the demo data: every case, event and document as before; each
case's letters as the register files them; the letters from other bodies no longer counted as requests.

The demo is seeded (its letters filed by the register as its cases are played), the database taken back
to 0019 (no register), three cases of origin "other body" added as they were made before (declined,
still open, withdrawn), and 0020 applied: the letters it files for the demo cases are those the register
had filed, and nothing of the cases, their history or their documents changes.
"""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from requests_app.cases.models import AssistanceRequest
from requests_app.cases.selectors import visible_cases
from requests_app.correspondence.models import Letter, LetterStatus, Purpose
from requests_app.fund.models import EarmarkDraw, LedgerEntry
from requests_app.reference.models import CountryStatus, MemberState
from requests_app.reports.selectors import build_briefing
from tests.factories import UserFactory

BEFORE, AFTER = "0019_mandates", "0020_letters13"
NOW = timezone.now()


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("requests_app", target)])
    return executor.loader.project_state([("requests_app", target)]).apps


def rows(apps, model):
    """Every row of a model, every column, by id: what must not change."""
    return {row["id"]: row for row in apps.get_model("requests_app", model).objects.values()}


def letters_filed():
    """The letters of the demo cases as comparable rows (the demo's own exchanges aside)."""
    return sorted(
        (
            letter.case_id,
            letter.direction,
            letter.purpose,
            letter.date,
            letter.received_on,
            letter.kind,
            letter.channel,
            letter.subject,
            letter.document_id,
            letter.in_reply_to.purpose if letter.in_reply_to else None,
            letter.replied_on,
            letter.registered_by_id,
        )
        for letter in Letter.objects.filter(case__isnull=False)
        .exclude(purpose=Purpose.OTHER)
        .select_related("in_reply_to")
    )


def add_other_body_cases(apps):
    """Letters from a party and civil society, registered as cases the way intake did before 0020."""
    Case = apps.get_model("requests_app", "AssistanceRequest")
    Event = apps.get_model("requests_app", "CaseEvent")
    Document = apps.get_model("requests_app", "CaseDocument")
    State = apps.get_model("requests_app", "MemberState")
    clerk = apps.get_model("auth", "User").objects.create(username="old-clerk", is_staff=True)
    received = timezone.localdate() - datetime.timedelta(days=40)
    made = {}
    for reference, stage, authority, iso3 in [
        ("EAS-2020-9001", "declined", "political_party", "GHA"),
        ("EAS-2020-9002", "under_review", "civil_society", "PER"),
        ("EAS-2020-9003", "withdrawn", "political_party", "KEN"),
    ]:
        case = Case.objects.create(
            reference=reference,
            member_state=State.objects.get(iso3=iso3),
            origin="other_body",
            requesting_authority="Secretary-General, Democratic Alliance",
            authority_type=authority,
            letter_date=received - datetime.timedelta(days=3),
            received_date=received,
            summary="The party asks the United Nations to observe the elections.",
            stage=stage,
            stage_due_at=NOW + datetime.timedelta(days=3) if stage == "under_review" else None,
        )
        at = NOW - datetime.timedelta(days=39)
        Event.objects.create(case=case, actor=clerk, action="registered", to_stage="received", created_at=at)
        Event.objects.create(
            case=case, actor=clerk, action="start_review", from_stage="received", to_stage="under_review", created_at=at
        )
        Document.objects.create(case=case, kind="request_letter", file="cases/x/party.pdf", original_name="party.pdf")
        if stage == "declined":
            Event.objects.create(
                case=case,
                actor=clerk,
                action="decline_request",
                from_stage="under_review",
                to_stage="declined",
                comment="Only the Government can request electoral assistance.",
                created_at=NOW - datetime.timedelta(days=30),
            )
            Document.objects.create(case=case, kind="decision_letter", file="cases/x/reply.pdf", original_name="r.pdf")
        made[stage] = case.pk
    return made


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_files_every_letter_and_loses_nothing(client):
    call_command("seed_demo", verbosity=0)
    # Going back to 0019 undoes 0021_reference13, which takes the observer States and territories away
    # again: the demo's cases and letters of territories go first.
    others = MemberState.objects.exclude(status=CountryStatus.MEMBER_STATE)
    Letter.objects.filter(country__in=others).delete()
    AssistanceRequest.objects.filter(member_state__in=others).delete()
    # 0023_fund14 refuses to go back over programme support costs and earmarks, which it would lose:
    # the demo's Trust Fund ledger goes too (this test is about letters).
    EarmarkDraw.objects.all().delete()
    LedgerEntry.objects.exclude(charged_on=None).delete()  # support costs point at their allocation
    LedgerEntry.objects.exclude(pledge=None).delete()  # contributions at their pledge
    LedgerEntry.objects.all().delete()
    filed_by_the_register = letters_filed()
    assert filed_by_the_register, "the demo's cases have letters"

    old = migrate(BEFORE)
    former = add_other_body_cases(old)
    before = {model: rows(old, model) for model in ("AssistanceRequest", "CaseEvent", "CaseDocument", "Decision")}

    new = migrate(AFTER)
    for model, kept in before.items():
        assert rows(new, model) == kept, f"every {model} as it was"
    new = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("requests_app")[0][1])  # and the rest
    for model, kept in before.items():  # the later migrations may add columns: those of before as they were
        now = rows(new, model)
        assert {pk: {name: now[pk][name] for name in row} for pk, row in kept.items()} == kept, model
    assert letters_filed() == filed_by_the_register

    declined = Letter.objects.get(former_case=former["declined"])
    assert (declined.status, declined.case, declined.sender_kind) == (
        LetterStatus.NOT_CONSIDERED,
        None,
        "political_party",
    )
    assert declined.document.original_name == "party.pdf"
    [reply] = declined.replies.all()
    assert reply.notes == "Only the Government can request electoral assistance."
    assert reply.date == timezone.localdate(NOW - datetime.timedelta(days=30)) == declined.replied_on
    assert reply.document.original_name == "r.pdf"
    waiting = Letter.objects.get(former_case=former["under_review"])
    assert waiting.awaits_reply and waiting.reply_due_on == timezone.localdate(NOW + datetime.timedelta(days=3))
    withdrawn = Letter.objects.get(former_case=former["withdrawn"])
    assert not withdrawn.replies.exists() and withdrawn.reply_due_on is None

    # Never counted among requests, nor seen as cases; their record is reached from their letter.
    admin = UserFactory(is_staff=True, is_superuser=True)
    assert not visible_cases(admin).filter(pk__in=former.values()).exists()
    report = build_briefing(datetime.date(2000, 1, 1), timezone.localdate())
    assert report.totals.received == len(before["AssistanceRequest"]) - 3
    client.force_login(admin)
    page = client.get(reverse("workspace:letter-detail", args=[declined.pk])).content.decode()
    assert "EAS-2020-9001" in page and "Only the Government can request electoral assistance." in page
    assert "party.pdf" in page and "r.pdf" in page
    assert client.get(reverse("workspace:case-detail", args=["EAS-2020-9001"])).status_code == 404
