"""The admin is the intake desk: log requests, move them on, read their history."""

from datetime import timedelta
from typing import cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR, InlineModelAdmin
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import SEARCH_VAR, ChangeList
from django.core.exceptions import PermissionDenied
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
from requests_app.cases.admin_inlines import (
    HISTORY_SHOWN,
    DecisionInline,
    DocumentInline,
    ElectionInline,
    EventInline,
    NeedsAssessmentInline,
    choice_label,
    shown_history,
)
from requests_app.cases.choices import AuthorityType, Basis, Origin, Stage
from requests_app.cases.filters import of_country_status, search_cases
from requests_app.cases.forms import action_form
from requests_app.cases.models import AssistanceRequest, Election, NeedsAssessment, RegionalDesk
from requests_app.cases.views import submit_action
from requests_app.cases.workflow import ACTIONS, is_short_notice, short_notice_rule_applies
from requests_app.core.admin import FixedSetAdmin, describe_changes
from requests_app.core.autocomplete import AutocompleteSelect, SafeAutocompleteMixin
from requests_app.core.confidentiality import Level, highest
from requests_app.core.forms import DateInput
from requests_app.core.ids import parse_id
from requests_app.core.logcontext import note_case
from requests_app.core.pagination import EstimatedPaginator
from requests_app.core.people import display_name
from requests_app.core.urls import row_urls
from requests_app.deadlines import services as deadline_services
from requests_app.deadlines.models import DeadlineReason
from requests_app.documents import selectors as document_selectors
from requests_app.documents import services as document_services
from requests_app.documents.models import CaseDocument, ConfidentialRead
from requests_app.documents.views import serve_document
from requests_app.mandates import selectors as mandate_selectors
from requests_app.mandates import services as mandate_services
from requests_app.reference.forms import AssistanceTypesField
from requests_app.reference.models import CountryStatus, LocalName, RegionalGroup


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


def notes_level(formset):
    """The level of an assessment edit's history entry: the notes' level (the higher of before and
    after) when it changed a note or the level, else internal (dates and yes/no findings)."""
    levels = []
    for inline_form in formset.forms:
        if set(inline_form.changed_data) & {"level", *NeedsAssessment.NOTE_FIELDS}:
            levels += [inline_form.initial.get("level") or Level.CONFIDENTIAL, inline_form.cleaned_data.get("level")]
    return highest(level for level in levels if level) if levels else Level.INTERNAL


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


class BasisFilter(admin.SimpleListFilter):
    title = _("basis")
    parameter_name = "basis"

    def lookups(self, request, model_admin):
        return Basis.choices

    def queryset(self, request, queryset):
        value = self.value()
        if value is not None and value in Basis.values:
            return selectors.with_basis(queryset, value)
        return queryset


class OriginFilter(admin.SimpleListFilter):
    title = _("origin")
    parameter_name = "origin"

    def lookups(self, request, model_admin):
        return Origin.for_new_cases()  # a letter that is no request is no case (Origin.not_requests)

    def queryset(self, request, queryset):
        return queryset.filter(origin=self.value()) if self.value() else queryset


class CountryStatusFilter(admin.SimpleListFilter):
    title = _("Member State, observer State or territory")
    parameter_name = "country_status"

    def lookups(self, request, model_admin):
        return CountryStatus.choices

    def queryset(self, request, queryset):
        return of_country_status(queryset, self.value()) if self.value() in CountryStatus.values else queryset


class TypeFilter(admin.RelatedFieldListFilter):
    include_empty_choice = False


class OfficerFilter(admin.SimpleListFilter):
    title = _("officer")
    parameter_name = "officer"

    def lookups(self, request, model_admin):
        choices = [("me", _("Assigned to me")), ("none", _("Unassigned"))]
        return choices + [(str(user.pk), display_name(user)) for user in selectors.assignable_officers()]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(officer=request.user)
        if value == "none":
            return queryset.filter(officer__isnull=True)
        officer_id = parse_id(value)
        return queryset if officer_id is None else queryset.filter(officer_id=officer_id)


# The case ----------------------------------------------------------------------------


class LoadedAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete, showing the chosen object from the one the page loaded with the case
    (and, like every autocomplete of EAS, leaving out a sent value that cannot be an id)."""

    def __init__(self, *args, loaded=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.loaded = loaded

    def optgroups(self, name, value, attr=None):
        chosen = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if self.loaded is None or chosen != {str(self.loaded.pk)}:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(self.loaded)
        options.append(self.create_option(name, self.loaded.pk, label, True, len(options)))
        return [(None, options, 0)]


class AssistanceRequestForm(forms.ModelForm):
    # What the case rests on besides a request: mandates recorded under Mandates, named by symbol.
    mandate_symbols = forms.CharField(
        label=_("Mandates"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
        help_text=_(
            "The Security Council or General Assembly resolutions the case rests on, one per line, "
            "e.g. S/RES/2734 (2024). Record a mandate under Mandates first. Leave empty for a request alone."
        ),
    )

    class Meta:
        model = AssistanceRequest
        # None here: the admin names them from its fieldsets (ModelAdmin.get_form), and a form class
        # that named every field would build them all once more on each request, for nothing.
        fields: tuple[str, ...] = ()
        field_classes = {"requested_types": AssistanceTypesField}  # boxes under the typology's headings
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4, "cols": 80}),
            "letter_date": DateInput,
            "received_date": DateInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A letter from a party, civil society or a person is no request: the correspondence register
        # files it as not considered (the add page links there). Neither origin nor signatory is offered.
        if "origin" in self.fields:
            cast(forms.ChoiceField, self.fields["origin"]).choices = [("", "---------"), *Origin.for_new_cases()]
        if "authority_type" in self.fields:
            never = AuthorityType.never_eligible()
            signatory = cast(forms.ChoiceField, self.fields["authority_type"])
            signatory.choices = [("", "---------")] + [
                (value, label) for value, label in AuthorityType.choices if value not in never
            ]
        self.mandates = []
        if self.instance.pk is not None:
            self.initial["mandate_symbols"] = "\n".join(m.symbol for m in self.instance.mandates.all())

    def _get_validation_exclusions(self):
        # The country, the officer and the earlier case were chosen from the form's own lists (each a
        # subset of what the model accepts): the model's check that each exists would read it again,
        # a query apiece, on every save.
        exclusions = super()._get_validation_exclusions()  # type: ignore[misc]  # Django's, not in its stubs
        chosen = (
            name
            for name, field in self.fields.items()
            if type(field) is forms.ModelChoiceField and self.cleaned_data.get(name) is not None
        )
        return exclusions | set(chosen)

    def clean(self):
        cleaned = super().clean() or {}
        symbols = mandate_selectors.parse_symbols(cleaned.get("mandate_symbols") or "")
        state = cleaned.get("member_state") or getattr(self.instance, "member_state", None)
        unreadable = [symbol for symbol in symbols if not mandate_selectors.is_symbol(symbol)]
        if unreadable:
            self.add_error(
                "mandate_symbols", _("“%(symbol)s” is not a resolution's symbol.") % {"symbol": unreadable[0]}
            )
            symbols = [symbol for symbol in symbols if symbol not in unreadable]
        if symbols and state is not None:
            found = mandate_selectors.by_symbols(state, symbols)
            missing = [symbol for symbol in symbols if symbol not in found]
            if missing:
                self.add_error(
                    "mandate_symbols",
                    ngettext(
                        "No mandate %(symbols)s is recorded for %(country)s: record it under Mandates first.",
                        "No mandates %(symbols)s are recorded for %(country)s: record them under Mandates first.",
                        len(missing),
                    )
                    % {"symbols": ", ".join(missing), "country": state},
                )
            self.mandates = [found[symbol] for symbol in symbols if symbol in found]
        if "origin" in self.fields and not cleaned.get("origin") and not symbols:
            self.add_error(
                "origin",
                _(
                    "A case rests on a request, a mandate or both: choose who made the request, "
                    "or name the mandate under Mandates."
                ),
            )
        return cleaned


class CaseChangeList(ChangeList):
    """A search that matches few cases is sorted after it is found (EstimatedPaginator), on one page as
    on several: the admin shows a single page from its own queryset rather than the paginator's.

    Each row's links are composed once for the page: Django's link column reverses each row's
    address and resolves it again to add the list's filters to it (6 ms for 50 rows of a search)."""

    def get_results(self, request):
        super().get_results(request)
        if (self.show_all and self.can_show_all) or not self.multi_page:
            self.result_list = self.paginator.object_list._clone()
        if not self.is_popup:
            self.result_list = self._linked(self.result_list)

    def _linked(self, cases):
        change = row_urls(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", current_app=self.model_admin.admin_site.name
        )
        back = f"?{self.preserved_filters}" if self.preserved_filters else ""  # what add_preserved_filters adds
        country_file = row_urls("workspace:country-file")
        rows = list(cases)
        for case in rows:
            case.change_url = change(quote(case.pk)) + back
            case.country_file_url = country_file(case.member_state.iso3)
        return rows


