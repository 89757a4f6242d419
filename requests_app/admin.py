"""The admin is the intake desk: log requests, move them on, read their history."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy as _, ngettext

from . import selectors
from .filters import search_cases
from .forms import DateInput, DocumentUploadField, action_form
from .models import (
    AssistanceRequest,
    AssistanceType,
    BalanceAlert,
    CaseDocument,
    CaseEvent,
    DeadlineReason,
    Decision,
    Deployment,
    Election,
    ExchangeRate,
    Expert,
    Language,
    LedgerEntry,
    MemberState,
    NeedsAssessment,
    Partner,
    PartnerContribution,
    RegionalDesk,
    Reminder,
    Stage,
    StagePolicy,
    TrustFundSettings,
)
from .services import deadlines as deadline_services
from .services import documents as document_services
from .services import trust_fund as trust_fund_services
from .services import workflow as services
from .views import document_response, submit_action
from .workflow import ACTIONS, is_short_notice


class FixedSetAdmin(admin.ModelAdmin):
    """Rows made by migrations, one per stage or group: edited, never added or deleted."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


def describe_changes(form):
    """{label: [old, new]} for the fields a form changed, as a reader of the history sees them."""
    changes = {}
    for name in form.changed_data:
        field = form.fields[name]
        old = form.get_initial_for_field(field, name)
        new = form.cleaned_data.get(name)
        changes[str(field.label)] = [_display(field, old), _display(field, new)]
    return changes


def _display(field, value):
    if value in (None, ""):
        return ""
    if isinstance(field, forms.ModelMultipleChoiceField):
        objects = value if hasattr(value, "__iter__") else [value]
        if objects and not hasattr(next(iter(objects)), "pk"):
            objects = field.queryset.filter(pk__in=objects)
        return ", ".join(sorted(str(obj) for obj in objects))
    if isinstance(field, forms.ModelChoiceField):
        if not hasattr(value, "pk"):
            value = field.queryset.filter(pk=value).first()
        return str(value) if value is not None else ""
    if getattr(field, "choices", None):
        return str(dict(field.choices).get(value, value))
    if hasattr(value, "name"):
        return value.name
    return str(value)


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
        return choices + [(str(user.pk), user.get_full_name() or user.username) for user in selectors.assignable_officers()]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(officer=request.user)
        if value == "none":
            return queryset.filter(officer__isnull=True)
        if value and value.isdigit():
            return queryset.filter(officer_id=int(value))
        return queryset


# Inlines ---------------------------------------------------------------------------


class ElectionFormSet(forms.BaseInlineFormSet):
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
            raise forms.ValidationError(gettext("Name at least one election the request concerns, with its planned date."))


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
    formfield_overrides = ONE_DATE_WIDGET
    can_delete = False
    extra = 0
    max_num = 1
    fieldsets = [
        (None, {"fields": ["method"]}),
        (_("Mission"), {"fields": [("tor_sent_on", "host_clearance_on"), ("deployed_from", "deployed_until")]}),
        (_("Findings (paragraph 4)"), {"fields": [
            "report_submitted_on", ("adequate_time", "adequate_time_notes"), ("conditions_exist", "conditions_notes"),
        ]}),
        (_("Needs"), {"fields": ["context", "national_capacity", "risks", "womens_participation", "recommendations"]}),
    ]

    def has_add_permission(self, request, obj=None):
        return False  # started by the "Start needs assessment" action

    def has_change_permission(self, request, obj=None):
        # The assessment is written while it is being made; after the decision it is the record.
        return bool(obj and obj.stage == Stage.NEEDS_ASSESSMENT and request.user.has_perm("requests_app.conduct_assessment"))

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {}).update({
            name: forms.Textarea(attrs={"rows": 2, "cols": 60})
            for name in ("adequate_time_notes", "conditions_notes", "context", "national_capacity", "risks",
                         "womens_participation", "recommendations")
        })
        return super().get_formset(request, obj, **kwargs)


