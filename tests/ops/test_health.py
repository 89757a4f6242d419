"""/healthz and /readyz as a load balancer or an orchestrator probes them: plain HTTP, any Host,
no login; JSON that says what is wrong and nothing secret."""

import datetime
import logging

import pytest
import time_machine
from django.db import OperationalError, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from requests_app.ops import health
from requests_app.ops.leases import DatabaseLease, RedisLease

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _probed_as_in_production(settings):
    # Production's guards that a probe must pass: a strict host list, the HTTPS redirect.
    settings.ALLOWED_HOSTS = ["eas.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    settings.EAS_BEAT_HEARTBEAT_SECONDS, settings.EAS_BEAT_LOCK_SECONDS = 15, 60
    health._migrated = False  # each test checks the migrations afresh


@pytest.fixture
def beat_alive(settings):
    """A beat holds the lease (in the database: the tests' broker is not Redis) and has just renewed it."""
    assert DatabaseLease(settings.EAS_BEAT_LOCK_NAME, seconds=60).take("beat-host:4242:abcd")


def probe(client, path, **extra):
    # The machine's own address as Host, over plain HTTP: what a probe sends.
    return client.get(path, HTTP_HOST="10.0.3.7:8000", **extra)


def test_healthz_says_ok_to_anyone_over_plain_http(client):
    response = probe(client, "/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Request-ID"]
    # Every other page still refuses that host, and redirects to HTTPS.
    assert client.get("/accounts/login/", HTTP_HOST="eas.example.org").status_code == 301
    assert probe(client, "/accounts/login/").status_code == 400


def test_readyz_is_ready_when_database_broker_beat_and_migrations_are(client, beat_alive):
    response = probe(client, "/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["broker"] == {"ok": True}
    assert body["checks"]["cache"] == {"ok": True}
    assert body["checks"]["migrations"] == {"ok": True, "pending": 0}
    beat = body["checks"]["beat"]
    assert beat["ok"] is True and 0 <= beat["age_seconds"] < 5 and beat["max_age_seconds"] == 30


def test_readyz_is_unavailable_until_a_beat_has_ever_beaten(client):
    response = probe(client, "/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["beat"] == {"ok": False, "error": "no heartbeat yet", "max_age_seconds": 30}
    assert response.json()["checks"]["database"] == {"ok": True}


def test_readyz_is_unavailable_once_the_heartbeat_is_twice_its_interval_old(client, beat_alive):
    now = timezone.now()
    with time_machine.travel(now + datetime.timedelta(seconds=29), tick=False):
        assert probe(client, "/readyz").status_code == 200
    with time_machine.travel(now + datetime.timedelta(seconds=31), tick=False):
        response = probe(client, "/readyz")
    assert response.status_code == 503
    beat = response.json()["checks"]["beat"]
    assert beat["ok"] is False and 30 < beat["age_seconds"] < 35 and beat["max_age_seconds"] == 30


def test_readyz_says_the_broker_is_down_without_saying_where_it_is(client, settings, beat_alive):
    settings.CELERY_BROKER_URL = "redis://:s3cret-password@127.0.0.1:1/0"  # nothing listens on port 1
    response = probe(client, "/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["broker"] == {"ok": False, "error": "OperationalError"}
    # With a Redis broker the beat's heartbeat lives there too: unreachable as well.
    assert checks["beat"]["ok"] is False and checks["beat"]["error"] == "ConnectionError"
    assert checks["database"]["ok"] is True
    for secret in ("s3cret", "127.0.0.1", "redis://", ":1/"):
        assert secret not in response.content.decode()


def test_readyz_says_the_cache_is_down_without_saying_where_it_is(client, settings, beat_alive):
    # Every signed-in page reads its session from the cache: a process that cannot reach it cannot serve.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://:s3cret-password@127.0.0.1:1/1",  # nothing listens on port 1
        }
    }
    response = probe(client, "/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["cache"] == {"ok": False, "error": "ConnectionError"}
    assert checks["database"]["ok"] is True and checks["broker"]["ok"] is True
    for secret in ("s3cret", "127.0.0.1", "redis://", ":1/"):
        assert secret not in response.content.decode()


def test_readyz_says_the_database_is_down_without_its_error_text(client, monkeypatch, beat_alive):
    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "db.internal" failed: password authentication failed')

    monkeypatch.setattr(type(connections["default"]), "cursor", refuse)
    response = probe(client, "/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == {"ok": False, "error": "OperationalError"}
    assert checks["migrations"] == {"ok": False, "error": "OperationalError"}
    assert checks["beat"]["ok"] is False  # its lease is in that database
    assert "db.internal" not in response.content.decode() and "password" not in response.content.decode()


def test_readyz_is_unavailable_while_migrations_are_pending(client, monkeypatch, beat_alive):
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("m1", False), ("m2", False)])
    response = probe(client, "/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"ok": False, "pending": 2}
    monkeypatch.undo()
    assert probe(client, "/readyz").status_code == 200  # migrated: ready


def test_an_unready_probe_is_not_logged_as_a_server_error(client, caplog):
    with caplog.at_level(logging.INFO):
        assert probe(client, "/readyz").status_code == 503
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_a_probe_only_reads(client, path):
    response = client.post(path, {"x": "y"}, HTTP_HOST="10.0.3.7:8000")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert probe(client, path, QUERY_STRING="q=%00%ff&verbose=1").status_code in (200, 503)
    assert client.head(path, HTTP_HOST="10.0.3.7:8000").status_code in (200, 503)


def test_only_the_exact_paths_are_probes(client):
    assert client.get("/healthz/", HTTP_HOST="eas.example.org", secure=True).status_code == 404
    assert client.get("/readyz/x", HTTP_HOST="eas.example.org", secure=True).status_code == 404


@pytest.mark.redis
def test_readyz_reads_the_heartbeat_in_redis_when_the_broker_is_redis(client, settings, redis_url):
    url, redis_client, prefix = redis_url
    settings.CELERY_BROKER_URL, settings.EAS_BEAT_LOCK_NAME = url, f"{prefix}-beat"
    assert probe(client, "/readyz").json()["checks"]["beat"]["error"] == "no heartbeat yet"
    lease = RedisLease(url, f"{prefix}-beat", seconds=60)
    assert lease.take("beat-host:4242:abcd")
    lease.close()
    response = probe(client, "/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["broker"] == {"ok": True}