@admin.register(AssistanceRequest)
class AssistanceRequestAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    form = AssistanceRequestForm
    autocomplete_fields = ["member_state", "follows"]
    list_display = ["reference_link", "country", "region", "stage_badge", "officer_name", "due_display"]
    list_filter = [
        "stage",
        DeadlineFilter,
        CountryStatusFilter,
        "member_state__regional_group",
        BasisFilter,
        OriginFilter,
        ("requested_types", TypeFilter),
        OfficerFilter,
    ]
    search_fields = ["reference", "member_state__name", "summary"]  # see get_search_results
    list_per_page = 50
    show_full_result_count = False
    paginator = EstimatedPaginator  # no exact COUNT over a million cases (core/pagination.py)
    ordering = ["-received_date", "-id"]
    change_form_template = "admin/requests_app/assistancerequest/change_form.html"
    readonly_fields = [
        "reference",
        "stage_display",
        "stage_entered_at",
        "stage_due_at",
        "short_notice",
        "emb_acceptance",
        "implementation_modality",
        "implementation_ends_on",
        "country_status",
    ]
    inlines = [ElectionInline, NeedsAssessmentInline, DecisionInline, DocumentInline, EventInline]

    def get_fieldsets(self, request, obj=None):
        request_fields = ["origin", ("requesting_authority", "authority_type"), "letter_date", "follows"]
        fieldsets = [
            (
                _("What the case rests on: a request, a mandate, or both"),
                {
                    "fields": [
                        ("member_state", "country_status") if obj is not None else "member_state",
                        "received_date",
                        "mandate_symbols",
                    ]
                },
            ),
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
                            "emb_acceptance",
                            ("implementation_modality", "implementation_ends_on"),
                        ]
                    },
                ),
            )
        return fieldsets

    def get_inlines(self, request, obj):
        if obj is None:
            return [ElectionInline]
        inlines: list[type[InlineModelAdmin]] = [ElectionInline]
        if hasattr(obj, "assessment"):
            inlines.append(NeedsAssessmentInline)
        return inlines + [DecisionInline, DocumentInline, EventInline]

    def get_queryset(self, request):
        return selectors.visible_cases(request.user, selectors.case_list())

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        searching = bool(request.GET.get(SEARCH_VAR, "").strip())
        return EstimatedPaginator(queryset, per_page, orphans, allow_empty_first_page, searching=searching)

    def get_changelist(self, request, **kwargs):
        return CaseChangeList

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
            cases = selectors.visible_cases(
                request.user, deadline_services.with_stage_policy(AssistanceRequest.objects.all())
            )
            case = selectors.case_detail(
                cases,
                contributions=False,
                versions=False,
                renewals=False,
                history=HISTORY_SHOWN,
                pk=parse_id(object_id),
            )
        except (ValueError, TypeError, AssistanceRequest.DoesNotExist):
            return None
        request._eas_case = case
        note_case(case.reference)
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
        if db_field.name == "follows":
            # The earlier cases this user may see (the form says if one is not of the same country).
            kwargs["queryset"] = selectors.visible_cases(request.user)
            if case is not None:
                kwargs["widget"] = LoadedAutocompleteSelect(
                    db_field, self.admin_site, using=kwargs.get("using"), loaded=case.follows
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

    def get_list_display_links(self, request, list_display):
        # The rows link to their cases themselves (CaseChangeList); a popup, where a click chooses the
        # row, keeps Django's link.
        return ["reference_link"] if IS_POPUP_VAR in request.GET else None

    @admin.display(description=_("reference"), ordering="reference")
    def reference_link(self, case):
        """The case's reference, linking to its page in the admin (with the list's filters to come back to)."""
        url = getattr(case, "change_url", None)  # composed for the page's rows (CaseChangeList)
        return format_html('<a href="{}">{}</a>', url, case.reference) if url else case.reference

    @admin.display(description=_("Member State"), ordering=LocalName("member_state__"))
    def country(self, case):
        """The country's name, linking to its country file (the workspace's /countries/<ISO code>/)."""
        url = getattr(case, "country_file_url", None) or reverse(
            "workspace:country-file", args=[case.member_state.iso3]
        )
        return format_html('<a href="{}">{}</a>', url, case.member_state)

    @admin.display(description=_("region"), ordering="member_state__regional_group")
    def region(self, case):
        return choice_label(RegionalGroup, case.member_state.regional_group)

    @admin.display(description=_("status"))
    def country_status(self, case):
        country = case.member_state
        if not country.un_basis:
            return country.status_text
        return format_html('{}<div class="help">{}</div>', country.status_text, country.un_basis)

    @admin.display(description=_("stage"), ordering="stage")
    def stage_badge(self, case):
        return format_html(
            '<span class="eas-stage eas-stage-{}">{}</span>', case.stage, choice_label(Stage, case.stage)
        )

    @admin.display(description=_("stage"))
    def stage_display(self, case):
        return self.stage_badge(case)

    @admin.display(description=_("officer"), ordering="officer__last_name")
    def officer_name(self, case):
        if case.officer is None:
            return "—"
        return display_name(case.officer)

    @admin.display(description=_("due"), ordering="stage_due_at")
    def due_display(self, case):
        if not case.is_open or case.stage_due_at is None:
            return "—"
        due = date_format(timezone.localtime(case.stage_due_at), "DATE_FORMAT")
        if not case.is_overdue:
            return due
        days = (timezone.now() - case.stage_due_at).days
        late = (
            ngettext("overdue %(days)d day", "overdue %(days)d days", days) % {"days": days}
            if days
            else gettext("overdue")
        )
        return format_html('{} <span class="eas-late">{}</span>', due, late)

    @admin.display(description=_("Mandates"))
    def mandate_symbols(self, case):
        # Shown read-only to those who may not edit the case; the form's field of that name edits it.
        return ", ".join(mandate.symbol for mandate in case.mandates.all()) or "—"

    @admin.display(description=_("short notice"))
    def short_notice(self, case):
        if short_notice_rule_applies(case):
            return gettext(
                "Yes: the request came less than four months before election day. The Department's guidance: "
                "such a request normally cannot be accommodated for the election event."
            )
        if is_short_notice(case):
            return gettext(
                "No: the request came less than four months before election day, but the assistance decided is "
                "not for the election event (the Department's guidance concerns that only)."
            )
        return gettext("No")

    @admin.display(description=_("electoral body request accepted"))
    def emb_acceptance(self, case):
        if case.emb_request_accepted_at is None:
            return "—"
        accepted = date_format(timezone.localtime(case.emb_request_accepted_at), "DATETIME_FORMAT")
        if case.emb_request_accepted_by is not None:
            accepted = gettext("%(when)s by %(name)s") % {
                "when": accepted,
                "name": display_name(case.emb_request_accepted_by),
            }
        if case.emb_request_recommendation is not None:
            accepted = gettext("%(accepted)s, on the recommendation of %(name)s") % {
                "accepted": accepted,
                "name": display_name(case.emb_request_recommendation.recommended_by),
            }
        return accepted

    # Saving: through the services, so every change is in the history.

    def save_model(self, request, obj, form, change):
        # A new request is registered in save_related, at once with its elections and types.
        if change:
            changes = describe_changes(form)
            changes.pop(str(form.fields["mandate_symbols"].label), None)  # each link is an event of its own
            services.record_details_changed(actor=request.user, case=obj, changes=changes)
            obj.save()
            if "follows" in form.changed_data:
                previous = form.initial.get("follows")
                earlier = AssistanceRequest.objects.filter(pk=previous).first() if previous else None
                services.link_follow_up(actor=request.user, case=obj, previous=earlier)
            if "mandate_symbols" in form.changed_data:
                mandate_services.set_case_mandates(actor=request.user, case=obj, mandates=form.mandates)

    def save_related(self, request, form, formsets, change):
        if change:
            return super().save_related(request, form, formsets, change)
        # The intake form holds the elections alone: the service writes the case, its elections and
        # its types together, its deadline counted once from its elections.
        elections = [
            election for formset in formsets if formset.model is Election for election in formset.save(commit=False)
        ]
        services.register_request(
            actor=request.user,
            case=form.instance,
            requested_types=form.cleaned_data.get("requested_types"),
            elections=elections,
            mandates=form.mandates,
        )

    def response_add(self, request, obj, post_url_continue=None):
        # "Save": the new case's page in the workspace, not the list of every case. It shows what the
        # clerk registered (its reference for the acknowledgement) and its next steps, and costs a
        # fraction of the list (README, Benchmarks). "Save and continue", "Save and add another"
        # and a user who may not see the case keep the admin's own pages.
        if any(key in request.POST for key in ("_continue", "_addanother", IS_POPUP_VAR)) or not selectors.may_see(
            request.user, obj
        ):
            return super().response_add(request, obj, post_url_continue)
        message = format_html(
            '{} <a href="{}">{}</a>',
            gettext("The request is registered as %(reference)s (%(country)s). The case is %(stage)s.")
            % {"reference": obj.reference, "country": obj.member_state, "stage": obj.stage_phrase},
            reverse("admin:requests_app_assistancerequest_add"),
            gettext("Register another request"),
        )
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(reverse("workspace:case-detail", args=[obj.reference]))

    def save_formset(self, request, form, formset, change):
        if formset.model is CaseDocument:
            return self._save_documents(request, form.instance, formset)
        changes = {}
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms:
                changes[str(inline_form.instance)] = [str(inline_form.instance), ""]
            elif inline_form.has_changed():
                for label, values in describe_changes(inline_form).items():
                    changes[f"{formset.model._meta.verbose_name}: {label}"] = values
        level = notes_level(formset) if formset.model is NeedsAssessment else Level.INTERNAL
        formset.save()
        action = "assessment_updated" if formset.model is NeedsAssessment else "details_updated"
        services.record_details_changed(
            actor=request.user, case=form.instance, changes=changes, action=action, level=level
        )
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
            data = document_form.cleaned_data
            if document_form.instance.pk:
                formset.changed_objects.append(self._change_document(request, document_form))
            elif data.get("file"):
                formset.new_objects.append(
                    document_services.attach_document(
                        actor=request.user,
                        case=case,
                        kind=data["kind"],
                        upload=data["file"],
                        is_complete=data["is_complete"],
                        level=data.get("level") or "",
                    )
                )

    def _change_document(self, request, document_form):
        """A stored document's row: its final mark and its level, each through its service."""
        document, changed = document_form.instance, document_form.changed_data
        if "is_complete" in changed:
            document = document_services.set_document_final(
                actor=request.user, document=document, is_complete=document_form.cleaned_data["is_complete"]
            )
        if "level" in changed:
            document = document_services.set_document_level(
                actor=request.user, document=document, level=document_form.cleaned_data["level"]
            )
        return document, [name for name in ("is_complete", "level") if name in changed]

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
        assessment = getattr(case, "assessment", None)
        notes_shown = assessment is not None and document_selectors.may_read_findings(request.user, assessment)
        if notes_shown:
            document_services.record_notes_shown(
                reader=request.user, case=case, place=ConfidentialRead.Place.ADMIN_PAGE, entries=False, findings=True
            )
        context = {
            "notes_shown": notes_shown,
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": action.label,
            "case": case,
            "action": action,
            "blockers": action.blockers(case),
            "form": form,
            "change_url": change_url,
            "short_notice": action_name == "record_decision" and short_notice_rule_applies(case),
            "recommendation": selectors.pending_recommendation(case),
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
        document = get_object_or_404(CaseDocument, pk=document_id, case=case)
        return serve_document(request, document, place=ConfidentialRead.Place.ADMIN_DOWNLOAD)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        case = self.get_object(request, object_id)
        if case is None:
            if not self.has_view_permission(request):
                raise PermissionDenied  # deny first, as the workspace does
            raise Http404  # outside the user's scope, as on the workspace's case page
        extra_context["urgent"] = deadline_services.is_urgent_as_loaded(case)
        extra_context["case_actions"] = [
            (action, blockers, action_form(action.name, prefix=action.name, case=case))
            for action, blockers in selectors.available_actions(case, request.user)
        ]
        extra_context["next_actors"] = selectors.next_actors(case, request.user)
        extra_context["recommendation"] = selectors.pending_recommendation(case)
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            # The page shows the notes this reader may read: a confidential one shown is an opening.
            document_services.record_notes_shown(
                reader=request.user,
                case=case,
                place=ConfidentialRead.Place.ADMIN_PAGE,
                events=shown_history(case),
                findings=True,
            )
        return response


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
