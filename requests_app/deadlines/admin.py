"""Stage policies in the admin; a change applies to new stage entries."""

from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from requests_app.core.admin import FixedSetAdmin
from requests_app.deadlines import services as deadline_services
from requests_app.deadlines.models import StagePolicy


@admin.register(StagePolicy)
class StagePolicyAdmin(FixedSetAdmin):
    """Deadlines are settings an administrator changes; a change applies to stages entered after it."""

    list_display = [
        "stage",
        "days",
        "anchor",
        "days_if_no_anchor",
        "warning_days",
        "first_escalation_days",
        "second_escalation_days",
        "election_cutoff_days",
        "updated_at",
        "updated_by",
    ]
    readonly_fields = ["stage", "updated_at", "updated_by"]
    actions = ["recompute_open_cases"]
    ordering = ["id"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        self.message_user(
            request,
            gettext(
                "The new deadline applies to cases entering the stage from now on. To apply it to cases "
                "already in the stage, select it in the list and choose “Recompute the deadlines of open cases”."
            ),
        )

    @admin.action(description=_("Recompute the deadlines of open cases in the selected stages"))
    def recompute_open_cases(self, request, queryset):
        changed = deadline_services.recompute_open_cases(
            actor=request.user, stages=list(queryset.values_list("stage", flat=True))
        )
        self.message_user(
            request,
            ngettext("%(n)d open case has a new deadline.", "%(n)d open cases have a new deadline.", changed)
            % {"n": changed},
            messages.SUCCESS,
        )
