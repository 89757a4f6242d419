"""Settings shared by every environment. Values that differ come from env."""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from eas.settings.api import (  # noqa: F401  (settings Django and DRF read by name)
    EAS_API_ANON_RATE,
    EAS_API_USER_RATE,
    REST_FRAMEWORK,
    SPECTACULAR_SETTINGS,
)
from eas.settings.env import BASE_DIR, env
from eas.settings.logs import logging_config

VAR_DIR = Path(env("EAS_VAR_DIR", default=str(BASE_DIR / "var")))

# SECRET_KEY is set by each environment's module: production has no default.
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # The widgets' templates, for FORM_RENDERER below.
    "django.forms",
    "django_filters",
    "axes",
    "csp",
    # The REST API under /api/v1/ (requests_app.api; settings in eas/settings/api.py).
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "requests_app",
]

MIDDLEWARE = [
    # First: the request's id (X-Request-ID in and out) and its line in the log, whoever answers.
    "eas.logs.RequestLogMiddleware",
    # /healthz and /readyz, before the host check and the HTTPS redirect (README, Production).
    "eas.health.HealthProbesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside every middleware that may answer on its own (axes' lockout page included), so
    # every page carries the Content-Security-Policy header.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The language the user chose (accounts.Preference) over LocaleMiddleware's cookie and browser.
    "requests_app.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # An ActionRefused that no view caught: a 403 that says why (eas.errors), not a 500.
    "eas.errors.ActionRefusedMiddleware",
    # A search too long for SQLite never reaches the admin's lists (after the messages).
    "eas.middleware.BoundAdminSearchMiddleware",
    # Before any view reads a parameter: a NUL byte answers 400, never a 500 (after the header
    # middlewares, so the 400 page carries their headers too).
    "eas.middleware.RefuseInvalidInputMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "eas.urls"
WSGI_APPLICATION = "eas.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Form widgets are drawn by the engine above, so templates/ can replace one of Django's: its
# django/forms/widgets/attrs.html writes the attributes in Python (templatetags/eas_widgets.py).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"


def with_prepared_statements(database: dict) -> dict:
    """PostgreSQL: parameters bound by the server and statements prepared (psycopg prepares one it
    has sent five times on a connection). The server then plans the case page's one large query
    (16 tables) once per connection instead of on every request: 10 ms of planning for 1 ms of
    work at 100,000 cases (README, Benchmarks). Connections are kept (CONN_MAX_AGE), so are their
    statements. Behind a pooler in transaction mode that cannot keep prepared statements (PgBouncer
    before 1.21), set DATABASE_PREPARED_STATEMENTS=false."""
    if database["ENGINE"].endswith("postgresql") and env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        database.setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
    return database


DATABASES = {
    "default": with_prepared_statements(env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'eas.sqlite3'}")),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web server, the worker and beat share one SQLite file under `make run`: write
    # transactions take the lock up front and wait for it, instead of failing "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes). The axes backend comes first: it refuses a locked-out
# username+address before any password is checked; ModelBackend then does the real work.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = True
# Failures are counted per username *and* address: a guesser from one machine is stopped,
# but nobody can lock a colleague out from elsewhere by typing her name wrong five times.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("EAS_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("EAS_LOGIN_COOLOFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
# Tries made while locked out are refused without being counted, so the lock ends at the time
# the lockout page states, however often the user tries again meanwhile. A guesser gains
# nothing by it: still at most AXES_FAILURE_LIMIT guesses per cool-off.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "eas.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "eas.security.client_ip_address"
# Behind N reverse proxies that each append to X-Forwarded-For, the client is the Nth address
# from the right; 0 (no proxy) uses the address of the connection itself.
EAS_PROXY_COUNT = env.int("EAS_PROXY_COUNT", default=0)

# The cache: each process's own memory by default (a developer's machine, the tests); production
# names one its processes share (CACHE_URL, Redis). Sessions are read from it and written through to
# the database (cached_db): one query fewer on every page, and no one is logged out when the cache
# restarts empty.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Sessions end after a working day, and when the browser closes.
SESSION_COOKIE_AGE = int(env.float("EAS_SESSION_HOURS", default=8) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No script of the site or of Django's admin reads the CSRF cookie, and making it HttpOnly
# protects nothing (Django's documentation): left readable, as Django ships it.
CSRF_COOKIE_HTTPONLY = False
# A form refused by the CSRF check gets the site's 403 page, which says to reload and send again.
CSRF_FAILURE_VIEW = "eas.errors.csrf_failure"

# Headers sent in every environment (production adds HTTPS-only ones).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp 4). Every script, style, image and font comes from the
# site itself; no inline script or style anywhere (the workspace uses none; Django's admin
# needs none on the pages EAS uses: see README, Security).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# The interface will speak the six official languages of the United Nations.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers in each language: Django's formats, with EAS's own over them (eas/formats).
FORMAT_MODULE_PATH = ["eas.formats"]
USE_I18N = True
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"

# Email: Django's own setting names, so any backend Django knows can be used.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = Path(env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail")))
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# Seconds a connection to the mail server may stay silent: a send never hangs a worker for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=60)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="EAS <eas@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery. Without a broker URL, an embedded broker on the file system lets a
# worker and beat run on a laptop with nothing else installed.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_FOLDER = VAR_DIR / "celery" / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(CELERY_BROKER_FOLDER),
        "data_folder_out": str(CELERY_BROKER_FOLDER),
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Tasks a worker runs at once; unset: one per core of its machine.
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
# Several sites may share one Redis: each its own queue (and EAS_BEAT_LOCK_NAME).
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")

# Exactly one beat schedules, however many are started (requests_app.ops.scheduler): the one that
# holds the lock (in Redis when the broker is Redis, else in the database) renews it every
# EAS_BEAT_HEARTBEAT_SECONDS, which is also the heartbeat /readyz checks (at most twice as old);
# the others stand by, and take over EAS_BEAT_LOCK_SECONDS after the holder stopped renewing.
CELERY_BEAT_SCHEDULER = "requests_app.ops.scheduler:SingleBeatScheduler"
EAS_BEAT_HEARTBEAT_SECONDS = env.float("EAS_BEAT_HEARTBEAT_SECONDS", default=15)
EAS_BEAT_LOCK_SECONDS = env.float("EAS_BEAT_LOCK_SECONDS", default=60)
EAS_BEAT_LOCK_NAME = env("EAS_BEAT_LOCK_NAME", default="eas-beat")

# Reminders: how often beat sweeps for deadlines, where escalations end, how hard to retry.
EAS_REMINDER_SWEEP_MINUTES = env.float("EAS_REMINDER_SWEEP_MINUTES", default=15)
EAS_FOCAL_POINT_EMAILS = env.list("EAS_FOCAL_POINT_EMAILS", default=["focal-point@eas.example.org"])
EAS_REMINDER_MAX_ATTEMPTS = env.int("EAS_REMINDER_MAX_ATTEMPTS", default=5)
EAS_REMINDER_STALE_MINUTES = env.int("EAS_REMINDER_STALE_MINUTES", default=60)
# A reminder still "sending" this long after its digest went to the mail server is "delivery
# uncertain": its sender died during or after the send. Longer than any send takes (EMAIL_TIMEOUT).
EAS_REMINDER_SENDING_TIMEOUT_MINUTES = env.float("EAS_REMINDER_SENDING_TIMEOUT_MINUTES", default=30)
EAS_REMINDER_DIGEST_MAX_CASES = env.int("EAS_REMINDER_DIGEST_MAX_CASES", default=100)
# The officer of an open case and the focal point are told this many days before a mandate the
# case rests on expires (once per mandate; none once the mandate is renewed).
EAS_MANDATE_EXPIRY_REMINDER_DAYS = env.int("EAS_MANDATE_EXPIRY_REMINDER_DAYS", default=60)
# A letter whose reply is due is in its officer's (or desk's) digest this many days before the day.
EAS_REPLY_WARNING_DAYS = env.int("EAS_REPLY_WARNING_DAYS", default=3)
# The Trust Fund's balance is checked after each entry; beat checks it too, for a threshold
# raised above the balance and for an alert whose email has not left yet.
EAS_TRUST_FUND_CHECK_MINUTES = env.float("EAS_TRUST_FUND_CHECK_MINUTES", default=60)
CELERY_BEAT_SCHEDULE = {
    "sweep-reminders": {
        "task": "requests_app.sweep_reminders",
        "schedule": EAS_REMINDER_SWEEP_MINUTES * 60,
    },
    "check-trust-fund-balance": {
        "task": "requests_app.check_trust_fund_balance",
        "schedule": EAS_TRUST_FUND_CHECK_MINUTES * 60,
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Absolute address of the site, for links in emails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Uploaded case documents.
EAS_DOCUMENT_MAX_BYTES = env.int("EAS_DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)
# What an Office document (.docx, .xlsx, .pptx, .odt, .ods: a zip) may expand to when opened:
# refuses a "zip bomb" that a reader would unpack to gigabytes.
EAS_DOCUMENT_MAX_EXPANDED_BYTES = env.int("EAS_DOCUMENT_MAX_EXPANDED_BYTES", default=200 * 1024 * 1024)

# Plain text for a developer; JSON lines, one per request besides, in production (eas.settings.logs).
EAS_LOG_FORMAT = env("EAS_LOG_FORMAT", default="text")
LOGGING = logging_config(EAS_LOG_FORMAT, env("LOG_LEVEL", default="INFO"))
LOGGING_CONFIG = "eas.settings.logs.configure"
# Celery writes what a process prints as log records, a traceback one piece per record: in JSON, as is.
CELERY_WORKER_REDIRECT_STDOUTS = EAS_LOG_FORMAT != "json"

# Error reporting (eas.sentry): set up by the environments that serve the site, only with a DSN.
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="production")
SENTRY_RELEASE = env("SENTRY_RELEASE", default="")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
SENTRY_ENABLED = False  # what eas.sentry.init_sentry answered, in the environments that call it

# The briefing to Member States: leave out the names of the States whose requests were declined.
EAS_BRIEFING_OMIT_DECLINED_NAMES = env.bool("EAS_BRIEFING_OMIT_DECLINED_NAMES", default=False)
# The Secretary-General's report: its cumulative figures count from 1 January of this year (the
# year after resolution 62/150).
EAS_SG_REPORT_START_YEAR = env.int("EAS_SG_REPORT_START_YEAR", default=2008)
