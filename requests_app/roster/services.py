"""Deploying experts of the roster to cases (paras 8-9), and cancelling a deployment.

An expert is never booked twice for overlapping dates. The check and the booking happen in
one transaction that first locks the expert's row: two bookings of the same expert made at
the same moment queue on that lock, and the second one sees the first and is refused.
Every booking and cancellation is written to its case's history (para 9: institutional memory).
"""

from datetime import date
from typing import Any, cast

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from requests_app.cases import selectors
from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.cases.services import record_event
from requests_app.core.errors import ActionRefused
from requests_app.core.types import StrOrPromise, User
from requests_app.roster.models import Deployment, Expert
from requests_app.roster.selectors import day

ROLE_MAX_LENGTH = cast(int, Deployment._meta.get_field("role").max_length)


def overlapping(expert: Expert, starts_on: date, ends_on: date) -> QuerySet[Deployment]:
    """The expert's bookings that share at least one day with the period (both ends included).

    A cancelled deployment frees its dates; one that ends the day before or starts the day
    after the period does not overlap.
    """
    return (
        Deployment.objects.filter(
            expert=expert, cancelled_at__isnull=True, starts_on__lte=ends_on, ends_on__gte=starts_on
        )
        .select_related("case")
        .order_by("starts_on", "id")
    )


def availability_problems(expert: Expert, starts_on: date, ends_on: date) -> list[StrOrPromise]:
    """Why the expert cannot take a deployment for these dates, leaving other bookings aside."""
    if not expert.is_active:
        return [_("%(expert)s is no longer on the roster.") % {"expert": expert}]
    start, end = expert.available_from, expert.available_until
    if (start and starts_on < start) or (end and ends_on > end):
        if start and end:
            window = _("from %(start)s to %(end)s") % {"start": day(start), "end": day(end)}
        elif start:
            window = _("from %(start)s") % {"start": day(start)}
        else:
            assert end is not None  # neither bound set: nothing is out of the window
            window = _("until %(end)s") % {"end": day(end)}
        return [_("%(expert)s is available only %(window)s.") % {"expert": expert, "window": window}]
    return []


def conflict_message(deployment: Deployment, reader: User | None = None) -> str:
    """The booking in the way; its case named only to a reader who may see it."""
    if reader is not None and not selectors.may_see(reader, deployment.case):
        return _("%(expert)s is already booked from %(start)s to %(end)s.") % {
            "expert": deployment.expert,
            "start": day(deployment.starts_on),
            "end": day(deployment.ends_on),
        }
    return _("%(expert)s is already deployed to %(reference)s as %(role)s from %(start)s to %(end)s.") % {
        "expert": deployment.expert,
        "reference": deployment.case.reference,
        "role": deployment.role,
        "start": day(deployment.starts_on),
        "end": day(deployment.ends_on),
    }


def _event_details(deployment: Deployment) -> dict[str, Any]:
    # "deployment" ties the entry to its row; the timeline does not show it. "expert_role", not
    # "role": the line's labels (history.reading.DETAIL_LABELS) are shared by every kind of entry.
    return {
        "expert": str(deployment.expert),
        "period": [deployment.starts_on, deployment.ends_on],
        "expert_role": deployment.role,
        "deployment": deployment.pk,
    }


def deploy_expert(
    *,
    actor: User | None,
    case: AssistanceRequest,
    expert: Expert | None,
    role: str | None,
    starts_on: date | None,
    ends_on: date | None,
) -> Deployment:
    """Book ``expert`` on ``case`` as ``role`` from ``starts_on`` to ``ends_on`` (both included)."""
    role = " ".join((role or "").split())
    if actor is None or not actor.has_perm("requests_app.add_deployment"):
        raise ActionRefused(_("You do not have permission to deploy experts."))
    with transaction.atomic():
        # The case first, as every action on it does: a case closed at this moment is not
        # given a new deployment. Then the expert: see the module's docstring.
        locked_case = _case_to_deploy_to(case, actor)
        problems = _booking_problems(locked_case, expert, role, starts_on, ends_on)
        if problems:
            raise ActionRefused(*problems)
        assert expert is not None and starts_on is not None and ends_on is not None  # else refused above
        locked_expert = _free_expert(expert, starts_on, ends_on, actor=actor)
        now = timezone.now()
        deployment = Deployment.objects.create(
            expert=locked_expert,
            case=locked_case,
            role=role,
            starts_on=starts_on,
            ends_on=ends_on,
            recorded_by=actor,
            recorded_at=now,
        )
        record_event(
            case=locked_case, actor=actor, action="expert_deployed", details=_event_details(deployment), at=now
        )
    return deployment


