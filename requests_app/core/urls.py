"""Absolute URLs, for emails, feeds and exports read outside the site."""

from django.conf import settings

# Calendar ----------------------------------------------------------------------------------------


def site_url(path):
    return settings.SITE_URL.rstrip("/") + path
