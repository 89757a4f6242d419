"""The crash test: a real worker process killed after the mail server accepted a digest and
before it could commit "sent"; then the task's redelivery and the next sweep send nothing again,
and the reminder is shown as "delivery uncertain" in the admin and the case's history.

Needs PostgreSQL (the worker is another process: it must reach the test database) and Redis
(EAS_TEST_REDIS_URL, as tests/reminders/test_worker.py). The mail server is a small
SMTP server on 127.0.0.1 in this process: it records each message and, for the first, holds its
"250 accepted" until the test has locked the reminder rows, so the worker, told the message is
accepted, blocks on its "sent" update, and is killed there with SIGKILL: no guesswork in timing.
"""

import datetime
import email
import os
import signal
import socketserver
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from eas.celery import app
from requests_app.history.models import CaseEvent
from requests_app.reminders import digests
from requests_app.reminders import services as reminders
from requests_app.reminders.models import Reminder
from requests_app.reminders.tasks import sweep_reminders
from tests.factories import UserFactory, new_request, set_due

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]
Status = Reminder.Status

# The worker: the project's Celery app with the test's broker, queue and mail server; the test
# settings otherwise (their locmem email and eager tasks are switched off here).
WORKER = """
import os, sys
import django
from django.conf import settings
django.setup()
settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", int(os.environ["SMTP_PORT"]), 30
from eas.celery import app
app.conf.update(
    broker_url=os.environ["BROKER"], result_backend=None, task_always_eager=False,
    task_default_queue=os.environ["QUEUE"], worker_hijack_root_logger=True,
    broker_transport_options={"global_keyprefix": os.environ["QUEUE"] + ":",
                              "visibility_timeout": float(os.environ["VISIBILITY"]),
                              "unacked_restore_throttle": 1},
)
app.worker_main(["worker", "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
                 "--loglevel=INFO", "-Q", os.environ["QUEUE"]])
"""


class SMTPHandler(socketserver.StreamRequestHandler):
    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        server = self.server
        self.reply("220 mail.test ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode("ascii", "replace").strip().upper()
            if verb.startswith(("EHLO", "HELO")):
                self.reply("250 mail.test")
            elif verb.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = []
                while (line := self.rfile.readline()) not in (b".\r\n", b""):
                    data.append(line[1:] if line.startswith(b"..") else line)
                server.messages.append(email.message_from_bytes(b"".join(data)))
                server.received.set()
                if server.hold_next:  # accepted: the message is ours; the reply waits for the test
                    server.hold_next = False
                    server.release.wait(60)
                self.reply("250 OK: queued")
                server.replied.set()
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Not implemented")


class RecordingSMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SMTPHandler)
        self.messages = []
        self.hold_next = True
        self.received, self.release, self.replied = threading.Event(), threading.Event(), threading.Event()


@pytest.fixture
def smtp_server():
    server = RecordingSMTPServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def broker(redis_url):
    """This process's Celery app on Redis, on a queue (and keys) of this test only."""
    url, client = redis_url
    queue = f"eas-crash-{uuid.uuid4().hex[:12]}"
    changes = {
        "broker_url": url,
        "task_always_eager": False,
        "task_default_queue": queue,
        "broker_transport_options": {"global_keyprefix": queue + ":"},
    }
    saved_conf = {key: app.conf[key] for key in changes}
    saved = {"amqp": app.__dict__.pop("amqp", None), "pool": app._pool, "local": app._local}
    app.conf.update(changes)
    app._pool, app._local = None, threading.local()
    try:
        yield url, queue
    finally:
        keys = list(client.scan_iter(match=f"*{queue}*"))
        if keys:
            client.delete(*keys)
        if app._pool is not None:
            app._pool.force_close_all()
        app.__dict__.pop("amqp", None)
        if saved["amqp"] is not None:
            app.__dict__["amqp"] = saved["amqp"]
        app._pool, app._local = saved["pool"], saved["local"]
        app.conf.update(saved_conf)


