"""Test run: fast hashing, in-memory email, the database from DATABASE_URL (SQLite by default)."""

from eas.settings.base import *  # noqa: F403
from eas.settings.base import BASE_DIR, env

SECRET_KEY = env("SECRET_KEY", default="django-insecure-test-only")
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

# Login throttling is off by default in tests: django-axes needs the request in authenticate(),
# and Client.login() passes none. tests/test_security.py switches it on for the tests that
# log in through the real login pages (the `settings` fixture, AXES_ENABLED = True).
AXES_ENABLED = False
