"""Demo mandates (issue 13), recorded through the services with the clock moved back.

The scenarios' cases from the Security Council or the General Assembly rest on the mandate recorded
when they are registered (``record_scenario_mandate``). ``seed_mandates`` then tells two stories:
the oldest open case on a Security Council mandate sees its mandate renewed twice (a chain of
three), the latest renewal expiring within the reminder period; and a case assisted on the
government's request comes to rest on a mandate too, when the Council gives the peace operation an
electoral component (a case on both).
"""

import random
from datetime import date, datetime, time, timedelta

import time_machine
from django.utils import timezone

from requests_app.cases.choices import Origin, Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.demo.vocabulary import SC, _mandate_symbol
from requests_app.mandates import selectors, services
from requests_app.mandates.models import Mandate

SC_TERM = timedelta(days=182)  # the Council renews a mission's mandate for six months or a year


def _on(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(11, 30)))


def record_scenario_mandate(plan, clerk):
    """The mandate a scenario's case rests on, recorded by the intake desk before the case (once)."""
    existing = Mandate.objects.filter(member_state=plan.state, symbol=plan.mandate_symbol).first()
    if existing is not None:
        return existing
    mandate = Mandate(
        member_state=plan.state,
        organ=plan.origin,
        symbol=plan.mandate_symbol,
        adopted_on=plan.letter_date,
        expires_on=plan.letter_date + SC_TERM if plan.origin == SC else None,  # the Assembly's: none
        electoral_tasks=plan.summary,
    )
    return services.record_mandate(actor=clerk, mandate=mandate)


def _new_symbol(rng, state, year):
    taken = set(Mandate.objects.filter(member_state=state).values_list("symbol", flat=True))
    symbol = _mandate_symbol(rng, SC, year)
    while symbol in taken:
        symbol = _mandate_symbol(rng, SC, year)
    return symbol


def _renewal_chain(team, today, rng):
    """The oldest open case on a Council mandate alone: its mandate renewed twice, the latest
    expiring in 45 days (within the reminder period, so the next sweep reminds of it)."""
    case = (
        AssistanceRequest.objects.filter(stage__in=Stage.open_stages(), origin="", mandates__organ=SC)
        .order_by("received_date", "id")
        .first()
    )
    if case is None:
        return 0
    mandate = case.mandates.order_by("adopted_on").first()
    if mandate is None:
        return 0
    first = selectors.chain(mandate)[0]
    if first.renewals.exists() or first.adopted_on is None:
        return 0  # told already
    # Renewed after the case was registered, so its history reads in order.
    start = max(first.adopted_on, case.received_date)
    span = (today - start).days
    if span < 30:
        return 0
    adopted = [start + timedelta(days=span // 3), start + timedelta(days=2 * span // 3)]
    # Each renewal adopted before the mandate it renews expires, and lasting beyond it.
    expires = [adopted[1] + timedelta(days=14), today + timedelta(days=45)]
    if first.expires_on:
        expires[0] = max(expires[0], min(first.expires_on, today + timedelta(days=30)))
    latest = first
    for adopted_on, expires_on in zip(adopted, expires, strict=True):
        renewal = Mandate(
            organ=SC,
            symbol=_new_symbol(rng, case.member_state, adopted_on.year),
            adopted_on=adopted_on,
            expires_on=expires_on,
            electoral_tasks=f"Renews the mandate of {latest.symbol}; the electoral support continues.",
        )
        with time_machine.travel(_on(adopted_on), tick=False):
            latest = services.record_renewal(actor=team.focal_point, renewed=latest, renewal=renewal)
    return 2


def _request_and_mandate(team, today, rng):
    """An assisted case on the government's request, resting on a Council mandate too."""
    if Mandate.objects.filter(cases__origin=Origin.GOVERNMENT).exists():
        return 0  # told already
    case = (
        AssistanceRequest.objects.filter(
            origin=Origin.GOVERNMENT,
            stage__in=[Stage.DECISION_COMMUNICATED, Stage.IN_IMPLEMENTATION],
            mandates__isnull=True,
        )
        .select_related("member_state")
        .order_by("reference")
        .first()
    )
    if case is None:
        return 0
    adopted_on = min(case.received_date + timedelta(days=20), today - timedelta(days=10))
    if adopted_on <= case.received_date:
        return 0
    mandate = Mandate(
        member_state=case.member_state,
        organ=SC,
        symbol=_new_symbol(rng, case.member_state, adopted_on.year),
        adopted_on=adopted_on,
        expires_on=adopted_on + 2 * SC_TERM,
        electoral_tasks=(
            f"Gives the peace operation in {case.member_state.name} an electoral component: logistic and "
            "security support to the national electoral authorities, in coordination with the Division."
        ),
    )
    with time_machine.travel(_on(adopted_on), tick=False):
        mandate = services.record_mandate(actor=team.clerk, mandate=mandate)
    with time_machine.travel(_on(adopted_on + timedelta(days=3)), tick=False):
        services.link_case(actor=team.focal_point, mandate=mandate, case=case)
    return 1


def seed_mandates(*, team, now, stdout, seed):
    rng = random.Random(f"{seed}/mandates")
    today = timezone.localdate(now)
    renewals = _renewal_chain(team, today, rng)
    both = _request_and_mandate(team, today, rng)
    stdout.write(
        f"Mandates: {Mandate.objects.count()} in all; {renewals} renewals recorded, "
        f"{both} case newly resting on both a request and a mandate."
    )
