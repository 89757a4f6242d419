"""Developer machine: everything works out of the box, nothing to install."""

from eas.settings.base import *  # noqa: F403
from eas.settings.base import VAR_DIR, env

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
