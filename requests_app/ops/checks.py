"""Checks of the deployment, run by `manage.py check --deploy` (README, Production)."""

from django.conf import settings
from django.core import checks

# Caches whose entries live in one process: a session ended in one process (logging out) would
# live on in the others until its entry expires.
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Sessions are read from the cache (SESSION_ENGINE cached_db): the processes must share it."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        checks.Error(
            f"The cache is kept in each process ({backend}): a session ended in one would live on in the others.",
            hint="Set CACHE_URL to a cache the processes share, such as redis://redis.internal:6379/1.",
            id="eas.E001",
        )
    ]
