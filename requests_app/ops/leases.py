"""The lock that lets exactly one beat schedule the periodic tasks, and that beat's heartbeat.

A lease is a lock with an expiry: its holder renews it every EAS_BEAT_HEARTBEAT_SECONDS, and
each renewal is the heartbeat that /readyz reads. A beat that dies (even by SIGKILL) stops
renewing; EAS_BEAT_LOCK_SECONDS later the lease has expired and a standing-by beat takes it.

With a Redis broker (production) the lease is a redis-py Lock in that Redis, so the beats need
nothing else to agree; with any other broker (`make run`'s file system) it is a row of the
database (BeatLease), which every process of one site shares.
"""

import contextlib
import os
import socket
import time
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import redis
from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from redis.exceptions import LockError, RedisError

from requests_app.ops.models import BeatLease


def holder_name() -> str:
    """Who a beat is, in the lock and its log: its host, its process and a random part (a pid can be reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Holding:
    """Who holds the lease now and for how long yet (None and None: nobody)."""

    holder: str | None
    expires_in: float | None


class Lease(ABC):
    """The lease of one name, for `seconds` from each renewal."""

    #: What the lease lives in, for the log ("Redis", "the database").
    backend: str
    #: What a failure to reach that backend raises.
    errors: tuple[type[Exception], ...]

    def __init__(self, name: str, *, seconds: float) -> None:
        self.name = name
        self.seconds = seconds

    @abstractmethod
    def take(self, me: str) -> bool:
        """Take the lease if it is free or expired, or renew it if `me` holds it; beat the heartbeat.
        False when another holds it."""

    @abstractmethod
    def release(self, me: str) -> None:
        """Give the lease up at once, if `me` holds it (a beat that stops cleanly)."""

    @abstractmethod
    def holding(self) -> Holding:
        """Who holds the lease now."""

    @abstractmethod
    def last_heartbeat(self) -> datetime | None:
        """When the holder last renewed it; None if no beat ever held it."""

    def close(self) -> None:  # noqa: B027 - only a lease with connections of its own has one to free
        """Free the connections it opened."""


class RedisLease(Lease):
    """A redis-py Lock (SET NX PX under the hood; only its token's holder renews or releases it)."""

    backend = "Redis"
    errors = (RedisError, OSError)

    def __init__(self, url: str, name: str, *, seconds: float) -> None:
        super().__init__(name, seconds=seconds)
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.lock = self.client.lock(f"{name}:lock", timeout=seconds, thread_local=False)
        self.heartbeat_key = f"{name}:heartbeat"
        self._owned = False

    def take(self, me: str) -> bool:
        if self._owned:
            try:
                self.lock.reacquire()
            except LockError:  # expired, and maybe taken by another: not ours any more
                self._owned = False
                return False
        else:
            self._owned = bool(self.lock.acquire(blocking=False, token=me))
            if not self._owned:
                return False
        # The heartbeat outlives the lock, so /readyz can say how long ago the last beat was.
        self.client.set(self.heartbeat_key, str(time.time()), ex=max(int(self.seconds * 100), 86400))
        return True

    def release(self, me: str) -> None:
        if self._owned:
            self._owned = False
            with contextlib.suppress(LockError):  # already expired: nothing to give up
                self.lock.release()

    def holding(self) -> Holding:
        token, milliseconds = self.client.get(self.lock.name), self.client.pttl(self.lock.name)
        if token is None:
            return Holding(None, None)
        holder = token.decode() if isinstance(token, bytes) else str(token)
        return Holding(holder, milliseconds / 1000 if milliseconds and milliseconds > 0 else None)

    def last_heartbeat(self) -> datetime | None:
        value = self.client.get(self.heartbeat_key)
        return datetime.fromtimestamp(float(value), tz=UTC) if value is not None else None

    def close(self) -> None:
        self.client.close()


class DatabaseLease(Lease):
    """A BeatLease row: taken by an UPDATE that only matches when it is free, expired or ours.

    The database serialises two beats that try at once: on PostgreSQL the second UPDATE waits for
    the first and re-reads the row; on SQLite writes take the lock up front (settings.base).
    """

    backend = "the database"
    errors = (DatabaseError,)

    def take(self, me: str) -> bool:
        now = timezone.now()
        until = now + timedelta(seconds=self.seconds)
        rows = BeatLease.objects.filter(name=self.name).filter(Q(holder=me) | Q(expires_at__lte=now))
        if rows.update(holder=me, expires_at=until, heartbeat_at=now):
            return True
        try:
            with transaction.atomic():
                BeatLease.objects.create(name=self.name, holder=me, expires_at=until, heartbeat_at=now)
        except IntegrityError:  # another beat holds it (its row exists and has not expired)
            return False
        return True

    def release(self, me: str) -> None:
        BeatLease.objects.filter(name=self.name, holder=me).update(expires_at=timezone.now())

    def holding(self) -> Holding:
        lease = BeatLease.objects.filter(name=self.name, expires_at__gt=timezone.now()).first()
        if lease is None:
            return Holding(None, None)
        return Holding(lease.holder, (lease.expires_at - timezone.now()).total_seconds())

    def last_heartbeat(self) -> datetime | None:
        return BeatLease.objects.filter(name=self.name).values_list("heartbeat_at", flat=True).first()


def uses_redis(broker_url: str) -> bool:
    return broker_url.split(";")[0].strip().startswith(("redis://", "rediss://"))


def beat_lease() -> Lease:
    """The lease of this site's beat: in the broker when it is Redis, else in the database."""
    name, seconds = settings.EAS_BEAT_LOCK_NAME, settings.EAS_BEAT_LOCK_SECONDS
    broker_url = settings.CELERY_BROKER_URL
    if uses_redis(broker_url):
        return RedisLease(broker_url.split(";")[0].strip(), name, seconds=seconds)
    return DatabaseLease(name, seconds=seconds)
