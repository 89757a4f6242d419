"""The correspondence register in the admin: read and searched; letters are registered in the workspace
(/correspondence/), through the services that write the cases' history. A letter's subject and notes
are shown, and searched, only for the readers of its level (correspondence.selectors); the others see
that it exists."""

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app.core.admin import person_column
from requests_app.correspondence import exports, selectors
from requests_app.correspondence.models import Letter, LetterTemplate
from requests_app.documents import services as document_services
from requests_app.documents.models import ConfidentialRead
from requests_app.reference.selectors import countries_matching


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    list_display = [
        "date",
        "direction",
        "kind",
        "country",
        "case",
        "correspondent",
        "subject_shown",
        "level",
        "language",
        "status",
        "reply",
    ]
    list_filter = ["direction", "kind", "channel", "purpose", "status", "level", "language", "country__regional_group"]
    list_select_related = ["country", "case"]
    search_fields = ["subject", "sender", "recipient", "case__reference", "country__name"]  # see get_search_results
    date_hierarchy = "date"
    show_full_result_count = False
    list_per_page = 50
    fields = [
        ("direction", "kind", "purpose", "status"),
        ("date", "received_on", "channel"),
        ("sender", "sender_kind"),
        "recipient",
        "subject_shown",
        "notes_shown",
        ("level", "language"),
        ("country", "case", "former_case"),
        ("reply_due_on", "replied_on", "in_reply_to"),
        "workspace_page",
        ("registered_by_name", "registered_at"),
    ]
    readonly_fields = [name for row in fields for name in ((row,) if isinstance(row, str) else row)]
    registered_by_name = person_column(Letter, "registered_by")

    def get_queryset(self, request):
        return selectors.with_readable(
            request.user, selectors.visible_letters(request.user, super().get_queryset(request))
        )

    def get_search_results(self, request, queryset, search_term):
        """Every word in the sender, the recipient, the case's reference, the country's name, or the
        subject of a letter this user may read: a search never tells a word of a subject withheld."""
        readable = selectors.readable_letters(request.user, queryset)
        for word in _words(search_term):
            queryset = queryset.filter(
                Q(sender__icontains=word)
                | Q(recipient__icontains=word)
                | Q(case__reference__icontains=word)
                | Q(country__in=countries_matching(word))
                | Q(pk__in=readable.filter(subject__icontains=word).values("pk"))
            )
        return queryset, False

    def has_add_permission(self, request):
        return False  # the workspace's forms register letters (and write the case's history)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the register keeps every letter

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A letter outside the user's scope does not exist for them (not a redirect).
        letter = self.get_object(request, object_id) if self.has_view_permission(request) else None
        if self.has_view_permission(request) and letter is None:
            raise Http404
        response = super().change_view(request, object_id, form_url, extra_context)
        if letter is not None and self._readable(letter) and response.status_code == 200:
            subject = gettext("Letter: %(letter)s, %(country)s") % {"letter": letter, "country": letter.country.name}
            opened = document_services.Opened(letter.case_id, letter, letter.level, subject)
            document_services.record_reads(
                reader=request.user, place=ConfidentialRead.Place.ADMIN_PAGE, opened=[opened]
            )
        return response

    def _readable(self, letter):
        readable = getattr(letter, "readable", None)  # annotated by get_queryset
        return bool(readable) if readable is not None else False

    @admin.display(description=_("subject"))
    def subject_shown(self, letter):
        if not self._readable(letter):
            return format_html(
                '<span class="eas-withheld">{}</span>',
                gettext("%(level)s: not yours to read") % {"level": letter.get_level_display()},
            )
        return letter.subject

    @admin.display(description=_("notes"))
    def notes_shown(self, letter):
        if not self._readable(letter):
            return format_html('<span class="eas-withheld">{}</span>', gettext("not yours to read"))
        return letter.notes or "—"

    @admin.display(description=_("from / to"))
    def correspondent(self, letter):
        return letter.correspondent

    @admin.display(description=_("reply"))
    def reply(self, letter):
        if letter.replied_on:
            return _("replied %(day)s") % {"day": letter.replied_on.isoformat()}
        if letter.reply_due_on:
            return _("due %(day)s") % {"day": letter.reply_due_on.isoformat()}
        return "—"

    @admin.display(description=_("in the workspace"))
    def workspace_page(self, letter):
        url = reverse("workspace:letter-detail", args=[letter.pk])
        return format_html('<a href="{}">{}</a>', url, _("The letter's page, its file and its replies"))


def _words(search_term):
    for word in smart_split(search_term):
        if word.startswith(('"', "'")) and word[0] == word[-1]:
            word = unescape_string_literal(word)
        if word:
            yield word


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["purpose", "language", "subject", "body"]

    def clean(self):
        cleaned = super().clean() or {}
        for name in ("subject", "body"):
            try:
                exports.render_text(cleaned.get(name) or "", {})
            except exports.TemplateTextError as error:
                self.add_error(name, _("This text cannot be read as a template: %(error)s") % {"error": error})
        return cleaned


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    """The wording of the letters EAS drafts, which administrators edit (placeholders: see the body's help)."""

    form = LetterTemplateForm
    list_display = ["purpose", "language", "subject"]
    list_filter = ["purpose", "language"]
