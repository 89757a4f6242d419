"""Fixtures of the Trust Fund's tests.

Time is frozen on TODAY; the approved case was decided on APPROVED, so entries can be dated on
any day between. Emails land in Django's locmem outbox; the alert's email leaves after commit, so
the writes that may send one run inside ``django_capture_on_commit_callbacks(execute=True)``
(the ``run`` fixture), and test settings make Celery run the task inline.
"""

from decimal import Decimal

import pytest

from requests_app.core import roles
from requests_app.fund.models import TrustFundSettings
from tests.factories import (
    approved_case,
    exchange_rate,
    member_of,
)
from tests.fund.helpers import APPROVED, NOW, D, allocate, contribute, pledge, refund


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def finance(db):
    return member_of(roles.FINANCE, email="finance.officer@un.example.org")


@pytest.fixture
def focal(db):
    return member_of(roles.FOCAL_POINT, email="focal.point@un.example.org")


@pytest.fixture
def case(officer, time_machine):
    """A case approved for assistance on APPROVED, seen from TODAY."""
    time_machine.move_to(APPROVED, tick=False)
    case = approved_case(actor=officer)
    time_machine.move_to(NOW, tick=False)
    return case


@pytest.fixture
def other_case(officer, time_machine):
    time_machine.move_to(APPROVED, tick=False)
    case = approved_case(actor=officer, state="KEN")
    time_machine.move_to(NOW, tick=False)
    return case


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Call a service, then run what it left for after commit (the alert's email)."""

    def call(service, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(*args, **kwargs)

    return call


@pytest.fixture
def no_alert():
    """A threshold of zero: these tests are about the ledger, not the alert."""
    TrustFundSettings.objects.update(alert_threshold_usd=Decimal("0"))


@pytest.fixture
def no_support_costs():
    """A rate of zero: these tests count the ledger's figures without programme support costs
    (tests/fund/test_support_costs.py counts them)."""
    TrustFundSettings.objects.update(support_cost_rate=Decimal("0"))


@pytest.fixture
def support_rate():
    """The rate of programme support costs, set as an administrator would (13 by default)."""

    def set_rate(rate):
        TrustFundSettings.objects.update(support_cost_rate=Decimal(rate))

    return set_rate


@pytest.fixture
def ledger(frozen, finance, focal, case, other_case, no_alert, no_support_costs):
    """A small ledger whose statement was counted by hand (see the test below)."""
    exchange_rate("EUR", D(2026, 2, 10), "1.1000", actor=finance)
    exchange_rate("JPY", D(2026, 1, 15), "0.0070", actor=finance)
    contribute(finance, "300000.00", day=D(2026, 1, 10), donor="Government of Sweden")  # before the period
    japan = pledge(finance, "50000000", day=D(2026, 1, 15), currency="JPY", donor="Government of Japan")
    contribute(finance, "20000000", day=D(2026, 1, 15), currency="JPY", donor="Government of Japan", pledge=japan)
    allocate(focal, case, "100000.00", day=D(2026, 2, 5))  # in the period
    contribute(finance, "50000.00", day=D(2026, 2, 10), currency="EUR", donor="Government of Germany")
    pledge(finance, "200000.00", day=D(2026, 2, 12), donor="Government of Sweden")
    allocate(focal, other_case, "75000.50", day=D(2026, 2, 20))
    refund(finance, case, "10000.25", day=D(2026, 2, 28))
    contribute(finance, "40000.00", day=D(2026, 3, 5), donor="Government of Sweden")  # after the period
    return {"japan": japan}


@pytest.fixture
def threshold():
    TrustFundSettings.objects.update(alert_threshold_usd=Decimal("500000.00"))
