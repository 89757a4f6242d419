"""The case's inlines in the admin: its elections, assessment, decisions, documents and history."""

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import AdminReadonlyField
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app.cases.choices import Stage
from requests_app.cases.models import Decision, Election, NeedsAssessment
from requests_app.core.admin import person_column
from requests_app.core.confidentiality import Level, label, may_read
from requests_app.core.forms import DateInput
from requests_app.core.text import arrow
from requests_app.documents import services as document_services
from requests_app.documents.forms import DocumentUploadField
from requests_app.documents.models import CaseDocument, default_level
from requests_app.documents.selectors import document_levels, mark_withheld, may_read_findings
from requests_app.history.models import CaseEvent


def choice_label(choices, value):
    """What get_FOO_display() says, without the dictionary of all choices it builds on each call (50 rows a page)."""
    try:
        return choices(value).label
    except ValueError:
        return value


class CaseRowsFormSet(forms.BaseInlineFormSet):
    """An inline's rows taken from the case as the change page loaded it (selectors.case_detail).

    Without it each inline queries its rows again, and the case page costs a query per inline.
    """

    def get_queryset(self):
        if not hasattr(self, "_queryset"):
            rows = _loaded_rows(self.instance, self.fk.remote_field)
            if rows is None:
                return super().get_queryset()
            self._queryset = rows
        return self._queryset


def _loaded_rows(case, relation):
    """The rows of ``relation`` already loaded on ``case`` (select_related or prefetch_related), or None."""
    if case is None or case.pk is None:
        return None
    if relation.one_to_one:
        if not relation.is_cached(case):
            return None
        row = relation.get_cached_value(case)
        return [] if row is None else [row]
    return getattr(case, "_prefetched_objects_cache", {}).get(relation.get_accessor_name())


class ElectionFormSet(CaseRowsFormSet):
    def clean(self):
        super().clean()
        letter_date = getattr(self.instance, "letter_date", None)
        kept = 0
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            planned = form.cleaned_data.get("planned_date")
            if planned:
                kept += 1
                if letter_date and planned < letter_date:
                    form.add_error(
                        "planned_date", gettext("An election cannot be planned before the date of the request letter.")
                    )
        if kept == 0:
            raise forms.ValidationError(
                gettext("Name at least one election the request concerns, with its planned date.")
            )


# One kind of date input on the case's pages: the browser's own, as in the workspace (the admin's
# text field with its calendar link looked different next to it).
ONE_DATE_WIDGET: dict[type[models.Field], dict[str, Any]] = {models.DateField: {"widget": DateInput}}


class ElectionInline(admin.TabularInline):
    model = Election
    # Named, so the admin need not build a second formset to find them (ModelAdmin.get_fields).
    fields = ["election_type", "planned_date"]
    formfield_overrides = ONE_DATE_WIDGET
    formset = ElectionFormSet
    extra = 0
    min_num = 1
    verbose_name = _("election concerned")
    verbose_name_plural = _("elections concerned")


class NeedsAssessmentInline(admin.StackedInline):
    model = NeedsAssessment
    formset = CaseRowsFormSet
    formfield_overrides = ONE_DATE_WIDGET
    can_delete = False
    extra = 0
    max_num = 1
    fieldsets = [
        (None, {"fields": [("method", "level")]}),
        (_("Mission"), {"fields": [("tor_sent_on", "host_clearance_on"), ("deployed_from", "deployed_until")]}),
        (
            _("Findings (paragraph 4)"),
            {
                "fields": [
                    "report_submitted_on",
                    ("adequate_time", "adequate_time_notes"),
                    ("conditions_exist", "conditions_notes"),
                ]
            },
        ),
        (_("Needs"), {"fields": ["context", "national_capacity", "risks", "womens_participation", "recommendations"]}),
    ]

    readonly_fields = ["notes_withheld"]

    def has_add_permission(self, request, obj=None):
        return False  # started by the "Start needs assessment" action

    def get_fieldsets(self, request, obj=None):
        assessment = getattr(obj, "assessment", None)
        if assessment is None or may_read_findings(request.user, assessment):
            return self.fieldsets
        # Its notes and their level are not this reader's to see: the yes/no findings and dates stay.
        hidden = {"level", *NeedsAssessment.NOTE_FIELDS}
        fieldsets = []
        for title, options in self.fieldsets:
            fields = [_without(line, hidden) for line in options["fields"]]
            fieldsets.append((title, {"fields": [line for line in fields if line]}))
        fieldsets.append((_("Notes"), {"fields": ["notes_withheld"]}))
        return [(title, options) for title, options in fieldsets if options["fields"]]

    @admin.display(description=_("notes"))
    def notes_withheld(self, assessment):
        return gettext("%(level)s: your role may not read them.") % {"level": label(assessment.level)}

    def has_change_permission(self, request, obj=None):
        # The assessment is written while it is being made; after the decision it is the record.
        return bool(
            obj and obj.stage == Stage.NEEDS_ASSESSMENT and request.user.has_perm("requests_app.conduct_assessment")
        )

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {}).update(
            {
                name: forms.Textarea(attrs={"rows": 2, "cols": 60})
                for name in (
                    "adequate_time_notes",
                    "conditions_notes",
                    "context",
                    "national_capacity",
                    "risks",
                    "womens_participation",
                    "recommendations",
                )
            }
        )
        return super().get_formset(request, obj, **kwargs)


