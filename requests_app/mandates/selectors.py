"""Reads of mandates: a country's, a renewal chain, the intake form's look-up, and those about to expire."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.mandates.models import Mandate, normalise_symbol, organ_of
from requests_app.reference.models import MemberState


def reminder_days() -> int:
    """How many days before a mandate expires the cases resting on it are reminded of it."""
    return int(settings.EAS_MANDATE_EXPIRY_REMINDER_DAYS)


def for_country(country: MemberState, cases: QuerySet[AssistanceRequest] | None = None) -> list[Mandate]:
    """A country's mandates, newest first, with what each renews, its renewals and its cases (of
    ``cases`` only, the reader's, when given): three queries."""
    cases = (AssistanceRequest.objects.all() if cases is None else cases).only(
        "id", "reference", "stage", "member_state_id"
    )
    cases = cases.order_by("-received_date")
    return list(
        Mandate.objects.filter(member_state=country)
        .select_related("renews", "member_state")
        .prefetch_related("renewals", Prefetch("cases", queryset=cases))
        .order_by(F("adopted_on").desc(nulls_last=True), "-id")
    )


def chain(mandate: Mandate) -> list[Mandate]:
    """The mandate with every mandate it renews and every renewal of it, the first one first: one query."""
    by_id = {m.pk: m for m in Mandate.objects.filter(member_state_id=mandate.member_state_id)}
    renewal_of = {m.renews_id: m for m in by_id.values() if m.renews_id is not None}
    first = by_id.get(mandate.pk, mandate)
    seen = {first.pk}
    while first.renews_id in by_id and first.renews_id not in seen:
        first = by_id[first.renews_id]
        seen.add(first.pk)
    ordered = [first]
    while ordered[-1].pk in renewal_of and renewal_of[ordered[-1].pk].pk not in {m.pk for m in ordered}:
        ordered.append(renewal_of[ordered[-1].pk])
    return ordered


def parse_symbols(text: str) -> list[str]:
    """The symbols typed in a form, one per line (or separated by ";" or ","), each normalised, once."""
    symbols: list[str] = []
    for part in text.replace(";", "\n").replace(",", "\n").splitlines():
        symbol = normalise_symbol(part)
        if symbol and symbol not in symbols:
            symbols.append(symbol)
    return symbols


def is_symbol(symbol: str) -> bool:
    """Whether ``symbol`` (normalised) is a Security Council or General Assembly resolution's."""
    return organ_of(symbol) is not None


def by_symbols(country: MemberState, symbols: Iterable[str]) -> dict[str, Mandate]:
    """{symbol: mandate} of the country's mandates among ``symbols``."""
    return {m.symbol: m for m in Mandate.objects.filter(member_state=country, symbol__in=list(symbols))}


def not_renewed() -> Q:
    """On the link table: its mandate has no renewal."""
    return ~Q(Exists(Mandate.objects.filter(renews=OuterRef("mandate_id"))))


class ExpiringLink(NamedTuple):
    """A case resting on a mandate that expires soon: what the reminder sweep needs, as a plain row."""

    case_id: int
    mandate_id: int
    expires_on: date
    stage: str
    stage_entered_at: datetime
    regional_group: str
    officer_email: str | None
    officer_is_active: bool | None


def expiring_links(today: date, days: int) -> list[ExpiringLink]:
    """Open cases resting on a mandate, not renewed, that expires within ``days`` days from ``today``."""
    through = Mandate.cases.through
    rows = (
        through.objects.filter(
            not_renewed(),
            mandate__expires_on__gte=today,
            mandate__expires_on__lte=today + timedelta(days=days),
            assistancerequest__stage__in=Stage.open_stages(),
        )
        .order_by("mandate__expires_on", "assistancerequest_id")
        .values_list(
            "assistancerequest_id",
            "mandate_id",
            "mandate__expires_on",
            "assistancerequest__stage",
            "assistancerequest__stage_entered_at",
            "assistancerequest__member_state__regional_group",
            "assistancerequest__officer__email",
            "assistancerequest__officer__is_active",
        )
    )
    return [ExpiringLink(*row) for row in rows]  # type: ignore[arg-type]  # the filter keeps expires_on set


def still_depended_on(pairs: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """Of these (case id, mandate id), those whose case is open, still rests on the mandate, not renewed."""
    pairs = set(pairs)
    if not pairs:
        return set()
    through = Mandate.cases.through
    rows = through.objects.filter(
        not_renewed(),
        assistancerequest_id__in={case_id for case_id, _m in pairs},
        mandate_id__in={mandate_id for _c, mandate_id in pairs},
        assistancerequest__stage__in=Stage.open_stages(),
    ).values_list("assistancerequest_id", "mandate_id")
    return set(rows) & pairs


def mandate_list() -> QuerySet[Mandate]:
    """The admin's list: each mandate with its country, what it renews and its renewals."""
    return Mandate.objects.select_related("member_state", "renews").prefetch_related("renewals")
