"""The country file's sections come from a typed list of sources: a domain joins the file with one
entry (the mandates and the correspondence do at the merge of issue 13). Whatever a source returns,
a row tied to a case the reader may not see is left out, and its rows get their case without a query."""

import datetime
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app.cases.models import AssistanceRequest, Election
from requests_app.engagement import selectors
from tests.engagement.conftest import engagement
from tests.factories import new_request

pytestmark = pytest.mark.django_db


@dataclass
class Letter:
    """What a domain's for_country() might return: rows that may concern a case."""

    subject: str
    case_id: int | None
    expires_on: datetime.date | None = None

    def __str__(self):
        return self.subject


def test_a_source_added_with_one_entry_shows_its_rows_in_scope_and_its_summary(officer, other_desk):
    ghana = new_request(actor=officer, state="GHA")
    mine = new_request(actor=officer, state="GHA", officer=other_desk)
    today = timezone.localdate()
    letters = [
        Letter("Note verbale on the mandate", None, today + datetime.timedelta(days=30)),
        Letter("Reply to the request", mine.pk, today - datetime.timedelta(days=1)),
        Letter("Request letter", ghana.pk),
    ]
    seen = []

    def for_country(country):
        seen.append(country.iso3)
        return letters

    source = selectors.SectionSource(
        "notes",
        "Notes",
        selectors.country_rows(for_country),
        "correspondence/_country_section.html",
        "In force",
        selectors.in_force("expires_on"),
    )

    file = selectors.country_file(ghana.member_state, other_desk, today, [*selectors.SECTIONS, source])

    assert seen == ["GHA"]
    # The other desk sees the case assigned to them, not the other one: the letter about it is left out.
    assert [case.pk for case in file.rows("cases")] == [mine.pk]
    assert [letter.subject for letter in file.rows("notes")] == [
        "Note verbale on the mandate",
        "Reply to the request",
    ]
    assert ("In force", [letters[0]]) in file.summary.lines
    assert selectors.newest(file.rows("notes"), today) == [letters[0]]


def test_the_sections_rows_get_their_case_without_a_query(officer, focal, django_assert_num_queries):
    cases = engagement(officer, 2)
    file = selectors.country_file(cases[0].member_state, focal, timezone.localdate())

    with django_assert_num_queries(0):
        references = {election.case.reference for election in file.rows("elections")}
        references |= {decision.case.reference for decision in file.rows("decisions")}
        references |= {entry.case.reference for entry in file.rows("fund")}
    assert references == {case.reference for case in cases}


def test_a_source_the_reader_may_not_see_gives_no_section(focal):
    hidden = selectors.SectionSource("secret", "Secret", lambda scope: None, "engagement/_cases.html")

    file = selectors.country_file(selectors.country("GHA"), focal, timezone.localdate(), [*selectors.SECTIONS, hidden])

    assert next(section for section in file.sections if section.source.key == "secret").rows is None
    assert file.rows("secret") == []


def test_a_section_added_to_the_list_is_on_the_page_with_its_template(client, officer, focal, monkeypatch):
    case = new_request(actor=officer, state="GHA")
    extra = selectors.SectionSource(
        "mandates",
        "Mandates",
        lambda scope: list(Election.objects.filter(case__member_state=scope.country)),
        "engagement/_elections.html",
        "Mandates in force",
        selectors.newest,
    )
    monkeypatch.setattr(selectors, "SECTIONS", [*selectors.SECTIONS, extra])
    client.force_login(focal)

    page = client.get(reverse("workspace:country-file", args=["GHA"])).content.decode()

    assert 'id="section-mandates"' in page and 'href="#section-mandates"' in page
    assert "<h3>Mandates in force</h3>" in page
    assert page.count(f'href="{reverse("workspace:case-detail", args=[case.reference])}"') >= 4


def test_the_country_of_a_code(db):
    assert selectors.country("GHA").name == "Ghana"
    assert selectors.country(" gha ").iso3 == "GHA"
    assert selectors.country("") is None and selectors.country("X" * 500) is None
    assert AssistanceRequest.objects.count() == 0


def test_a_source_listed_before_the_cases_still_keeps_the_rows_of_the_cases_in_scope(officer, focal):
    case = new_request(actor=officer, state="GHA")
    first = selectors.SectionSource(
        "notes", "Notes", selectors.country_rows(lambda country: [Letter("Request", case.pk)]), "x.html"
    )

    file = selectors.country_file(case.member_state, focal, timezone.localdate(), [first, *selectors.SECTIONS])

    assert [section.source.key for section in file.sections][:2] == ["notes", "cases"]
    assert [letter.subject for letter in file.rows("notes")] == ["Request"]
