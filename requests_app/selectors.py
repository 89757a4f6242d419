"""Reads shared by the admin, the pages, exports and tasks, each at a fixed number of queries."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch

from .models import AssistanceRequest, CaseDocument, CaseEvent, Decision, Stage
from .workflow import actions_from


def case_list():
    return AssistanceRequest.objects.select_related("member_state", "officer")


def case_detail():
    """A case with everything its page shows and its guards read."""
    return AssistanceRequest.objects.select_related("member_state", "officer", "assessment").prefetch_related(
        "elections",
        "requested_types",
        Prefetch("documents", queryset=CaseDocument.objects.select_related("uploaded_by")),
        Prefetch("decisions", queryset=Decision.objects.select_related("decided_by").prefetch_related("assistance_types")),
        Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
    )


def available_actions(case, user):
    """The actions this user may take on the case now, each with what still blocks it."""
    if case.stage in Stage.ends():
        return []
    return [
        (action, action.blockers(case))
        for action in actions_from(case.stage)
        if action.applies_to(case) and user.has_perm(action.permission)
    ]


def assignable_officers():
    return get_user_model().objects.filter(is_active=True, is_staff=True).order_by("first_name", "last_name", "username")
