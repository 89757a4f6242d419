"""Reads shared by the admin, the pages, exports and tasks, each at a fixed number of queries."""

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext

from requests_app.cases.choices import Basis, DecisionOutcome, Origin, Stage
from requests_app.cases.models import (
    AssistanceRequest,
    Decision,
    DecisionAmendment,
    Election,
    Recommendation,
    RegionalDesk,
)
from requests_app.cases.workflow import (
    OPEN_STAGES,
    Action,
    Reasons,
    actions_from,
    latest_recommendation,
)
from requests_app.core import presence, roles
from requests_app.core.charts import bar_rows, grouped_bars
from requests_app.core.people import display_name
from requests_app.core.types import StrOrPromise, User
from requests_app.documents.models import CaseDocument
from requests_app.history.models import CaseEvent
from requests_app.partners.models import PartnerContribution
from requests_app.reference.models import RegionalGroup

# Scope: who sees which cases -------------------------------------------------------------


def sees_all_cases(user: User) -> bool:
    return bool(user.is_active and (user.is_superuser or user.has_perm("requests_app.view_all_cases")))


def _desks(user: User) -> tuple[frozenset[str], frozenset[str]]:
    """(groups of the desks a user works on or leads, groups of those they lead), read once per user object."""
    if not hasattr(user, "_eas_desks"):
        rows = (
            RegionalDesk.objects.filter(Q(members=user) | Q(team_lead=user))
            .values_list("regional_group", "team_lead_id")
            .distinct()
        )
        user._eas_desks = (  # type: ignore[attr-defined]  # a cache on the user object, not a field
            frozenset(group for group, _lead in rows),
            frozenset(group for group, lead in rows if lead == user.pk),
        )
    return user._eas_desks  # type: ignore[attr-defined]


def desk_groups(user: User) -> frozenset[str]:
    return _desks(user)[0]


def led_groups(user: User) -> frozenset[str]:
    return _desks(user)[1]


def visible_cases(user: User, queryset: QuerySet[AssistanceRequest] | None = None) -> QuerySet[AssistanceRequest]:
    """The cases a user may see: every case, or their desks' and their own. Deny by default.

    A letter that was never a request is no case (Origin.not_requests): its correspondence entry shows it."""
    queryset = AssistanceRequest.objects.all() if queryset is None else queryset
    if not (user.is_active and user.has_perm("requests_app.view_assistancerequest")):
        return queryset.none()
    queryset = queryset.exclude(origin__in=Origin.not_requests())
    if sees_all_cases(user):
        return queryset
    return queryset.filter(Q(member_state__regional_group__in=desk_groups(user)) | Q(officer=user))


def may_see(user: User, case: AssistanceRequest) -> bool:
    if not (user.is_active and user.has_perm("requests_app.view_assistancerequest")):
        return False
    if case.origin in Origin.not_requests():
        return False
    return sees_all_cases(user) or case.officer_id == user.pk or case.member_state.regional_group in desk_groups(user)


def may_work_on(user: User, case: AssistanceRequest) -> bool:
    """Officers work the cases assigned to them; team leads their desks'; the focal point every case."""
    if sees_all_cases(user) or case.officer_id == user.pk:
        return True
    return case.member_state.regional_group in led_groups(user)


def with_basis(queryset: QuerySet[AssistanceRequest], basis: str) -> QuerySet[AssistanceRequest]:
    """The cases that rest on ``basis``: a request alone, a mandate alone, or both (see Basis)."""
    # The link table the mandates declare (requests_app.mandates), reached through the relation.
    through = AssistanceRequest.mandates.through
    has_mandate = Exists(through.objects.filter(assistancerequest_id=OuterRef("pk")))
    if basis == Basis.REQUEST:
        return queryset.exclude(origin="").filter(~has_mandate)
    if basis == Basis.MANDATE:
        return queryset.filter(has_mandate, origin="")
    if basis == Basis.BOTH:
        return queryset.exclude(origin="").filter(has_mandate)
    return queryset.none()


def case_list() -> QuerySet[AssistanceRequest]:
    return AssistanceRequest.objects.select_related("member_state", "officer")


# What a case's page joins to its row, each when there is something to join (core.presence).
CASE_JOINS = (
    "member_state__administering_power",
    "officer",
    "follows__member_state",
    "emb_request_accepted_by",
    "emb_request_recommendation__recommended_by",
    "assessment__chosen_by",
    "assessment__recommendation__recommended_by",
    # The close guard and the page's evaluation section read these (requests_app.evaluation).
    "evaluation",
    "evaluation_waiver__waived_by",
)


