"""Migration 0019: the cases of before, whose mandate was an origin, rest on Mandates; nothing is lost.

The database is taken back to 0018, cases are written as they were then, and 0019 is applied (then
undone, then applied again as the rest of the tests need it)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("requests_app", "0018_decide13")]
AFTER = [("requests_app", "0019_mandates")]

# (reference, country, origin, symbol as typed, requesting authority, authority type)
OLD_CASES = [
    ("EAS-2024-0001", "HTI", "security_council", "S/RES/2734 (2024)", "Security Council", "un_organ"),
    ("EAS-2024-0002", "HTI", "security_council", " s/res/2734(2024) ", "Security Council", "un_organ"),
    ("EAS-2024-0003", "MLI", "security_council", "S/RES/2734 (2024)", "Security Council", "un_organ"),
    ("EAS-2024-0004", "HTI", "general_assembly", "A/RES/78/123", "General Assembly, Fourth Committee", "un_organ"),
    ("EAS-2024-0005", "GHA", "government", "", "Minister for Foreign Affairs", "foreign_minister"),
    ("EAS-2024-0006", "GHA", "electoral_body", "", "Chair, Electoral Commission", "electoral_body"),
]
LETTER, RECEIVED = datetime.date(2024, 6, 1), datetime.date(2024, 6, 5)
TIDIED = {
    "S/RES/2734 (2024)": "S/RES/2734 (2024)",
    " s/res/2734(2024) ": "S/RES/2734 (2024)",
    "A/RES/78/123": "A/RES/78/123",
}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def write_old_cases(apps):
    Case = apps.get_model("requests_app", "AssistanceRequest")
    CaseEvent = apps.get_model("requests_app", "CaseEvent")
    states = {s.iso3: s for s in apps.get_model("requests_app", "MemberState").objects.all()}
    for reference, iso3, origin, symbol, authority, kind in OLD_CASES:
        case = Case.objects.create(
            reference=reference,
            member_state=states[iso3],
            origin=origin,
            mandate_symbol=symbol,
            requesting_authority=authority,
            authority_type=kind,
            letter_date=LETTER,
            received_date=RECEIVED,
            summary=f"Case {reference}",
        )
        CaseEvent.objects.create(
            case=case, action="registered", to_stage="received", details={"origin": origin, "authority": kind}
        )


def test_each_case_of_before_keeps_everything_it_held():
    try:
        write_old_cases(migrate(BEFORE))
        apps = migrate(AFTER)
        Case = apps.get_model("requests_app", "AssistanceRequest")
        Mandate = apps.get_model("requests_app", "Mandate")

        mandates = {
            (m.member_state.iso3, m.symbol): (m.organ, m.adopted_on, m.adopted_on_year_only, m.expires_on)
            for m in Mandate.objects.select_related("member_state")
        }
        assert mandates == {
            ("HTI", "S/RES/2734 (2024)"): ("security_council", datetime.date(2024, 1, 1), True, None),
            ("MLI", "S/RES/2734 (2024)"): ("security_council", datetime.date(2024, 1, 1), True, None),
            ("HTI", "A/RES/78/123"): ("general_assembly", None, False, None),
        }, "one per distinct symbol and country; the year of a Council's symbol, else the day unknown"

        for reference, iso3, origin, symbol, authority, kind in OLD_CASES:
            case = Case.objects.get(reference=reference)
            linked = [(m.member_state.iso3, m.symbol) for m in Mandate.objects.filter(cases=case)]
            assert (case.letter_date, case.received_date, case.summary) == (LETTER, RECEIVED, f"Case {reference}")
            assert case.events.filter(action="registered").count() == 1, "the history is kept"
            if origin in ("security_council", "general_assembly"):
                assert linked == [(iso3, TIDIED[symbol])], reference
                assert (case.origin, case.authority_type, case.requesting_authority) == ("", "", ""), reference
                carried = case.events.get(action="mandate_linked")
                assert carried.details["basis"] == "mandate"
                assert carried.details["carried_over"] == {
                    "origin": origin,
                    "mandate_symbol": symbol,
                    "authority": kind,
                    "requesting_authority": authority,
                }, reference
            else:
                assert linked == [], reference
                assert (case.origin, case.authority_type, case.requesting_authority) == (origin, kind, authority)
                assert not case.events.filter(action="mandate_linked").exists()

        # Undone: each case as it was.
        apps = migrate(BEFORE)
        Case = apps.get_model("requests_app", "AssistanceRequest")
        for reference, _iso3, origin, symbol, authority, kind in OLD_CASES:
            case = Case.objects.get(reference=reference)
            assert (case.origin, case.mandate_symbol, case.requesting_authority, case.authority_type) == (
                origin,
                symbol,
                authority,
                kind,
            ), reference
            assert list(case.events.values_list("action", flat=True)) == ["registered"], reference
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    # The search index is whole again after the table was remade (SQLite).
    from requests_app.cases.filters import search_cases
    from requests_app.cases.models import AssistanceRequest

    assert [c.reference for c in search_cases(AssistanceRequest.objects.all(), "EAS-2024-0004")] == ["EAS-2024-0004"]
