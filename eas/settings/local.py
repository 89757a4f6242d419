"""Developer machine: everything works out of the box, nothing to install."""

from eas.sentry import init_sentry
from eas.settings.base import *  # noqa: F403
from eas.settings.base import SENTRY_DSN, SENTRY_RELEASE, SENTRY_TRACES_SAMPLE_RATE, VAR_DIR, env

# The SQLite database, emails, uploads and the embedded broker all live under var/.
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env("SECRET_KEY", default="django-insecure-local-development-only")
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# Emails are written as files a developer can open (see README).
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")

# On a laptop, sweep every two minutes so reminders show up soon after `make run`.
EAS_REMINDER_SWEEP_MINUTES = env.float("EAS_REMINDER_SWEEP_MINUTES", default=2)
CELERY_BEAT_SCHEDULE["sweep-reminders"]["schedule"] = EAS_REMINDER_SWEEP_MINUTES * 60  # noqa: F405

# A developer trying Sentry out sets SENTRY_DSN; nothing is set up otherwise.
SENTRY_ENABLED = init_sentry(
    SENTRY_DSN,
    environment=env("SENTRY_ENVIRONMENT", default="development"),
    release=SENTRY_RELEASE,
    traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
)