def _without(line, hidden):
    """A fieldset's line (a name or a tuple of names) without the ``hidden`` names; None when empty."""
    if isinstance(line, str):
        return None if line in hidden else line
    kept = tuple(name for name in line if name not in hidden)
    return kept or None


class _Row:
    """What an AdminReadonlyField reads of a form: the row's object (a record's row has no fields)."""

    fields: dict[str, forms.Field] = {}

    def __init__(self, instance):
        self.instance = instance


class RecordFormSet(CaseRowsFormSet):
    """The rows of a read-only inline: shown, never sent back.

    It holds no form: nothing is edited there, so nothing needs building, sending with the page or
    validating when the case is saved (a form for each history entry made the case page cost more
    as the history grew: README, Benchmarks). record_inline.html draws ``rows()``.
    """

    # The ReadOnlyInline and the names of its columns (one field each), set by its get_formset.
    inline: "ReadOnlyInline | None" = None
    names: tuple[str, ...] = ()

    def initial_form_count(self):
        return 0

    def total_form_count(self):
        return 0

    def records(self):
        """The objects the inline shows, in their order."""
        return list(self.get_queryset())

    def rows(self):
        """(title, [(field name, content)]) per row, as Django's tabular inline shows them.

        Built here, not field by field through the template engine: the history is the longest part
        of the case page, and rendering its rows that way was a quarter of the page's work (README, Benchmarks).
        """
        inline = self.inline
        assert inline is not None  # the formset is drawn only by its inline
        empty = self.empty_form
        # One per column, moved from row to row: what it computes once (label, help) is the same.
        columns = [AdminReadonlyField(empty, name, is_first=False, model_admin=inline) for name in self.names]
        rows = []
        for record in self.records():
            row = _Row(record)
            cells = []
            for column in columns:
                column.form = row  # type: ignore[assignment]  # all contents() reads of its form
                cells.append((column.field["name"], column.contents()))
            rows.append((str(record), cells))
        return rows


class ReadOnlyInline(admin.TabularInline):
    """Part of the case's record: whoever may see the case sees it, nobody edits it here."""

    extra = 0
    can_delete = False
    show_change_link = False
    classes = ["eas-record"]
    formset = RecordFormSet
    template = "admin/requests_app/assistancerequest/record_inline.html"

    def get_formset(self, request, obj=None, **kwargs):
        formset = cast(type[RecordFormSet], super().get_formset(request, obj, **kwargs))  # a subclass of .formset
        formset.inline = self
        formset.names = tuple(name for name in self.get_fields(request, obj) if isinstance(name, str))
        return formset

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("requests_app.view_assistancerequest")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = (
        "decided_at",
        "outcome",
        "types",
        "phase",
        "period_start",
        "period_end",
        "scope",
        "short_notice_justification",
        "reason",
        "decided_by_name",
        "communicated_on",
    )
    readonly_fields = fields
    decided_by_name = person_column(Decision, "decided_by")

    @admin.display(description=_("assistance"))
    def types(self, decision):
        return ", ".join(t.local_name for t in decision.assistance_types.all())

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("decided_by").prefetch_related("assistance_types")


class NoInput(forms.Widget):
    # Shown as nothing on a row the user may only read, too (AdminReadonlyField asks read_only):
    # the stored file's path is no link for anyone, the admin's download column is.
    read_only = True

    def render(self, name, value, attrs=None, renderer=None):
        return ""


