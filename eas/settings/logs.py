"""The logging configuration: plain text on a developer's machine, JSON lines in production.

Text (EAS_LOG_FORMAT=text, the default but in production) is what a developer reads in a terminal.
JSON (EAS_LOG_FORMAT=json, production's default) is one object per line for a log collector:
each record with its time, level, logger and message, the request's id and case reference when it
was written during a request, and one line per request (eas.logs.RequestLogMiddleware) in place
of the web server's access log. Only ids, never names or addresses: see README, Production.
"""

import logging
import logging.config
from typing import Any


def configure(config):
    """Django's LOGGING_CONFIG: the configuration, and Python's warnings as records of py.warnings,
    so that they are written like every other line (a JSON line in production)."""
    logging.config.dictConfig(config)
    logging.captureWarnings(True)


def logging_config(log_format, level):
    """Django's LOGGING for `log_format` ("text" or "json")."""
    json_lines = log_format == "json"
    handler = {"class": "logging.StreamHandler", "filters": ["refusals_in_one_line", "request_context"]}
    if json_lines:
        handler["formatter"] = "json"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "refusals_in_one_line": {"()": "eas.errors.RefusalsInOneLine"},
            "request_context": {"()": "eas.logs.RequestContext"},
            "server_errors_only": {"()": "eas.logs.ServerErrorsOnly"},
        },
        "formatters": {"json": {"()": "eas.logs.JsonLines"}},
        "handlers": {"console": handler},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's default configuration gives "django" a console handler of its own (under DEBUG):
            # with the root's, every line was written twice. Naming the logger here replaces its handlers.
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            # 403, 404 and 400 are one line each (eas.errors): also for what reads the records themselves.
            # In JSON the request's own line says them (with its status): only server errors stay.
            "django.request": {
                "handlers": [],
                "filters": ["refusals_in_one_line", *(["server_errors_only"] if json_lines else [])],
                "propagate": True,
            },
            # The line of each request: EAS's own in JSON (runserver's, which has the query string, is
            # silenced); in text, runserver's as Django ships it.
            "eas.request": {"handlers": [], "level": "INFO", "propagate": json_lines},
            **({"django.server": {"handlers": [], "propagate": False}} if json_lines else {}),
        },
    }


def gunicorn_logging(log_format):
    """gunicorn's own log (its master and workers starting and stopping) in the same format; it
    writes no access log: EAS writes the line of each request itself (text: no line at all)."""
    config: dict[str, Any] = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"text": {"format": "%(asctime)s [%(process)d] %(levelname)s %(message)s"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "text"}},
        "root": {"handlers": ["console"], "level": "INFO"},
        "loggers": {
            "gunicorn.error": {"handlers": [], "level": "INFO", "propagate": True},
            "gunicorn.access": {"handlers": [], "propagate": False},
        },
    }
    if log_format == "json":
        config["formatters"]["json"] = {"()": "eas.logs.JsonLines"}
        config["handlers"]["console"]["formatter"] = "json"
    return config