def case_detail(
    cases: QuerySet[AssistanceRequest],
    *,
    contributions: bool = True,
    versions: bool = True,
    renewals: bool = True,
    history: int | None = None,
    sections: tuple[str, ...] = (),
    **lookup: Any,
) -> AssistanceRequest:
    """The case of ``cases`` found by ``lookup`` (``reference=`` or ``pk=``), with everything its page
    shows and its guards read; AssistanceRequest.DoesNotExist when there is none.

    One statement first asks which of its relations hold anything (core.presence): the case's query
    joins only the single ones set, and each of its many rows is read in a query of its own only when
    it holds some, as are the other ``sections`` the page reads (by their relation's name). The
    admin's page shows no contributions, follow-ups, versions of its decisions (its history says
    them) nor the renewals of its mandates (their symbols only); without ``versions``, each decision
    carries the last day of assistance of its version in force (``period_end_in_force``).

    With ``history``, only the latest ``history`` entries of its history are read, newest first, into
    ``latest_events`` (``case.events`` is then not loaded), and ``history_length`` counts them all."""
    events = CaseEvent.objects.select_related("actor")
    lookups: list[str | Prefetch] = [
        "elections",
        "requested_types",
        Prefetch("documents", queryset=CaseDocument.objects.select_related("uploaded_by")),
        Prefetch("decisions", queryset=_decisions(versions)),
        # The mandates it rests on (requests_app.mandates declares the link), with their renewals.
        "mandates__renewals" if renewals else "mandates",
        Prefetch("events", queryset=events)
        if history is None
        else Prefetch("events", queryset=events.order_by("-created_at", "-id")[:history], to_attr="latest_events"),
    ]
    # While the focal point may still decide on them, the guards and the page read the recommendations.
    recommendations = Prefetch("recommendations", queryset=Recommendation.objects.select_related("recommended_by"))
    if contributions:
        lookups += [
            Prefetch("contributions", queryset=PartnerContribution.objects.select_related("partner")),
            Prefetch("followed_by", queryset=AssistanceRequest.objects.select_related("member_state", "officer")),
        ]
    joins = {join: presence.root(join) for join in CASE_JOINS}
    relations = [*dict.fromkeys(joins.values()), *(presence.root(lookup) for lookup in lookups)]
    relations += ["recommendations", *sections]
    answer = presence.ask(AssistanceRequest, relations, **lookup)
    if answer is None:
        raise AssistanceRequest.DoesNotExist
    pk, found = answer
    if history is not None:
        entries = CaseEvent.objects.filter(case=OuterRef("pk")).order_by().values("case").annotate(n=Count("pk"))
        cases = cases.annotate(history_length=Coalesce(Subquery(entries.values("n")), 0))
    case = cases.select_related(*(join for join, root in joins.items() if found[root])).get(pk=pk)
    presence.remember(case, found)
    presence.prefetch(case, *lookups, *([recommendations] if case.stage in REVIEW_STAGES else []))
    return case


def _decisions(versions: bool) -> QuerySet[Decision]:
    decisions = Decision.objects.select_related("decided_by").prefetch_related("assistance_types")
    if versions:
        return decisions.prefetch_related(
            Prefetch(
                "amendments",
                queryset=DecisionAmendment.objects.select_related("amended_by").prefetch_related("assistance_types"),
            )
        )
    # An amendment holds the whole of its version: the latest one's period is the one in force.
    latest = DecisionAmendment.objects.filter(decision=OuterRef("pk")).order_by("-version").values("period_end")[:1]
    return decisions.annotate(period_end_in_force=Coalesce(Subquery(latest), "period_end"))


# While the focal point may still decide on them, the guards and the page read the recommendations.
REVIEW_STAGES = frozenset({Stage.RECEIVED, Stage.UNDER_REVIEW})


def pending_recommendation(case: AssistanceRequest) -> Recommendation | None:
    """The officer's recommendation that awaits the focal point's decision (None: none awaits)."""
    if case.stage not in REVIEW_STAGES:
        return None
    return latest_recommendation(case)


def linked_cases(user: User, cases: list[AssistanceRequest]) -> list[AssistanceRequest]:
    """Of the cases a case follows or is followed by, those this user may see (the others do not exist for them)."""
    return [case for case in cases if may_see(user, case)]


def available_actions(case: AssistanceRequest, user: User) -> list[tuple[Action, Reasons]]:
    """The actions this user may take on the case now, each with what still blocks it.

    Only for a user who works the case (may_work_on): the services refuse everyone else, so
    the pages offer them nothing and say who acts instead (next_actors)."""
    if case.stage in Stage.ends() or not may_work_on(user, case):
        return []
    return [
        (action, action.blockers(case))
        for action in actions_from(case.stage)
        if action.applies_to(case) and user.has_perm(action.permission)
    ]


def stage_steps(case: AssistanceRequest) -> list[Action]:
    """The actions the case's stage waits for, as the transition table says.

    An action open from every stage (the state's withdrawal) is not what a stage waits for."""
    if case.stage in Stage.ends():
        return []
    return [action for action in actions_from(case.stage) if action.sources != OPEN_STAGES and action.awaited(case)]