class DocumentForm(forms.ModelForm):
    file = DocumentUploadField(label=_("file"))
    level = forms.ChoiceField(
        label=_("level"),
        choices=[("", _("By its type")), *Level.choices],
        required=False,
        help_text=_("Needs assessment, mission and panel reports: confidential; others: internal."),
    )
    reader = None  # the user the page is for (DocumentInline.get_formset)

    class Meta:
        model = CaseDocument
        fields = ["kind", "level", "file", "is_complete"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A stored file is never replaced: upload a new version as a new document.
            self.fields["file"].disabled = True
            self.fields["file"].required = False
            self.fields["file"].widget = NoInput()
            self.fields["kind"].disabled = True
            level = cast(forms.ChoiceField, self.fields["level"])
            level.choices = Level.choices
            if self.reader is not None and not may_read(self.reader, self.instance.level):
                # Changed only by someone who may open it (documents.services).
                level.disabled = True
                self.fields["is_complete"].disabled = True

    def clean_level(self):
        level = self.cleaned_data.get("level")
        if self.instance.pk:
            return level or self.instance.level
        return level or default_level(self.cleaned_data.get("kind") or "")

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and self.reader is not None and cleaned.get("kind") and cleaned.get("level"):
            for problem in document_services.level_problems(self.reader, cleaned["kind"], cleaned["level"]):
                self.add_error("level", problem)
        return cleaned


class DocumentFormSet(CaseRowsFormSet):
    def is_multipart(self):
        # Django asks only the first row, and a stored document's row has no file input: the
        # page would then be sent without its files, and a second document could never be added.
        return super().is_multipart() or self.empty_form.is_multipart()


class DocumentInline(admin.TabularInline):
    model = CaseDocument
    form = DocumentForm
    formset = DocumentFormSet
    extra = 0
    can_delete = False
    fields = ["kind", "level", "download", "file", "is_complete", "size_display", "uploaded_by_name", "uploaded_at"]
    readonly_fields = ["download", "size_display", "uploaded_by_name", "uploaded_at"]
    uploaded_by_name = person_column(CaseDocument, "uploaded_by")
    reader = None  # set per request: inlines are made anew for each request

    def get_formset(self, request, obj=None, **kwargs):
        self.reader = request.user
        kwargs["form"] = type("DocumentFormFor", (self.form,), {"reader": request.user})
        return super().get_formset(request, obj, **kwargs)

    # A case that has ended (closed, withdrawn, declined) keeps its documents as they are.
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or obj.is_open)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.is_open)

    @admin.display(description=_("document"))
    def download(self, document):
        if not document.pk:
            return ""
        if self.reader is None or not may_read(self.reader, document.level):
            # Its existence, kind, date and level are the case's; its name and file are not this reader's.
            return format_html('<span class="eas-withheld">{}</span>', gettext("not yours to open"))
        url = reverse("admin:requests_app_assistancerequest_document", args=[document.case_id, document.pk])
        return format_html('<a href="{}">{}</a>', url, document.original_name)

    @admin.display(description=_("size"))
    def size_display(self, document):
        from django.template.defaultfilters import filesizeformat

        return filesizeformat(document.size) if document.pk else ""

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")


# The history entries the case page shows, the latest: a case's history only grows, and the page
# must not grow with it (README, Benchmarks). The case's page in the workspace shows them all.
HISTORY_SHOWN = 20


def shown_history(case):
    """The entries of the case's history that its admin page shows, oldest first: the latest
    HISTORY_SHOWN as loaded with the case (cases.selectors.case_detail), or all of them."""
    latest = getattr(case, "latest_events", None)
    return case.events.all() if latest is None else latest[::-1]


class HistoryFormSet(RecordFormSet):
    def get_queryset(self):
        return shown_history(self.instance)

    def earlier_entries(self):
        """{"shown", "total"} when the page leaves out the earliest entries, else None."""
        total = getattr(self.instance, "history_length", None)
        shown = len(self.get_queryset())
        return {"shown": shown, "total": total} if total and total > shown else None


class EventInline(ReadOnlyInline):
    model = CaseEvent
    formset = HistoryFormSet
    fields = ("created_at", "actor_name", "what", "stage_change", "note", "summary")
    readonly_fields = fields
    actor_name = person_column(CaseEvent, "actor")
    verbose_name_plural = _("history")

    def get_formset(self, request, obj=None, **kwargs):
        if obj is not None and obj.pk:
            # Each entry shown learns whether this reader may read its comment and details.
            mark_withheld(request.user, shown_history(obj), document_levels(obj.documents.all()))
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description=_("what"))
    def what(self, event):
        return event.action_label

    @admin.display(description=_("stage"))
    def stage_change(self, event):
        if event.from_stage and event.to_stage and event.from_stage != event.to_stage:
            return f"{choice_label(Stage, event.from_stage)} {arrow()} {choice_label(Stage, event.to_stage)}"
        return choice_label(Stage, event.to_stage) if event.to_stage and not event.from_stage else ""

    @admin.display(description=_("comment"))
    def note(self, event):
        withheld = getattr(event, "withheld", None)
        if withheld is None:  # not marked: a row this page did not load with the case
            return gettext("not shown")
        if withheld:
            return format_html('<span class="eas-withheld">{}</span>', withheld_text(withheld))
        return event.comment

    @admin.display(description=_("details"))
    def summary(self, event):
        return "" if getattr(event, "withheld", None) != "" else event.details_text

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


def withheld_text(level_label):
    """What a reader who may not read an entry's comment and details sees instead."""
    return gettext("%(level)s: comment and details not shown to your role.") % {"level": level_label}
