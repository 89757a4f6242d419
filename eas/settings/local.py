"""Developer machine: everything works out of the box, nothing to install."""

from .env import env

env.ENVIRON.setdefault("SECRET_KEY", "django-insecure-local-development-only")
env.ENVIRON.setdefault("DEBUG", "true")
env.ENVIRON.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
# Emails are written as files a developer can open (see README).
env.ENVIRON.setdefault("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")

from .base import *  # noqa: E402,F403
