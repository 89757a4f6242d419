"""gunicorn's settings for the web process of Procfile (`gunicorn eas.wsgi --config python:eas.gunicorn`).

Read from the environment like Django's settings (eas.settings.env). Workers are processes, threads
serve requests side by side within each: WEB_CONCURRENCY x GUNICORN_THREADS requests at once, each
holding at most one database connection.
"""

import os

from eas.settings.env import env
from eas.settings.logs import gunicorn_logging

bind = f"{env('HOST', default='0.0.0.0')}:{env.int('PORT', default=8000)}"
workers = env.int("WEB_CONCURRENCY", default=2)
threads = env.int("GUNICORN_THREADS", default=4)
# A request taking longer than this is killed and its worker replaced (the exports of 100,000 cases
# stream in far less).
timeout = env.int("GUNICORN_TIMEOUT", default=60)
# Addresses of the proxy allowed to set X-Forwarded-Proto / -For for gunicorn itself.
forwarded_allow_ips = env("FORWARDED_ALLOW_IPS", default="127.0.0.1")
# No access log: EAS writes one line per request itself (eas.logs), with the request's id.
accesslog = None
_production = os.environ.get("DJANGO_SETTINGS_MODULE") == "eas.settings.production"
logconfig_dict = gunicorn_logging(env("EAS_LOG_FORMAT", default="json" if _production else "text"))
