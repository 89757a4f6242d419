"""Fixtures of the tests of running EAS: a real Redis, and the processes an operator starts."""

import os
import signal
import subprocess
import uuid

import pytest

from tests.ops.helpers import with_signal
from tests.project import ROOT
from tests.services import service_missing

NEEDS_REDIS = "needs Redis: set EAS_TEST_REDIS_URL=redis://…"


@pytest.fixture
def redis_url():
    """A real Redis (EAS_TEST_REDIS_URL), a client of it and a prefix: the keys that hold it are
    deleted after the test."""
    url = os.environ.get("EAS_TEST_REDIS_URL")
    if not url:
        service_missing(NEEDS_REDIS)
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except (redis.exceptions.RedisError, OSError) as error:
        client.close()
        service_missing(f"{NEEDS_REDIS} ({url} does not answer: {error})")
    prefix = f"eas-test-ops-{uuid.uuid4().hex[:10]}"
    yield url, client, prefix
    keys = list(client.scan_iter(match=f"*{prefix}*"))  # kombu names its bindings "_kombu.binding.<queue>"
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def processes():
    """Start processes, each in its own process group; whatever still runs at the end is stopped."""
    started = []

    def start(command, *, env, log):
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            with_signal(process, signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                with_signal(process, signal.SIGKILL)
                process.wait()
