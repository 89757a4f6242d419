"""Fixtures of the reminder tests.

Time is frozen and moved with time-machine; emails land in Django's locmem outbox. The sweep
sends its digests after commit, so the tests run it inside
``django_capture_on_commit_callbacks(execute=True)`` (the ``run_sweep`` fixture); settings for
tests make Celery run ``send_reminder_digest.delay`` inline. ``redis_url``: a real Redis, for the
worker and the crash tests.
"""

import os

import pytest
from django.core.mail import EmailMultiAlternatives

from requests_app.reminders import services as reminders
from tests.factories import team_lead_of
from tests.reminders.helpers import FOCAL_POINT, NOW
from tests.services import service_missing

NEEDS_REDIS = "needs Redis: set EAS_TEST_REDIS_URL=redis://…"


@pytest.fixture
def _focal_point(settings):
    """The focal point's office and the site's address, as the reminders' emails name them."""
    settings.EAS_FOCAL_POINT_EMAILS = FOCAL_POINT
    settings.SITE_URL = "https://eas.example.org/"


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def lead(db):
    return team_lead_of("GHA")


@pytest.fixture
def run_sweep(django_capture_on_commit_callbacks):
    """One sweep, with what it sends after commit sent."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.sweep(**kwargs)

    return run


@pytest.fixture
def failing_send(monkeypatch):
    """Make the mail server refuse the next ``times`` emails (every one with times=None)."""
    real_send = EmailMultiAlternatives.send
    state = {"left": 0, "calls": 0}

    def send(self, *args, **kwargs):
        state["calls"] += 1
        if state["left"] is None or state["left"] > 0:
            if state["left"] is not None:
                state["left"] -= 1
            raise ConnectionRefusedError("[Errno 111] Connection refused by mail.un.example.org")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)

    def fail(times=1):
        state["left"] = times
        return state

    return fail


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
