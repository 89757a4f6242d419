"""The request's id and its line in the log; the JSON lines of production (eas.settings.logs).

Every response carries an X-Request-ID: the one the proxy sent, when it looks like an id, or a
new one. Every line logged while the request is served carries it too (RequestContext), so the
lines of one request can be found together, and so can the Sentry event of an error (eas.sentry).

The request's own line (in JSON) holds its method, path, status, duration, the user's id and
the case's reference: no query string (a search may hold a name), no address, no name.
"""

import logging
import re
import time
import uuid

from django.db import DatabaseError
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from requests_app.core import logcontext

logger = logging.getLogger("eas.request")

# What a proxy's request id looks like (a UUID, nginx's $request_id, a cloud's trace id). Anything
# else is replaced: a header is the client's to write, and the log is not.
INCOMING_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

# URL parameters that are secrets: never written to the log (the calendar feed's private address).
SECRET_PARAMETERS = ("token",)


class RequestLogMiddleware:
    """Outermost: the request's id in and out, and one line once the response is known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        tokens = logcontext.begin_request(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            logger.info(
                "%s %s %s",
                request.method,
                loggable_path(request),
                response.status_code,
                extra={
                    "method": request.method,
                    "path": loggable_path(request),
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": user_id(request),
                },
            )
            return response
        finally:
            logcontext.end_request(tokens)


def loggable_path(request):
    """The path without its query string, a secret in it replaced by the parameter's name."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    for name in SECRET_PARAMETERS:
        value = match.kwargs.get(name) if match is not None else None
        if value:
            path = path.replace(str(value), f"<{name}>")
    return path


def user_id(request):
    """The id of the logged-in user, or None; None too when the database, which holds the session,
    is what failed: the line is written all the same."""
    if not hasattr(request, "user"):  # answered before authentication: a probe, a static file
        return None
    try:
        user = request.user
        return user.pk if user.is_authenticated else None
    except DatabaseError:
        return None


class RequestContext(logging.Filter):
    """Give every record written during a request that request's id and case reference."""

    def filter(self, record):
        if getattr(record, "request_id", None) is None and (request_id := logcontext.request_id()):
            record.request_id = request_id
        if getattr(record, "case", None) is None and (case := logcontext.case_reference()):
            record.case = case
        return True


class ServerErrorsOnly(logging.Filter):
    """Django's line for a refused request (4xx) says what the request's own line says: drop it."""

    def filter(self, record):
        return getattr(record, "status_code", 500) >= 500


class JsonLines(JsonFormatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message and what the record
    carries (request_id, case, status...), the traceback as exc_info. Django's records carry the
    request itself, whose text holds the query string: it is left out."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "server_time", "color_message"])
        super().__init__("%(levelname)s %(name)s %(message)s", *args, **kwargs)
