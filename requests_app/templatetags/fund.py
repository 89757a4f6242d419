"""Money on the Trust Fund's pages: always two decimals, with the language's thousands separators."""

from django import template

from requests_app.core import presence
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
    """What a case's page shows of the fund: its allocations and refunds with their programme support
    costs (one query), their net, and whether the user may allocate to it now (from the decisions the
    page has read already)."""
    from requests_app.cases.choices import DecisionOutcome

    user = context["request"].user
    if not user.has_perm(services.STATEMENT_PERMISSION):
        return None
    entries = (
        list(case.ledger_entries.select_related("recorded_by").order_by("value_date", "id"))
        if presence.holds(case, "ledger_entries")
        else []
    )
    allocated = sum((e.amount_usd for e in entries if e.kind == "allocation"), fund_money.ZERO)
    refunded = sum((e.amount_usd for e in entries if e.kind == "refund"), fund_money.ZERO)
    support = sum((-e.signed_usd for e in entries if e.kind in ("support_cost", "support_refund")), fund_money.ZERO)
    # Before its decision a case may receive money for an assessment or a panel; after a decision to assist, any.
    fundable = case.stage in selectors.BEFORE_DECISION_STAGES or (
        case.stage in selectors.FUNDABLE_STAGES
        and any(decision.outcome in DecisionOutcome.assisting() for decision in case.decisions.all())
    )
    return {
        "entries": entries,
        "allocated": allocated,
        "refunded": refunded,
        "net": allocated - refunded,
        "support": support,
        "may_allocate": fundable and user.has_perm(services.ALLOCATE_PERMISSION),
        "may_refund": bool(entries) and user.has_perm(services.RECORD_PERMISSION),
    }


@register.filter
def percent(value):
    """13.00 -> "13%"."""
    return "" if value is None else fund_money.percent_text(value)