def _first_role_with(permission: str, role_permissions: dict[str, set[str]]) -> str | None:
    """The first-line role that holds a permission (roles.ALL is ordered from first line up)."""
    return next((role for role in roles.ALL if permission in role_permissions.get(role, ())), None)


def _who(role: str, case: AssistanceRequest, desk_lead: Callable[[], User | None]) -> str:
    """The role that acts, and the person where the case says who it is (desk_lead: read when asked)."""
    if role == roles.ELECTORAL_OFFICER:
        if case.officer_id and case.officer:
            return gettext("the assigned officer, %(name)s") % {"name": display_name(case.officer)}
        lead = desk_lead()
        if lead:
            return gettext("an electoral officer, once the team lead, %(name)s, assigns one") % {
                "name": display_name(lead)
            }
        return gettext("an electoral officer, once one is assigned")
    if role == roles.TEAM_LEAD:
        lead = desk_lead()
        if lead:
            return gettext("the team lead, %(name)s") % {"name": display_name(lead)}
        return gettext("the team lead of the desk")
    if role == roles.FOCAL_POINT:
        people = list(get_user_model().objects.filter(groups__name=roles.FOCAL_POINT, is_active=True)[:2])
        if len(people) == 1:
            return gettext("the focal point, %(name)s") % {"name": display_name(people[0])}
        return gettext("the focal point")
    return gettext("a member of the role “%(role)s”") % {"role": role}


def _desk_lead(case: AssistanceRequest) -> User | None:
    desk = (
        RegionalDesk.objects.filter(regional_group=case.member_state.regional_group).select_related("team_lead").first()
    )
    return desk.team_lead if desk and desk.team_lead and desk.team_lead.is_active else None


def next_actors(case: AssistanceRequest, user: User) -> list[tuple[str, list[StrOrPromise]]]:
    """Who acts now, when this user cannot take any step the case's stage waits for.

    A list of (who, [action labels]) derived from the transition table: each step goes to the
    first-line role whose group holds its permission, named by the person where the case says
    (the assigned officer, the desk's team lead, the focal point). Empty when the user can act
    or the case has ended."""
    steps = stage_steps(case)
    if not steps:
        return []
    if may_work_on(user, case) and any(user.has_perm(action.permission) for action in steps):
        return []
    role_permissions: dict[str, set[str]] = {}
    for role, app_label, codename in Group.objects.filter(name__in=roles.ALL).values_list(
        "name", "permissions__content_type__app_label", "permissions__codename"
    ):
        role_permissions.setdefault(role, set()).add(f"{app_label}.{codename}")
    leads: list[User | None] = []

    def desk_lead() -> User | None:
        if not leads:
            leads.append(_desk_lead(case))
        return leads[0]

    actors: dict[str, list[StrOrPromise]] = {}
    for action in steps:
        first_role = _first_role_with(action.permission, role_permissions)
        who = (
            _who(first_role, case, desk_lead)
            if first_role
            else gettext("someone with the permission “%(permission)s”") % {"permission": action.permission}
        )
        actors.setdefault(who, []).append(_step_label(action, case))
    return list(actors.items())


def _step_label(action: Action, case: AssistanceRequest) -> StrOrPromise:
    """The step's label; a decision that follows the officer's recommendation says whose, and what it says."""
    recommendation = pending_recommendation(case) if action.name in RECOMMENDED_ACTIONS else None
    if recommendation is None:
        return action.label
    name = display_name(recommendation.recommended_by)
    if action.name == "accept_emb_request" and recommendation.accept_emb_request is False:
        return gettext("%(action)s (%(name)s recommends not to)") % {"action": action.label, "name": name}
    if action.name == "accept_emb_request":
        return gettext("%(action)s (recommended by %(name)s)") % {"action": action.label, "name": name}
    if not recommendation.method:
        return action.label  # recommended not to accept the request: no assessment recommended
    return gettext("%(action)s (recommended by %(name)s: %(method)s)") % {
        "action": action.label,
        "name": name,
        "method": recommendation.get_method_display(),
    }


# The focal point's decisions that follow the officer's recommendation.
RECOMMENDED_ACTIONS = frozenset({"accept_emb_request", "start_assessment"})


def assignable_officers() -> QuerySet[User]:
    """Every active staff member: whom the lists filter by (a case may still be with someone who moved on)."""
    return (
        get_user_model().objects.filter(is_active=True, is_staff=True).order_by("first_name", "last_name", "username")
    )


