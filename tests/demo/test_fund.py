"""The demo's Trust Fund ledger, made through the services."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone

from requests_app.core import roles
from requests_app.fund import earmarks, selectors, statement
from requests_app.fund.models import NOT_EARMARKED, BalanceAlert, ExchangeRate, LedgerEntry, Purpose
from requests_app.fund.money import support_cost
from requests_app.history.models import CaseEvent
from tests.fund.helpers import D, Kind, alert_emails

pytestmark = pytest.mark.django_db


# Demo data -------------------------------------------------------------------------------------


def test_the_demo_has_a_ledger_made_through_the_services():
    from django.core.management import call_command

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Trust Fund: " in out.getvalue()
    kinds = {kind: LedgerEntry.objects.filter(kind=kind).count() for kind in Kind.values}
    assert kinds[Kind.PLEDGE] >= 3 and kinds[Kind.CONTRIBUTION] >= 3 and kinds[Kind.ALLOCATION] >= 3
    assert kinds[Kind.REFUND] == 1 and kinds[Kind.SUPPORT_REFUND] == 1
    assert set(ExchangeRate.objects.values_list("currency", flat=True)) == {"EUR", "GBP", "JPY", "NOK", "SEK"}
    assert len(set(LedgerEntry.objects.exclude(donor="").values_list("donor", flat=True))) >= 5
    # Every allocation went to a case that may receive money for its purpose (an assessment or a panel
    # before the decision), with its support costs at 13%, and is in its history; no day, and no
    # earmark, went below zero.
    allocations = LedgerEntry.objects.filter(kind=Kind.ALLOCATION).select_related("case")
    assert {entry.purpose for entry in allocations} == set(Purpose.values)
    for entry in allocations:
        if entry.case.stage not in selectors.FUNDABLE_STAGES:
            assert entry.purpose in Purpose.before_decision()
            assert entry.case.stage in selectors.BEFORE_DECISION_STAGES
        support = entry.support_entries.get()
        assert entry.support_rate == Decimal("13.00") and support.amount_usd == support_cost(entry.amount_usd, 13)
        assert CaseEvent.objects.filter(case=entry.case, action="fund_allocation").exists()
    for day in LedgerEntry.objects.values_list("value_date", flat=True).distinct():
        assert selectors.balance(day) >= 0
        unearmarked, pools = earmarks.pools(day)
        assert unearmarked.held >= 0 and all(pool.held >= 0 for pool in pools)
    # Earmarked to a country, a regional group and a purpose; each earmark used by an allocation.
    earmarked = LedgerEntry.objects.filter(kind=Kind.CONTRIBUTION).exclude(NOT_EARMARKED)
    assert earmarked.exclude(earmark_country=None).exists()
    assert earmarked.exclude(earmark_region="").exists() and earmarked.exclude(earmark_purpose="").exists()
    assert all(contribution.earmark_uses.exists() for contribution in earmarked)
    # Close to the threshold, not below it: seeding sends no email.
    assert selectors.settings_row().alert_threshold_usd < selectors.balance() < Decimal("1500000")
    assert not BalanceAlert.objects.exists() and alert_emails() == []
    assert statement.statement(D(1, 1, 1), timezone.localdate()).outstanding_usd > 0
    finance = LedgerEntry.objects.filter(kind=Kind.CONTRIBUTION).first().recorded_by
    assert finance.groups.filter(name=roles.FINANCE).exists()

    # Again: nothing added (entries are never deleted, so nothing would be set right by a second run).
    before = LedgerEntry.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", "--if-empty", stdout=io.StringIO())
    assert LedgerEntry.objects.count() == before
