"""Every error of the API has one shape: {"detail": a sentence, "errors": {field: [messages]}}.

``errors`` is there when the input is refused field by field (the same messages as the workspace's
forms); a workflow action refused by its service lists the service's reasons under "reasons".
"""

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from requests_app.core.errors import ActionRefused


def flatten(errors, prefix=""):
    """{field: [messages]} from DRF's nested errors (a list item's errors are under "field.0")."""
    if isinstance(errors, dict):
        flat = {}
        for key, value in errors.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten(value, name))
        return flat
    if isinstance(errors, list) and any(isinstance(item, (dict, list)) for item in errors):
        flat = {}
        for index, item in enumerate(errors):
            flat.update(flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    messages = errors if isinstance(errors, list) else [errors]
    return {prefix or "non_field_errors": [str(message) for message in messages]}


def refusal_response(refusal, status_code=status.HTTP_400_BAD_REQUEST):
    """A service's refusal: its reasons, as the workspace shows them."""
    return Response({"detail": " ".join(refusal.messages), "reasons": refusal.messages}, status=status_code)


def exception_handler(exc, context):
    if isinstance(exc, ActionRefused):
        return refusal_response(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        response.data = {"detail": _("The request is not valid."), "errors": flatten(response.data)}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    return response
