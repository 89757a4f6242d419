"""The Trust Fund's alert below its threshold: once per crossing, by email, from a write or the task."""

import datetime
from decimal import Decimal

import pytest
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from requests_app.core import roles
from requests_app.fund import alerts, selectors
from requests_app.fund import services as fund_services
from requests_app.fund.models import BalanceAlert, TrustFundSettings
from tests.factories import (
    UserFactory,
    member_of,
)
from tests.fund.helpers import NOW, TODAY, D, alert_emails, allocate, pledge, usd

pytestmark = pytest.mark.django_db


def test_the_alert_is_sent_once_per_crossing(frozen, finance, focal, case, threshold, no_support_costs, run):
    finance_2 = member_of(roles.FINANCE, email="treasury@un.example.org")
    member_of(roles.FINANCE, email="gone@un.example.org", is_active=False)
    member_of(roles.ELECTORAL_OFFICER, email="officer@un.example.org")
    run(
        fund_services.record_contribution,
        actor=finance,
        donor="Government of Norway",
        amount=Decimal("600000.00"),
        currency="USD",
        value_date=D(2026, 3, 1),
    )
    assert alert_emails() == [] and not BalanceAlert.objects.exists()

    # Falls below: one email, to every active member of Finance and of the focal point's team.
    run(allocate, focal, case, "150000.00")
    assert len(alert_emails()) == 1
    email = alert_emails()[0]
    assert sorted(email.to) == sorted([finance.email, finance_2.email, focal.email])
    assert email.subject == "[EAS] The Trust Fund is below its threshold: 450,000.00 USD"
    assert "450,000.00 USD, against a threshold of 500,000.00 USD" in " ".join(email.body.split())
    assert "Short of the threshold by: 50,000.00 USD" in email.body
    assert case.reference in email.body
    assert "https://eas.example.org/trust-fund/" in email.body or "/trust-fund/" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html" and "450,000.00 USD" in html
    alert = BalanceAlert.objects.get()
    assert (alert.balance_usd, alert.threshold_usd, alert.sent_at) == (usd("450000.00"), usd("500000.00"), NOW)

    # Another allocation while still below: no new email. Nor do sweeps, however many.
    run(allocate, focal, case, "10000.00")
    run(alerts.check_balance)
    run(alerts.check_balance)
    assert len(alert_emails()) == 1
    assert BalanceAlert.objects.count() == 1

    # A contribution lifts it above: the crossing is over.
    run(
        fund_services.record_contribution,
        actor=finance,
        donor="Government of Japan",
        amount=Decimal("100000.00"),
        currency="USD",
        value_date=TODAY,
    )
    assert selectors.balance() == usd("540000.00")
    alert.refresh_from_db()
    assert alert.recovered_at == NOW
    assert alerts.open_alert() is None
    assert len(alert_emails()) == 1

    # Falls again: a second email.
    frozen.shift(datetime.timedelta(hours=2))
    run(allocate, focal, case, "100000.00")
    assert len(alert_emails()) == 2
    assert BalanceAlert.objects.count() == 2
    assert "440,000.00 USD" in alert_emails()[1].subject


def test_a_balance_exactly_at_the_threshold_is_not_below_it(
    frozen, finance, focal, case, threshold, no_support_costs, run
):
    run(
        fund_services.record_contribution,
        actor=finance,
        donor="Norway",
        amount=Decimal("600000.00"),
        currency="USD",
        value_date=TODAY,
    )
    run(allocate, focal, case, "100000.00")
    assert alert_emails() == []
    run(allocate, focal, case, "0.01")
    assert len(alert_emails()) == 1


def test_the_periodic_task_alerts_too(frozen, finance, threshold, run):
    from requests_app.fund import tasks

    # An empty ledger (a new installation) alerts nobody.
    run(tasks.check_trust_fund_balance.delay)
    assert alert_emails() == [] and not BalanceAlert.objects.exists()
    # A pledge moves no money: the fund, now in use, holds nothing. The first sweep says so, the next do not.
    pledge(finance, "1000000.00")
    run(tasks.check_trust_fund_balance.delay)
    run(tasks.check_trust_fund_balance.delay)
    assert len(alert_emails()) == 1
    assert BalanceAlert.objects.get().balance_usd == usd("0.00")


