"""What the Trust Fund's tests share: the frozen clock's days, and entries written through the services."""

import datetime
from decimal import Decimal

from django.core import mail
from django.urls import reverse

from requests_app.fund import services as fund_services
from requests_app.fund.models import LedgerEntry

UTC = datetime.UTC
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
APPROVED = datetime.datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
D = datetime.date
Kind = LedgerEntry.Kind
FUND_URL = reverse("workspace:trust-fund")


def usd(text):
    return Decimal(text)


def new_url(kind):
    return reverse("workspace:trust-fund-new", args=[kind])


def contribute(finance, amount, day=TODAY, currency="USD", donor="Government of Norway", **kwargs):
    return fund_services.record_contribution(
        actor=finance, donor=donor, amount=Decimal(amount), currency=currency, value_date=day, **kwargs
    )


def allocate(focal, case, amount, day=TODAY, currency="USD", purpose="project_support", **kwargs):
    return fund_services.allocate(
        actor=focal, case=case, amount=Decimal(amount), currency=currency, value_date=day, purpose=purpose, **kwargs
    )


def refund(finance, case, amount, day=TODAY, currency="USD", **kwargs):
    return fund_services.record_refund(
        actor=finance, case=case, amount=Decimal(amount), currency=currency, value_date=day, **kwargs
    )


def pledge(finance, amount, day=TODAY, currency="USD", donor="Government of Norway"):
    return fund_services.record_pledge(
        actor=finance, donor=donor, amount=Decimal(amount), currency=currency, value_date=day
    )


def refusal(excinfo):
    return " ".join(excinfo.value.messages)


def alert_emails():
    return [message for message in mail.outbox if "Trust Fund" in message.subject]
