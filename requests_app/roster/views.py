"""The roster of experts (paras 8-9): the roster page with its diversity, an expert's page, and
deploying experts to a case or cancelling a deployment from the case."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from requests_app.cases import selectors
from requests_app.cases.views import case_or_404
from requests_app.core.access import staff_required, staff_with_permission
from requests_app.core.errors import ActionRefused, tell_refusal
from requests_app.core.views import report_filter_errors
from requests_app.roster import selectors as selectors_roster
from requests_app.roster import services
from requests_app.roster.filters import ExpertFilter
from requests_app.roster.forms import CancelDeploymentForm, DeployForm, DeploymentDatesForm
from requests_app.roster.models import Deployment, Expert

PAGE_SIZE = 50


# Case staff who may see the roster (every role may).
roster_reader_required = staff_with_permission("requests_app.view_expert")


@roster_reader_required
def roster(request):
    # Always bound, so the default (experts on the roster) applies without any parameter.
    expert_filter = ExpertFilter(request.GET, queryset=selectors_roster.roster())
    report_filter_errors(request, expert_filter)
    experts = expert_filter.qs
    page = Paginator(experts, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors_roster.mark_deployments(page.object_list, request.user)
    # The balance of the experts that match; beside it the whole roster's, once filters narrow it.
    filtered = expert_filter.is_filtered
    figures = selectors_roster.diversity(
        experts,
        whole_roster=Expert.objects.filter(is_active=True) if filtered else None,
    )
    return render(
        request,
        "roster/list.html",
        {
            "filter": expert_filter,
            "page": page,
            "figures": figures,
            "filtered": filtered,
            "dates": expert_filter.dates,
            "today": timezone.localdate(),
        },
    )


@roster_reader_required
def expert_detail(request, pk):
    expert = get_object_or_404(selectors_roster.expert_detail(), pk=pk)
    deployments = selectors_roster.deployment_history(expert, request.user)
    today = timezone.localdate()
    for deployment in deployments:
        deployment.status, deployment.status_label = selectors_roster.deployment_status(deployment, today)
    return render(
        request,
        "roster/detail.html",
        {
            "expert": expert,
            "deployments": deployments,
            # Days already spent on deployments (today included), for a sense of the expert's experience.
            "days_deployed": sum(
                (min(d.ends_on, today) - d.starts_on).days + 1
                for d in deployments
                if d.cancelled_at is None and d.starts_on <= today
            ),
            "today": today,
        },
    )


# Deploying from a case --------------------------------------------------------------------------


def _why_not_deploy(user, case):
    """Why this user cannot deploy to this case now, or None."""
    if not user.has_perm("requests_app.add_deployment"):
        return _("You do not have permission to deploy experts.")
    if not selectors.may_work_on(user, case):
        return _("This case is not assigned to you: its officer, or the team lead of its desk, deploys experts to it.")
    if not case.is_open:
        return _("%(reference)s is %(stage)s: experts are deployed only to open cases.") % {
            "reference": case.reference,
            "stage": case.stage_phrase,
        }
    return None


def _dates(data, prefix=""):
    """(from, until) from submitted dates, when both are valid and in order; else None."""
    form = DeploymentDatesForm({"starts_on": data.get(prefix + "starts_on"), "ends_on": data.get(prefix + "ends_on")})
    if form.is_valid():
        return form.cleaned_data["starts_on"], form.cleaned_data["ends_on"]
    return None


def _deploy_page(request, case, form, status=200):
    dates = form.dates
    return render(
        request,
        "roster/deploy.html",
        {
            "case": case,
            "form": form,
            "dates": dates,
            "why_not": _why_not_deploy(request.user, case),
            "roster_query": _roster_query(dates),
        },
        status=status,
    )


def _roster_query(dates):
    """The roster showing who is free on the dates chosen, with their expertise and languages."""
    if not dates:
        return ""
    return urlencode([("available_from", dates[0].isoformat()), ("available_to", dates[1].isoformat())])


@staff_required
def deployment_new(request, reference):
    """GET: the deploy form, experts free on the dates asked (?starts_on=&ends_on=) first.
    POST: "check" shows who is free on the dates typed; otherwise deploy through the service."""
    case = case_or_404(request, reference)
    if request.method != "POST":
        dates = _dates(request.GET)
        asked = {name: request.GET[name] for name in ("starts_on", "ends_on") if request.GET.get(name)}
        if asked and dates is None:
            # Dates that cannot be used are kept in the form as typed, and said to be wrong.
            typed = DeploymentDatesForm(request.GET)
            typed.is_valid()
            for name, errors in typed.errors.items():
                messages.error(request, f"{typed.fields[name].label}: {' '.join(map(str, errors))}")
        return _deploy_page(request, case, DeployForm(initial=asked, dates=dates, user=request.user))
    dates = _dates(request.POST)
    if "check" in request.POST:
        # Keep what was typed; only the grouping of the experts changes.
        initial = {name: request.POST.get(name) for name in ("starts_on", "ends_on", "expert", "role")}
        return _deploy_page(request, case, DeployForm(initial=initial, dates=dates, user=request.user))
    form = DeployForm(request.POST, dates=dates, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors in the form."))
        return _deploy_page(request, case, form, status=400)
    try:
        deployment = services.deploy_expert(actor=request.user, case=case, **form.service_kwargs())
    except ActionRefused as refusal:
        tell_refusal(refusal, request=request)
        return _deploy_page(request, case, form, status=400)
    messages.success(
        request,
        _("%(expert)s is deployed to %(reference)s as %(role)s from %(start)s to %(end)s.")
        % {
            "expert": deployment.expert,
            "reference": case.reference,
            "role": deployment.role,
            "start": selectors_roster.day(deployment.starts_on),
            "end": selectors_roster.day(deployment.ends_on),
        },
    )
    return redirect("workspace:case-detail", reference=case.reference)


@staff_required
def deployment_cancel(request, reference, deployment_id):
    """GET: confirm, with the reason; POST: cancel through the service."""
    case = case_or_404(request, reference)
    deployment = get_object_or_404(Deployment.objects.select_related("expert"), pk=deployment_id, case=case)
    deployment.case = case
    form = CancelDeploymentForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.cancel_deployment(
                    actor=request.user, deployment=deployment, comment=form.cleaned_data["comment"]
                )
            except ActionRefused as refusal:
                tell_refusal(refusal, request=request)
            else:
                messages.success(
                    request,
                    _("The deployment of %(expert)s to %(reference)s is cancelled; the dates are free again.")
                    % {"expert": deployment.expert, "reference": case.reference},
                )
                return redirect("workspace:case-detail", reference=case.reference)
        else:
            messages.error(request, _("Say why the deployment is cancelled."))
        status = 400
    deployment.status, deployment.status_label = selectors_roster.deployment_status(deployment)
    return render(
        request,
        "roster/cancel.html",
        {
            "case": case,
            "deployment": deployment,
            "form": form,
            "may_cancel": services.may_cancel(request.user, deployment),
        },
        status=status,
    )
