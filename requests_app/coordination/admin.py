"""Who took part, in the admin: read and searched here, written on the case page.

Members, consultations, vehicles and notices are written through requests_app.coordination.services
(the case page's forms), which check the right and the stage and write the case's history; an admin
form would bypass both. A consultation's outcome is a note: shown only to those who may read its level.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from requests_app.cases import selectors as case_selectors
from requests_app.cases.admin import RecordAdmin
from requests_app.coordination.models import (
    BasketDonor,
    Consultation,
    DecisionNotice,
    ImplementationVehicle,
    MissionMember,
)
from requests_app.core.admin import person_column
from requests_app.core.confidentiality import label, may_read
from requests_app.documents import services as documents
from requests_app.documents.models import ConfidentialRead


def _case_page(case):
    return reverse("workspace:case-detail", args=[case.reference]) + "#coordination"


class AssessmentRecordAdmin(RecordAdmin):
    """A record of a case's needs assessment: the cases' scope reached through the assessment."""

    def get_queryset(self, request):
        queryset = super(RecordAdmin, self).get_queryset(request)
        if case_selectors.sees_all_cases(request.user):
            return queryset
        return queryset.filter(assessment__case__in=case_selectors.visible_cases(request.user))

    @admin.display(description=_("case"), ordering="assessment__case__reference")
    def case(self, row):
        return row.assessment.case.reference

    @admin.display(description=_("country"), ordering="assessment__case__member_state__name")
    def country(self, row):
        return row.assessment.case.member_state.local_name

    def view_on_site(self, row):
        return _case_page(row.assessment.case)


@admin.register(MissionMember)
class MissionMemberAdmin(AssessmentRecordAdmin):
    list_display = ["name", "organisation_shown", "role", "case", "country", "recorded_at"]
    list_filter = ["organisation", "role", "assessment__case__member_state__regional_group"]
    list_select_related = ["assessment__case__member_state"]
    search_fields = ["name", "organisation_name", "assessment__case__reference", "assessment__case__member_state__name"]
    fields = ["name", ("organisation", "organisation_name"), "role", "expert", ("recorder", "recorded_at")]
    readonly_fields = ["recorder"]
    recorder = person_column(MissionMember, "recorded_by")

    @admin.display(description=_("organisation"), ordering="organisation")
    def organisation_shown(self, member):
        return member.organisation_label


@admin.register(Consultation)
class ConsultationAdmin(AssessmentRecordAdmin):
    list_display = ["held_on", "counterpart", "name", "level", "case", "country"]
    list_filter = ["counterpart", "level", "assessment__case__member_state__regional_group"]
    list_select_related = ["assessment__case__member_state"]
    search_fields = ["name", "assessment__case__reference", "assessment__case__member_state__name"]
    date_hierarchy = "held_on"
    fields = ["counterpart", "name", "held_on", "level", "outcome", ("recorder", "recorded_at")]
    readonly_fields = ["outcome_withheld", "recorder"]
    recorder = person_column(Consultation, "recorded_by")

    @admin.display(description=_("outcome"))
    def outcome_withheld(self, consultation):
        return _("%(level)s: not shown to your role.") % {"level": label(consultation.level)}

    def get_fields(self, request, obj=None):
        """The outcome, for those who may read its level; that it exists, for the others."""
        fields = list(super().get_fields(request, obj))
        if obj is not None and not may_read(request.user, obj.level):
            fields[fields.index("outcome")] = "outcome_withheld"
        return fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        consultation = self.get_object(request, object_id)
        if consultation is not None and may_read(request.user, consultation.level):
            opened = documents.Opened(
                consultation.assessment.case_id, consultation, consultation.level, str(consultation)
            )
            documents.record_reads(reader=request.user, place=ConfidentialRead.Place.ADMIN_PAGE, opened=[opened])
        return response


class BasketDonorInline(admin.TabularInline):
    model = BasketDonor
    fields = ["partner", "member_state", "pledged", "currency"]
    readonly_fields = ["partner", "member_state", "pledged", "currency"]
    extra = 0
    can_delete = False
    verbose_name_plural = _("basket fund donors (recorded on the case page)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImplementationVehicle)
class ImplementationVehicleAdmin(RecordAdmin):
    list_display = ["case", "country", "kind", "title", "project_id", "budget", "currency", "basket_fund", "mandate"]
    list_filter = ["kind", "basket_fund", "case__member_state__regional_group"]
    list_select_related = ["case__member_state", "mandate"]
    search_fields = ["title", "project_id", "case__reference", "case__member_state__name", "mandate__symbol"]
    fields = [
        "case",
        "kind",
        "title",
        ("project_id", "signed_on"),
        ("budget", "currency", "basket_fund"),
        "mandate",
        ("recorder", "recorded_at", "updated_at"),
    ]
    readonly_fields = ["recorder"]
    inlines = [BasketDonorInline]
    recorder = person_column(ImplementationVehicle, "recorded_by")

    @admin.display(description=_("country"), ordering="case__member_state__name")
    def country(self, vehicle):
        return vehicle.case.member_state.local_name

    def view_on_site(self, vehicle):
        return _case_page(vehicle.case)


@admin.register(DecisionNotice)
class DecisionNoticeAdmin(RecordAdmin):
    list_display = ["case", "audience", "version", "letter_date", "recipient", "recorded_at"]
    list_filter = ["audience", "case__member_state__regional_group"]
    list_select_related = ["case", "letter"]
    search_fields = ["case__reference", "case__member_state__name", "letter__recipient", "letter__subject"]
    fields = ["case", "decision", "version", "audience", "letter", ("recorder", "recorded_at")]
    readonly_fields = ["recorder"]
    recorder = person_column(DecisionNotice, "recorded_by")

    @admin.display(description=_("date of the letter"), ordering="letter__date")
    def letter_date(self, notice):
        return notice.letter.date

    @admin.display(description=_("to"), ordering="letter__recipient")
    def recipient(self, notice):
        return notice.letter.recipient

    def view_on_site(self, notice):
        return _case_page(notice.case)
