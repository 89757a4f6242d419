"""The staff workspace: the dashboard, the case list, the case page and its actions."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from requests_app.cases import models, selectors, services, versions
from requests_app.cases.choices import Stage
from requests_app.cases.filters import SORTS, CaseFilter, apply_sort, sort_key
from requests_app.cases.forms import action_form
from requests_app.cases.workflow import ACTIONS, short_notice_rule_applies
from requests_app.core.access import staff_required
from requests_app.core.confidentiality import may_read
from requests_app.core.errors import ActionRefused, tell_refusal
from requests_app.core.logcontext import note_case
from requests_app.core.pagination import EstimatedPaginator
from requests_app.core.views import report_filter_errors
from requests_app.deadlines import services as deadline_services
from requests_app.documents import selectors as document_selectors
from requests_app.documents import services as document_services
from requests_app.documents.models import ConfidentialRead

PAGE_SIZE = 50


def submit_action(request, case, action_name):
    """Validate an action's form and run its service. Returns (case, form, done)."""
    if action_name not in ACTIONS:
        raise Http404
    form = action_form(action_name, request.POST, prefix=action_name, case=case)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors in the form."))
        return case, form, False
    try:
        case = services.perform_action(actor=request.user, case=case, action_name=action_name, **form.service_kwargs())
    except ActionRefused as refusal:
        tell_refusal(refusal, request=request)
        return case, form, False
    messages.success(
        request,
        _("%(action)s: done. The case is now %(stage)s.")
        % {"action": ACTIONS[action_name].label, "stage": case.stage_phrase},
    )
    return case, form, True


def filtered_cases(request):
    """The case list as the URL's filters and sort ask; invalid filters are said and ignored."""
    case_filter = CaseFilter(
        request.GET or None, queryset=selectors.visible_cases(request.user, selectors.case_list()), user=request.user
    )
    report_filter_errors(request, case_filter)
    return case_filter, apply_sort(case_filter.qs, request.GET.get("sort"))


def case_paginator(case_filter, cases):
    """The list's pages; a text search that matches few cases is sorted after it is found (EstimatedPaginator)."""
    searching = case_filter.is_bound and case_filter.is_valid() and case_filter.form.cleaned_data.get("q", "").strip()
    return EstimatedPaginator(cases, PAGE_SIZE, searching=bool(searching))


@staff_required
def case_list(request):
    case_filter, cases = filtered_cases(request)
    sort = sort_key(request.GET.get("sort"))
    page = case_paginator(case_filter, cases).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/list.html",
        {
            "filter": case_filter,
            "page": page,
            "sort": sort,
            "sortable": SORTS,
            "now": timezone.now(),
        },
    )


# The page's sections that other domains read, by their relation to the case: those the case holds no
# row in are shown empty without their query (selectors.case_detail asks which, with its own).
PAGE_SECTIONS = ("letters", "deployments", "vehicles", "ledger_entries", "confidential_reads")


def case_or_404(request, reference):
    """The case, if this user may see it; a case outside their scope does not exist for them."""
    try:
        cases = selectors.visible_cases(
            request.user, deadline_services.with_stage_policy(models.AssistanceRequest.objects.all())
        )
        case = selectors.case_detail(cases, reference=reference, sections=PAGE_SECTIONS)
    except models.AssistanceRequest.DoesNotExist:
        raise Http404 from None
    note_case(case.reference)
    return case


def _readers_view(request, case, *, timeline):
    """Mark what this reader may read of the case for its page (each document; with ``timeline``,
    each history entry) and write down the confidential notes the page shows: the timeline's, or
    (on an action's page) the assessment's notes. Returns whether those notes are shown."""
    for document in case.documents.all():
        document.readable = may_read(request.user, document.level)
    assessment = getattr(case, "assessment", None)
    findings = bool(
        not timeline and assessment is not None and document_selectors.may_read_findings(request.user, assessment)
    )
    document_services.record_notes_shown(
        reader=request.user,
        case=case,
        place=ConfidentialRead.Place.CASE_PAGE,
        entries=timeline,
        findings=findings,
    )
    return findings


def _case_page(request, case, bound=None, status=200):
    _readers_view(request, case, timeline=True)
    actions = []
    for action, blockers in selectors.available_actions(case, request.user):
        form = (
            bound
            if bound is not None and bound.action.name == action.name
            else action_form(action.name, prefix=action.name, case=case)
        )
        actions.append({"action": action, "blockers": blockers, "form": form})
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "actions": actions,
            "next_actors": selectors.next_actors(case, request.user),
            "timeline": list(reversed(case.events.all())),
            # A warning for those who still have to act on the case, not part of an ended case's record.
            "short_notice": case.stage not in Stage.ends() and short_notice_rule_applies(case),
            "recommendation": selectors.pending_recommendation(case),
            "decisions": versions.decisions_with_versions(case),
            "follows": selectors.linked_cases(request.user, [case.follows] if case.follows else []),
            "followed_by": selectors.linked_cases(request.user, list(case.followed_by.all())),
            "urgent": deadline_services.is_urgent_as_loaded(case),
            "now": timezone.now(),
            "reads": document_selectors.reads_of_case(request.user, case),
            "may_see_reads": document_selectors.may_see_reads(request.user),
        },
        status=status,
    )


@staff_required
def case_detail(request, reference):
    return _case_page(request, case_or_404(request, reference))


@staff_required
def case_action(request, reference, action_name):
    """GET: the action on a page of its own (the decision needs room); POST: take it."""
    case = case_or_404(request, reference)
    if action_name not in ACTIONS:
        raise Http404
    if request.method != "POST":
        notes_shown = _readers_view(request, case, timeline=False)
        return render(
            request,
            "cases/action.html",
            {
                "notes_shown": notes_shown,
                "case": case,
                "action": ACTIONS[action_name],
                "blockers": ACTIONS[action_name].blockers(case),
                "form": action_form(action_name, prefix=action_name, case=case),
                "short_notice": action_name == "record_decision" and short_notice_rule_applies(case),
            },
        )
    case, form, done = submit_action(request, case, action_name)
    if done:
        return redirect("workspace:case-detail", reference=case.reference)
    # Refused: the case page again, with what the user typed and why it was refused.
    return _case_page(request, case_or_404(request, reference), bound=form, status=400)


@staff_required
def dashboard(request):
    return render(request, "dashboard.html", selectors.dashboard(user=request.user, today=timezone.localdate()))
