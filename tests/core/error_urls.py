"""The site's URLs, and views that fail on purpose, for tests/core/test_errors.py."""

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.urls import path

# Django reads the handlers from the root URLconf: this one, in these tests.
from eas.urls import handler400, handler500  # noqa: F401
from eas.urls import urlpatterns as site_urlpatterns
from requests_app.core.errors import ActionRefused


def refuse(request):
    raise PermissionDenied


def refuse_action(request):
    raise ActionRefused("The case has ended: its final documents stay final.")


def bad(request):
    raise BadRequest("Null characters are not allowed.")


def suspicious(request):
    raise SuspiciousOperation("Attempted access to '../etc/passwd' denied.")


def fail(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("test-errors/refuse/", refuse),
    path("test-errors/refuse-action/", refuse_action),
    path("test-errors/bad/", bad),
    path("test-errors/suspicious/", suspicious),
    path("test-errors/fail/", fail),
    *site_urlpatterns,
]
