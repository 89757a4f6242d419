"""The health probes: /healthz (the process answers) and /readyz (it can serve), JSON, no login.

They are answered by eas.middleware.HealthProbesMiddleware before the host check and the HTTPS
redirect, so a load balancer or an orchestrator probes the process over plain HTTP with whatever
Host header it sends. They say nothing secret: statuses, ages, counts and kinds of errors.
"""

from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils.cache import add_never_cache_headers

from requests_app.ops import health


def _answer(request, body, status=200):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    response = JsonResponse(body, status=status)
    add_never_cache_headers(response)
    return response


def healthz(request):
    """The process is alive and answers; it checks nothing else (a restart would not cure the rest)."""
    return _answer(request, {"status": "ok"})


def readyz(request):
    """The process can serve: the database, the broker and the cache answer, a beat is scheduling, and every
    migration is applied. 503 with the failing checks otherwise."""
    if request.method not in ("GET", "HEAD"):
        return _answer(request, {})
    checks = health.readiness()
    ready = all(check["ok"] for check in checks.values())
    response = _answer(request, {"status": "ok" if ready else "unavailable", "checks": checks}, 200 if ready else 503)
    # Not a server error to log (and report) at each probe: the request's own line says 503.
    response._has_been_logged = True
    return response
