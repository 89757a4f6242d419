"""Fixtures of the reminder tests that need a real Redis (the worker and the crash test)."""

import os

import pytest

from tests.services import service_missing

NEEDS_REDIS = "needs Redis: set EAS_TEST_REDIS_URL=redis://…"


@pytest.fixture
def redis_url():
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
    yield url, client
    client.close()
