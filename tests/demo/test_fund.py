"""The demo's Trust Fund ledger, made through the services."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone

from requests_app.core import roles
from requests_app.fund import selectors, statement
from requests_app.fund.models import BalanceAlert, ExchangeRate, LedgerEntry
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
    assert kinds[Kind.REFUND] == 1
    assert set(ExchangeRate.objects.values_list("currency", flat=True)) == {"EUR", "GBP", "JPY", "NOK", "SEK"}
    assert len(set(LedgerEntry.objects.exclude(donor="").values_list("donor", flat=True))) >= 5
    # Every allocation went to an approved case, is in its history, and no day went below zero.
    for entry in LedgerEntry.objects.filter(kind=Kind.ALLOCATION).select_related("case"):
        assert entry.case.stage in selectors.FUNDABLE_STAGES
        assert CaseEvent.objects.filter(case=entry.case, action="fund_allocation").exists()
    for day in LedgerEntry.objects.values_list("value_date", flat=True).distinct():
        assert selectors.balance(day) >= 0
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
