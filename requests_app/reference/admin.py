"""Member States and types of assistance in the admin."""

from django.contrib import admin

from requests_app.core.admin import FixedSetAdmin
from requests_app.reference.models import AssistanceType, MemberState


@admin.register(MemberState)
class MemberStateAdmin(FixedSetAdmin):
    list_display = ["name", "iso3", "regional_group"]
    list_filter = ["regional_group"]
    search_fields = ["name", "iso3"]

    def has_view_permission(self, request, obj=None):
        # Reference data: whoever works on cases may read it (the intake form searches it).
        return request.user.has_perm("requests_app.view_assistancerequest") or super().has_view_permission(request, obj)


@admin.register(AssistanceType)
class AssistanceTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "requires_mandate", "position"]
    list_filter = ["category", "requires_mandate"]
    ordering = ["position"]

    def has_delete_permission(self, request, obj=None):
        return False
