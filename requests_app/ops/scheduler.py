"""Celery beat's scheduler for EAS: exactly one beat schedules, however many are started.

Beat is the clock that queues the periodic tasks; two beats would queue each of them twice. Every
beat (settings.CELERY_BEAT_SCHEDULER) takes the lease of ops.leases before it schedules anything.
The one that holds it schedules, renews it every EAS_BEAT_HEARTBEAT_SECONDS (the heartbeat /readyz
reads) and gives it up when it stops. Any other stands by: it logs who holds the lease and checks
again every EAS_BEAT_HEARTBEAT_SECONDS; when the holder dies, its lease expires after
EAS_BEAT_LOCK_SECONDS and the next check takes it over.
"""

import logging
import time
from pathlib import Path

from celery.beat import PersistentScheduler
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import close_old_connections, connection

from requests_app.ops.leases import DatabaseLease, Lease, beat_lease, holder_name

logger = logging.getLogger(__name__)


class SingleBeatScheduler(PersistentScheduler):
    """The schedule of settings.CELERY_BEAT_SCHEDULE, run only while this beat holds the lease."""

    def __init__(self, *args, **kwargs):
        self.heartbeat = float(settings.EAS_BEAT_HEARTBEAT_SECONDS)
        if not 0 < self.heartbeat < settings.EAS_BEAT_LOCK_SECONDS:
            raise ImproperlyConfigured(
                "EAS_BEAT_HEARTBEAT_SECONDS must be more than 0 and less than EAS_BEAT_LOCK_SECONDS: "
                "the holder renews the lock before it expires."
            )
        self.lease: Lease = beat_lease()
        self.me = holder_name()
        self._renewed_at: float | None = None  # time.monotonic() of the last renewal, while we hold it
        self._said: tuple[str, str | None] | None = None  # what the log said last, so it says it once
        super().__init__(*args, **kwargs)

    def setup_schedule(self):
        # The schedule's file (CELERY_BEAT_SCHEDULE_FILENAME, under var/) may be the first thing there.
        Path(self.schedule_filename).parent.mkdir(parents=True, exist_ok=True)
        super().setup_schedule()

    def tick(self, *args, **kwargs):
        if not self._holds_lease():
            return self.heartbeat
        # Wake up in time to renew the lease, however far the next task is.
        return min(super().tick(*args, **kwargs), self.heartbeat)

    def close(self):
        if self._renewed_at is not None:
            self._renewed_at = None
            try:
                self.lease.release(self.me)
                logger.info(
                    "Beat %s gave up the lock %r: another beat may take over at once.", self.me, self.lease.name
                )
            except self.lease.errors as error:
                logger.warning("Beat %s could not give up the lock (%s): it expires by itself.", self.me, error)
        self.lease.close()
        super().close()

    @property
    def info(self):
        return (
            f"{super().info}\n    . lock -> {self.lease.name!r} in {self.lease.backend}, renewed every "
            f"{self.heartbeat:g} s, expires after {self.lease.seconds:g} s"
        )

    def _holds_lease(self) -> bool:
        now = time.monotonic()
        if self._renewed_at is not None and now - self._renewed_at < self.heartbeat:
            return True
        if isinstance(self.lease, DatabaseLease) and not connection.in_atomic_block:
            # A beat runs for months: a database connection that died meanwhile is replaced, not reused
            # (never one inside a transaction: a test's).
            close_old_connections()
        try:
            taken = self.lease.take(self.me)
        except self.lease.errors as error:
            self._lost("unreachable", None, error)
            return False
        if taken:
            self._took(now)
        else:
            self._stand_by()
        return taken

    def _took(self, now: float) -> None:
        self._renewed_at = now
        self._say(
            "holding",
            self.me,
            "Beat %s holds the lock %r in %s: it schedules the periodic tasks, renews the lock every %g s "
            "and lets it expire after %g s if it stops renewing it.",
            self.me,
            self.lease.name,
            self.lease.backend,
            self.heartbeat,
            self.lease.seconds,
        )

    def _stand_by(self) -> None:
        was_holding, self._renewed_at = self._renewed_at is not None, None
        try:
            holding = self.lease.holding()
        except self.lease.errors as error:
            self._lost("unreachable", None, error)
            return
        expires = f"{holding.expires_in:.0f} s" if holding.expires_in is not None else "now"
        self._say(
            "standing by",
            holding.holder,
            "Beat %s %s: the lock %r in %s is held by another beat, %s, until it stops renewing it (it expires in "
            "%s). This beat schedules nothing, checks again every %g s and takes over when the lock is free.",
            self.me,
            "lost the lock and stands by" if was_holding else "stands by",
            self.lease.name,
            self.lease.backend,
            holding.holder or "which just let it go",
            expires,
            self.heartbeat,
            level=logging.WARNING,
        )

    def _lost(self, state: str, holder: str | None, error: Exception) -> None:
        self._renewed_at = None
        self._say(
            state,
            holder,
            "Beat %s cannot take or renew the lock %r in %s (%s): it schedules nothing until it can.",
            self.me,
            self.lease.name,
            self.lease.backend,
            error.__class__.__name__,
            level=logging.ERROR,
        )

    def _say(self, state: str, holder: str | None, message: str, *args: object, level: int = logging.INFO) -> None:
        """Log a change of state once, not at every check."""
        if self._said != (state, holder):
            self._said = (state, holder)
            logger.log(level, message, *args, extra={"beat_state": state, "beat": self.me, "lock_holder": holder})
