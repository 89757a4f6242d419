"""Countries and territories, and the types of assistance, in the admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from requests_app.core.admin import FixedSetAdmin
from requests_app.reference.models import AssistanceType, MemberState


@admin.register(MemberState)
class MemberStateAdmin(FixedSetAdmin):
    list_display = [
        "name",
        "iso3",
        "status",
        "region",
        "correspondence_language",
        "administering_power",
    ]  # un_basis: too long for a column
    list_filter = ["status", "regional_group", "in_regional_group", "correspondence_language"]
    list_select_related = ["administering_power"]
    search_fields = ["name", "iso3"]
    fields = [
        "name",
        "iso3",
        "status",
        ("regional_group", "in_regional_group"),
        "correspondence_language",
        "administering_power",
        "un_basis",
    ]
    readonly_fields = ["iso3", "status"]

    def has_view_permission(self, request, obj=None):
        # Reference data: whoever works on cases may read it (the intake form searches it).
        return request.user.has_perm("requests_app.view_assistancerequest") or super().has_view_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if (
            formfield is not None and db_field.name == "administering_power"
        ):  # a Member State, chosen from the list: no add/edit icons
            for flag in ("can_add_related", "can_change_related", "can_delete_related", "can_view_related"):
                setattr(formfield.widget, flag, False)
        return formfield

    @admin.display(description=_("region"), ordering="regional_group")
    def region(self, country):
        return country.region_label


@admin.register(AssistanceType)
class AssistanceTypeAdmin(FixedSetAdmin):
    """The United Nations' typology, loaded by the migrations: names are edited, types not added."""

    list_display = ["name", "code", "category", "requires_mandate", "position"]
    list_filter = ["category", "requires_mandate"]
    ordering = ["position"]
    readonly_fields = ["code", "category", "requires_mandate"]
