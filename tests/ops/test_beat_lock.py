"""Exactly one beat: two real beat processes, started by the Procfile's own command line.

The first takes the lock and schedules; the second stands by and says why (who holds the lock,
until when); the first is killed with SIGKILL (it cannot release anything) and, once its lock has
expired, the second takes over and schedules; stopped cleanly, it gives the lock up at once.
Against Redis (production's broker, the lock in Redis) and against PostgreSQL with another broker
(the lock in the database). Short settings keep it bounded: the lock renewed every 0.5 s and
expiring after 2 s, the reminder sweep due every 0.6 s.
"""

import json
import signal
import time

import pytest

from requests_app.ops import health
from requests_app.ops.leases import beat_lease
from requests_app.ops.models import BeatLease
from tests.ops.helpers import database_url, process_env, wait_for, with_signal
from tests.project import PRODUCTION, ROOT

HEARTBEAT, LOCK = 0.5, 2.0
SENT = "Scheduler: Sending due task sweep-reminders"


def procfile_command(name):
    """The command line of a process of the Procfile, as a Procfile runner starts it."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return ["sh", "-c", line.split(":", 1)[1].strip()]
    raise AssertionError(f"no {name} in the Procfile")


def records(log):
    """The JSON lines of a process's output (production logs one JSON object per line)."""
    lines = log.read_text().splitlines() if log.exists() else []
    return [json.loads(line) for line in lines if line.startswith("{")]


def states(log):
    return [(r["beat_state"], r.get("lock_holder")) for r in records(log) if "beat_state" in r]


def sent(log):
    return sum(1 for r in records(log) if r["message"].startswith(SENT))


class Beats:
    """Beat processes of one site: the same lock and queue, each its own folder (its schedule file)."""

    def __init__(self, processes, tmp_path, **env):
        self.processes, self.tmp_path, self.env = processes, tmp_path, env

    def start(self, name):
        env = process_env(
            **{
                **PRODUCTION,
                **self.env,
                "EAS_BEAT_HEARTBEAT_SECONDS": HEARTBEAT,
                "EAS_BEAT_LOCK_SECONDS": LOCK,
                "EAS_REMINDER_SWEEP_MINUTES": 0.01,
                "EAS_VAR_DIR": self.tmp_path / name,
            }
        )
        log = self.tmp_path / f"{name}.log"
        return self.processes(procfile_command("beat"), env=env, log=log), log


@pytest.fixture
def on_redis(redis_url, processes, tmp_path, settings):
    url, client, prefix = redis_url
    lock = f"{prefix}-beat"
    settings.CELERY_BROKER_URL, settings.EAS_BEAT_LOCK_NAME = url, lock
    settings.EAS_BEAT_HEARTBEAT_SECONDS, settings.EAS_BEAT_LOCK_SECONDS = HEARTBEAT, LOCK
    beats = Beats(
        processes,
        tmp_path,
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",  # beat reads nothing from it here
        CELERY_BROKER_URL=url,
        CELERY_TASK_DEFAULT_QUEUE=f"{prefix}-queue",
        EAS_BEAT_LOCK_NAME=lock,
    )

    def queued():
        return client.llen(f"{prefix}-queue")

    def holder():
        token = client.get(f"{lock}:lock")
        return token.decode() if token is not None else None

    return beats, queued, holder


@pytest.fixture
def on_database(processes, tmp_path, settings):
    settings.CELERY_BROKER_URL, settings.EAS_BEAT_LOCK_NAME = "memory://", "eas-test-beat"
    settings.EAS_BEAT_HEARTBEAT_SECONDS, settings.EAS_BEAT_LOCK_SECONDS = HEARTBEAT, LOCK
    beats = Beats(
        processes,
        tmp_path,
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL="memory://",  # not Redis: the lock is a row of the database
        EAS_BEAT_LOCK_NAME="eas-test-beat",
    )

    def holder():
        return BeatLease.objects.filter(name="eas-test-beat").values_list("holder", flat=True).first()

    return beats, None, holder


@pytest.mark.parametrize(
    "site",
    [
        pytest.param("on_redis", marks=pytest.mark.redis, id="redis"),
        pytest.param(
            "on_database",
            marks=[pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)],
            id="database",
        ),
    ],
)
def test_a_second_beat_stands_by_says_why_and_takes_over_when_the_first_is_killed(site, request):
    beats, queued, holder = request.getfixturevalue(site)

    first, first_log = beats.start("first")
    first_name = wait_for(lambda: beat_name(first_log), "the first beat's word about the lock", logs=[first_log])
    assert states(first_log) == [("holding", first_name)]
    assert first_name.split(":")[1] == str(first.pid)  # host:pid:random of the process itself
    second, second_log = beats.start("second")

    # The second stands by and says why: who holds the lock, and that it takes over when it is free.
    standing = wait_for(
        lambda: [r for r in records(second_log) if r.get("beat_state") == "standing by"], "standby", logs=[second_log]
    )
    assert standing[0]["level"] == "WARNING"
    assert standing[0]["lock_holder"] == first_name
    for words in ("schedules nothing", "takes over when the lock is free", first_name):
        assert words in standing[0]["message"]

    # Longer than the lock's expiry: the first renews it, schedules, and the second stays idle.
    time.sleep(LOCK + 1)
    assert holder() == first_name
    assert sent(first_log) >= 3
    assert sent(second_log) == 0
    assert [state for state, _ in states(second_log)] == ["standing by"]
    assert health.beat()["ok"] is True  # /readyz sees the holder's heartbeat

    # The first dies without a word: nothing releases its lock, which expires; the second takes over.
    with_signal(first, signal.SIGKILL)
    first.wait(10)
    killed_at = time.monotonic()
    sent_by_first = sent(first_log)
    second_name = beat_name(second_log)
    wait_for(lambda: ("holding", second_name) in states(second_log), "the second takes over", 20, logs=[second_log])
    took_over_in = time.monotonic() - killed_at
    assert took_over_in < LOCK + HEARTBEAT + 3
    assert holder() == second_name != first_name
    wait_for(lambda: sent(second_log) >= 2, "the second schedules the sweep", logs=[second_log])
    assert health.beat()["ok"] is True
    if queued is not None:  # every task queued was sent by the beat holding the lock, none by the other
        assert sent_by_first + sent(second_log) - 1 <= queued() <= sent_by_first + sent(second_log)

    # Stopped cleanly (SIGTERM, as a Procfile runner or systemd stops it), it gives the lock up at once.
    with_signal(second, signal.SIGTERM)
    assert second.wait(15) == 0
    assert any("gave up the lock" in r["message"] for r in records(second_log))
    assert beat_lease().holding().holder is None
    # No beat any more: the heartbeat ages, and /readyz says so past twice its interval.
    time.sleep(2 * HEARTBEAT + 0.2)
    assert health.beat()["ok"] is False


def beat_name(log):
    """The name of the beat that wrote `log` (host:pid:random), from its first word about the lock."""
    for record in records(log):
        if "beat_state" in record:
            return record["beat"]
    return None
