"""The admin's autocomplete widgets, safe to redraw whatever the form received.

When a form comes back invalid, Django's AutocompleteSelect looks up the submitted value to show
it as the selected option, without checking that it can be an id: "abc", "1.5" or a 30-digit
number raise there (ValueError, OverflowError on SQLite) and the page answers 500 instead of
showing the form's own error ("Select a valid choice"). These widgets leave such values out.
"""

from typing import TYPE_CHECKING, Any

from django.contrib.admin import widgets
from django.core.exceptions import ValidationError
from django.db import models

from requests_app.core.ids import parse_id

# The mixins below are mixed into Django's widgets and model admins: the type checker reads them
# as the classes they extend; at run time they are plain mixins.
if TYPE_CHECKING:
    from django.contrib.admin.options import BaseModelAdmin

    _WidgetBase = widgets.AutocompleteMixin
    _AdminBase = BaseModelAdmin[Any]
else:
    _WidgetBase = _AdminBase = object


def _readable(field, value):
    """Whether the target field can look ``value`` up in the database."""
    if isinstance(field, models.IntegerField):
        return parse_id(str(value).strip()) is not None  # the rule of every id from a request
    try:
        field.get_prep_value(field.to_python(value))
    except (ValidationError, ValueError, TypeError, OverflowError):
        return False
    return True


class _ReadableValuesOnly(_WidgetBase):
    def optgroups(self, name, value, attrs=None):
        target = self.field.target_field
        return super().optgroups(name, [v for v in value if _readable(target, v)], attrs)


class AutocompleteSelect(_ReadableValuesOnly, widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(_ReadableValuesOnly, widgets.AutocompleteSelectMultiple):
    pass


class SafeAutocompleteMixin(_AdminBase):
    """For a ModelAdmin with autocomplete_fields: those fields use the widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
