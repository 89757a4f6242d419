"""Refuse, with a 400, input that no page of EAS can ever accept.

A NUL character cannot be stored in a PostgreSQL text column nor sent to it as a query parameter
(psycopg raises): left to reach a query, it answers 500, in EAS's views and inside Django's admin
alike (its list filters pass parameters straight to the database). No address, parameter or form
field of EAS holds one legitimately, so it is refused here, once, before any view runs.
A path holds no other control character either. Tabs and line breaks in parameters and form
fields stay allowed (pasted text); the forms refuse what they do not accept, with a message.
"""

import re

from django.core.exceptions import SuspiciousOperation

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
