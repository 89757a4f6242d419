"""Para 6: recording what partner organisations bring to a case."""

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from requests_app.cases import selectors
from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.cases.services import record_event
from requests_app.core.errors import ActionRefused
from requests_app.core.types import StrOrPromise, User
from requests_app.partners.models import Partner, PartnerContribution

Kind = PartnerContribution.Kind
PEOPLE_KINDS = frozenset({Kind.OBSERVERS, Kind.TECHNICAL_EXPERTS})
CURRENCY = re.compile(r"^[A-Z]{3}$")


def contribution_problems(
    *,
    partner: Partner | None,
    kind: str,
    people: int | None,
    amount: Decimal | None,
    currency: str | None,
    description: str | None,
    starts_on: date | None,
    ends_on: date | None,
) -> list[StrOrPromise]:
    """What is wrong with a contribution as given, in words for the user; empty when it may be recorded."""
    problems: list[StrOrPromise] = []
    if partner is not None and not partner.is_active:
        problems.append(_("%(partner)s is no longer an active partner.") % {"partner": partner})
    if kind not in Kind.values:
        problems.append(_("Choose what the partner contributes."))
    if kind in PEOPLE_KINDS and not people:
        problems.append(_("Give the number of observers or experts the partner provides."))
    if kind == Kind.FUNDS:
        if amount is None or amount <= 0:
            problems.append(_("Give the amount of the funds, more than zero."))
        if not CURRENCY.match(currency or ""):
            problems.append(_("Give the currency of the funds as a three-letter code, e.g. USD or EUR."))
    elif amount is not None:
        problems.append(_("Only a contribution of funds has an amount; describe the value of other help instead."))
    if kind == Kind.IN_KIND and not (description or "").strip():
        problems.append(_("Describe what the partner provides in kind."))
    if starts_on and ends_on and ends_on < starts_on:
        problems.append(_("A contribution cannot end before it starts."))
    return problems


def record_contribution(
    *,
    actor: User | None,
    case: AssistanceRequest,
    partner: Partner,
    kind: str,
    people: int | None = None,
    amount: Decimal | None = None,
    currency: str | None = "",
    description: str | None = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> PartnerContribution:
    """Record one partner's contribution to a case and write it into the case's history."""
    currency = (currency or "").strip().upper()
    with transaction.atomic():
        locked, actor = _case_to_contribute_to(case, actor)
        problems = contribution_problems(
            partner=partner,
            kind=kind,
            people=people,
            amount=amount,
            currency=currency,
            description=description,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        if problems:
            raise ActionRefused(*problems)
        contribution = PartnerContribution.objects.create(
            case=locked,
            partner=partner,
            kind=kind,
            people=people if kind in PEOPLE_KINDS else None,
            amount=amount if kind == Kind.FUNDS else None,
            currency=currency if kind == Kind.FUNDS else "",
            description=(description or "").strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            recorded_by=actor,
        )
        _contribution_event(contribution, actor=actor)
    return contribution


def _case_to_contribute_to(case: AssistanceRequest, actor: User | None) -> tuple[AssistanceRequest, User]:
    """(the case, locked; the actor) if the actor may record a contribution to it; refused if not.

    The actor needs the permission and the case in their work (its officer, or its desk's team
    lead), and the case must not have ended without assistance (withdrawn or declined).
    """
    locked = AssistanceRequest.objects.select_for_update().select_related("member_state").get(pk=case.pk)
    if actor is None or not actor.has_perm("requests_app.add_partnercontribution"):
        raise ActionRefused(_("You do not have permission to record partner contributions."))
    if not selectors.may_work_on(actor, locked):
        raise ActionRefused(
            _("This case is not assigned to you: its officer, or the team lead of its desk, records contributions.")
        )
    if locked.stage in (Stage.WITHDRAWN, Stage.DECLINED):
        raise ActionRefused(
            _("The case is %(stage)s: no assistance is given, so there is nothing to contribute to.")
            % {"stage": locked.stage_phrase}
        )
    return locked, actor


def _contribution_event(contribution: PartnerContribution, *, actor: User) -> None:
    """The contribution in its case's history: the partner, the kind, and the people or the amount given."""
    details: dict[str, Any] = {"partner": str(contribution.partner), "contribution": contribution.kind}
    if contribution.people:
        details["people"] = contribution.people
    if contribution.amount is not None:
        amount = formats.number_format(contribution.amount, 2, force_grouping=True)
        details["amount"] = f"{amount} {contribution.currency}"
    record_event(
        case=contribution.case,
        actor=actor,
        action="partner_contribution",
        comment=contribution.description,
        details=details,
        at=contribution.recorded_at,
    )
