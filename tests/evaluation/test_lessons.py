"""/lessons/: the lessons of every case, searched, filtered, paged and exported."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app.cases.choices import Stage
from tests.evaluation.helpers import lesson
from tests.factories import UserFactory, case_in_stage, member_of

pytestmark = pytest.mark.django_db

LESSONS = reverse("workspace:lessons")
CSV = reverse("workspace:lessons-csv")


@pytest.fixture
def lessons(registrar, desk_officer):
    """Lessons of a Ghanaian case of the officer's, a Peruvian case (another desk), a Nepali one."""
    ghana = case_in_stage(Stage.REPORTING, actor=registrar, officer=desk_officer, state="GHA", election_in_days=400)
    peru = case_in_stage(Stage.REPORTING, actor=registrar, state="PER", election_in_days=800)
    nepal = case_in_stage(Stage.IN_IMPLEMENTATION, actor=registrar, state="NPL", election_in_days=400)
    return {
        "ghana": lesson(
            registrar,
            ghana,
            title="Register voters a year ahead",
            text="Mobile teams reached the islands.",
            codes=["voter-registration"],
        ),
        "peru": lesson(
            registrar,
            peru,
            title="Publish the résultats by polling station",
            text="Transparency of the tally calmed the disputes.",
            codes=["results-management"],
        ),
        "nepal": lesson(
            registrar,
            nepal,
            title='=HYPERLINK("http://x")',
            text="Train poll workers twice: on procedures, then on equipment.",
            codes=["training"],
        ),
    }


def titles(response):
    assert response.status_code == 200
    return [row.title for row in response.context["page"].object_list]


def test_every_reader_of_lessons_reads_those_of_every_desk_and_opens_only_the_cases_they_see(
    client, lessons, desk_officer
):
    client.force_login(desk_officer)
    response = client.get(LESSONS)
    assert sorted(titles(response)) == sorted(row.title for row in lessons.values())
    html = response.content.decode()
    ghana, peru = lessons["ghana"].case, lessons["peru"].case
    assert f'href="{reverse("workspace:case-detail", args=[ghana.reference])}#evaluation"' in html
    assert peru.reference in html  # named, not linked: the case is outside the officer's desks
    assert reverse("workspace:case-detail", args=[peru.reference]) not in html
    assert "3 lessons match" in html


def test_a_word_from_the_text_finds_its_lesson_accents_ignored(client, lessons, focal):
    client.force_login(focal)
    assert titles(client.get(LESSONS, {"q": "islands"})) == ["Register voters a year ahead"]
    assert titles(client.get(LESSONS, {"q": "resultats"})) == ["Publish the résultats by polling station"]
    assert titles(client.get(LESSONS, {"q": "RÉSULTATS tally"})) == ["Publish the résultats by polling station"]
    assert titles(client.get(LESSONS, {"q": "tally islands"})) == []  # every word must be found
    assert titles(client.get(LESSONS, {"q": "nepal"})) == ['=HYPERLINK("http://x")']  # the country's name
    assert titles(client.get(LESSONS, {"q": lessons["peru"].case.reference})) == [lessons["peru"].title]


def test_filters_by_country_type_of_assistance_and_election_year(client, lessons, focal):
    client.force_login(focal)
    assert titles(client.get(LESSONS, {"country": "PER"})) == [lessons["peru"].title]
    assert titles(client.get(LESSONS, {"assistance": "training"})) == [lessons["nepal"].title]
    peru_year = lessons["peru"].case.elections.get().planned_date.year
    assert titles(client.get(LESSONS, {"year": str(peru_year)})) == [lessons["peru"].title]
    ghana_year = lessons["ghana"].case.elections.get().planned_date.year
    assert sorted(titles(client.get(LESSONS, {"year": str(ghana_year), "country": "GHA"}))) == [lessons["ghana"].title]


def test_a_filter_that_makes_no_sense_is_said_and_ignored(client, lessons, focal):
    client.force_login(focal)
    response = client.get(LESSONS, {"country": "XXX", "year": "1066"})
    assert len(titles(response)) == 3
    messages = [str(m) for m in response.context["messages"]]
    assert any("Country" in m and "ignored" in m for m in messages)


def test_lessons_come_by_pages_of_twenty_five_at_a_fixed_number_of_queries(client, registrar, focal):
    case = case_in_stage(Stage.REPORTING, actor=registrar)
    for number in range(30):
        lesson(registrar, case, title=f"Lesson {number:02d}", codes=["training", "voter-registration"])
    client.force_login(focal)
    client.get(LESSONS)  # the session and permissions warm
    with CaptureQueriesContext(connection) as first:
        assert len(titles(client.get(LESSONS))) == 25
    assert titles(client.get(LESSONS, {"page": "2"})) == [f"Lesson {n:02d}" for n in range(4, -1, -1)]
    lesson(registrar, case_in_stage(Stage.REPORTING, actor=registrar, state="KEN"), title="Another country")
    with CaptureQueriesContext(connection) as again:
        client.get(LESSONS)
    assert len(again) == len(first) <= 14


def test_the_csv_holds_the_filtered_lessons_with_formulas_made_inert(client, lessons, focal):
    client.force_login(focal)
    response = client.get(CSV, {"assistance": "training"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:4] == ["Title", "Lesson", "Areas of assistance", "Country"]
    assert len(rows) == 2
    title, text, areas, country, region, reference = rows[1][:6]
    assert title == '\'=HYPERLINK("http://x")'
    assert (areas, country, region) == ("Training", "Nepal", "Asia-Pacific States")
    assert reference == lessons["nepal"].case.reference


def test_lessons_are_refused_to_staff_without_the_right_and_to_others(client, lessons):
    nobody = UserFactory(is_staff=True)
    client.force_login(nobody)
    assert client.get(LESSONS).status_code == 403
    assert client.get(CSV).status_code == 403
    client.logout()
    assert client.get(LESSONS).status_code == 302  # to the login page
    for role in ("Intake clerk", "Finance", "Auditor"):
        client.force_login(member_of(role))
        assert len(titles(client.get(LESSONS))) == 3, role
