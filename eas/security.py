"""Hooks of the login throttling (django-axes), named in settings.

Kept apart from the domain (requests_app): they concern any login form of the site, the
workspace's and the admin's alike.
"""

import math

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone


def client_ip_address(request):
    """The address failed logins are counted against.

    The connection's own address, unless EAS_PROXY_COUNT reverse proxies stand in front: each
    appends the address it saw to X-Forwarded-For, so the client is that many from the right.
    Entries further left were written by the client and are not trusted.
    """
    proxies = settings.EAS_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets: why, and the time from which to try again (429)."""
    username = get_client_username(request, credentials) or ""
    cool_off = get_cool_off(request)
    now = timezone.now()
    last_failure = AccessAttempt.objects.filter(
        username=username, ip_address=getattr(request, "axes_ip_address", None)
    ).aggregate(last=Max("attempt_time"))["last"]
    retry_at = (last_failure or now) + cool_off
    response = render(
        request,
        "registration/locked_out.html",
        {
            "username": username,
            "failure_limit": get_failure_limit(request, credentials),
            "cool_off_minutes": math.ceil(cool_off.total_seconds() / 60),
            "retry_at": retry_at,
            "login_url": request.path,
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(max(1, math.ceil((retry_at - now).total_seconds())))
    return response
