"""Reminders in the admin: read, and resent by a person when delivery is uncertain."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from requests_app.cases.admin import RecordAdmin
from requests_app.reminders.models import Reminder


@admin.register(Reminder)
class ReminderAdmin(RecordAdmin):
    """Every reminder claimed, sent, failed or cancelled; nobody edits them.

    One whose delivery is uncertain (its sender died after handing it to the mail server) is
    resent by a person who may change reminders, with the "Resend" action, after checking.
    """

    list_display = [
        "created_at",
        "case",
        "level",
        "mandate",
        "recipient",
        "status",
        "attempts",
        "sending_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "level", "stage"]
    list_select_related = ["case", "mandate"]
    search_fields = ["case__reference", "recipient"]
    show_full_result_count = False
    actions = ["resend"]

    def has_resend_permission(self, request):
        return request.user.has_perm("requests_app.change_reminder")

    @admin.action(description=_("Resend the selected reminders whose delivery is uncertain"), permissions=["resend"])
    def resend(self, request, queryset):
        from requests_app.core.errors import ActionRefused, tell_refusal
        from requests_app.reminders import services as reminder_services

        try:
            count = reminder_services.resend(list(queryset.values_list("pk", flat=True)), actor=request.user)
        except ActionRefused as refusal:
            tell_refusal(refusal, request=request, level=messages.WARNING)
            return
        self.message_user(
            request,
            ngettext("%(n)d reminder is being sent again.", "%(n)d reminders are being sent again.", count)
            % {"n": count},
            messages.SUCCESS,
        )