class ReadOnlyInline(admin.TabularInline):
    """Part of the case's record: whoever may see the case sees it, nobody edits it here."""

    extra = 0
    can_delete = False
    show_change_link = False
    classes = ["eas-record"]

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
    fields = ["decided_at", "outcome", "types", "phase", "period_start", "period_end", "scope",
              "short_notice_justification", "reason", "decided_by", "communicated_on"]
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


class DocumentFormSet(forms.BaseInlineFormSet):
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
            return f"{event.get_from_stage_display()} → {event.get_to_stage_display()}"
        return event.get_to_stage_display() if event.to_stage and not event.from_stage else ""

    @admin.display(description=_("details"))
    def summary(self, event):
        return event.details_text

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


# The case ----------------------------------------------------------------------------


class AssistanceRequestForm(forms.ModelForm):
    class Meta:
        model = AssistanceRequest
        fields = "__all__"
        widgets = {
            "requested_types": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 4, "cols": 80}),
            "letter_date": DateInput,
            "received_date": DateInput,
        }


@admin.register(AssistanceRequest)
class AssistanceRequestAdmin(admin.ModelAdmin):
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
        "reference", "stage_display", "stage_entered_at", "stage_due_at", "short_notice",
        "emb_request_accepted_at", "implementation_modality", "implementation_ends_on",
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
            fieldsets.insert(0, (_("Status"), {"fields": [
                ("reference", "stage_display"), ("stage_entered_at", "stage_due_at"), "short_notice",
                "emb_request_accepted_at", ("implementation_modality", "implementation_ends_on"),
            ]}))
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
            case = selectors.visible_cases(request.user, selectors.case_detail()).get(pk=int(object_id))
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
        return case.member_state.get_regional_group_display()

    @admin.display(description=_("stage"), ordering="stage")
    def stage_badge(self, case):
        return format_html('<span class="eas-stage eas-stage-{}">{}</span>', case.stage, case.get_stage_display())

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
        late = ngettext("overdue %(days)d day", "overdue %(days)d days", days) % {"days": days} if days else gettext("overdue")
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
                    actor=request.user, document=document_form.instance,
                    is_complete=document_form.cleaned_data["is_complete"],
                )
                formset.changed_objects.append((document, ["is_complete"]))
            elif document_form.cleaned_data.get("file"):
                formset.new_objects.append(document_services.attach_document(
                    actor=request.user, case=case, kind=document_form.cleaned_data["kind"],
                    upload=document_form.cleaned_data["file"], is_complete=document_form.cleaned_data["is_complete"],
                ))

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


@admin.register(MemberState)
class MemberStateAdmin(FixedSetAdmin):
    list_display = ["name", "iso3", "regional_group"]
    list_filter = ["regional_group"]
    search_fields = ["name", "iso3"]

    def has_view_permission(self, request, obj=None):
        # Reference data: whoever works on cases may read it (the intake form searches it).
        return request.user.has_perm("requests_app.view_assistancerequest") or super().has_view_permission(request, obj)


