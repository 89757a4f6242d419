"""The Procfile as an operator runs it: the same processes as `make run`, gunicorn serving with
production's settings, and the three processes of README's recipe ready together."""

import json
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.ops.helpers import database_url, free_port, process_env, wait_for, with_signal
from tests.project import PRODUCTION, ROOT


def processes_of(procfile):
    """{name: command} of a Procfile."""
    lines = (ROOT / procfile).read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if line and not line.startswith("#"))


def test_production_and_make_run_start_the_same_processes():
    production, development = processes_of("Procfile"), processes_of("Procfile.dev")
    assert set(production) == set(development) == {"web", "worker", "beat"}
    assert "gunicorn eas.wsgi" in production["web"] and "runserver" in development["web"]
    for name in ("worker", "beat"):
        for procfile in (production, development):
            assert re.fullmatch(rf" exec celery -A eas (--quiet )?{name} .*", procfile[name]), procfile[name]


def get(url, **headers):
    """(status, headers, body) of a GET; (None, {}, "") when nothing answers."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()
    except (urllib.error.URLError, OSError):
        return None, {}, ""


def json_records(log):
    return [json.loads(line.split("| ", 1)[1]) for line in log.read_text().splitlines() if "| {" in line]


def honcho(processes, tmp_path, *names, port, **env):
    """`honcho -f Procfile start` as an operator runs it (its output: "time name | line")."""
    log = tmp_path / "honcho.log"
    command = [str(ROOT / ".venv" / "bin" / "honcho"), "-f", "Procfile", "start", "--port", str(port), *names]
    return processes(command, env=process_env(**env), log=log), log


def test_gunicorn_serves_the_web_of_the_procfile_with_production_settings(processes, tmp_path):
    port = free_port()
    env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "CELERY_BROKER_URL": "memory://"}
    web, log = honcho(processes, tmp_path, "web", port=port, **env, WEB_CONCURRENCY=2, GUNICORN_THREADS=3)
    status, headers, body = wait_for(
        lambda: (r := get(f"http://127.0.0.1:{port}/healthz"))[0] and r, "gunicorn answers", logs=[log]
    )
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    assert headers["Server"] == "gunicorn"

    records = wait_for(lambda: [r for r in json_records(log) if r["logger"] == "eas.request"], "its line", logs=[log])
    assert records[0]["path"] == "/healthz" and records[0]["request_id"] == headers["X-Request-ID"]
    gunicorn = [r["message"] for r in json_records(log) if r["logger"] == "gunicorn.error"]
    assert sum(message.startswith("Booting worker") for message in gunicorn) == 2
    assert "Using worker: gthread" in gunicorn  # threads: GUNICORN_THREADS > 1
    # Every line the web process writes is a JSON object (Python's warnings too).
    lines = re.findall(r"^\S+ web\.1 +\| (.*)$", log.read_text(), re.MULTILINE)
    assert all(line.startswith("{") for line in lines), lines

    with_signal(web, signal.SIGTERM)
    web.wait(20)
    assert get(f"http://127.0.0.1:{port}/healthz")[0] is None


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_three_processes_of_the_procfile_are_ready_together(processes, tmp_path, redis_url):
    """README's recipe: collectstatic, then web, worker and beat on PostgreSQL (migrated) and Redis."""
    url, client, prefix = redis_url
    env = {
        **PRODUCTION,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": url,
        "CACHE_URL": url,
        "CELERY_TASK_DEFAULT_QUEUE": f"{prefix}-queue",
        "EAS_BEAT_LOCK_NAME": f"{prefix}-beat",
        "EAS_BEAT_HEARTBEAT_SECONDS": 1,
        "EAS_BEAT_LOCK_SECONDS": 4,
        "EAS_REMINDER_SWEEP_MINUTES": 0.02,
        "EAS_VAR_DIR": tmp_path / "var",
        "STATIC_ROOT": tmp_path / "static",
        "WEB_CONCURRENCY": 1,
    }
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=process_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collected.returncode == 0, collected.stderr
    port = free_port()
    started, log = honcho(processes, tmp_path, port=port, **env)

    def ready():
        status, _headers, body = get(f"http://127.0.0.1:{port}/readyz")
        return status == 200 and json.loads(body)

    body = wait_for(ready, "/readyz says ready", 60, logs=[log])
    assert set(body["checks"]) == {"database", "broker", "cache", "beat", "migrations"}
    # A page, as the proxy passes it: the site's host, HTTPS said by X-Forwarded-Proto.
    proxied = {"Host": "eas.example.org", "X-Forwarded-Proto": "https"}
    status, headers, page = get(f"http://127.0.0.1:{port}/accounts/login/", **proxied)
    assert status == 200 and "Strict-Transport-Security" in headers
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
    assert get(f"http://127.0.0.1:{port}{stylesheet}", **proxied)[0] == 200  # WhiteNoise serves the static files
    # The worker ran what beat queued.
    wait_for(
        lambda: any("succeeded" in r["message"] for r in json_records(log) if r["logger"].startswith("celery")),
        "the worker runs the sweep",
        logs=[log],
    )

    with_signal(started, signal.SIGTERM)  # as Ctrl-C or a service manager stops them
    started.wait(30)
    assert "beat.1 stopped (rc=0)" in log.read_text() and "web.1 stopped (rc=0)" in log.read_text()
    assert client.get(f"{prefix}-beat:lock") is None  # beat gave its lock up
