"""Reads of the roster shared by its pages, the case page and the deploy form, each at a fixed
number of queries (see selectors.py for the cases)."""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, TypeVar

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app.cases import selectors
from requests_app.cases.models import AssistanceRequest
from requests_app.core import presence
from requests_app.core.charts import PALETTE
from requests_app.core.types import User
from requests_app.reference.models import RegionalGroup
from requests_app.roster.models import Deployment, Expert

ExpertsT = TypeVar("ExpertsT", bound=Iterable[Expert])


def day(value: date) -> str:
    """A date as the refusals and the history write it: 3 Mar 2026."""
    return formats.date_format(value, "DATE_FORMAT")


def roster() -> QuerySet[Expert]:
    """Experts with what a row of the roster shows. Cases come with their Member State, which
    says whether the reader may open them (selectors.may_see)."""
    today = timezone.localdate()
    # The plugin sees to_attr as redefining Expert.upcoming_deployments, which Expert declares on purpose.
    return Expert.objects.select_related("nationality").prefetch_related(  # type: ignore[no-redef]
        "expertise",
        "languages",
        Prefetch(
            "deployments",
            queryset=Deployment.objects.filter(cancelled_at__isnull=True, ends_on__gte=today)
            .select_related("case__member_state")
            .order_by("starts_on", "id"),
            to_attr="upcoming_deployments",
        ),
    )


def free_between(queryset: QuerySet[Expert], starts_on: date, ends_on: date) -> QuerySet[Expert]:
    """The experts who may take a deployment for the whole period: on the roster, available
    on each of its days, and booked on none of them (cancelled bookings free their dates)."""
    booked = Deployment.objects.filter(
        expert=OuterRef("pk"), cancelled_at__isnull=True, starts_on__lte=ends_on, ends_on__gte=starts_on
    )
    return queryset.filter(
        Q(available_from__isnull=True) | Q(available_from__lte=starts_on),
        Q(available_until__isnull=True) | Q(available_until__gte=ends_on),
        ~Exists(booked),
        is_active=True,
    )


def mark_deployments(experts: ExpertsT, user: User, today: date | None = None) -> ExpertsT:
    """Give each expert of a page its current and next deployment, each knowing whether the
    reader may open its case."""
    today = today or timezone.localdate()
    for expert in experts:
        expert.current_deployment = expert.next_deployment = None
        for deployment in expert.upcoming_deployments:
            deployment.case_visible = selectors.may_see(user, deployment.case)
            if deployment.starts_on <= today and expert.current_deployment is None:
                expert.current_deployment = deployment
            elif deployment.starts_on > today and expert.next_deployment is None:
                expert.next_deployment = deployment
    return experts


# Diversity ---------------------------------------------------------------------------------------


def _shares(
    counts: Mapping[str, Any], total: int, whole: Mapping[Any, int] | None = None, whole_total: int = 0
) -> list[dict[str, Any]]:
    """Rows of a breakdown: count, share of the total in percent, and its colour; with the whole
    roster's share alongside when the breakdown is of part of it."""
    rows: list[dict[str, Any]] = []
    for index, (key, label) in enumerate(counts["labels"]):
        value = counts["values"].get(key, 0)
        row = {
            "key": key,
            "label": label,
            "value": value,
            "pct": round(100 * value / total, 1) if total else 0,
            "color": PALETTE[index % len(PALETTE)],
        }
        if whole is not None:
            row["whole_pct"] = round(100 * whole.get(key, 0) / whole_total, 1) if whole_total else 0
        rows.append(row)
    # Where each share starts on a bar of 100 units, for the stacked bar; and, for a bar per
    # group, its length against the largest share shown (the roster's included), so that the
    # bars use the width and stay comparable with the roster's marks.
    start = 0
    top = max([row["pct"] for row in rows] + [row.get("whole_pct", 0) for row in rows]) or 1
    for row in rows:
        row["x"] = round(start, 2)
        start += row["pct"]
        row["bar"] = round(100 * row["pct"] / top, 1)
        row["whole_bar"] = round(100 * row.get("whole_pct", 0) / top, 1)
    return rows


def diversity(experts: QuerySet[Expert], *, whole_roster: QuerySet[Expert] | None = None) -> dict[str, Any]:
    """Gender and regional balance of ``experts`` (a queryset), in two aggregate queries; with
    ``whole_roster`` (another queryset), that of the whole roster alongside, in two more."""

    def count(queryset: QuerySet[Expert], field: str) -> dict[Any, int]:
        return dict(queryset.values_list(field).annotate(n=Count("pk")).order_by())

    genders = count(experts, "gender")
    regions = count(experts, "nationality__regional_group")
    total = sum(genders.values())
    whole_genders = whole_regions = None
    whole_total = 0
    if whole_roster is not None:
        whole_genders = count(whole_roster, "gender")
        whole_regions = count(whole_roster, "nationality__regional_group")
        whole_total = sum(whole_genders.values())
    gender_rows = _shares({"labels": Expert.Gender.choices, "values": genders}, total, whole_genders, whole_total)
    region_rows = _shares({"labels": RegionalGroup.choices, "values": regions}, total, whole_regions, whole_total)
    women = genders.get(Expert.Gender.FEMALE, 0)
    return {
        "total": total,
        "whole_total": whole_total,
        "compared": whole_roster is not None,
        "gender": gender_rows,
        "region": region_rows,
        "women_pct": round(100 * women / total) if total else None,
        "regions_present": sum(1 for row in region_rows if row["value"]),
    }


