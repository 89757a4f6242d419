"""The log as production writes it (EAS_LOG_FORMAT=json): one JSON object per line, one line per
request with its id, status, duration, user id and case reference; nothing that names a person."""

import io
import json
import logging
import logging.config
import re

import pytest
from django.urls import reverse

from eas.settings.logs import logging_config
from requests_app.calendar.services import token_for
from tests.factories import new_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_log(settings):
    """The site's logging in a format, into a buffer: answers that buffer."""

    def configure(log_format):
        logging.config.dictConfig(logging_config(log_format, "INFO"))
        [handler] = logging.getLogger().handlers
        stream = io.StringIO()
        handler.setStream(stream)
        return stream

    yield configure
    logging.config.dictConfig(settings.LOGGING)


@pytest.fixture
def json_log(site_log):
    """Production's log; answers the records written so far (and keeps their text)."""
    stream = site_log("json")

    def records():
        records.text = stream.getvalue()
        return [json.loads(line) for line in records.text.splitlines()]

    records.text = ""
    return records


def request_lines(records):
    return [r for r in records if r["logger"] == "eas.request"]


def test_a_case_page_is_one_json_line_with_its_request_id_user_and_case(client, officer, json_log):
    case = new_request(summary="Request of the Minister, Ms Jane Mensah, for support to voter registration.")
    client.force_login(officer)
    response = client.get(reverse("workspace:case-detail", args=[case.reference]))
    assert response.status_code == 200

    records = json_log()
    [line] = [r for r in request_lines(records) if r["path"].startswith("/cases/")]
    assert line["request_id"] == response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
    assert line["method"] == "GET" and line["status"] == 200
    assert line["path"] == f"/cases/{case.reference}/"
    assert line["user_id"] == officer.pk
    assert line["case"] == case.reference
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert line["level"] == "INFO" and line["message"] == f"GET /cases/{case.reference}/ 200"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00", line["time"])
    # Ids only: not the user's name or address, not what the case says.
    for personal in (officer.username, officer.email, "Mensah"):
        assert personal not in json_log.text


def test_the_query_string_is_not_logged(client, officer, json_log):
    client.force_login(officer)
    assert client.get("/cases/", {"q": "Jane Mensah", "officer": "mine"}).status_code == 200
    [line] = request_lines(json_log())
    assert line["path"] == "/cases/" and "case" not in line
    assert "Mensah" not in json_log.text and "mine" not in json_log.text


def test_the_calendar_feeds_secret_address_is_not_logged(client, officer, json_log):
    token = token_for(officer).token
    assert client.get(reverse("workspace:calendar-feed", args=[token])).status_code == 200
    [line] = request_lines(json_log())
    assert line["path"] == "/calendar/<token>.ics"
    assert token not in json_log.text


def test_a_proxys_request_id_is_kept_and_a_forged_one_replaced(client, json_log):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b")
    assert response["X-Request-ID"] == "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID='x" injected=1\n{"level": "ERROR"}')
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])
    ids = [line["request_id"] for line in request_lines(json_log())]
    assert ids == [response["X-Request-ID"], forged["X-Request-ID"]]
    assert "injected" not in json_log.text


def test_a_refused_request_is_its_own_line_only(client, officer, json_log):
    client.force_login(officer)
    assert client.get("/cases/EAS-1999-9999/").status_code == 404
    records = json_log()
    assert [(r["logger"], r["status"]) for r in records if r["logger"].startswith(("eas.", "django."))] == [
        ("eas.request", 404)
    ]


@pytest.mark.urls("tests.core.error_urls")
def test_a_server_error_keeps_its_traceback_under_the_requests_id(client, json_log):
    client.raise_request_exception = False
    response = client.get("/test-errors/fail/?name=Jane")
    assert response.status_code == 500
    records = json_log()
    [error] = [r for r in records if r["logger"] == "django.request"]
    [line] = request_lines(records)
    assert error["level"] == "ERROR" and "RuntimeError: a bug" in error["exc_info"]
    assert error["request_id"] == line["request_id"] == response["X-Request-ID"]
    assert line["status"] == 500
    assert "Jane" not in json_log.text  # Django's record carries the request (and its query): left out


def test_in_text_the_site_writes_no_line_of_its_own_per_request(client, site_log):
    stream = site_log("text")
    response = client.get("/healthz")
    assert response["X-Request-ID"]
    logging.getLogger("requests_app").warning("A line of the site.")
    assert stream.getvalue() == "A line of the site.\n"