def _case_to_deploy_to(case: AssistanceRequest, actor: User) -> AssistanceRequest:
    """The case, locked, if ``actor`` works on it (its officer, or its desk's team lead); refused if not."""
    locked = AssistanceRequest.objects.select_for_update().get(pk=case.pk)
    if not selectors.may_work_on(actor, locked):
        raise ActionRefused(
            _("This case is not assigned to you: its officer, or the team lead of its desk, deploys experts to it.")
        )
    return locked


def _free_expert(expert: Expert, starts_on: date, ends_on: date, *, actor: User) -> Expert:
    """The expert, locked, if available and booked nowhere else on these dates; refused, saying why, if not."""
    locked = Expert.objects.select_for_update().get(pk=expert.pk)
    problems = availability_problems(locked, starts_on, ends_on)
    problems += [conflict_message(other, actor) for other in overlapping(locked, starts_on, ends_on)]
    if problems:
        raise ActionRefused(*problems)
    return locked


def _booking_problems(
    case: AssistanceRequest, expert: Expert | None, role: str, starts_on: date | None, ends_on: date | None
) -> list[StrOrPromise]:
    """What the booking itself lacks, before the expert's calendar is looked at."""
    problems: list[StrOrPromise] = []
    if case.stage in Stage.ends():
        problems.append(
            _("%(reference)s is %(stage)s: experts are deployed only to open cases.")
            % {"reference": case.reference, "stage": case.stage_phrase}
        )
    if not role:
        problems.append(_("Give the expert's role on this case, e.g. Legal adviser."))
    elif len(role) > ROLE_MAX_LENGTH:
        problems.append(_("The role may be at most %(n)d characters long.") % {"n": ROLE_MAX_LENGTH})
    if not starts_on or not ends_on:
        problems.append(_("Give the dates of the deployment, from and until."))
    elif ends_on < starts_on:
        problems.append(
            _("The deployment cannot end (%(end)s) before it starts (%(start)s).")
            % {"start": day(starts_on), "end": day(ends_on)}
        )
    if expert is None:
        problems.append(_("Choose the expert to deploy."))
    return problems


def may_cancel(user: User, deployment: Deployment) -> bool:
    """Whether ``user`` may cancel the deployment: the right, and the case is theirs to work on."""
    return bool(
        deployment.cancelled_at is None
        and user.has_perm("requests_app.change_deployment")
        and selectors.may_work_on(user, deployment.case)
    )


def cancel_deployment(*, actor: User | None, deployment: Deployment, comment: str | None) -> Deployment:
    """Cancel a booking: its dates are free again; the booking stays in the record, marked cancelled.

    A deployment on a case that has ended may still be cancelled, so that a withdrawn or
    declined case does not keep its experts booked.
    """
    comment = (comment or "").strip()
    if actor is None or not actor.has_perm("requests_app.change_deployment"):
        raise ActionRefused(_("You do not have permission to cancel deployments."))
    with transaction.atomic():
        locked = (
            # Only the deployment's row is locked, not the rows joined to read it.
            Deployment.objects.select_for_update(of=("self",))
            .select_related("expert", "case__member_state")
            .get(pk=deployment.pk)
        )
        if not selectors.may_work_on(actor, locked.case):
            raise ActionRefused(
                _(
                    "This case is not assigned to you: its officer, or the team lead of its desk, "
                    "cancels its deployments."
                )
            )
        if locked.cancelled_at is not None:
            raise ActionRefused(
                _("This deployment was already cancelled on %(when)s.")
                % {"when": day(timezone.localdate(locked.cancelled_at))}
            )
        if not comment:
            raise ActionRefused(_("Say why the deployment is cancelled."))
        now = timezone.now()
        locked.cancelled_at, locked.cancelled_by, locked.cancel_reason = now, actor, comment
        locked.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
        record_event(
            case=locked.case,
            actor=actor,
            action="deployment_cancelled",
            comment=comment,
            details=_event_details(locked),
            at=now,
        )
    return locked
