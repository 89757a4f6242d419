"""The admin is the intake desk: log requests, move them on, read their history."""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import AdminReadonlyField
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from requests_app.cases import selectors, services
from requests_app.cases.choices import Stage
from requests_app.cases.filters import search_cases
from requests_app.cases.forms import action_form
from requests_app.cases.models import AssistanceRequest, Decision, Election, NeedsAssessment, RegionalDesk
from requests_app.cases.views import submit_action
from requests_app.cases.workflow import ACTIONS, is_short_notice
from requests_app.core.admin import FixedSetAdmin, describe_changes
from requests_app.core.autocomplete import SafeAutocompleteMixin
from requests_app.core.forms import DateInput
from requests_app.core.ids import parse_id
from requests_app.deadlines import services as deadline_services
from requests_app.deadlines.models import DeadlineReason
from requests_app.documents import services as document_services
from requests_app.documents.forms import DocumentUploadField
from requests_app.documents.models import CaseDocument
from requests_app.documents.views import document_response
from requests_app.history.models import CaseEvent
from requests_app.reference.models import RegionalGroup


class RecordAdmin(FixedSetAdmin):
    """A record of what happened: read by everyone who may, changed by nobody, superusers included."""

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if selectors.sees_all_cases(request.user):
            return queryset
        return queryset.filter(case__in=selectors.visible_cases(request.user))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A record of a case outside the user's scope does not exist for them (not a redirect).
        if self.has_view_permission(request) and self.get_object(request, object_id) is None:
            raise Http404
        return super().change_view(request, object_id, form_url, extra_context)


# Filters -------------------------------------------------------------------------


class DeadlineFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("week", _("Due within 7 days"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        open_cases = queryset.filter(stage__in=Stage.open_stages())
        if self.value() == "overdue":
            return open_cases.filter(stage_due_at__lt=now)
        if self.value() == "week":
            return open_cases.filter(stage_due_at__gte=now, stage_due_at__lt=now + timedelta(days=7))
        return queryset


class TypeFilter(admin.RelatedFieldListFilter):
    include_empty_choice = False


class OfficerFilter(admin.SimpleListFilter):
    title = _("officer")
    parameter_name = "officer"

    def lookups(self, request, model_admin):
        choices = [("me", _("Assigned to me")), ("none", _("Unassigned"))]
        return choices + [
            (str(user.pk), user.get_full_name() or user.username) for user in selectors.assignable_officers()
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(officer=request.user)
        if value == "none":
            return queryset.filter(officer__isnull=True)
        officer_id = parse_id(value)
        return queryset if officer_id is None else queryset.filter(officer_id=officer_id)


# Inlines ---------------------------------------------------------------------------


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
ONE_DATE_WIDGET = {models.DateField: {"widget": DateInput}}


class ElectionInline(admin.TabularInline):
    model = Election
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
        (None, {"fields": ["method"]}),
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

    def has_add_permission(self, request, obj=None):
        return False  # started by the "Start needs assessment" action

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


class RecordFormSet(CaseRowsFormSet):
    """The rows of a read-only inline, with what each row shows (record_inline.html)."""

    inline = None  # the ReadOnlyInline, set by its get_formset

    def rows(self):
        """(title, hidden inputs, [(field name, content)]) per row, as Django's tabular inline shows them.

        Built here, not field by field through the template engine: the history is the longest part
        of the case page, and rendering its rows that way was a quarter of the page's work (README, Benchmarks).
        """
        names = self.inline.get_fields(None)
        columns = None
        rows = []
        for form in self.forms:
            if columns is None:
                # One per column, moved from row to row: what it computes once (label, help) is the same.
                columns = [AdminReadonlyField(form, name, is_first=False, model_admin=self.inline) for name in names]
            hidden = format_html(
                '<input type="hidden" name="{0}" value="{1}" id="id_{0}">'
                '<input type="hidden" name="{2}" value="{3}" id="id_{2}">',
                form.add_prefix(self._pk_field.name),
                form.instance.pk,
                form.add_prefix(self.fk.name),
                self.instance.pk,
            )
            cells = []
            for column in columns:
                column.form = form
                cells.append((column.field["name"], column.contents()))
            rows.append((str(form.instance), hidden, cells))
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
        formset = super().get_formset(request, obj, **kwargs)
        formset.inline = self
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
    fields = [
        "decided_at",
        "outcome",
        "types",
        "phase",
        "period_start",
        "period_end",
        "scope",
        "short_notice_justification",
        "reason",
        "decided_by",
        "communicated_on",
    ]
    readonly_fields = fields

    @admin.display(description=_("assistance"))
    def types(self, decision):
        return ", ".join(t.name for t in decision.assistance_types.all())

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("decided_by").prefetch_related("assistance_types")


class NoInput(forms.Widget):
    def render(self, name, value, attrs=None, renderer=None):
        return ""


class DocumentForm(forms.ModelForm):
    file = DocumentUploadField(label=_("file"))

    class Meta:
        model = CaseDocument
        fields = ["kind", "file", "is_complete"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A stored file is never replaced: upload a new version as a new document.
            self.fields["file"].disabled = True
            self.fields["file"].required = False
            self.fields["file"].widget = NoInput()
            self.fields["kind"].disabled = True


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
    fields = ["kind", "download", "file", "is_complete", "size_display", "uploaded_by", "uploaded_at"]
    readonly_fields = ["download", "size_display", "uploaded_by", "uploaded_at"]

    # A case that has ended (closed, withdrawn, declined) keeps its documents as they are.
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or obj.is_open)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.is_open)

    @admin.display(description=_("document"))
    def download(self, document):
        if not document.pk:
            return ""
        url = reverse("admin:requests_app_assistancerequest_document", args=[document.case_id, document.pk])
        return format_html('<a href="{}">{}</a>', url, document.original_name)

    @admin.display(description=_("size"))
    def size_display(self, document):
        from django.template.defaultfilters import filesizeformat

        return filesizeformat(document.size) if document.pk else ""

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["created_at", "actor", "what", "stage_change", "comment", "summary"]
    readonly_fields = fields
    verbose_name_plural = _("history")

    @admin.display(description=_("what"))
    def what(self, event):
        return event.action_label

    @admin.display(description=_("stage"))
    def stage_change(self, event):
        if event.from_stage and event.to_stage and event.from_stage != event.to_stage:
            return f"{_choice_label(Stage, event.from_stage)} → {_choice_label(Stage, event.to_stage)}"
        return _choice_label(Stage, event.to_stage) if event.to_stage and not event.from_stage else ""

    @admin.display(description=_("details"))
    def summary(self, event):
        return event.details_text

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


# The case ----------------------------------------------------------------------------


class LoadedAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete, showing the chosen object from the one the page loaded with the case."""

    def __init__(self, *args, loaded=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.loaded = loaded

    def optgroups(self, name, value, attr=None):
        chosen = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if self.loaded is None or chosen != {str(self.loaded.pk)}:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(self.loaded)
        options.append(self.create_option(name, self.loaded.pk, label, chosen, len(options)))
        return [(None, options, 0)]


class AssistanceRequestForm(forms.ModelForm):
    class Meta:
        model = AssistanceRequest
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose the fields shown
        widgets = {
            "requested_types": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 4, "cols": 80}),
            "letter_date": DateInput,
            "received_date": DateInput,
        }


@admin.register(AssistanceRequest)
class AssistanceRequestAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    form = AssistanceRequestForm
    autocomplete_fields = ["member_state"]
    list_display = ["reference", "member_state", "region", "stage_badge", "officer_name", "due_display"]
    list_display_links = ["reference", "member_state"]
    list_filter = [
        "stage",
        DeadlineFilter,
        "member_state__regional_group",
        "origin",
        ("requested_types", TypeFilter),
        OfficerFilter,
    ]
    search_fields = ["reference", "member_state__name", "summary"]  # see get_search_results
    list_per_page = 50
    show_full_result_count = False
    ordering = ["-received_date", "-id"]
    change_form_template = "admin/requests_app/assistancerequest/change_form.html"
    readonly_fields = [
        "reference",
        "stage_display",
        "stage_entered_at",
        "stage_due_at",
        "short_notice",
        "emb_request_accepted_at",
        "implementation_modality",
        "implementation_ends_on",
    ]
    inlines = [ElectionInline, NeedsAssessmentInline, DecisionInline, DocumentInline, EventInline]

    def get_fieldsets(self, request, obj=None):
        request_fields = [
            "member_state",
            ("origin", "mandate_symbol"),
            ("requesting_authority", "authority_type"),
            ("letter_date", "received_date"),
        ]
        fieldsets = [
            (_("The request"), {"fields": request_fields}),
            (_("Assistance requested"), {"fields": ["requested_types", "summary"]}),
            (_("Handling"), {"fields": ["officer"]}),
        ]
        if obj is not None:
            fieldsets.insert(
                0,
                (
                    _("Status"),
                    {
                        "fields": [
                            ("reference", "stage_display"),
                            ("stage_entered_at", "stage_due_at"),
                            "short_notice",
                            "emb_request_accepted_at",
                            ("implementation_modality", "implementation_ends_on"),
                        ]
                    },
                ),
            )
        return fieldsets

    def get_inlines(self, request, obj):
        if obj is None:
            return [ElectionInline]
        inlines = [ElectionInline]
        if hasattr(obj, "assessment"):
            inlines.append(NeedsAssessmentInline)
        return inlines + [DecisionInline, DocumentInline, EventInline]

    def get_queryset(self, request):
        return selectors.visible_cases(request.user, selectors.case_list())

    def get_search_results(self, request, queryset, search_term):
        # The workspace's search: the same matches, answered from indexes on PostgreSQL.
        return search_cases(queryset, search_term), False

    def has_change_permission(self, request, obj=None):
        # Officers edit the cases assigned to them; a desk colleague's case they only read.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or selectors.may_work_on(request.user, obj))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("requests_app.assign_officer"):
            fields.append("officer")  # team leads and the focal point assign cases
        return fields

    def get_object(self, request, object_id, from_field=None):
        # The change view asks twice per request; the case page needs it loaded once.
        cached = getattr(request, "_eas_case", None)
        if cached is not None and str(cached.pk) == str(object_id):
            return cached
        try:
            case = selectors.visible_cases(request.user, selectors.case_detail(contributions=False)).get(
                pk=parse_id(object_id)
            )
        except (ValueError, TypeError, AssistanceRequest.DoesNotExist):
            return None
        request._eas_case = case
        return case

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "officer":
            # The officers of the case's desk first (the change view has read the case already).
            case = getattr(request, "_eas_case", None)
            group = case.member_state.regional_group if case is not None else None
            kwargs["queryset"] = selectors.case_workers(group)
        case = getattr(request, "_eas_case", None)  # set by get_object, with its member state
        if db_field.name == "member_state" and case is not None:
            kwargs["widget"] = LoadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using"), loaded=case.member_state
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        # Users, states and types are not created from the intake form: no add/edit icons.
        widget = getattr(formfield, "widget", None)
        for flag in ("can_add_related", "can_change_related", "can_delete_related", "can_view_related"):
            if hasattr(widget, flag):
                setattr(widget, flag, False)
        return formfield

    def get_changeform_initial_data(self, request):
        return {"received_date": timezone.localdate(), **super().get_changeform_initial_data(request)}

    # Columns

    @admin.display(description=_("region"), ordering="member_state__regional_group")
    def region(self, case):
        return _choice_label(RegionalGroup, case.member_state.regional_group)

    @admin.display(description=_("stage"), ordering="stage")
    def stage_badge(self, case):
        return format_html(
            '<span class="eas-stage eas-stage-{}">{}</span>', case.stage, _choice_label(Stage, case.stage)
        )

    @admin.display(description=_("stage"))
    def stage_display(self, case):
        return self.stage_badge(case)

    @admin.display(description=_("officer"), ordering="officer__last_name")
    def officer_name(self, case):
        if case.officer is None:
            return "—"
        return case.officer.get_full_name() or case.officer.username

    @admin.display(description=_("due"), ordering="stage_due_at")
    def due_display(self, case):
        if not case.is_open or case.stage_due_at is None:
            return "—"
        due = date_format(timezone.localtime(case.stage_due_at), "j M Y")
        if not case.is_overdue:
            return due
        days = (timezone.now() - case.stage_due_at).days
        late = (
            ngettext("overdue %(days)d day", "overdue %(days)d days", days) % {"days": days}
            if days
            else gettext("overdue")
        )
        return format_html('{} <span class="eas-late">{}</span>', due, late)

    @admin.display(description=_("short notice"))
    def short_notice(self, case):
        if is_short_notice(case):
            return gettext("Yes: the request came less than four months before election day.")
        return gettext("No")

    # Saving: through the services, so every change is in the history.

    def save_model(self, request, obj, form, change):
        if change:
            services.record_details_changed(actor=request.user, case=obj, changes=describe_changes(form))
            obj.save()
        else:
            services.register_request(actor=request.user, case=obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is CaseDocument:
            return self._save_documents(request, form.instance, formset)
        if formset.model is Election and not change:
            formset.save()
            # A new request's deadline is set once its elections are known.
            return deadline_services.refresh_due(
                actor=request.user, case=form.instance, reason=DeadlineReason.ELECTIONS, record=False
            )
        changes = {}
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms:
                changes[str(inline_form.instance)] = [str(inline_form.instance), ""]
            elif inline_form.has_changed():
                for label, values in describe_changes(inline_form).items():
                    changes[f"{formset.model._meta.verbose_name}: {label}"] = values
        formset.save()
        action = "assessment_updated" if formset.model is NeedsAssessment else "details_updated"
        services.record_details_changed(actor=request.user, case=form.instance, changes=changes, action=action)
        if changes and formset.model in (Election, NeedsAssessment):
            # Deadlines count from election day and from the assessment's dates.
            reason = DeadlineReason.ELECTIONS if formset.model is Election else DeadlineReason.ASSESSMENT
            deadline_services.refresh_due(actor=request.user, case=form.instance, reason=reason)

    def _save_documents(self, request, case, formset):
        # What formset.save() would report, for the admin's own log of the change.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for document_form in formset.forms:
            if not document_form.has_changed():
                continue
            if document_form.instance.pk:
                document = document_services.set_document_final(
                    actor=request.user,
                    document=document_form.instance,
                    is_complete=document_form.cleaned_data["is_complete"],
                )
                formset.changed_objects.append((document, ["is_complete"]))
            elif document_form.cleaned_data.get("file"):
                formset.new_objects.append(
                    document_services.attach_document(
                        actor=request.user,
                        case=case,
                        kind=document_form.cleaned_data["kind"],
                        upload=document_form.cleaned_data["file"],
                        is_complete=document_form.cleaned_data["is_complete"],
                    )
                )

    def has_delete_permission(self, request, obj=None):
        # A case is institutional memory (para 9): it ends as closed, withdrawn or declined.
        return False

    # Actions on the case

    def get_urls(self):
        opts = self.opts
        return [
            path(
                "<path:object_id>/act/<str:action_name>/",
                self.admin_site.admin_view(self.act_view),
                name=f"{opts.app_label}_{opts.model_name}_act",
            ),
            path(
                "<path:object_id>/documents/<int:document_id>/",
                self.admin_site.admin_view(self.document_view),
                name=f"{opts.app_label}_{opts.model_name}_document",
            ),
        ] + super().get_urls()

    def _case_or_404(self, request, object_id):
        case = self.get_object(request, object_id)
        if case is None or not self.has_view_permission(request, case):
            raise Http404
        return case

    def act_view(self, request, object_id, action_name):
        case = self._case_or_404(request, object_id)
        if action_name not in ACTIONS:
            raise Http404
        action = ACTIONS[action_name]
        change_url = reverse("admin:requests_app_assistancerequest_change", args=[case.pk])
        if request.method == "POST":
            case, form, done = submit_action(request, case, action_name)
            if done:
                return HttpResponseRedirect(change_url)
        else:
            form = action_form(action_name, prefix=action_name, case=case)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": action.label,
            "case": case,
            "action": action,
            "blockers": action.blockers(case),
            "form": form,
            "change_url": change_url,
            "short_notice": is_short_notice(case),
        }
        return TemplateResponse(request, "admin/requests_app/assistancerequest/action.html", context)

    def history_view(self, request, object_id, extra_context=None):
        if self.get_object(request, object_id) is None:
            if not self.has_view_permission(request):
                raise PermissionDenied
            raise Http404  # outside the user's scope, as on the change page
        return super().history_view(request, object_id, extra_context)

    def document_view(self, request, object_id, document_id):
        case = self._case_or_404(request, object_id)
        return document_response(get_object_or_404(CaseDocument, pk=document_id, case=case))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        case = self.get_object(request, object_id)
        if case is None:
            if not self.has_view_permission(request):
                raise PermissionDenied  # deny first, as the workspace does
            raise Http404  # outside the user's scope, as on the workspace's case page
        extra_context["urgent"] = deadline_services.is_urgent(case)
        extra_context["case_actions"] = [
            (action, blockers, action_form(action.name, prefix=action.name, case=case))
            for action, blockers in selectors.available_actions(case, request.user)
        ]
        extra_context["next_actors"] = selectors.next_actors(case, request.user)
        return super().change_view(request, object_id, form_url, extra_context)


def _choice_label(choices, value):
    """What get_FOO_display() says, without the dictionary of all choices it builds on each call (50 rows a page)."""
    try:
        return choices(value).label
    except ValueError:
        return value


@admin.register(RegionalDesk)
class RegionalDeskAdmin(FixedSetAdmin):
    list_display = ["regional_group", "team_lead"]
    filter_horizontal = ["members"]
    list_select_related = ["team_lead"]
    readonly_fields = ["regional_group"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "team_lead":
            kwargs["queryset"] = selectors.case_workers()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "members":
            kwargs["queryset"] = selectors.case_workers()
        return super().formfield_for_manytomany(db_field, request, **kwargs)
