"""Production: secrets have no default; HTTPS everywhere.

Required: SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS, CELERY_BROKER_URL, CACHE_URL. The recipe: README, Production.
"""

from eas.sentry import init_sentry
from eas.settings.base import *  # noqa: F403
from eas.settings.base import (
    SENTRY_DSN,
    SENTRY_ENVIRONMENT,
    SENTRY_RELEASE,
    SENTRY_TRACES_SAMPLE_RATE,
    env,
    with_prepared_statements,
)
from eas.settings.logs import logging_config

SECRET_KEY = env("SECRET_KEY")
DEBUG = False
DATABASES = {"default": with_prepared_statements(env.db("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
# Shared by every process: a session ended in one (logging out) ends in all, and the API's
# throttling counts each user once (base.py). A page waits at most 2 s for it.
CACHES = {"default": env.cache("CACHE_URL")}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    CACHES["default"].setdefault("OPTIONS", {}).update(socket_connect_timeout=2, socket_timeout=2)
CELERY_BROKER_TRANSPORT_OPTIONS = {}

# Static files served by the application itself, compressed and cached forever: right after
# SecurityMiddleware, as WhiteNoise asks.
_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1  # noqa: F405
MIDDLEWARE = [*MIDDLEWARE[:_security], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[_security:]]  # noqa: F405

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Also set in base for every environment; repeated here so production's guarantees read in one place.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Behind a reverse proxy: it terminates TLS and says so in X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER
# above); USE_X_FORWARDED_HOST=true when it passes the public host name in X-Forwarded-Host.
USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)

# Logs as JSON lines, one per request besides (eas.settings.logs); EAS_LOG_FORMAT=text for a terminal.
EAS_LOG_FORMAT = env("EAS_LOG_FORMAT", default="json")
LOGGING = logging_config(EAS_LOG_FORMAT, env("LOG_LEVEL", default="INFO"))
# Celery writes what a process prints as log records, a traceback one piece per record: in JSON, as is.
CELERY_WORKER_REDIRECT_STDOUTS = EAS_LOG_FORMAT != "json"

# Errors to Sentry when SENTRY_DSN is set; nothing is set up otherwise.
SENTRY_ENABLED = init_sentry(
    SENTRY_DSN, environment=SENTRY_ENVIRONMENT, release=SENTRY_RELEASE, traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE
)
