"""Errors go to Sentry when SENTRY_DSN is set, and nothing is set up otherwise.

Each case is a process with production's settings (where eas.sentry is called), in which a page
fails. The "Sentry" is a small HTTP server on 127.0.0.1 that keeps what it receives: the event of
the error, tagged with the request's id, without the cookies, the query string or the user.
"""

import gzip
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.ops.helpers import process_env
from tests.project import PRODUCTION, ROOT

# A page that fails (tests.core.error_urls), requested through the WSGI application as gunicorn does,
# by a logged-in browser (a session cookie), with a search in its query string.
FAILING_REQUEST = """
import sentry_sdk
from wsgiref.util import setup_testing_defaults
from django.conf import settings
# No table in this bare database: the session (read for the reader's language) rides in its cookie.
settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
from eas.wsgi import application
print("SENTRY", settings.SENTRY_ENABLED, sentry_sdk.get_client().is_active())
settings.ROOT_URLCONF = "tests.core.error_urls"
environ = {}
setup_testing_defaults(environ)
environ.update({
    "PATH_INFO": "/test-errors/fail/", "QUERY_STRING": "q=Jane+Mensah", "HTTP_HOST": "eas.example.org",
    "wsgi.url_scheme": "https", "HTTP_X_FORWARDED_PROTO": "https", "HTTP_COOKIE": "sessionid=a-secret-session-key",
    "HTTP_X_REQUEST_ID": "req-0123456789",
})
statuses = []
b"".join(application(environ, lambda status, headers, exc_info=None: statuses.append(status)))
print("STATUS", statuses[0])
sentry_sdk.flush(10)
"""


class Envelopes(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        # sentry-sdk compresses with brotli when the brotli package is installed, else with gzip.
        if self.headers.get("Content-Encoding") == "br":
            import brotli

            body = brotli.decompress(body)
        elif self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.server.received.append((self.path, body.decode()))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Envelopes)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def fail_a_page(tmp_path, **env):
    result = subprocess.run(
        [sys.executable, "-c", FAILING_REQUEST],
        cwd=ROOT,
        env=process_env(
            **{**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "CELERY_BROKER_URL": "memory://"},
            **env,
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "STATUS 500" in result.stdout, result.stdout + result.stderr
    return result


def events(server):
    """The events of the envelopes received: an envelope is JSON lines, header, item header, item..."""
    found = []
    for _path, body in server.received:
        lines = body.splitlines()
        for header, item in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(item))
    return found


def test_without_sentry_dsn_nothing_is_set_up_or_sent(tmp_path, sentry):
    result = fail_a_page(tmp_path)
    assert "SENTRY False False" in result.stdout
    assert sentry.received == []


def test_with_sentry_dsn_the_error_is_reported_with_the_requests_id_and_nothing_personal(tmp_path, sentry):
    port = sentry.server_address[1]
    result = fail_a_page(tmp_path, SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/42", SENTRY_RELEASE="eas@1.2.3")
    assert "SENTRY True True" in result.stdout
    assert {path for path, _ in sentry.received} == {"/api/42/envelope/"}
    [event] = events(sentry)
    [exception] = event["exception"]["values"]
    assert (exception["type"], exception["value"]) == ("RuntimeError", "a bug")
    assert event["tags"]["request_id"] == "req-0123456789"
    assert event["release"] == "eas@1.2.3" and event["environment"] == "production"
    assert event["request"]["url"] == "https://eas.example.org/test-errors/fail/"
    assert event["request"]["method"] == "GET"
    assert event["request"]["headers"].get("Cookie") in (None, "[Filtered]")
    assert "user" not in event or "ip_address" not in event["user"]
    everything = "".join(body for _, body in sentry.received)
    for personal in ("Jane", "Mensah", "a-secret-session-key"):
        assert personal not in everything
