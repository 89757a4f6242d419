"""The history in the admin: read, never changed; a comment shown only to those who may read its level."""

from django.contrib import admin
from django.db.models import Q
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app.cases.admin import RecordAdmin
from requests_app.documents import selectors as documents
from requests_app.documents import services as document_services
from requests_app.documents.models import CaseDocument, ConfidentialRead
from requests_app.history.models import CaseEvent


@admin.register(CaseEvent)
class CaseEventAdmin(RecordAdmin):
    """The history across all cases; read-only for everyone, superusers included."""

    list_display = ["created_at", "case", "actor", "action_label", "from_stage", "to_stage", "level"]
    list_filter = ["action", "to_stage", "level"]
    list_select_related = ["case", "actor"]
    search_fields = ["case__reference", "comment"]  # see get_search_results
    show_full_result_count = False
    date_hierarchy = None
    fields = ("case", "created_at", "actor", "action_label", "from_stage", "to_stage", "level", "note", "summary")
    readonly_fields = fields

    def get_search_results(self, request, queryset, search_term):
        """Every word in the case's reference or in a comment: only the comments this user may read,
        so that a search never tells a word of one withheld from them."""
        readable = documents.readable_events(request.user, CaseEvent.objects.all()).values("pk")
        for word in smart_split(search_term):
            if word.startswith(('"', "'")) and word[0] == word[-1]:
                word = unescape_string_literal(word)
            if word:
                queryset = queryset.filter(
                    Q(case__reference__icontains=word) | Q(comment__icontains=word, pk__in=readable)
                )
        return queryset, False

    def get_object(self, request, object_id, from_field=None):
        event = super().get_object(request, object_id, from_field)
        if event is not None:
            document = event.details.get("document") if isinstance(event.details, dict) else None
            named = CaseDocument.objects.filter(pk=document) if isinstance(document, int) else []
            documents.mark_withheld(request.user, [event], documents.document_levels(named))
        return event

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        event = self.get_object(request, object_id) if request.method == "GET" else None
        if event is not None and response.status_code == 200 and not event.withheld and documents.carries_note(event):
            opened = document_services.opened_note(event, event.shown_level, document_services.note_subject(event))
            document_services.record_reads(
                reader=request.user, place=ConfidentialRead.Place.ADMIN_PAGE, opened=[opened]
            )
        return response

    @admin.display(description=_("what"))
    def action_label(self, event):
        return event.action_label

    @admin.display(description=_("comment"))
    def note(self, event):
        withheld = getattr(event, "withheld", None)
        if withheld is None:
            return gettext("not shown")
        if withheld:
            return format_html(
                '<span class="eas-withheld">{}</span>',
                gettext("%(level)s: comment and details not shown to your role.") % {"level": withheld},
            )
        return event.comment

    @admin.display(description=_("details"))
    def summary(self, event):
        return event.details_text if getattr(event, "withheld", None) == "" else ""
