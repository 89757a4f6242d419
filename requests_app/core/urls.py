"""Absolute URLs, for emails, feeds and exports read outside the site; addresses for a list's rows."""

from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS


def site_url(path=""):
    """``path`` on the site, as a reader outside it (a mail program, a calendar) follows it."""
    return settings.SITE_URL.rstrip("/") + path


def absolute_url(viewname, *args, query=""):
    """The absolute URL of a named page: ``absolute_url("workspace:case-detail", reference)``."""
    return site_url(reverse(viewname, args=args) + query)


# What stands for a row's argument in an address reversed once (row_urls); no key or code holds it.
_PLACEHOLDER = "~eas-row~"


def row_urls(viewname, **kwargs):
    """The addresses of ``viewname`` for many rows, reversed once: ``row_urls("workspace:country-file")``
    answers a function of the one argument (``url("GHA")``: a key or a code, which the pattern takes
    as it is), quoted as reverse() quotes it. For a list of 50 rows, one reverse() instead of 50."""
    pattern = reverse(viewname, args=[_PLACEHOLDER], **kwargs)
    head, _, tail = pattern.partition(_PLACEHOLDER)
    return lambda argument: f"{head}{quote(str(argument), safe=RFC3986_SUBDELIMS + '/~:@')}{tail}"