def case_workers(regional_group: str | None = None) -> QuerySet[User]:
    """Whom a case can be assigned to: staff who can work a case: electoral officers and team leads (by
    role, or holding the right to implement themselves), never finance, the intake clerk or an
    administrator. Those of the desk of
    ``regional_group`` come first."""
    from requests_app.core.roles import ELECTORAL_OFFICER, TEAM_LEAD

    User = get_user_model()
    workers = User.objects.filter(is_active=True, is_staff=True, is_superuser=False).filter(
        Q(groups__name__in=[ELECTORAL_OFFICER, TEAM_LEAD])
        | Q(
            user_permissions__codename="manage_implementation", user_permissions__content_type__app_label="requests_app"
        )
    )
    users = User.objects.filter(pk__in=workers.values("pk"))
    order = ["first_name", "last_name", "username"]
    if regional_group:
        on_desk = RegionalDesk.objects.filter(
            Q(members=OuterRef("pk")) | Q(team_lead=OuterRef("pk")), regional_group=regional_group
        )
        users = users.annotate(on_desk=Exists(on_desk))
        order.insert(0, "-on_desk")
    return users.order_by(*order)


def _stage_rows(cases: QuerySet[AssistanceRequest]) -> list[dict[str, Any]]:
    """One bar per stage: how many of the visible cases stand at it."""
    per_stage = dict(cases.values_list("stage").annotate(n=Count("id")).order_by())
    return bar_rows([(stage.label, per_stage.get(stage.value, 0), stage.value) for stage in Stage])


def _overdue_rows(cases: QuerySet[AssistanceRequest], *, now: datetime) -> list[dict[str, Any]]:
    """One bar per officer (or "Unassigned"): their open cases past the stage's due date, most first."""
    overdue = (
        cases.filter(stage__in=Stage.open_stages(), stage_due_at__lt=now)
        .values("officer_id", "officer__first_name", "officer__last_name", "officer__username")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    return bar_rows([(_officer_label(row), row["n"], str(row["officer_id"] or "none")) for row in overdue])


def _officer_label(row: Mapping[str, Any]) -> StrOrPromise:
    """An overdue row's officer as people read them: full name, else login; "Unassigned" when none."""
    if not row["officer_id"]:
        return gettext("Unassigned")
    return " ".join(filter(None, [row["officer__first_name"], row["officer__last_name"]])) or row["officer__username"]


def _outcome_rows(cases: QuerySet[AssistanceRequest], *, year: int) -> list[dict[str, Any]]:
    """One bar per decision outcome: the decisions taken on the visible cases in the year."""
    outcomes = dict(
        Decision.objects.filter(decided_at__year=year, case__in=cases)
        .values_list("outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    return bar_rows([(label, outcomes.get(value, 0), value) for value, label in DecisionOutcome.choices])


def _elections_ahead(cases: QuerySet[AssistanceRequest], *, today: date) -> list[Election]:
    """The next six months' elections (at most 100) of the cases still open."""
    # Elections the unit still works towards: a withdrawn or declined case's election is not one.
    return list(
        Election.objects.filter(
            planned_date__gte=today,
            planned_date__lte=today + relativedelta(months=6),
            case__in=cases,
            case__stage__in=Stage.open_stages(),
        )
        .select_related("case__member_state", "case__officer")
        .order_by("planned_date", "id")[:100]
    )


def _region_chart(cases: QuerySet[AssistanceRequest], *, today: date) -> dict[str, Any]:
    """Cases received per year over the last five years and this one, one bar per regional group."""
    first_year = today.year - 5
    per_region_year = (
        cases.filter(received_date__year__gte=first_year)
        .annotate(year=ExtractYear("received_date"))
        .values_list("year", "member_state__regional_group")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {(year, region): n for year, region, n in per_region_year}
    years = list(range(first_year, today.year + 1))
    return grouped_bars(
        groups=[str(year) for year in years],
        series=[(label, [counts.get((year, value), 0) for year in years]) for value, label in RegionalGroup.choices],
    )


def dashboard(*, user: User, today: date) -> dict[str, Any]:
    """Everything the dashboard shows, in a fixed number of aggregate queries."""
    now = timezone.now()
    cases = visible_cases(user)
    stage_rows = _stage_rows(cases)
    overdue_rows = _overdue_rows(cases, now=now)
    outcome_rows = _outcome_rows(cases, year=today.year)
    elections = _elections_ahead(cases, today=today)
    region_chart = _region_chart(cases, today=today)
    mine = cases.filter(officer=user, stage__in=Stage.open_stages()).aggregate(
        open=Count("id"), overdue=Count("id", filter=Q(stage_due_at__lt=now))
    )
    return {
        "stage_rows": stage_rows,
        "overdue_rows": overdue_rows,
        "overdue_total": sum(row["value"] for row in overdue_rows),
        "outcome_rows": outcome_rows,
        "year": today.year,
        "elections": elections,
        "region_chart": region_chart,
        "mine": mine,
    }
