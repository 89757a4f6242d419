"""Money on the Trust Fund's pages: always two decimals, with the language's thousands separators."""

from django import template

from ..services import trust_fund

register = template.Library()


@register.filter
def money(value):
    """120000 -> "120,000.00"; nothing for no value (a blank cell, not "0.00" that means something)."""
    if value is None or value == "":
        return ""
    return trust_fund.money(value)


@register.filter
def rate(value):
    return "" if value is None else trust_fund.rate_text(value)


@register.simple_tag(takes_context=True)
def case_fund(context, case):
    """What a case's page shows of the fund: its allocations and refunds (one query), their net,
    and whether the user may allocate to it now (from the decisions the page has read already)."""
    from ..models import DecisionOutcome

    user = context["request"].user
    if not user.has_perm(trust_fund.STATEMENT_PERMISSION):
        return None
    entries = list(case.ledger_entries.select_related("recorded_by").order_by("value_date", "id"))
    allocated = sum((e.amount_usd for e in entries if e.kind == "allocation"), trust_fund.ZERO)
    refunded = sum((e.amount_usd for e in entries if e.kind == "refund"), trust_fund.ZERO)
    fundable = case.stage in trust_fund.FUNDABLE_STAGES and any(
        decision.outcome in DecisionOutcome.assisting() for decision in case.decisions.all()
    )
    return {
        "entries": entries,
        "allocated": allocated,
        "refunded": refunded,
        "net": allocated - refunded,
        "may_allocate": fundable and user.has_perm(trust_fund.ALLOCATE_PERMISSION),
        "may_refund": bool(entries) and user.has_perm(trust_fund.RECORD_PERMISSION),
    }
