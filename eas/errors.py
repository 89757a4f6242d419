"""What the site answers, and what it logs, when a request is refused or fails.

403 and 404 are Django's own handlers with the site's templates (403.html, 404.html), which they
render with the request: the menu of a logged-in user is there. 400 and 500 need views of their own
(wired in eas.urls): Django renders those templates without the request. A form refused by the CSRF
check gets the 403 page too (CSRF_FAILURE_VIEW).
"""

import logging

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpResponseBadRequest, HttpResponseForbidden, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views import defaults

from requests_app.core.errors import ActionRefused
from requests_app.core.logcontext import request_id

# Refusals the site gives on purpose: each is one line in the log (Django's own, e.g. "Forbidden
# (Permission denied): /cases/"), never a traceback, which would bury the errors that need one.
REFUSALS = (PermissionDenied, Http404, BadRequest, SuspiciousOperation, ActionRefused)

PLAIN_500 = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Server error · EAS</title></head>'
    "<body><h1>Something went wrong on our side</h1><p>The error has been logged. Please try again in a few "
    'minutes.</p><p><a href="/">EAS</a></p></body></html>'
)


def _api(request):
    """Whether the request is the REST API's (/api/), which answers JSON, errors included."""
    return request.path_info.startswith("/api/")


def not_found(request, exception, template_name="404.html"):
    """404: Django's page, or JSON for the API (an address under /api/ that matches no endpoint)."""
    if _api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception, template_name)


def bad_request(request, exception, template_name="400.html"):
    """400 in the site's layout (JSON for the API).

    A request malformed enough to fail the menu gets the page without it."""
    if _api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    template = loader.get_template(template_name)
    try:
        return HttpResponseBadRequest(template.render({}, request))
    except Exception:  # noqa: BLE001 - the request itself may be what cannot be read
        return HttpResponseBadRequest(template.render({}))


def server_error(request, template_name="500.html"):
    """500 without the request, which may be what failed; plain HTML if even the template fails.
    The page gives the request's id (eas.logs): quoted by the user, it finds the error's lines."""
    try:
        return HttpResponseServerError(loader.get_template(template_name).render({"request_id": request_id()}))
    except Exception:  # noqa: BLE001 - whatever broke the page may break the template too
        return HttpResponseServerError(PLAIN_500)


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check (most often: sent after the session ended), as a 403 page."""
    return HttpResponseForbidden(loader.render_to_string("403.html", {"form_expired": True}, request))


class ActionRefusedMiddleware:
    """A domain refusal that no view turned into a message becomes a 403 that says why, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ActionRefused):
            raise PermissionDenied(" ".join(exception.messages)) from exception
        return None


class RefusalsInOneLine(logging.Filter):
    """Log a refusal as its one line: drop the traceback, and the second line of a suspicious request.

    Django logs a suspicious request (a SuspiciousOperation: a forged host, too many fields...) on
    django.security.<kind>, then once more as "Bad Request: <path>"; the first says what happened.
    """

    def filter(self, record):
        exception = record.exc_info[1] if record.exc_info else None
        if isinstance(exception, REFUSALS):
            record.exc_info = None
            record.exc_text = None
        request = getattr(record, "request", None)
        if request is not None and record.name.startswith("django.security."):
            request._eas_refusal_logged = True
        elif request is not None and record.name == "django.request" and getattr(request, "_eas_refusal_logged", False):
            return False
        return True
