"""The correspondence register in the admin: read and searched; letters are registered in the workspace
(/correspondence/), through the services that write the cases' history."""

from django import forms
from django.contrib import admin
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from requests_app.core.admin import person_column
from requests_app.correspondence import exports, selectors
from requests_app.correspondence.models import Letter, LetterTemplate
from requests_app.reference.admin import CountrySearchMixin


@admin.register(Letter)
class LetterAdmin(CountrySearchMixin, admin.ModelAdmin):
    list_display = ["date", "direction", "kind", "country", "case", "correspondent", "subject", "status", "reply"]
    list_filter = ["direction", "kind", "channel", "purpose", "status", "country__regional_group"]
    list_select_related = ["country", "case"]
    search_fields = ["subject", "sender", "recipient", "case__reference"]
    country_search = "country"
    date_hierarchy = "date"
    show_full_result_count = False
    list_per_page = 50
    fields = [
        ("direction", "kind", "purpose", "status"),
        ("date", "received_on", "channel"),
        ("sender", "sender_kind"),
        "recipient",
        "subject",
        "notes",
        ("country", "case", "former_case"),
        ("reply_due_on", "replied_on", "in_reply_to"),
        "workspace_page",
        ("registered_by_name", "registered_at"),
    ]
    readonly_fields = [name for row in fields for name in ((row,) if isinstance(row, str) else row)]
    registered_by_name = person_column(Letter, "registered_by")

    def get_queryset(self, request):
        return selectors.visible_letters(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False  # the workspace's forms register letters (and write the case's history)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the register keeps every letter

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A letter outside the user's scope does not exist for them (not a redirect).
        if self.has_view_permission(request) and self.get_object(request, object_id) is None:
            raise Http404
        return super().change_view(request, object_id, form_url, extra_context)

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
