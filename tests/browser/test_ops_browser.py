"""Running EAS, seen in a browser: the operator reads /readyz; a user meets an error, quotes the
reference its page gives, and the operator finds that request's line in the log (JSON, as in
production), with the user's id, next to the case the user had just opened."""

import io
import json
import logging
import logging.config
import re

import pytest

from eas.settings.logs import logging_config
from requests_app.ops.leases import DatabaseLease
from tests.factories import new_request

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture says why these tests cannot run
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct horse battery staple"
# The answers that are errors on purpose, which Chromium logs as failed loads (and the icon it asks
# for when it shows JSON, which names none).
EXPECTED_ERRORS = re.compile(
    r"status of (503 \(Service Unavailable\) \(.*/readyz\)|500 \(Internal Server Error\)|404 .*/favicon\.ico)"
)


@pytest.fixture
def production_log(settings):
    """The log as production writes it (JSON lines), into a buffer: answers its records so far."""
    logging.config.dictConfig(logging_config("json", "INFO"))
    [handler] = logging.getLogger().handlers
    stream = io.StringIO()
    handler.setStream(stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logging.config.dictConfig(settings.LOGGING)


@pytest.mark.urls("tests.core.error_urls")
def test_an_error_page_gives_the_reference_that_finds_its_line_in_the_log(visit, officer, settings, production_log):
    page = visit.page
    case = new_request(actor=officer, state="GHA")

    # The operator opens /readyz: no beat has beaten yet, so not ready, and it says which check fails.
    page.goto("/readyz")
    readiness = json.loads(page.locator("body").inner_text())
    assert readiness["status"] == "unavailable"
    assert readiness["checks"]["beat"] == {"ok": False, "error": "no heartbeat yet", "max_age_seconds": 30.0}
    assert readiness["checks"]["database"] == {"ok": True}
    visit.shot("readyz-unavailable")
    DatabaseLease(settings.EAS_BEAT_LOCK_NAME, seconds=60).take("beat-host:4242:abcd")  # a beat starts
    page.reload()
    assert json.loads(page.locator("body").inner_text())["status"] == "ok"
    visit.shot("readyz-ok")

    # A user works on a case, then meets a bug.
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    page.goto(f"/cases/{case.reference}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    page.goto("/test-errors/fail/?q=Jane+Mensah")
    expect(page.get_by_role("heading", name="Something went wrong on our side")).to_be_visible()
    expect(page.get_by_text("The reference of this error, for the administrator:")).to_be_visible()
    reference = page.locator("main code").inner_text()
    visit.shot("error-with-reference")

    # The operator searches the log for the reference the user quoted.
    records = production_log()
    lines = [r for r in records if r.get("request_id") == reference]
    request_line = next(r for r in lines if r["logger"] == "eas.request")
    assert request_line["status"] == 500 and request_line["path"] == "/test-errors/fail/"
    assert request_line["user_id"] == officer.pk
    error = next(r for r in lines if r["logger"] == "django.request")
    assert "RuntimeError: a bug" in error["exc_info"]
    # The request before it was the case page, with its case; the log names no one.
    case_line = next(r for r in records if r["logger"] == "eas.request" and r.get("case") == case.reference)
    assert case_line["status"] == 200 and case_line["user_id"] == officer.pk
    text = "\n".join(json.dumps(r) for r in records)
    for personal in (officer.username, officer.email, "Jane", "Mensah"):
        assert personal not in text

    assert [e for e in visit.console_errors if not EXPECTED_ERRORS.search(e)] == []
    assert visit.outside_requests() == []