def test_changing_the_threshold_counts_as_a_crossing(
    frozen, finance, run, admin_client, django_capture_on_commit_callbacks
):
    TrustFundSettings.objects.update(alert_threshold_usd=Decimal("100000.00"))
    run(
        fund_services.record_contribution,
        actor=finance,
        donor="Norway",
        amount=Decimal("300000.00"),
        currency="USD",
        value_date=TODAY,
    )
    assert alert_emails() == []

    row = TrustFundSettings.objects.get()
    url = reverse("admin:requests_app_trustfundsettings_change", args=[row.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"alert_threshold_usd": "400000.00", "support_cost_rate": "13"})
    assert response.status_code == 302
    assert TrustFundSettings.objects.get().alert_threshold_usd == usd("400000.00")
    assert len(alert_emails()) == 1
    # Lowered again below the balance: the crossing is over, and rising again would tell again.
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {"alert_threshold_usd": "200000.00", "support_cost_rate": "13"})
    assert BalanceAlert.objects.get().recovered_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {"alert_threshold_usd": "350000.00", "support_cost_rate": "13"})
    assert len(alert_emails()) == 2


def test_the_alert_task_is_safe_to_run_twice_and_tries_again_after_a_failure(
    frozen, finance, focal, case, threshold, run, monkeypatch
):
    from requests_app.fund import tasks

    real_send = EmailMultiAlternatives.send
    failures = {"left": 1}

    def send(self, *args, **kwargs):
        if failures["left"]:
            failures["left"] -= 1
            raise ConnectionRefusedError("[Errno 111] Connection refused by mail.un.example.org")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    run(
        fund_services.record_contribution,
        actor=finance,
        donor="Norway",
        amount=Decimal("100000.00"),
        currency="USD",
        value_date=TODAY,
    )
    alert = BalanceAlert.objects.get()
    assert alert.sent_at is None and alert_emails() == []  # the mail server refused it; nothing lost

    # The next sweep soon after leaves it to the task's own retries; a later one sends it.
    run(alerts.check_balance)
    assert alert_emails() == []
    frozen.shift(alerts.UNSENT_ALERT_RETRY + datetime.timedelta(minutes=1))
    run(alerts.check_balance)
    assert len(alert_emails()) == 1
    alert.refresh_from_db()
    assert alert.sent_at is not None

    # Delivered twice: sends nothing more.
    assert tasks.send_balance_alert.delay(alert.pk).get() is False
    assert alerts.send_alert(alert.pk) is False
    assert len(alert_emails()) == 1


def test_with_nobody_in_the_roles_the_focal_points_office_is_told(frozen, threshold, run, settings):
    settings.EAS_FOCAL_POINT_EMAILS = ["focal-point@un.example.org"]
    superuser = UserFactory(is_superuser=True)
    run(
        fund_services.record_pledge,
        actor=superuser,
        donor="Norway",
        amount=Decimal("5.00"),
        currency="USD",
        value_date=TODAY,
    )
    run(alerts.check_balance)
    assert alert_emails()[0].to == ["focal-point@un.example.org"]


def test_the_alert_is_written_in_each_recipients_language(
    frozen, finance, focal, case, threshold, no_support_costs, run
):
    from django.core import mail
    from django.utils import translation
    from django.utils.translation import gettext

    from requests_app.accounts.services import set_language

    set_language(finance, "fr")
    colleague = member_of(roles.FINANCE, email="tresorerie@un.example.org")
    set_language(colleague, "fr")
    run(
        fund_services.record_contribution,
        actor=finance,
        donor="Government of Norway",
        amount=Decimal("600000.00"),
        currency="USD",
        value_date=D(2026, 3, 1),
    )
    run(allocate, focal, case, "150000.00")

    # One email per language: the French readers of Finance together, the focal point in English.
    by_reader = {tuple(sorted(email.to)): email for email in mail.outbox}
    assert set(by_reader) == {tuple(sorted([finance.email, colleague.email])), (focal.email,)}
    french, english = by_reader[tuple(sorted([finance.email, colleague.email]))], by_reader[(focal.email,)]
    english_subject = "[EAS] The Trust Fund is below its threshold: %(balance)s USD"
    with translation.override("fr"):
        subject = gettext(english_subject)
    assert subject != english_subject, "the French catalogue does not translate the alert's subject"
    assert french.subject.startswith(subject.split("%(balance)s")[0]) and "450" in french.subject
    assert english.subject == "[EAS] The Trust Fund is below its threshold: 450,000.00 USD"
    assert french.extra_headers["Content-Language"] == "fr" and "Short of the threshold by" not in french.body
