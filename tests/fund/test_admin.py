"""The Trust Fund in the admin: records read only, the threshold an administrator's."""

from decimal import Decimal

import pytest
from django.urls import reverse

from requests_app.fund.models import BalanceAlert, LedgerEntry, TrustFundSettings
from tests.factories import exchange_rate
from tests.fund.helpers import TODAY, contribute

pytestmark = pytest.mark.django_db


# The admin: records read, the threshold an administrator's --------------------------------------


def test_the_ledger_rates_and_alerts_are_read_only_in_the_admin(admin_client, frozen, finance, no_alert):
    entry = contribute(finance, "1234567.80")
    rate = exchange_rate("EUR", TODAY, "1.1", actor=finance)
    alert = BalanceAlert.objects.create(balance_usd=Decimal("1.00"), threshold_usd=Decimal("2.00"))
    from tests.csp import assert_strict_policy_and_nothing_inline

    for model, obj in (("ledgerentry", entry), ("exchangerate", rate), ("balancealert", alert)):
        # With rows to show, under the site's Content-Security-Policy.
        assert_strict_policy_and_nothing_inline(admin_client.get(reverse(f"admin:requests_app_{model}_changelist")))
        assert admin_client.get(reverse(f"admin:requests_app_{model}_add")).status_code == 403
        change = admin_client.get(reverse(f"admin:requests_app_{model}_change", args=[obj.pk]))
        assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
        assert admin_client.post(reverse(f"admin:requests_app_{model}_change", args=[obj.pk]), {}).status_code == 403
        assert (
            admin_client.post(reverse(f"admin:requests_app_{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code
            == 403
        )
    entry.refresh_from_db()
    assert entry.amount == Decimal("1234567.80") and LedgerEntry.objects.count() == 1
    # Money as everywhere else, with its separators.
    assert "1,234,567.80" in admin_client.get(reverse("admin:requests_app_ledgerentry_changelist")).content.decode()


def test_only_an_administrator_changes_the_threshold(client, admin_client, finance):
    row = TrustFundSettings.objects.get()
    url = reverse("admin:requests_app_trustfundsettings_change", args=[row.pk])
    assert admin_client.get(reverse("admin:requests_app_trustfundsettings_add")).status_code == 403
    assert (
        admin_client.post(
            reverse("admin:requests_app_trustfundsettings_delete", args=[row.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        f'href="{url}"' in admin_client.get(reverse("admin:requests_app_trustfundsettings_changelist")).content.decode()
    )
    client.force_login(finance)
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(url, {"alert_threshold_usd": "1.00"}).status_code == 403
    assert admin_client.post(url, {"alert_threshold_usd": "-1"}).status_code == 200  # the form says why
    assert TrustFundSettings.objects.get().alert_threshold_usd == Decimal("500000.00")
    assert TrustFundSettings.objects.count() == 1


def test_a_missing_settings_row_is_made_again(frozen, finance, focal, case):
    TrustFundSettings.objects.all().delete()
    contribute(finance, "600000.00")
    assert TrustFundSettings.objects.get().alert_threshold_usd == Decimal("500000.00")


def test_an_allocation_in_the_admin_shows_its_purpose_support_costs_and_earmarked_money(
    admin_client, frozen, finance, focal, case, no_alert
):
    from tests.factories import member_state
    from tests.fund.helpers import allocate

    contribute(finance, "50000.00", donor="Government of Sweden", earmark_country=member_state("GHA"))
    allocation = allocate(focal, case, "10000.00", purpose="expert_panel")
    page = " ".join(
        admin_client.get(reverse("admin:requests_app_ledgerentry_change", args=[allocation.pk]))
        .content.decode()
        .split()
    )
    assert "Expert panel" in page and "13%" in page
    assert "Earmarked money moved (the rest is unearmarked)" in page and "10,000.00" in page
    support = allocation.support_entries.get()
    page = admin_client.get(reverse("admin:requests_app_ledgerentry_change", args=[support.pk])).content.decode()
    assert "1,300.00" in page and str(allocation) in page  # charged on the allocation
    listing = admin_client.get(reverse("admin:requests_app_ledgerentry_changelist"), {"purpose": "expert_panel"})
    assert listing.status_code == 200
    assert "10,000.00" in listing.content.decode() and "Government of Sweden" not in listing.content.decode()
    listing = admin_client.get(reverse("admin:requests_app_ledgerentry_changelist"), {"kind": "contribution"})
    assert "Government of Sweden" in listing.content.decode() and "Ghana" in listing.content.decode()
