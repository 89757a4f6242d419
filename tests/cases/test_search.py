"""Searching the case list (requests_app/cases/search.py): any text, after edits, accents ignored."""

from urllib.parse import urlencode

import pytest
from django.db import connection

from requests_app.cases.models import AssistanceRequest
from tests.cases.helpers import LIST, listed
from tests.factories import new_request

pytestmark = pytest.mark.django_db


def test_search_follows_edits_and_takes_any_text(staff_client, officer):
    case = new_request(actor=officer, state="GHA", summary="Support to the election commission.")
    assert listed(staff_client, "?q=kits") == []
    AssistanceRequest.objects.filter(pk=case.pk).update(summary="Biometric kits, second batch.")
    assert listed(staff_client, "?q=KITS") == [case.reference]  # case-insensitive, after the edit
    assert listed(staff_client, "?q=ki") == [case.reference]  # under three characters too
    for odd in ('"', 'kits"', "a'b", "NEAR(", "*"):
        assert staff_client.get(LIST, {"q": odd}).status_code == 200


ACCENTED_SEARCHES = [
    # (what the user types, which case it must find)
    ("côte", "civ"),
    ("cote d'ivoire", "civ"),
    ("COTE D", "civ"),
    ("Côte d'Ivoire", "civ"),
    ("sao tome", "stp"),
    ("São Tomé", "stp"),
    ("electoral", "per"),
    ("électoral", "per"),  # a summary written without accents
    ("resultats", "ghana"),
    ("résultats", "ghana"),
    ("RÉSULTATS", "ghana"),  # one written with them
    ("ré", "ghana"),
    ("re", "ghana"),  # under three characters too
]


@pytest.fixture
def accented_cases(officer):
    return {
        "civ": new_request(actor=officer, state="CIV", summary="Support to the voter register."),
        "stp": new_request(actor=officer, state="STP", summary="Support to the voter register."),
        "per": new_request(actor=officer, state="PER", summary="Electoral dispute resolution."),
        "ghana": new_request(actor=officer, state="GHA", summary="Transmission des résultats."),
    }


def _accent_search_finds_both_ways(staff_client, accented_cases):
    for typed, name in ACCENTED_SEARCHES:
        found = listed(staff_client, "?" + urlencode({"q": typed}))
        assert accented_cases[name].reference in found, typed
        if name in ("civ", "stp"):
            assert found == [accented_cases[name].reference], typed


def test_search_ignores_accents_both_ways(staff_client, accented_cases):
    _accent_search_finds_both_ways(staff_client, accented_cases)


@pytest.mark.postgres
def test_search_ignores_accents_both_ways_on_postgresql(staff_client, accented_cases):
    _accent_search_finds_both_ways(staff_client, accented_cases)


def test_an_accented_summary_is_found_unaccented_after_an_edit(staff_client, officer):
    case = new_request(actor=officer, state="GHA", summary="Support to the election commission.")
    assert listed(staff_client, "?q=reunion") == []
    AssistanceRequest.objects.filter(pk=case.pk).update(summary="Réunion des bailleurs.")
    assert listed(staff_client, "?q=reunion") == [case.reference]
    AssistanceRequest.objects.filter(pk=case.pk).delete()
    assert listed(staff_client, "?q=reunion") == []


@pytest.mark.postgres
def test_the_accent_free_search_of_summaries_uses_the_trigram_index_on_postgresql(officer):
    from requests_app.cases.filters import search_cases

    new_request(actor=officer, state="GHA", summary="Transmission des résultats.")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a table this small is otherwise read whole
        sql, params = search_cases(AssistanceRequest.objects.order_by(), "resultats").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "case_summary_unaccent_trgm" in plan, plan
