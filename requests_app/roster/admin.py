"""Experts and languages in the admin; deployments read only."""

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app.cases.admin import RecordAdmin
from requests_app.core.autocomplete import SafeAutocompleteMixin
from requests_app.reference.admin import CountrySearchMixin
from requests_app.roster.models import Deployment, Expert, Language

# The roster of experts (paras 8-9) -----------------------------------------------------------------
#
# Experts and languages are kept here. Deployments are only read: they are booked and cancelled
# on the case's page, through requests_app.roster.services, which refuses double bookings and
# writes the case's history; an admin form would bypass both.


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_un_official"]
    list_filter = ["is_un_official"]
    search_fields = ["name", "code"]

    def has_delete_permission(self, request, obj=None):
        return False  # it would silently vanish from the experts who speak it


def deployment_status_text(deployment):
    if deployment.cancelled_at is None:
        return gettext("Booked")
    return gettext("Cancelled on %(day)s") % {
        "day": date_format(timezone.localtime(deployment.cancelled_at), "DATE_FORMAT")
    }


class ExpertDeploymentInline(admin.TabularInline):
    model = Deployment
    fields = ("case_reference", "role", "starts_on", "ends_on", "status")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = _("deployments (booked and cancelled on the case's page)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("case").order_by("-starts_on", "-id")

    @admin.display(description=_("case"))
    def case_reference(self, deployment):
        return deployment.case.reference  # the reference only: the case may be outside the user's desks

    @admin.display(description=_("status"))
    def status(self, deployment):
        return deployment_status_text(deployment)


@admin.register(Expert)
class ExpertAdmin(CountrySearchMixin, SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = [
        "family_name",
        "given_name",
        "nationality",
        "region",
        "gender",
        "is_active",
        "available_from",
        "available_until",
    ]
    list_display_links = ["family_name", "given_name"]
    list_filter = ["is_active", "gender", "nationality__regional_group", "expertise", "languages"]
    list_select_related = ["nationality"]
    search_fields = ["family_name", "given_name", "email"]
    country_search = "nationality"
    autocomplete_fields = ["nationality"]
    filter_horizontal = ["expertise", "languages"]
    inlines = [ExpertDeploymentInline]
    fieldsets = [
        (None, {"fields": [("given_name", "family_name"), "email", "gender", "nationality"]}),
        (_("Expertise and languages"), {"fields": ["expertise", "languages"]}),
        (_("Availability"), {"fields": ["is_active", ("available_from", "available_until"), "notes"]}),
    ]

    @admin.display(description=_("regional group"), ordering="nationality__regional_group")
    def region(self, expert):
        return expert.nationality.get_regional_group_display()

    def view_on_site(self, expert):
        return reverse("workspace:expert-detail", args=[expert.pk])

    def has_delete_permission(self, request, obj=None):
        # An expert's deployments are part of the cases' record: take the expert off the roster instead.
        return False


class DeploymentStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("booked", _("Booked")), ("cancelled", _("Cancelled"))]

    def queryset(self, request, queryset):
        if self.value() == "booked":
            return queryset.filter(cancelled_at__isnull=True)
        if self.value() == "cancelled":
            return queryset.filter(cancelled_at__isnull=False)
        return queryset


@admin.register(Deployment)
class DeploymentAdmin(RecordAdmin):
    """Read only, for everyone: see the comment above."""

    list_display = ["expert", "case", "role", "starts_on", "ends_on", "status", "recorded_by", "recorded_at"]
    list_filter = [DeploymentStatusFilter, "case__member_state__regional_group"]
    list_select_related = ["expert", "case", "recorded_by"]
    search_fields = ["expert__family_name", "expert__given_name", "case__reference", "role"]
    date_hierarchy = "starts_on"
    show_full_result_count = False

    @admin.display(description=_("status"))
    def status(self, deployment):
        return deployment_status_text(deployment)
