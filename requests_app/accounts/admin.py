"""A user's preferences, edited on their page in the admin (inline on User)."""

from django.contrib import admin
from django.contrib.auth import get_user_model

from requests_app.accounts.models import Preference
from requests_app.core.admin import UserAdmin as CoreUserAdmin


class PreferenceInline(admin.StackedInline):
    model = Preference
    can_delete = False
    fields = ["language"]
    extra = 1
    max_num = 1


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(CoreUserAdmin):
    inlines = [*CoreUserAdmin.inlines, PreferenceInline]
