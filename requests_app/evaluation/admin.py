"""Evaluations, waivers and lessons learned in the admin: read and searched here, written on the case page.

They are written through requests_app.evaluation.services (on the case's page, and the waiver by
the close action), which check the stage and the right and write the case's history; an admin form
would bypass both. Lessons are shared across desks (evaluation.selectors); evaluations and waivers
are seen with their case.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from requests_app.cases.admin import RecordAdmin
from requests_app.core.admin import FixedSetAdmin, person_column
from requests_app.evaluation.models import Evaluation, EvaluationWaiver, LessonLearned
from requests_app.reference.admin import CountrySearchMixin
from requests_app.reference.models import LocalName


def _case_page(case):
    return reverse("workspace:case-detail", args=[case.reference]) + "#evaluation"


@admin.display(description=_("case"), ordering="case__reference")
def _case_reference(model_admin, obj):
    return obj.case.reference  # the reference only: a lesson's case may be outside the reader's desks


@admin.display(description=_("country"), ordering=LocalName("case__member_state__"))
def _country(model_admin, obj):
    return obj.case.member_state.local_name


@admin.register(Evaluation)
class EvaluationAdmin(CountrySearchMixin, RecordAdmin):
    list_display = ["case", "country", "evaluated_on", "evaluated_by", "recorder", "updated_at"]
    list_filter = ["case__member_state__regional_group"]
    list_select_related = ["case__member_state", "recorded_by"]
    search_fields = ["case__reference", "evaluated_by"]
    country_search = "case__member_state"
    date_hierarchy = "evaluated_on"
    fields = [
        "case",
        ("evaluated_on", "evaluated_by"),
        "what_worked",
        "what_did_not_work",
        "recommendations",
        ("recorder", "recorded_at", "updated_at"),
    ]
    readonly_fields = ["recorder"]
    country = _country
    recorder = person_column(Evaluation, "recorded_by")

    def view_on_site(self, evaluation):
        return _case_page(evaluation.case)


@admin.register(EvaluationWaiver)
class EvaluationWaiverAdmin(CountrySearchMixin, RecordAdmin):
    list_display = ["case", "country", "reason_shown", "waiver", "waived_at"]
    list_select_related = ["case__member_state", "waived_by"]
    search_fields = ["case__reference", "reason"]
    country_search = "case__member_state"
    fields = ["case", "reason", ("waiver", "waived_at")]
    readonly_fields = ["waiver"]
    country = _country
    waiver = person_column(EvaluationWaiver, "waived_by")

    @admin.display(description=_("reason"))
    def reason_shown(self, waiver):
        return Truncator(waiver.reason).chars(120)

    def view_on_site(self, waiver):
        return _case_page(waiver.case)


@admin.register(LessonLearned)
class LessonLearnedAdmin(CountrySearchMixin, FixedSetAdmin):
    """Read only, for everyone, across desks (institutional memory: evaluation.selectors)."""

    list_display = ["title", "case_reference", "country", "recorded_at"]
    list_filter = ["case__member_state__regional_group", "areas"]
    list_select_related = ["case__member_state"]
    search_fields = ["title", "lesson", "case__reference"]
    country_search = "case__member_state"
    date_hierarchy = "recorded_at"
    fields = ["title", "lesson", "area_names", ("case_reference", "country"), ("recorder", "recorded_at", "updated_at")]
    readonly_fields = [
        "title",
        "lesson",
        "area_names",
        "case_reference",
        "country",
        "recorder",
        "recorded_at",
        "updated_at",
    ]
    case_reference = _case_reference
    country = _country
    recorder = person_column(LessonLearned, "recorded_by")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by").prefetch_related("areas")

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("areas of assistance"))
    def area_names(self, lesson):
        return ", ".join(area.local_name for area in lesson.areas.all()) or "—"

    def view_on_site(self, lesson):
        return reverse("workspace:lessons") + "?q=" + lesson.case.reference
