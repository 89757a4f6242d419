"""Two allocations at once never overspend an earmark (PostgreSQL: two real transactions in two threads).

Every write of the fund first locks the one TrustFundSettings row (select_for_update), so the second
allocation reads the earmarks only once the first has committed. On SQLite the test is skipped
(tests/conftest.py: the ``postgres`` marker); CI runs it on PostgreSQL.
"""

import contextlib
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from requests_app.core import roles
from requests_app.core.errors import ActionRefused
from requests_app.fund import earmarks, money, selectors
from requests_app.fund import services as fund_services
from requests_app.fund.models import EarmarkDraw, LedgerEntry, TrustFundSettings
from tests.factories import approved_case, member_of

Kind = LedgerEntry.Kind


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_allocations_at_once_never_overspend_an_earmark(officer, monkeypatch):
    finance = member_of(roles.FINANCE)
    focal = member_of(roles.FOCAL_POINT)
    TrustFundSettings.objects.update(alert_threshold_usd=Decimal("0"), support_cost_rate=Decimal("13"))
    # Two countries of one regional group (so that no lock on a case or its country lines them up).
    african = [approved_case(actor=officer, state="GHA"), approved_case(actor=officer, state="KEN")]
    today = timezone.localdate()
    # 200,000 in the fund, which would pay for both; but only the African States' 100,000 is theirs to use.
    for region in ("AFRICAN", "LATIN_AMERICAN_CARIBBEAN"):
        fund_services.record_contribution(
            actor=finance,
            donor="Government of Norway",
            amount=Decimal("100000.00"),
            currency="USD",
            value_date=today,
            earmark_region=region,
        )
    # Both have passed every check but the money's before either goes on, if the lock lets them.
    barrier = threading.Barrier(2)
    real_convert = fund_services._convert

    def convert_then_wait(*args):
        converted = real_convert(*args)
        with contextlib.suppress(threading.BrokenBarrierError):  # the second waits for the first's lock
            barrier.wait(timeout=2)
        return converted

    monkeypatch.setattr(fund_services, "_convert", convert_then_wait)
    results, errors = {}, []
    started = threading.Barrier(2)

    def allocate_60000(case):
        try:
            started.wait(timeout=10)
            fund_services.allocate(
                actor=focal,
                case=case,
                amount=Decimal("60000.00"),
                currency="USD",
                value_date=today,
                purpose="project_support",
            )
            results[case.reference] = "done"
        except ActionRefused as refused:
            results[case.reference] = " ".join(refused.messages)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate_60000, args=(case,)) for case in african]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    done = [reference for reference, result in results.items() if result == "done"]
    assert len(done) == 1, results
    (refused,) = [case for case in african if case.reference not in done]
    # 60,000 and 7,800 of support costs came from the African States' money: 32,200 is left for the second.
    assert results[refused.reference] == (
        f"The fund holds 132,200.00 USD on {money.day_text(today)}. "
        f"{refused.reference} ({refused.member_state.name}, African States) may use 32,200.00 USD of it for "
        "project support: 32,200.00 USD earmarked to African States. "
        "100,000.00 USD is earmarked to what it may not use: 100,000.00 USD to Latin American and Caribbean States. "
        "This allocation is 60,000.00 USD and its programme support costs 7,800.00 USD (13%): 67,800.00 USD in all."
    )
    assert LedgerEntry.objects.filter(kind=Kind.ALLOCATION).count() == 1
    unearmarked, pools = earmarks.pools(today)
    assert {pool.label: pool.held for pool in pools} == {
        "African States": Decimal("32200.00"),
        "Latin American and Caribbean States": Decimal("100000.00"),
    }
    assert unearmarked.held == Decimal("0.00")
    assert sum(EarmarkDraw.objects.values_list("amount_usd", flat=True)) == Decimal("67800.00")
    assert selectors.balance() == Decimal("132200.00")
