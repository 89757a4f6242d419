"""The history in the admin: read, never changed."""

from django.contrib import admin

from requests_app.cases.admin import RecordAdmin
from requests_app.history.models import CaseEvent


@admin.register(CaseEvent)
class CaseEventAdmin(RecordAdmin):
    """The history across all cases; read-only for everyone, superusers included."""

    list_display = ["created_at", "case", "actor", "action_label", "from_stage", "to_stage"]
    list_filter = ["action", "to_stage"]
    list_select_related = ["case", "actor"]
    search_fields = ["case__reference", "comment"]
    show_full_result_count = False
    date_hierarchy = None
