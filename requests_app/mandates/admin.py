"""Mandates in the admin: recorded, renewed, corrected; the list says when each expires."""

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app.core.admin import describe_changes, person_column
from requests_app.core.autocomplete import SafeAutocompleteMixin
from requests_app.core.forms import DateInput
from requests_app.core.ids import parse_id
from requests_app.core.types import StrOrPromise
from requests_app.mandates import selectors, services
from requests_app.mandates.models import Mandate, normalise_symbol
from requests_app.reference.admin import CountrySearchMixin


class MandateForm(forms.ModelForm):
    class Meta:
        model = Mandate
        fields = ["member_state", "organ", "symbol", "adopted_on", "expires_on", "electoral_tasks", "renews"]
        widgets = {
            "adopted_on": DateInput,
            "expires_on": DateInput,
            "electoral_tasks": forms.Textarea(attrs={"rows": 4, "cols": 80}),
        }

    def clean_symbol(self):
        return normalise_symbol(self.cleaned_data.get("symbol", ""))


class ExpiryFilter(admin.SimpleListFilter):
    title = _("expiry")
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [
            ("soon", _("Expires within the reminder period")),
            ("expired", _("Expired")),
            ("none", _("No expiry")),
            ("renewed", _("Renewed")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        renewed = Exists(Mandate.objects.filter(renews=OuterRef("pk")))
        if self.value() == "soon":
            horizon = today + timedelta(days=selectors.reminder_days())
            return queryset.filter(~renewed, expires_on__gte=today, expires_on__lte=horizon)
        if self.value() == "expired":
            return queryset.filter(expires_on__lt=today)
        if self.value() == "none":
            return queryset.filter(expires_on__isnull=True)
        if self.value() == "renewed":
            return queryset.filter(renewed)
        return queryset


@admin.register(Mandate)
class MandateAdmin(CountrySearchMixin, SafeAutocompleteMixin, admin.ModelAdmin):
    form = MandateForm
    autocomplete_fields = ["member_state", "renews"]
    list_display = [
        "symbol",
        "member_state",
        "organ",
        "adopted",
        "expires_on",
        "expiry",
        "renewals_chain",
        "case_count",
    ]
    list_filter = ["organ", ExpiryFilter, "member_state__regional_group"]
    search_fields = ["symbol"]
    country_search = "member_state"
    list_per_page = 50
    readonly_fields = ["chain_display", "cases_display", "recorded_by_name", "recorded_at"]
    recorded_by_name = person_column(Mandate, "recorded_by")
    change_form_template = "admin/requests_app/mandate/change_form.html"

    def get_fieldsets(self, request, obj=None):
        fields = ["member_state", ("organ", "symbol"), ("adopted_on", "expires_on"), "electoral_tasks", "renews"]
        fieldsets: list[tuple[StrOrPromise | None, dict[str, list[Any]]]] = [(None, {"fields": fields})]
        if obj is not None:
            fieldsets.append((_("Renewals and cases"), {"fields": ["chain_display", "cases_display"]}))
            fieldsets.append((_("Record"), {"fields": [("recorded_by_name", "recorded_at")]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["member_state", "renews"]  # a mandate stays its country's; a renewal stays one
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and obj.adopted_on is None and "adopted_on" in form.base_fields:
            form.base_fields["adopted_on"].required = False  # carried over without its day: give it when known
        return form

    def get_queryset(self, request):
        return selectors.mandate_list().select_related("recorded_by").annotate(case_count=Count("cases", distinct=True))

    def get_object(self, request, object_id, from_field=None):
        pk = parse_id(object_id)  # whatever the address carries: a 404, never a 500
        return None if pk is None else self.get_queryset(request).filter(pk=pk).first()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        mandate = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            # The latest of a chain is renewed, once: an earlier one already was.
            "may_renew": mandate is not None and self.has_add_permission(request) and not mandate.renewals.exists(),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False  # cases rest on mandates: a mistake is corrected, never deleted

    # Columns

    @admin.display(description=_("adopted"), ordering="adopted_on")
    def adopted(self, mandate):
        return mandate.adopted_text()

    @admin.display(description=_("expires"))
    def expiry(self, mandate):
        renewals = list(mandate.renewals.all())
        if renewals:
            return gettext("renewed by %(symbol)s") % {"symbol": renewals[0].symbol}
        return mandate.expiry_text()

    @admin.display(description=_("renewals"))
    def renewals_chain(self, mandate):
        parts = []
        if mandate.renews is not None:
            parts.append(gettext("renews %(symbol)s") % {"symbol": mandate.renews.symbol})
        parts += [gettext("renewed by %(symbol)s") % {"symbol": r.symbol} for r in mandate.renewals.all()]
        return " · ".join(parts) or "—"

    @admin.display(description=_("cases"), ordering="case_count")
    def case_count(self, mandate):
        return mandate.case_count

    @admin.display(description=_("renewal chain, first to latest"))
    def chain_display(self, mandate):
        links = [
            (reverse("admin:requests_app_mandate_change", args=[m.pk]), m.symbol, m.expiry_text())
            for m in selectors.chain(mandate)
        ]
        return format_html("<ol>{}</ol>", format_html_join("", '<li><a href="{}">{}</a> ({})</li>', links))

    @admin.display(description=_("cases resting on it"))
    def cases_display(self, mandate):
        cases = mandate.cases.select_related("member_state").order_by("-received_date", "-id")
        rows = [
            (reverse("admin:requests_app_assistancerequest_change", args=[c.pk]), c.reference, c.get_stage_display())
            for c in cases
        ]
        if not rows:
            return gettext("None yet: link a case from its own page (field “Mandates”).")
        return format_html("<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a> — {}</li>', rows))

    # Saving: through the services, so every case concerned has it in its history.

    def save_model(self, request, obj, form, change):
        if change:
            services.update_mandate(actor=request.user, mandate=obj, changes=describe_changes(form))
        elif obj.renews_id is not None:
            services.record_renewal(actor=request.user, renewed=obj.renews, renewal=obj)
        else:
            services.record_mandate(actor=request.user, mandate=obj)

    def save_related(self, request, form, formsets, change):
        pass  # the form edits no relation of many: cases are linked from the case's page
