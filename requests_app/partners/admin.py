"""Partner organisations and their contributions in the admin."""

from django.contrib import admin

from requests_app.cases.admin import RecordAdmin
from requests_app.core.autocomplete import SafeAutocompleteMixin
from requests_app.partners.models import Partner, PartnerContribution

# Partners (para 6) -----------------------------------------------------------------------------


@admin.register(Partner)
class PartnerAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "country", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "acronym"]
    autocomplete_fields = ["country"]

    def has_delete_permission(self, request, obj=None):
        # A partner with contributions keeps its history; it is made inactive instead.
        return False


@admin.register(PartnerContribution)
class PartnerContributionAdmin(RecordAdmin):
    """Recorded from the case page, through the service that writes the case's history."""

    list_display = ["recorded_at", "case", "partner", "kind", "people", "amount", "currency"]
    list_filter = ["kind", "partner"]
    list_select_related = ["case", "partner"]
    search_fields = ["case__reference", "partner__name", "partner__acronym", "description"]