# One expert -------------------------------------------------------------------------------------


def expert_detail() -> QuerySet[Expert]:
    return Expert.objects.select_related("nationality").prefetch_related("expertise", "languages")


def deployment_history(expert: Expert, user: User) -> list[Deployment]:
    """Every deployment of the expert, latest first, cancelled ones included with their reason.

    A deployment to a case outside the reader's scope says "booked" with its dates only: the
    booking matters to whoever plans the expert's time; the case, even its reference, does not.
    """
    deployments = list(
        expert.deployments.select_related("case__member_state", "recorded_by", "cancelled_by").order_by(
            "-starts_on", "-id"
        )
    )
    for deployment in deployments:
        deployment.case_visible = selectors.may_see(user, deployment.case)
    return deployments


def deployment_status(deployment: Deployment, today: date | None = None) -> tuple[str, str]:
    today = today or timezone.localdate()
    if deployment.cancelled_at is not None:
        return "cancelled", gettext("Cancelled")
    if deployment.ends_on < today:
        return "ended", gettext("Ended")
    if deployment.starts_on <= today:
        return "current", gettext("Deployed now")
    return "upcoming", gettext("Upcoming")


# The case page ----------------------------------------------------------------------------------


def case_deployments(case: AssistanceRequest) -> list[Deployment]:
    """A case's deployments, booked ones first in date order, then the cancelled ones (no query when
    the case is known to hold none: core.presence)."""
    if not presence.holds(case, "deployments"):
        return []
    deployments = list(
        Deployment.objects.filter(case=case)
        .select_related("expert__nationality", "recorded_by", "cancelled_by")
        .order_by("starts_on", "id")
    )
    return [d for d in deployments if d.cancelled_at is None] + [d for d in deployments if d.cancelled_at is not None]


# The deploy form --------------------------------------------------------------------------------

AVAILABLE = _("Available on these dates")
UNAVAILABLE = _("Booked or not available on these dates")


def expert_choices(
    starts_on: date | None = None, ends_on: date | None = None, user: User | None = None
) -> tuple[list[tuple[Any, Any]], set[int]]:
    """The experts on the roster for the deploy form's select, as (choices, ids not free).

    With the dates, in two groups: those free for the whole period, then the others, each
    saying why (booked elsewhere, or available only later or earlier). They stay selectable:
    the service's refusal then names the booking. Three queries; a booking on a case ``user``
    may not see says "booked" without its reference.
    """
    experts = list(Expert.objects.filter(is_active=True).select_related("nationality").prefetch_related("expertise"))
    if not (starts_on and ends_on and starts_on <= ends_on):
        return [("", "—")] + [(e.pk, _label(e)) for e in experts], set()
    bookings: dict[int, Deployment] = {}
    for deployment in (
        Deployment.objects.filter(cancelled_at__isnull=True, starts_on__lte=ends_on, ends_on__gte=starts_on)
        .select_related("case")
        .order_by("starts_on", "id")
    ):
        bookings.setdefault(deployment.expert_id, deployment)
    available: list[tuple[int, str]] = []
    others: list[tuple[int, str]] = []
    for expert in experts:
        booking = bookings.get(expert.pk)
        if booking is not None and user is not None and selectors.may_see(user, booking.case):
            why = gettext("booked on %(reference)s until %(end)s") % {
                "reference": booking.case.reference,
                "end": day(booking.ends_on),
            }
        elif booking is not None:
            why = gettext("booked until %(end)s") % {"end": day(booking.ends_on)}
        elif expert.available_from and expert.available_from > starts_on:
            why = gettext("available from %(start)s") % {"start": day(expert.available_from)}
        elif expert.available_until and expert.available_until < ends_on:
            why = gettext("available until %(end)s") % {"end": day(expert.available_until)}
        else:
            available.append((expert.pk, _label(expert)))
            continue
        others.append((expert.pk, _label(expert, why)))
    choices: list[tuple[Any, Any]] = [("", "—")]
    if available:
        choices.append((str(AVAILABLE), available))
    if others:
        choices.append((str(UNAVAILABLE), others))
    return choices, {pk for pk, _label_text in others}


def _label(expert: Expert, why: str = "") -> str:
    """Name and nationality, why the expert is not free (first, so a narrow select still shows
    it), then the areas of expertise."""
    areas = ", ".join(area.local_name for area in expert.expertise.all())
    name = f"{expert.family_name}, {expert.given_name} ({expert.nationality.local_name})"
    return f"{name} — {why} · {areas}" if why else f"{name} · {areas}"