@pytest.fixture
def start_worker(broker, smtp_server, tmp_path):
    url, queue = broker
    db = connection.settings_dict
    workers = []

    def start(name, *, visibility=3600):
        database = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            f"/{db['NAME']}?application_name={name}"
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "eas.settings.test",
            "DATABASE_URL": database,
            "BROKER": url,
            "QUEUE": queue,
            "SMTP_PORT": str(smtp_server.server_address[1]),
            "VISIBILITY": str(visibility),
        }
        log = tmp_path / f"{name}.log"
        process = subprocess.Popen(
            [sys.executable, "-c", WORKER], cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
        )
        workers.append(process)
        return process, log

    yield start
    for process in workers:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(condition, what, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {seconds} s")
        time.sleep(0.1)


def sessions_of(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [name])
        return cursor.fetchone()[0]


def test_a_worker_killed_after_the_mail_server_accepted_the_digest_never_sends_it_again(
    start_worker, smtp_server, client, admin_user, settings
):
    settings.EAS_REMINDER_SENDING_TIMEOUT_MINUTES = 30
    officer = UserFactory(is_staff=True)
    first = set_due(new_request(officer=officer), timezone.now() - datetime.timedelta(days=1))
    worker, log = start_worker("eas-crash-worker-1")

    sweep_reminders.delay()  # through Redis to the worker: it claims, then sends the digest
    if not smtp_server.received.wait(90):
        pytest.fail("no digest reached the mail server within 90 s:\n" + log.read_text())
    with transaction.atomic():
        # The attempt was committed before the email went out.
        reminder = Reminder.objects.select_for_update().get()
        assert (reminder.status, reminder.attempts) == (Status.SENDING, 1)
        smtp_server.release.set()  # the server answers "250 queued"; the worker's "sent" waits on our lock
        assert smtp_server.replied.wait(10)
        wait_for(lambda: _waiting_on_a_lock("eas-crash-worker-1"), "the worker waiting to commit 'sent'")
        os.kill(worker.pid, signal.SIGKILL)
        assert worker.wait(20) == -signal.SIGKILL
    # Its database session ends with the uncommitted "sent" rolled back.
    wait_for(lambda: sessions_of("eas-crash-worker-1") == 0, "the killed worker's session ending")
    assert len(smtp_server.messages) == 1
    assert Reminder.objects.get().status == Status.SENDING

    # The digest task was never acknowledged: a new worker gets it again (Redis redelivers it
    # after its visibility timeout) and finds nothing left to send.
    _, log2 = start_worker("eas-crash-worker-2", visibility=1)
    wait_for(
        lambda: "send_reminder_digest" in log2.read_text() and "succeeded" in log2.read_text(),
        "the redelivered digest task",
        seconds=90,
    )
    assert "requests_app.send_reminder_digest" in log2.read_text()
    assert len(smtp_server.messages) == 1

    # The next sweep, past the timeout, with another case newly overdue for the same officer.
    second = set_due(new_request(officer=officer), timezone.now() - datetime.timedelta(days=1))
    result = reminders.sweep(now=timezone.now() + datetime.timedelta(minutes=31))
    assert (result.digests, result.uncertain) == ({officer.email: 1}, 1)
    wait_for(lambda: len(smtp_server.messages) == 2, "the second digest")
    time.sleep(1)  # anything else the worker would send arrives by now
    bodies = [text_of(message) for message in smtp_server.messages]
    assert [first.reference in body for body in bodies] == [True, False]
    assert [second.reference in body for body in bodies] == [False, True]
    assert len(smtp_server.messages) == 2

    uncertain = Reminder.objects.get(case=first)
    assert uncertain.status == Status.UNCERTAIN
    assert smtp_server.messages[0]["Message-ID"] == uncertain.message_id == digests.message_id([uncertain.pk])
    assert list(
        CaseEvent.objects.filter(case=first, action__startswith="reminder").values_list("action", flat=True)
    ) == ["reminder_uncertain"]
    client.force_login(admin_user)
    listing = client.get(reverse("admin:requests_app_reminder_changelist"), {"status__exact": "uncertain"}).content
    assert "Delivery uncertain" in listing.decode() and first.reference in listing.decode()
    history = client.get(reverse("workspace:case-detail", args=[first.reference])).content.decode()
    assert "Reminder delivery uncertain" in history


def text_of(message):
    return "".join(
        part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        for part in message.walk()
        if not part.is_multipart()
    )


def _waiting_on_a_lock(name):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND wait_event_type = 'Lock'", [name]
        )
        return cursor.fetchone()[0] > 0