@admin.register(AssistanceType)
class AssistanceTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "requires_mandate", "position"]
    list_filter = ["category", "requires_mandate"]
    ordering = ["position"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(RecordAdmin):
    """The history across all cases; read-only for everyone, superusers included."""

    list_display = ["created_at", "case", "actor", "action_label", "from_stage", "to_stage"]
    list_filter = ["action", "to_stage"]
    list_select_related = ["case", "actor"]
    search_fields = ["case__reference", "comment"]
    show_full_result_count = False
    date_hierarchy = None


@admin.register(StagePolicy)
class StagePolicyAdmin(FixedSetAdmin):
    """Deadlines are settings an administrator changes; a change applies to stages entered after it."""

    list_display = [
        "stage", "days", "anchor", "days_if_no_anchor", "warning_days", "first_escalation_days",
        "second_escalation_days", "election_cutoff_days", "updated_at", "updated_by",
    ]
    readonly_fields = ["stage", "updated_at", "updated_by"]
    actions = ["recompute_open_cases"]
    ordering = ["id"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        self.message_user(
            request,
            gettext("The new deadline applies to cases entering the stage from now on. To apply it to cases "
                    "already in the stage, select it in the list and choose “Recompute the deadlines of open cases”."),
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


@admin.register(Reminder)
class ReminderAdmin(RecordAdmin):
    """Every reminder claimed, sent, failed or cancelled; nobody edits them."""

    list_display = ["created_at", "case", "level", "recipient", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "level", "stage"]
    list_select_related = ["case"]
    search_fields = ["case__reference", "recipient"]
    show_full_result_count = False


# Partners (para 6) -----------------------------------------------------------------------------


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "country", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "acronym"]
    autocomplete_fields = ["country"]

    def has_delete_permission(self, request, obj=None):
        # A partner with contributions keeps its history; it is made inactive instead.
        return False


@admin.register(PartnerContribution)
class PartnerContributionAdmin(RecordAdmin):
    """Recorded from the case page, through the service that writes the case's history."""

    list_display = ["recorded_at", "case", "partner", "kind", "people", "amount", "currency"]
    list_filter = ["kind", "partner"]
    list_select_related = ["case", "partner"]
    search_fields = ["case__reference", "partner__name", "partner__acronym", "description"]


# The Trust Fund (para 7) -----------------------------------------------------------------------
#
# The ledger, its rates and its alerts are records: read here, written only through the Trust
# Fund's pages and their services (which convert, check the balance and write the case's history).
# The one settings row is changed by an administrator only, through the service, since a new
# threshold may itself put the balance below it (or back above).


class FundRecordAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: corrections are new entries."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _money_column(field, description):
    """A column (and read-only field) showing money as everywhere else: 1,234,567.89."""

    @admin.display(description=description, ordering=field)
    def column(self, obj):
        return trust_fund_services.money(getattr(obj, field))

    return column


@admin.display(description=_("rate (USD)"), ordering="usd_per_unit")
def _rate_column(self, obj):
    return trust_fund_services.rate_text(obj.usd_per_unit)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(FundRecordAdmin):
    list_display = ["value_date", "kind", "donor", "case", "amount_shown", "currency", "rate_shown",
                    "amount_usd_shown", "recorded_by", "recorded_at"]
    list_filter = ["kind", "currency"]
    list_select_related = ["case", "recorded_by"]
    search_fields = ["donor", "case__reference", "description"]
    date_hierarchy = "value_date"
    ordering = ["-value_date", "-id"]
    readonly_fields = ["kind", "value_date", "donor", "case", "pledge", "amount_shown", "currency", "rate_shown",
                       "amount_usd_shown", "description", "recorded_by", "recorded_at"]
    fields = readonly_fields
    amount_shown = _money_column("amount", _("amount"))
    amount_usd_shown = _money_column("amount_usd", _("amount in USD"))
    rate_shown = _rate_column


@admin.register(ExchangeRate)
class ExchangeRateAdmin(FundRecordAdmin):
    list_display = ["day", "currency", "rate_shown", "entered_by", "entered_at"]
    list_filter = ["currency"]
    list_select_related = ["entered_by"]
    date_hierarchy = "day"
    readonly_fields = ["currency", "day", "rate_shown", "entered_by", "entered_at"]
    fields = readonly_fields
    rate_shown = _rate_column


@admin.register(BalanceAlert)
class BalanceAlertAdmin(FundRecordAdmin):
    list_display = ["crossed_at", "balance_shown", "threshold_shown", "sent_at", "recovered_at"]
    readonly_fields = list_display
    fields = list_display
    balance_shown = _money_column("balance_usd", _("balance (USD)"))
    threshold_shown = _money_column("threshold_usd", _("threshold (USD)"))


@admin.register(TrustFundSettings)
class TrustFundSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "alert_threshold_usd", "updated_at"]
    fields = ["alert_threshold_usd", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request):
        return False  # one row, made by migration 0011

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return bool(request.user.is_active and request.user.is_superuser)

    def save_model(self, request, obj, form, change):
        from .exceptions import ActionRefused

        try:
            trust_fund_services.set_threshold(actor=request.user, threshold=obj.alert_threshold_usd)
        except ActionRefused as refusal:  # the form has checked the figure; only a lost right ends here
            raise PermissionDenied(" ".join(refusal.messages)) from None
        alert = trust_fund_services.open_alert()
        if alert is not None:
            self.message_user(
                request,
                gettext("The balance (%(balance)s USD) is below the threshold: finance and the focal point are "
                        "emailed once for this fall, and again only after it has risen back above.")
                % {"balance": trust_fund_services.money(trust_fund_services.balance())},
                messages.WARNING,
            )


# The roster of experts (paras 8-9) -----------------------------------------------------------------
#
# Experts and languages are kept here. Deployments are only read: they are booked and cancelled
# on the case's page, through requests_app.services.roster, which refuses double bookings and
# writes the case's history; an admin form would bypass both.


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_un_official"]
    list_filter = ["is_un_official"]
    search_fields = ["name", "code"]

    def has_delete_permission(self, request, obj=None):
        return False  # it would silently vanish from the experts who speak it


def deployment_status_text(deployment):
    if deployment.cancelled_at is None:
        return gettext("Booked")
    return gettext("Cancelled on %(day)s") % {"day": date_format(timezone.localtime(deployment.cancelled_at), "j M Y")}


class ExpertDeploymentInline(admin.TabularInline):
    model = Deployment
    fields = ["case_reference", "role", "starts_on", "ends_on", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = _("deployments (booked and cancelled on the case's page)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("case").order_by("-starts_on", "-id")

    @admin.display(description=_("case"))
    def case_reference(self, deployment):
        return deployment.case.reference  # the reference only: the case may be outside the user's desks

    @admin.display(description=_("status"))
    def status(self, deployment):
        return deployment_status_text(deployment)


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["family_name", "given_name", "nationality", "region", "gender", "is_active",
                    "available_from", "available_until"]
    list_display_links = ["family_name", "given_name"]
    list_filter = ["is_active", "gender", "nationality__regional_group", "expertise", "languages"]
    list_select_related = ["nationality"]
    search_fields = ["family_name", "given_name", "email", "nationality__name"]
    autocomplete_fields = ["nationality"]
    filter_horizontal = ["expertise", "languages"]
    inlines = [ExpertDeploymentInline]
    fieldsets = [
        (None, {"fields": [("given_name", "family_name"), "email", "gender", "nationality"]}),
        (_("Expertise and languages"), {"fields": ["expertise", "languages"]}),
        (_("Availability"), {"fields": ["is_active", ("available_from", "available_until"), "notes"]}),
    ]

    @admin.display(description=_("regional group"), ordering="nationality__regional_group")
    def region(self, expert):
        return expert.nationality.get_regional_group_display()

    def view_on_site(self, expert):
        return reverse("workspace:expert-detail", args=[expert.pk])

    def has_delete_permission(self, request, obj=None):
        # An expert's deployments are part of the cases' record: take the expert off the roster instead.
        return False


class DeploymentStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("booked", _("Booked")), ("cancelled", _("Cancelled"))]

    def queryset(self, request, queryset):
        if self.value() == "booked":
            return queryset.filter(cancelled_at__isnull=True)
        if self.value() == "cancelled":
            return queryset.filter(cancelled_at__isnull=False)
        return queryset


@admin.register(Deployment)
class DeploymentAdmin(RecordAdmin):
    """Read only, for everyone: see the comment above."""

    list_display = ["expert", "case", "role", "starts_on", "ends_on", "status", "recorded_by", "recorded_at"]
    list_filter = [DeploymentStatusFilter, "case__member_state__regional_group"]
    list_select_related = ["expert", "case", "recorded_by"]
    search_fields = ["expert__family_name", "expert__given_name", "case__reference", "role"]
    date_hierarchy = "starts_on"
    show_full_result_count = False

    @admin.display(description=_("status"))
    def status(self, deployment):
        return deployment_status_text(deployment)
