"""The lease of beat (ops.leases) and the scheduler that waits for it (ops.scheduler), in this process.

tests/ops/test_beat_lock.py runs two real beat processes; these check each rule on its own: who may
take, renew and release the lease, when it expires, and what a beat that does not hold it does.
"""

import datetime
import logging
import time

import pytest
import time_machine
from django.utils import timezone

from eas.celery import app
from requests_app.ops.leases import DatabaseLease, RedisLease, beat_lease, uses_redis
from requests_app.ops.scheduler import SingleBeatScheduler


@pytest.mark.django_db
def test_the_database_lease_is_held_by_one_renewed_by_it_and_taken_over_once_expired():
    first, second = DatabaseLease("beat", seconds=60), DatabaseLease("beat", seconds=60)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert first.take("a") is True
        assert second.take("b") is False
        assert second.holding().holder == "a" and second.holding().expires_in == 60
    with time_machine.travel(start + datetime.timedelta(seconds=50), tick=False):
        assert first.take("a") is True  # renewed: 60 s from now
        assert second.last_heartbeat() == timezone.now()
    with time_machine.travel(start + datetime.timedelta(seconds=100), tick=False):
        assert second.take("b") is False  # 50 + 60 > 100: still a's
    with time_machine.travel(start + datetime.timedelta(seconds=111), tick=False):
        assert second.holding().holder is None  # expired: a died
        assert second.take("b") is True
        assert first.take("a") is False  # a came back: b holds it now
        first.release("a")  # not a's to release
        assert second.holding().holder == "b"
        second.release("b")
        assert second.holding().holder is None
        assert first.take("a") is True  # released: free at once


@pytest.mark.redis
def test_the_redis_lease_is_held_by_one_renewed_by_it_and_taken_over_once_expired(redis_url):
    url, client, prefix = redis_url
    first, second = RedisLease(url, f"{prefix}-beat", seconds=0.6), RedisLease(url, f"{prefix}-beat", seconds=0.6)
    assert first.take("a") is True
    assert second.take("b") is False
    assert second.holding().holder == "a" and 0 < second.holding().expires_in <= 0.6
    for _ in range(3):  # renewed within its expiry, it stays a's far longer than 0.6 s
        time.sleep(0.3)
        assert first.take("a") is True
        assert second.take("b") is False
    assert (timezone.now() - second.last_heartbeat()).total_seconds() < 0.5
    time.sleep(0.8)  # a stops renewing: expired
    assert second.holding().holder is None
    assert second.take("b") is True
    assert first.take("a") is False  # a came back: b holds it now, and a knows it is not its own
    second.release("b")
    assert client.get(f"{prefix}-beat:lock") is None
    assert client.get(f"{prefix}-beat:heartbeat") is not None  # /readyz still reads how long ago it beat
    first.close()
    second.close()


def test_the_lease_lives_in_redis_when_the_broker_is_redis(settings):
    assert uses_redis("redis://h:6379/0") and uses_redis("rediss://h:6380/0; redis://other:6379/0")
    assert not uses_redis("filesystem://") and not uses_redis("amqp://h//") and not uses_redis("memory://")
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/5"
    assert isinstance(beat_lease(), RedisLease)
    settings.CELERY_BROKER_URL = "filesystem://"
    assert isinstance(beat_lease(), DatabaseLease)


class RecordingScheduler(SingleBeatScheduler):
    """The scheduler, with what it would queue recorded instead (the tests run tasks inline)."""

    def __init__(self, *args, **kwargs):
        self.queued = []
        super().__init__(*args, **kwargs)

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        self.queued.append(entry.name)


@pytest.fixture
def schedulers(settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"  # the lease in the database
    settings.EAS_BEAT_HEARTBEAT_SECONDS, settings.EAS_BEAT_LOCK_SECONDS = 5, 20
    made = []

    def make(name):
        scheduler = RecordingScheduler(app=app, schedule_filename=str(tmp_path / name / "schedule"))
        for entry in scheduler.schedule.values():  # every periodic task due now
            entry.last_run_at = timezone.now() - datetime.timedelta(days=1)
        made.append(scheduler)
        return scheduler

    yield make
    for scheduler in made:
        scheduler.close()


@pytest.mark.django_db
def test_a_beat_without_the_lease_queues_nothing_and_says_why_once(schedulers, caplog):
    first, second = schedulers("first"), schedulers("second")
    with caplog.at_level(logging.INFO, logger="requests_app.ops.scheduler"):
        assert first.tick() <= 5
        assert first.queued  # due at start: the sweep and the Trust Fund check
        for _ in range(3):
            assert second.tick() == 5  # checks again in one heartbeat
        assert second.queued == []
    records = [r for r in caplog.records if r.name == "requests_app.ops.scheduler"]
    said = [(r.levelname, r.beat_state, r.lock_holder) for r in records]
    assert said == [("INFO", "holding", first.me), ("WARNING", "standing by", first.me)]
    standing_by = records[1].getMessage()
    assert first.me in standing_by and "schedules nothing" in standing_by and "the database" in standing_by


@pytest.mark.django_db
def test_a_beat_that_stops_gives_the_lease_up_and_the_other_takes_over(schedulers):
    first, second = schedulers("first"), schedulers("second")
    first.tick()
    second.tick()
    first.close()
    assert second.tick() <= 5
    assert second.queued


@pytest.mark.django_db
def test_a_beat_that_cannot_renew_in_time_stops_scheduling(schedulers):
    first, second = schedulers("first"), schedulers("second")
    start = timezone.now()
    with time_machine.travel(start):
        first.tick()
    # first stalls for 25 s (a long pause): its lease expires and the other takes it...
    first._renewed_at -= 25
    with time_machine.travel(start + datetime.timedelta(seconds=25)):
        second.tick()
        assert second.lease.holding().holder == second.me
        assert second.queued
        # ...and when first wakes up, it finds out before it queues anything.
        first.queued.clear()
        assert first.tick() == 5
        assert first.queued == []


def test_the_heartbeat_must_come_before_the_lock_expires(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    settings.EAS_BEAT_HEARTBEAT_SECONDS, settings.EAS_BEAT_LOCK_SECONDS = 60, 60
    with pytest.raises(ImproperlyConfigured, match="less than EAS_BEAT_LOCK_SECONDS"):
        SingleBeatScheduler(app=app, schedule_filename=str(tmp_path / "schedule"), lazy=True)


def test_a_beat_that_cannot_reach_its_lock_schedules_nothing_and_says_so_once(settings, tmp_path, caplog):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.EAS_BEAT_HEARTBEAT_SECONDS, settings.EAS_BEAT_LOCK_SECONDS = 5, 20
    beat = RecordingScheduler(app=app, schedule_filename=str(tmp_path / "schedule"))
    with caplog.at_level(logging.INFO, logger="requests_app.ops.scheduler"):
        assert [beat.tick(), beat.tick()] == [5, 5]
    beat.close()
    assert beat.queued == []
    [record] = [r for r in caplog.records if r.name == "requests_app.ops.scheduler"]
    assert record.levelname == "ERROR"
    assert record.getMessage().endswith("in Redis (ConnectionError): it schedules nothing until it can.")
