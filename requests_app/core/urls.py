"""Absolute URLs, for emails, feeds and exports read outside the site."""

from django.conf import settings
from django.urls import reverse


def site_url(path=""):
    """``path`` on the site, as a reader outside it (a mail program, a calendar) follows it."""
    return settings.SITE_URL.rstrip("/") + path


def absolute_url(viewname, *args, query=""):
    """The absolute URL of a named page: ``absolute_url("workspace:case-detail", reference)``."""
    return site_url(reverse(viewname, args=args) + query)
