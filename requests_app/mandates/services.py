"""Mandates recorded, renewed and linked to the cases that rest on them.

Every write leaves an event in the history of each case it concerns: a case linked or unlinked,
the open cases of a mandate carried over to its renewal, the cases of a mandate corrected.
"""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from requests_app.cases import selectors as case_selectors
from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.cases.services import record_event
from requests_app.core.errors import ActionRefused
from requests_app.core.types import User
from requests_app.mandates.models import Mandate


def _refuse_invalid(mandate: Mandate, exclude: list[str] | None = None) -> None:
    """Full validation, each problem said in words the user reads (the admin's form said them first)."""
    try:
        mandate.full_clean(exclude=exclude)
    except ValidationError as error:
        raise ActionRefused(*error.messages) from None


def _described(mandate: Mandate) -> dict[str, Any]:
    return {"mandate": mandate.symbol, "organ": mandate.organ, "expires_on": _day(mandate.expires_on)}


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


@transaction.atomic
def record_mandate(*, actor: User | None, mandate: Mandate, cases: Iterable[AssistanceRequest] = ()) -> Mandate:
    """Record a new mandate (``mandate``: unsaved), and link the cases that rest on it."""
    if actor is None or not actor.has_perm("requests_app.add_mandate"):
        raise ActionRefused(_("You do not have permission to record mandates."))
    if mandate.pk is not None:
        raise ActionRefused(_("This mandate is already recorded."))
    if mandate.renews_id is not None:
        raise ActionRefused(_("A renewal is recorded as such, from the mandate it renews."))
    _refuse_invalid(mandate)
    mandate.recorded_by, mandate.recorded_at = actor, timezone.now()
    mandate.save()
    for case in cases:
        link_case(actor=actor, mandate=mandate, case=case)
    return mandate


@transaction.atomic
def record_renewal(*, actor: User | None, renewed: Mandate, renewal: Mandate) -> Mandate:
    """Record the resolution that renews ``renewed``: a mandate of its own, with its symbol and dates.

    The open cases that rested on the earlier mandate rest on the renewal from now on (each says so
    in its history); the earlier mandate is no longer reminded of, having been renewed."""
    if actor is None or not actor.has_perm("requests_app.add_mandate"):
        raise ActionRefused(_("You do not have permission to record mandates."))
    if renewal.pk is not None:
        raise ActionRefused(_("This mandate is already recorded."))
    earlier = Mandate.objects.select_for_update().select_related("member_state").get(pk=renewed.pk)
    if earlier.renewals.exists():
        raise ActionRefused(
            _("%(symbol)s has already been renewed: record the renewal of its latest renewal.")
            % {"symbol": earlier.symbol}
        )
    renewal.renews = earlier
    if renewal.member_state_id is None:
        renewal.member_state = earlier.member_state
    _refuse_invalid(renewal)
    now = timezone.now()
    renewal.recorded_by, renewal.recorded_at = actor, now
    renewal.save()
    open_cases = list(earlier.cases.filter(stage__in=Stage.open_stages()).order_by("id"))
    renewal.cases.add(*open_cases)
    for case in open_cases:
        record_event(
            case=case,
            actor=actor,
            action="mandate_renewed",
            details={
                "mandate": earlier.symbol,
                "renewal": renewal.symbol,
                "organ": renewal.organ,
                "expires_on": _day(renewal.expires_on),
            },
            at=now,
        )
    return renewal


def _may_link(actor: User | None, case: AssistanceRequest) -> User:
    if actor is None or not actor.has_perm("requests_app.change_assistancerequest"):
        raise ActionRefused(_("You do not have permission to change what a case rests on."))
    if not case_selectors.may_work_on(actor, case):
        raise ActionRefused(_("This case is not assigned to you: its officer, or the team lead of its desk, edits it."))
    return actor


def _locked_case(case: AssistanceRequest) -> AssistanceRequest:
    return AssistanceRequest.objects.select_for_update().select_related("member_state").get(pk=case.pk)


@transaction.atomic
def link_case(*, actor: User | None, mandate: Mandate, case: AssistanceRequest, at: datetime | None = None) -> bool:
    """The case rests on the mandate (too). False when it already did: nothing to record."""
    locked = _locked_case(case)
    _may_link(actor, locked)
    if mandate.member_state_id != locked.member_state_id:
        raise ActionRefused(
            _("%(symbol)s concerns %(country)s, not %(state)s: a case rests only on mandates for its own country.")
            % {"symbol": mandate.symbol, "country": mandate.member_state, "state": locked.member_state}
        )
    if mandate.cases.filter(pk=locked.pk).exists():
        return False
    mandate.cases.add(locked)
    details = {**_described(mandate), "basis": locked.basis}
    record_event(case=locked, actor=actor, action="mandate_linked", details=details, at=at)
    return True


@transaction.atomic
def unlink_case(*, actor: User | None, mandate: Mandate, case: AssistanceRequest) -> bool:
    """The case no longer rests on the mandate. False when it did not: nothing to record."""
    locked = _locked_case(case)
    _may_link(actor, locked)
    if not mandate.cases.filter(pk=locked.pk).exists():
        return False
    if not locked.has_request and locked.mandates.count() == 1:
        raise ActionRefused(
            _(
                "%(reference)s rests on %(symbol)s alone: link the mandate that replaces it first, "
                "or record the request it rests on."
            )
            % {"reference": locked.reference, "symbol": mandate.symbol}
        )
    mandate.cases.remove(locked)
    details = {**_described(mandate), "basis": locked.basis}
    record_event(case=locked, actor=actor, action="mandate_unlinked", details=details)
    return True


@transaction.atomic
def set_case_mandates(*, actor: User | None, case: AssistanceRequest, mandates: Iterable[Mandate]) -> None:
    """Link exactly these mandates to the case: the new ones first, so a mandate can replace another."""
    wanted = {mandate.pk: mandate for mandate in mandates}
    current = {mandate.pk: mandate for mandate in Mandate.objects.filter(cases=case)}
    for pk in sorted(set(wanted) - set(current)):
        link_case(actor=actor, mandate=wanted[pk], case=case)
    for pk in sorted(set(current) - set(wanted)):
        unlink_case(actor=actor, mandate=current[pk], case=case)


@transaction.atomic
def update_mandate(*, actor: User | None, mandate: Mandate, changes: dict[str, list[Any]]) -> Mandate:
    """Save a corrected mandate; ``changes`` ({field label: [old, new]}) go to the history of its cases."""
    if actor is None or not actor.has_perm("requests_app.change_mandate"):
        raise ActionRefused(_("You do not have permission to change mandates."))
    if mandate.pk is None:
        raise ActionRefused(_("Record the mandate first."))
    stored = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if stored.adopted_on != mandate.adopted_on:
        mandate.adopted_on_year_only = False  # a person gave the day
    # A mandate carried over without its day of adoption may be corrected before the day is found.
    _refuse_invalid(
        mandate, exclude=["adopted_on"] if stored.adopted_on is None and mandate.adopted_on is None else None
    )
    mandate.save()
    if changes:
        now = timezone.now()
        for case in mandate.cases.order_by("id"):
            record_event(
                case=case,
                actor=actor,
                action="mandate_updated",
                details={"mandate": mandate.symbol, "changes": changes},
                at=now,
            )
    return mandate
