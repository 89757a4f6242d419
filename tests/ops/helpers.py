"""What the tests of running EAS share: the environment of the processes they start, waiting."""

import contextlib
import os
import socket
import time

import pytest

from tests.project import ROOT

# What the test run's environment would change in the processes the tests start: they get their own.
NOT_INHERITED = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CACHE_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SENTRY_DSN",
    "EAS_LOG_FORMAT",
)


def process_env(**changes):
    """The environment of a process the test starts: this one's, less what would steer it, plus `changes`."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED and not k.startswith(("MAKE", "MFLAGS"))}
    env.update(PYTHONUNBUFFERED="1", PATH=f"{ROOT / '.venv' / 'bin'}:{env.get('PATH', '')}")
    env.update({key: str(value) for key, value in changes.items()})
    return env


def with_signal(process, sig):
    """Signal a process started in its own group, and its children."""
    with contextlib.suppress(ProcessLookupError):  # it has ended
        os.killpg(process.pid, sig)


def wait_for(condition, what, seconds=30, *, logs=()):
    """Poll `condition` until it answers something true, and answer that; fail after `seconds`,
    showing the `logs` (paths) of the processes concerned."""
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            shown = "".join(f"\n--- {log}:\n{log.read_text() if log.exists() else '(none)'}" for log in logs)
            pytest.fail(f"{what}: not within {seconds} s{shown}")
        time.sleep(0.1)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(name=None):
    """The address of the tests' PostgreSQL database (or of another on the same server), for a process."""
    from django.db import connection

    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{host}:{port}/{name or db['NAME']}"
