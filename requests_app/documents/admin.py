"""Documents and who opened the confidential ones, in the admin: read, never changed here.

Documents are attached and marked final on their case's page (cases.admin_inlines.DocumentInline);
this list shows every document of the cases a user sees: its existence, kind, date and level to all
of them, its name and file only to those who may read its level.
"""

from django.contrib import admin
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app.cases.admin import RecordAdmin
from requests_app.core.admin import person_column
from requests_app.core.confidentiality import readable_levels
from requests_app.documents.models import CaseDocument, ConfidentialRead


def _words(search_term):
    for word in smart_split(search_term):
        if word.startswith(('"', "'")) and word[0] == word[-1]:
            word = unescape_string_literal(word)
        if word:
            yield word


@admin.register(CaseDocument)
class CaseDocumentAdmin(RecordAdmin):
    list_display = ["__str__", "case", "kind", "level", "name", "is_complete", "uploaded_at", "uploaded_by_name"]
    list_filter = ["level", "kind", "is_complete"]
    list_select_related = ["case", "uploaded_by"]
    search_fields = ["case__reference", "original_name"]  # see get_search_results
    show_full_result_count = False
    ordering = ["-uploaded_at", "-id"]
    fields = ("case", "kind", "level", "name", "size", "is_complete", "uploaded_at", "uploaded_by_name")
    readonly_fields = fields
    uploaded_by_name = person_column(CaseDocument, "uploaded_by")

    def get_queryset(self, request):
        levels = sorted(readable_levels(request.user))
        readable = ExpressionWrapper(Q(level__in=levels), output_field=BooleanField())
        return super().get_queryset(request).annotate(readable=readable)  # scoped by RecordAdmin

    def get_search_results(self, request, queryset, search_term):
        """Every word in the case's reference or in the file's name: only the names this user may
        read, so that a search never tells a word of a name withheld from them."""
        levels = sorted(readable_levels(request.user))
        for word in _words(search_term):
            queryset = queryset.filter(
                Q(case__reference__icontains=word) | Q(original_name__icontains=word, level__in=levels)
            )
        return queryset, False

    @admin.display(description=_("file name"))
    def name(self, document):
        if not getattr(document, "readable", False):
            return format_html('<span class="eas-withheld">{}</span>', gettext("not yours to open"))
        url = reverse("admin:requests_app_assistancerequest_document", args=[document.case_id, document.pk])
        return format_html('<a href="{}">{}</a>', url, document.original_name)


@admin.register(ConfidentialRead)
class ConfidentialReadAdmin(RecordAdmin):
    """Who opened which confidential document or note, when and where: for the auditor."""

    list_display = ["read_at", "reader_name", "case", "subject", "level", "place"]
    list_filter = [
        "level",
        "place",
        ("subject_type", admin.RelatedOnlyFieldListFilter),
        ("reader", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["case", "reader", "subject_type"]
    search_fields = ["case__reference", "subject", "reader__username", "reader__first_name", "reader__last_name"]
    date_hierarchy = "read_at"
    show_full_result_count = False
    fields = ("read_at", "reader_name", "case", "subject", "level", "place", "subject_type", "subject_id")
    readonly_fields = fields
    reader_name = person_column(ConfidentialRead, "reader")
