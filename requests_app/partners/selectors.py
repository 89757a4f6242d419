"""Partners' contributions as a reader may see them, and their totals."""

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from requests_app.cases.selectors import visible_cases
from requests_app.core.types import User
from requests_app.partners.models import Partner, PartnerContribution

# Partners (para 6) ---------------------------------------------------------------------------


def visible_contributions(user: User) -> QuerySet[PartnerContribution]:
    return PartnerContribution.objects.filter(case__in=visible_cases(user).values("pk"))


def partner_summaries(user: User, partners: Iterable[Partner]) -> list[dict[str, Any]]:
    """Each partner with what it brought to the cases this user sees: cases, people, funds by currency.

    Two aggregate queries, whatever the number of partners or contributions."""
    Kind = PartnerContribution.Kind
    contributions = visible_contributions(user).filter(partner__in=partners)
    totals: dict[int, Mapping[str, Any]] = {
        row["partner_id"]: row
        for row in contributions.values("partner_id")
        .annotate(
            cases=Count("case_id", distinct=True),
            observers=Sum("people", filter=Q(kind=Kind.OBSERVERS)),
            experts=Sum("people", filter=Q(kind=Kind.TECHNICAL_EXPERTS)),
            in_kind=Count("id", filter=Q(kind=Kind.IN_KIND)),
        )
        .order_by()
    }
    funds: dict[int, list[tuple[str, Decimal]]] = {}
    for partner_id, currency, amount in (
        contributions.filter(kind=Kind.FUNDS)
        .values_list("partner_id", "currency")
        .annotate(total=Sum("amount"))
        .order_by("partner_id", "currency")
    ):
        funds.setdefault(partner_id, []).append((currency, amount))
    return [
        {
            "partner": partner,
            "cases": totals.get(partner.pk, {}).get("cases") or 0,
            "observers": totals.get(partner.pk, {}).get("observers") or 0,
            "experts": totals.get(partner.pk, {}).get("experts") or 0,
            "in_kind": totals.get(partner.pk, {}).get("in_kind") or 0,
            "funds": funds.get(partner.pk, []),
        }
        for partner in partners
    ]
