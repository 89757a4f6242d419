"""Refuse, with a 400, input that no page of EAS can ever accept.

A NUL character cannot be stored in a PostgreSQL text column nor sent to it as a query parameter
(psycopg raises): left to reach a query, it answers 500, in EAS's views and inside Django's admin
alike (its list filters pass parameters straight to the database). No address, parameter or form
field of EAS holds one legitimately, so it is refused here, once, before any view runs.
A path holds no other control character either. Tabs and line breaks in parameters and form
fields stay allowed (pasted text); the forms refuse what they do not accept, with a message.
"""

import re

from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from requests_app.core.validators import SEARCH_MAX_LENGTH

# Every C0 control character and DEL: none belongs in an address.
PATH_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f]")


class InvalidInput(SuspiciousOperation):
    """Django answers a SuspiciousOperation with its 400 page (templates/400.html when there is one)
    and logs it to django.security.InvalidInput."""


def _holds_nul(querydict):
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in querydict.lists())


class RefuseInvalidInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if PATH_FORBIDDEN.search(request.path_info):
            raise InvalidInput("A control character in the address.")
        if _holds_nul(request.GET):
            raise InvalidInput("A NUL character in the query string.")
        if request.method == "POST" and (
            _holds_nul(request.POST) or any("\x00" in upload.name for upload in request.FILES.values())
        ):
            raise InvalidInput("A NUL character in a form field.")
        return self.get_response(request)


class BoundAdminSearchMiddleware:
    """The admin's searches (every changelist's ?q=, the autocompletes' ?term=) hold at most
    SEARCH_MAX_LENGTH characters. A longer changelist search is not run: the list is shown
    without it, with a message; an autocomplete searches the first SEARCH_MAX_LENGTH characters.
    The workspace's lists bound theirs in their filter forms."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path_info.startswith(reverse("admin:index")):
            for name in ("q", "term"):
                if len(request.GET.get(name, "")) > SEARCH_MAX_LENGTH:
                    return self._bounded(request, name)
        return self.get_response(request)

    def _bounded(self, request, name):
        query = request.GET.copy()
        if name == "term":
            query[name] = query[name][:SEARCH_MAX_LENGTH]
        else:
            messages.warning(
                request,
                _("A search holds at most %(max)d characters; yours held %(length)s and was not run.")
                % {"max": SEARCH_MAX_LENGTH, "length": intcomma(len(query[name]))},
            )
            del query[name]
        return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)
