"""Django's user admin, with names refused when they hold a control character (validators.py)."""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model

from .validators import validate_single_line

NAME_FIELDS = ("first_name", "last_name")


class _SingleLineNames:
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
