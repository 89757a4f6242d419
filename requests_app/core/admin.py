"""What every admin page shares: fixed sets, the history of a change, users with clean names."""

from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model

from requests_app.core.people import display_name
from requests_app.core.validators import validate_single_line

NAME_FIELDS = ("first_name", "last_name")


# A mixin of Django's user forms: the type checker reads it as the form it extends.
if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class _SingleLineNames(_FormBase):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in NAME_FIELDS:
            if name in self.fields:
                self.fields[name].validators.append(validate_single_line)


class UserChangeForm(_SingleLineNames, auth_forms.UserChangeForm):
    pass


class UserCreationForm(_SingleLineNames, auth_forms.AdminUserCreationForm):
    pass


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm


class FixedSetAdmin(admin.ModelAdmin):
    """Rows made by migrations, one per stage or group: edited, never added or deleted."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def person_column(model, field_name):
    """A read-only admin column naming the user in ``field_name`` as a person, not by their login."""

    @admin.display(description=model._meta.get_field(field_name).verbose_name, ordering=field_name)
    def column(model_admin, obj):
        user = getattr(obj, field_name)
        return None if user is None else display_name(user)

    return column


def describe_changes(form):
    """{label: [old, new]} for the fields a form changed, as a reader of the history sees them."""
    changes = {}
    for name in form.changed_data:
        field = form.fields[name]
        old = form.get_initial_for_field(field, name)
        new = form.cleaned_data.get(name)
        changes[str(field.label)] = [_display(field, old), _display(field, new)]
    return changes


def _display(field, value):
    if value in (None, ""):
        return ""
    if isinstance(field, forms.ModelMultipleChoiceField):
        objects = value if hasattr(value, "__iter__") else [value]
        if objects and not hasattr(next(iter(objects)), "pk"):
            assert field.queryset is not None  # None only until a form gives the field its choices
            objects = field.queryset.filter(pk__in=objects)
        return ", ".join(sorted(_name(obj) for obj in objects))
    if isinstance(field, forms.ModelChoiceField):
        if not hasattr(value, "pk"):
            assert field.queryset is not None  # None only until a form gives the field its choices
            value = field.queryset.filter(pk=value).first()
        return _name(value) if value is not None else ""
    if getattr(field, "choices", None):
        return str(dict(field.choices).get(value, value))
    if hasattr(value, "name"):
        return value.name
    return str(value)


def _name(obj):
    # A user is read in the history by their name, as everywhere else, not by their login.
    return display_name(obj) if isinstance(obj, User) else str(obj)
