"""Throttling: each user (so each token) and each address without a user has its own count.

The rates are settings (EAS_API_USER_RATE, EAS_API_ANON_RATE, from the environment), read at each
request so that a change of settings applies at once. Counts are kept in Django's cache.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from eas.security import client_ip_address


class PerUserThrottle(UserRateThrottle):
    """Requests of an authenticated user, whichever token or session they come with."""

    def get_rate(self):
        return settings.EAS_API_USER_RATE

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None  # PerAddressThrottle counts those
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class PerAddressThrottle(AnonRateThrottle):
    """Requests without a user (asking for a token, reading the schema), per client address."""

    def get_rate(self):
        return settings.EAS_API_ANON_RATE

    def get_ident(self, request):
        # The address the login throttle counts (eas.security): behind EAS_PROXY_COUNT proxies, the
        # one they saw, never what the client wrote in X-Forwarded-For.
        return client_ip_address(request) or ""
