"""The workflow's actions through the API: the same fields as the workspace's forms (cases.forms), checked
by those forms, run by the same services (cases.services.perform_action).

Each action's request body is described from its form's fields, so the schema and the workspace
cannot drift apart. Types of assistance are named by their codes (GET /api/v1/assistance-types/)
where the workspace's form sends their ids.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from rest_framework import serializers

from requests_app.cases.forms import ACTION_FORMS, ActionForm
from requests_app.cases.workflow import ACTIONS
from requests_app.reference.models import AssistanceType

TYPES_HELP = "Codes of types of assistance (GET /api/v1/assistance-types/)."


def form_class(action_name):
    return ACTION_FORMS.get(action_name, ActionForm)


def _choices(field):
    return [(value, label) for value, label in field.choices if value != ""]


def _api_field(name, field, action):
    """The serializer field that describes a form field (for the schema; the form checks the input)."""
    required = field.required or (name == "comment" and action.needs_comment)
    common = {"required": required, "help_text": str(field.help_text or field.label or "")}
    if isinstance(field, forms.ModelMultipleChoiceField):
        return serializers.ListField(child=serializers.SlugField(), required=False, help_text=TYPES_HELP)
    if isinstance(field, forms.ChoiceField):
        return serializers.ChoiceField(choices=_choices(field), allow_blank=not required, **common)
    if isinstance(field, forms.DateField):
        return serializers.DateField(allow_null=not required, **common)
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(required=False, help_text=common["help_text"])
    return serializers.CharField(allow_blank=not required, max_length=field.max_length, **common)


def request_serializer(action_name):
    """A serializer class with the fields of the action's form (every field any case may be asked)."""
    action = ACTIONS[action_name]
    fields = {name: _api_field(name, field, action) for name, field in form_class(action_name).base_fields.items()}
    camel = "".join(part.capitalize() for part in action_name.split("_"))
    # drf-spectacular names the request body's component after it, adding "Request".
    return type(camel, (serializers.Serializer,), fields)


def _values(data, name):
    """Every value sent under ``name``: a form's repeated key, or a JSON list."""
    if hasattr(data, "getlist"):
        return data.getlist(name)
    value = data.get(name)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def form_data(action_name, data):
    """(the data for the action's form, errors): JSON or form fields as the form reads them; type codes as ids."""
    prepared: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, field in form_class(action_name).base_fields.items():
        if name not in data:
            continue
        if isinstance(field, forms.ModelMultipleChoiceField):
            codes = [str(code) for code in _values(data, name)]
            known = dict(AssistanceType.objects.filter(code__in=codes).values_list("code", "pk"))
            unknown = [code for code in codes if code not in known]
            if unknown:
                errors[name] = [_("No type of assistance has the code %(codes)s.") % {"codes": ", ".join(unknown)}]
            prepared[name] = [str(known[code]) for code in codes if code in known]
        else:
            value = data.get(name)
            if isinstance(value, (list, dict)):
                errors[name] = [_("Give one value.")]
            elif isinstance(field, forms.BooleanField):
                prepared[name] = value
            else:
                # The form's fields read text, as a browser sends it (a number or true in JSON too).
                prepared[name] = "" if value is None else str(value)
    return prepared, errors


def form_errors(form):
    """The form's errors as {field: [messages]} (those of the whole form under non_field_errors)."""
    return {
        ("non_field_errors" if name == "__all__" else name): [str(message) for message in messages]
        for name, messages in form.errors.items()
    }
