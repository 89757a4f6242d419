"""Partner organisations (para 6): who they are, and what each brings to the cases."""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from requests_app.cases import selectors as cases_selectors
from requests_app.cases.views import case_or_404
from requests_app.core.access import staff_required
from requests_app.core.errors import ActionRefused, tell_refusal
from requests_app.core.validators import SEARCH_MAX_LENGTH
from requests_app.core.views import report_filter_errors
from requests_app.partners import selectors as partners_selectors
from requests_app.partners import services as partner_services
from requests_app.partners.forms import ContributionForm
from requests_app.partners.models import Partner


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=gettext_lazy("Search"), method="search", max_length=SEARCH_MAX_LENGTH)
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Kind"), choices=Partner.Kind.choices, empty_label=gettext_lazy("Any kind")
    )
    active = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        method="filter_active",
        empty_label=gettext_lazy("Active and inactive"),
        choices=[("yes", gettext_lazy("Active")), ("no", gettext_lazy("No longer active"))],
    )

    class Meta:
        model = Partner
        fields = ["q", "kind", "active"]

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "yes")

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(acronym__icontains=value))


@staff_required
def partner_list(request):
    partner_filter = PartnerFilter(request.GET or None, queryset=Partner.objects.select_related("country"))
    report_filter_errors(request, partner_filter)
    partners = list(partner_filter.qs)
    return render(
        request,
        "partners/list.html",
        {
            "filter": partner_filter,
            "rows": partners_selectors.partner_summaries(request.user, partners),
        },
    )


@staff_required
def partner_detail(request, pk):
    partner = get_object_or_404(Partner.objects.select_related("country"), pk=pk)
    contributions = (
        partners_selectors.visible_contributions(request.user)
        .filter(partner=partner)
        .select_related("case__member_state", "recorded_by")
        .order_by("-recorded_at", "-id")
    )
    return render(
        request,
        "partners/detail.html",
        {
            "partner": partner,
            "summary": partners_selectors.partner_summaries(request.user, [partner])[0],
            "contributions": contributions,
        },
    )


@staff_required
def contribution_new(request, reference):
    case = case_or_404(request, reference)
    if not request.user.has_perm("requests_app.add_partnercontribution"):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = ContributionForm(request.POST)
        if form.is_valid():
            try:
                contribution = partner_services.record_contribution(
                    actor=request.user, case=case, **form.service_kwargs()
                )
            except ActionRefused as refusal:
                tell_refusal(refusal, request=request)
            else:
                messages.success(request, _("Recorded: %(contribution)s.") % {"contribution": contribution})
                return redirect("workspace:case-detail", reference=case.reference)
        else:
            messages.error(request, _("Please correct the errors in the form."))
        status = 400
    else:
        form = ContributionForm()
    return render(
        request,
        "partners/contribution_form.html",
        {
            "case": case,
            "form": form,
            "may_work_on": cases_selectors.may_work_on(request.user, case),
        },
        status=status,
    )
