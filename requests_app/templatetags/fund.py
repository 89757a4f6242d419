"""Money on the Trust Fund's pages: always two decimals, with the language's thousands separators."""

from django import template

from requests_app.fund import money as fund_money
from requests_app.fund import selectors, services

register = template.Library()


@register.filter
def money(value):
    """120000 -> "120,000.00"; nothing for no value (a blank cell, not "0.00" that means something)."""
    if value is None or value == "":
        return ""
    return fund_money.money(value)


@register.filter
def rate(value):
    return "" if value is None else fund_money.rate_text(value)


@register.simple_tag(takes_context=True)
def case_fund(context, case):
    """What a case's page shows of the fund: its allocations and refunds (one query), their net,
    and whether the user may allocate to it now (from the decisions the page has read already)."""
    from requests_app.cases.choices import DecisionOutcome

    user = context["request"].user
    if not user.has_perm(services.STATEMENT_PERMISSION):
        return None
    entries = list(case.ledger_entries.select_related("recorded_by").order_by("value_date", "id"))
    allocated = sum((e.amount_usd for e in entries if e.kind == "allocation"), fund_money.ZERO)
    refunded = sum((e.amount_usd for e in entries if e.kind == "refund"), fund_money.ZERO)
    fundable = case.stage in selectors.FUNDABLE_STAGES and any(
        decision.outcome in DecisionOutcome.assisting() for decision in case.decisions.all()
    )
    return {
        "entries": entries,
        "allocated": allocated,
        "refunded": refunded,
        "net": allocated - refunded,
        "may_allocate": fundable and user.has_perm(services.ALLOCATE_PERMISSION),
        "may_refund": bool(entries) and user.has_perm(services.RECORD_PERMISSION),
    }
