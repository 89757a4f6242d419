"""A sweep through a real Celery worker and a real Redis broker, as production runs it.

Needs a Redis server: EAS_TEST_REDIS_URL=redis://127.0.0.1:6379/15 (a database nothing else
uses). Without it the test is skipped, or fails under EAS_REQUIRE_SERVICES (CI).

The worker runs in a thread of this process, so the email it sends lands in Django's locmem
outbox, where the test sees it. Time travel does not reach reliably into the worker, so the case
is made overdue by moving its deadline instead.
"""

import datetime
import threading
import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_prerun
from django.core import mail
from django.utils import timezone

from eas.celery import app
from requests_app.reminders.models import Reminder
from requests_app.reminders.tasks import sweep_reminders
from tests.factories import UserFactory, new_request, set_due

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def celery_worker(redis_url):
    """The project's Celery app on Redis, with its own queue, and a worker consuming it."""
    url, client = redis_url
    queue = f"eas-test-{uuid.uuid4().hex[:12]}"
    changes = {
        "broker_url": url,
        "result_backend": url,
        "broker_transport_options": {},  # the settings' are for the file-system broker
        "task_always_eager": False,
        "task_default_queue": queue,  # nothing else's tasks, and nobody else takes ours
        "worker_hijack_root_logger": False,  # leave pytest's log capture alone
        "worker_enable_remote_control": False,
    }
    saved_conf = {key: app.conf[key] for key in changes}
    saved = {
        "amqp": app.__dict__.pop("amqp", None),
        "pool": app._pool,
        "local": app._local,
        "backend": app._backend_cache,
    }
    app.conf.update(changes)
    app._pool, app._local, app._backend_cache = None, threading.local(), None  # reconnect with the new settings

    def purge():  # the queue, its messages and kombu's bindings of it
        keys = list(client.scan_iter(match=f"*{queue}*"))
        if keys:
            client.delete(*keys)

    purge()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20) as worker:
            yield worker
    finally:
        purge()
        if app._pool is not None:
            app._pool.force_close_all()
        app.__dict__.pop("amqp", None)
        if saved["amqp"] is not None:
            app.__dict__["amqp"] = saved["amqp"]
        app._pool, app._local, app._backend_cache = saved["pool"], saved["local"], saved["backend"]
        app.conf.update(saved_conf)


@pytest.fixture
def tasks_run():
    """(task name, eager, in the main thread) of each task that runs."""
    runs = []

    def record(sender=None, task=None, **kwargs):
        runs.append((task.name, bool(task.request.is_eager), threading.current_thread() is threading.main_thread()))

    task_prerun.connect(record, weak=False)
    yield runs
    task_prerun.disconnect(record)


def test_a_real_worker_sweeps_and_the_officer_receives_the_digest(celery_worker, tasks_run):
    officer = UserFactory(is_staff=True)
    case = new_request(officer=officer)
    set_due(case, timezone.now() - datetime.timedelta(days=1))
    mail.outbox = []

    sweep_reminders.delay()

    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)

    assert len(mail.outbox) == 1, "no digest arrived within 20 s"
    message = mail.outbox[0]
    assert message.to == [officer.email]
    assert case.reference in message.body
    assert message.alternatives and case.reference in message.alternatives[0][0]
    # The digest task marks the reminder sent after the email left: wait for its commit.
    while not Reminder.objects.filter(status=Reminder.Status.SENT).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(Reminder.objects.values_list("case_id", "level", "recipient", "status")) == [
        (case.pk, Reminder.Level.OVERDUE, officer.email, Reminder.Status.SENT)
    ]
    # Both tasks went through the broker to the worker's thread, none ran inline.
    assert tasks_run == [
        ("requests_app.sweep_reminders", False, False),
        ("requests_app.send_reminder_digest", False, False),
    ]
