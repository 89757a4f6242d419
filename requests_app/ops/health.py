"""What /readyz checks: the database, the broker, the cache, beat's heartbeat, migrations not yet applied.

Each check answers a small dict with "ok" and what a person on call needs: how old the heartbeat
is, how many migrations are pending, which kind of error. Never a host, an address, a name or an
error's text: the probe answers anyone, and an error's text may quote a connection string.
"""

from typing import Any

from django.conf import settings
from django.core.cache import cache as default_cache
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from kombu import Connection
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from requests_app.ops.leases import beat_lease

Check = dict[str, Any]

# Seconds a probe waits for the broker: a load balancer's probe times out after a few.
BROKER_TIMEOUT = 2.0

# Once no migration is pending, none will be until the code changes, which restarts the process.
_migrated = False


def database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": True}


def broker() -> Check:
    options = {**settings.CELERY_BROKER_TRANSPORT_OPTIONS, "socket_connect_timeout": BROKER_TIMEOUT}
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT, transport_options=options) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT)
    except (KombuError, OSError) as error:
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": True}


def cache() -> Check:
    """The cache answers: every signed-in page reads its session there (SESSION_ENGINE cached_db)."""
    try:
        default_cache.get("eas-readiness")
    except (RedisError, OSError) as error:  # production's cache is Redis; a socket's own errors besides
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": True}


def beat() -> Check:
    """The holder of beat's lease renews it every EAS_BEAT_HEARTBEAT_SECONDS: a heartbeat twice
    as old as that means no beat is scheduling (none runs, or it cannot reach the lease's store)."""
    limit = 2 * settings.EAS_BEAT_HEARTBEAT_SECONDS
    lease = beat_lease()
    try:
        last = lease.last_heartbeat()
    except lease.errors as error:
        return {"ok": False, "error": error.__class__.__name__, "max_age_seconds": limit}
    finally:
        lease.close()
    if last is None:
        return {"ok": False, "error": "no heartbeat yet", "max_age_seconds": limit}
    age = max((timezone.now() - last).total_seconds(), 0.0)
    return {"ok": age < limit, "age_seconds": round(age, 1), "max_age_seconds": limit}


def migrations() -> Check:
    global _migrated
    if _migrated:
        return {"ok": True, "pending": 0}
    try:
        executor = MigrationExecutor(connection)
        pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except DatabaseError as error:
        return {"ok": False, "error": error.__class__.__name__}
    _migrated = pending == 0
    return {"ok": pending == 0, "pending": pending}


def readiness() -> dict[str, Check]:
    # The database first: the migrations' check needs it, and beat's with a database lease.
    return {"database": database(), "broker": broker(), "cache": cache(), "beat": beat(), "migrations": migrations()}
