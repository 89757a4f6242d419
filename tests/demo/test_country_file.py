"""The benchmarks' country file: seed_demo --cases keeps one country out of the random draw and
gives it its share of cases, each with a long history (requests_app/demo/country_file.py)."""

from io import StringIO

import pytest
from django.core.management import call_command

from requests_app.cases.models import AssistanceRequest
from requests_app.demo import country_file
from requests_app.history.models import CaseEvent
from tests.demo.test_seed_demo import assert_history_matches_stage
from tests.factories import new_request

pytestmark = pytest.mark.django_db


def test_the_country_files_country_gets_its_cases_and_history_entries_counting_those_it_had(officer, monkeypatch):
    # At 100,000 cases: 50 cases and 2,000 entries. Here, at 300: four cases (one there before) and 160 entries.
    monkeypatch.setattr(country_file, "CASES_PER_BULK", 100)
    monkeypatch.setattr(country_file, "CASES", 4)
    before = new_request(actor=officer, state=country_file.COUNTRY_FILE_STATE)

    call_command("seed_demo", cases=300, stdout=StringIO())

    cases = AssistanceRequest.objects.filter(member_state__iso3=country_file.COUNTRY_FILE_STATE)
    assert cases.count() == 4
    assert CaseEvent.objects.filter(case__in=cases).count() == 4 * country_file.EVENTS_PER_CASE
    for case in cases.exclude(pk=before.pk).prefetch_related("events"):
        assert_history_matches_stage(case)
        assert case.events.all()[0].action == "registered"
    # Spread over the years, as the other cases are.
    assert len({case.received_date.year for case in cases.exclude(pk=before.pk)}) >= 2
    assert AssistanceRequest.objects.count() == 301


def test_a_country_with_its_share_already_gets_no_more(officer, monkeypatch):
    monkeypatch.setattr(country_file, "CASES", 1)
    new_request(actor=officer, state=country_file.COUNTRY_FILE_STATE)

    call_command("seed_demo", cases=300, stdout=StringIO())

    assert AssistanceRequest.objects.filter(member_state__iso3=country_file.COUNTRY_FILE_STATE).count() == 1
