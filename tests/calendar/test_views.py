"""Each officer's calendar feed: their deadlines and election days, in Outlook or Google Calendar."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from requests_app.calendar.models import CalendarToken
from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest, Election
from tests.factories import UserFactory, new_request, set_due

pytestmark = pytest.mark.django_db

SETTINGS_URL = reverse("workspace:calendar-settings")
SITE = "https://eas.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def feed_url_on_page(client):
    """The address the settings page tells the user to paste into their calendar program."""
    response = client.get(SETTINGS_URL)
    assert response.status_code == 200
    match = re.search(rf'value="({re.escape(SITE)}/calendar/[^"]+\.ics)"', response.content.decode())
    assert match, "the page shows the feed address"
    return match.group(1)


def fetch(client, url):
    """What a calendar program gets: no login, just the address."""
    client.logout()
    return client.get(url.removeprefix(SITE))


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return {str(event["UID"]): event for event in Calendar.from_ical(response.content).walk("VEVENT")}


def due(case, hours):
    return set_due(case, timezone.now().replace(microsecond=0) + datetime.timedelta(hours=hours))


@pytest.fixture
def mine(officer):
    """An open case of the officer's, due in two days, with a general election in 200 days."""
    case = new_request(actor=None, state="GHA", officer=officer, election_in_days=200)
    return due(case, 48)


def test_the_feed_has_my_deadline_and_my_election_with_a_link_to_the_case(client, officer, mine):
    client.force_login(officer)
    url = feed_url_on_page(client)

    found = events(fetch(client, url))

    link = f"{SITE}/cases/{mine.reference}/"
    deadline = found[f"{mine.reference}-due-received@eas"]
    assert str(deadline["SUMMARY"]) == f"{mine.reference} Ghana — due: Received"
    assert deadline.decoded("DTSTART") == mine.stage_due_at
    assert str(deadline["URL"]) == link
    assert link in str(deadline["DESCRIPTION"])

    election = Election.objects.get(case=mine)
    event = found[f"election-{election.pk}@eas"]
    assert str(event["SUMMARY"]) == f"Election: General (presidential and parliamentary) — Ghana ({mine.reference})"
    assert event.decoded("DTSTART") == election.planned_date  # an all-day event
    assert event.decoded("DTEND") == election.planned_date + datetime.timedelta(days=1)
    assert str(event["URL"]) == link
    assert len(found) == 2


def test_the_feed_leaves_out_other_peoples_cases_and_closed_cases(client, officer, mine):
    colleague = UserFactory(is_staff=True)
    due(new_request(actor=None, state="FRA", officer=colleague), 24)
    due(new_request(actor=None, state="MEX"), 24)  # unassigned
    withdrawn = due(new_request(actor=None, state="KEN", officer=officer), 24)
    AssistanceRequest.objects.filter(pk=withdrawn.pk).update(stage=Stage.WITHDRAWN)
    client.force_login(officer)

    found = events(fetch(client, feed_url_on_page(client)))

    election = Election.objects.get(case=mine)
    assert set(found) == {f"{mine.reference}-due-received@eas", f"election-{election.pk}@eas"}


def test_a_moved_deadline_or_election_updates_the_event_rather_than_adding_one(client, officer, mine):
    client.force_login(officer)
    url = feed_url_on_page(client)
    before = events(fetch(client, url))

    set_due(mine, mine.stage_due_at + datetime.timedelta(days=3))  # not from now(): a second may pass
    Election.objects.filter(case=mine).update(planned_date=timezone.localdate() + datetime.timedelta(days=250))
    after = events(fetch(client, url))

    assert after.keys() == before.keys()
    deadline_uid = f"{mine.reference}-due-received@eas"
    moved = after[deadline_uid].decoded("DTSTART") - before[deadline_uid].decoded("DTSTART")
    assert moved == datetime.timedelta(days=3)
    election_uid = next(uid for uid in after if uid.startswith("election-"))
    assert after[election_uid].decoded("DTSTART") == timezone.localdate() + datetime.timedelta(days=250)


def test_the_next_stage_gets_its_own_deadline_event(client, officer, mine):
    client.force_login(officer)
    url = feed_url_on_page(client)

    AssistanceRequest.objects.filter(pk=mine.pk).update(stage=Stage.UNDER_REVIEW)
    found = events(fetch(client, url))

    assert f"{mine.reference}-due-under_review@eas" in found
    assert f"{mine.reference}-due-received@eas" not in found
    assert str(found[f"{mine.reference}-due-under_review@eas"]["SUMMARY"]).endswith("due: Under review")


def test_an_unknown_address_is_not_found(client, officer, mine):
    client.force_login(officer)
    feed_url_on_page(client)

    response = fetch(client, reverse("workspace:calendar-feed", args=["not-the-token"]))

    assert response.status_code == 404


def test_the_feed_of_someone_who_left_stops(client, officer, mine):
    client.force_login(officer)
    url = feed_url_on_page(client)
    type(officer).objects.filter(pk=officer.pk).update(is_active=False)

    assert fetch(client, url).status_code == 404


def test_the_feed_of_someone_no_longer_staff_stops(client, officer, mine):
    client.force_login(officer)
    url = feed_url_on_page(client)
    type(officer).objects.filter(pk=officer.pk).update(is_staff=False)

    assert fetch(client, url).status_code == 404


def test_the_page_shows_the_same_address_on_every_visit(client, officer):
    client.force_login(officer)

    first, second = feed_url_on_page(client), feed_url_on_page(client)

    assert first == second
    assert CalendarToken.objects.filter(user=officer).count() == 1
    assert "Subscribe from web" in client.get(SETTINGS_URL).content.decode()  # how to, for Outlook


def test_replacing_the_address_makes_the_old_one_stop_working(client, officer, mine):
    client.force_login(officer)
    old_url = feed_url_on_page(client)

    response = client.post(SETTINGS_URL, follow=True)

    assert response.redirect_chain == [(SETTINGS_URL, 302)]
    assert "The old address no longer works" in response.content.decode()
    new_url = feed_url_on_page(client)
    assert new_url != old_url
    assert fetch(client, old_url).status_code == 404
    assert f"{mine.reference}-due-received@eas" in events(fetch(client, new_url))


def test_the_feed_costs_the_same_queries_for_2_or_12_cases(client, officer):
    client.force_login(officer)
    url = feed_url_on_page(client)

    def queries_for_feed():
        with CaptureQueriesContext(connection) as queries:
            found = events(client.get(url.removeprefix(SITE)))
        return len(queries), len(found)

    for _ in range(2):
        due(new_request(actor=None, officer=officer), 24)
    client.logout()
    few, found = queries_for_feed()
    assert found == 4
    for _ in range(10):
        due(new_request(actor=None, officer=officer), 24)
    many, found = queries_for_feed()

    assert found == 24
    assert many == few


def test_the_settings_page_is_for_staff_only(client):
    response = client.get(SETTINGS_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))

    client.force_login(UserFactory(is_staff=False))
    assert client.get(SETTINGS_URL).status_code == 403
    assert client.post(SETTINGS_URL).status_code == 403
    assert not CalendarToken.objects.exists()
