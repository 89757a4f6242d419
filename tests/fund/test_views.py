"""The Trust Fund's pages: who may see and write what, the statement, the forms, the case page's money."""

from decimal import Decimal

import pytest
from django.urls import reverse

from requests_app.cases.choices import Stage
from requests_app.core import roles
from requests_app.core.errors import ActionRefused
from requests_app.fund import services as fund_services
from requests_app.fund.models import ExchangeRate, LedgerEntry, TrustFundSettings
from tests.factories import (
    case_in_stage,
    exchange_rate,
    member_of,
)
from tests.fund.helpers import FUND_URL, TODAY, D, Kind, allocate, contribute, new_url, pledge, refund, refusal, usd

pytestmark = pytest.mark.django_db


# Who may do what ----------------------------------------------------------------------------------


def test_finance_cannot_allocate_and_the_focal_point_cannot_record_contributions(
    frozen, finance, focal, case, no_alert
):
    contribute(finance, "100000.00")
    with pytest.raises(ActionRefused) as refused:
        allocate(finance, case, "1000.00")
    assert refusal(refused) == "You do not have permission to allocate Trust Fund money."
    for service in (fund_services.record_contribution, fund_services.record_pledge):
        with pytest.raises(ActionRefused):
            service(actor=focal, donor="Norway", amount=Decimal("1.00"), currency="USD", value_date=TODAY)
    with pytest.raises(ActionRefused):
        refund(focal, case, "1.00")
    with pytest.raises(ActionRefused):
        exchange_rate("EUR", TODAY, "1.1", actor=focal)
    with pytest.raises(ActionRefused) as refused:
        fund_services.set_threshold(actor=finance, threshold=Decimal("1.00"))
    assert "Only an administrator" in refusal(refused)
    assert LedgerEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "pages"),
    [
        (
            roles.FINANCE,
            {
                "statement": 200,
                "pledge": 200,
                "contribution": 200,
                "refund": 200,
                "allocation": 403,
                "rates": 200,
                "csv": 200,
                "xlsx": 200,
            },
        ),
        (
            roles.FOCAL_POINT,
            {
                "statement": 200,
                "pledge": 403,
                "contribution": 403,
                "refund": 403,
                "allocation": 200,
                "rates": 200,
                "csv": 200,
                "xlsx": 200,
            },
        ),
        (
            roles.AUDITOR,
            {
                "statement": 200,
                "pledge": 403,
                "contribution": 403,
                "refund": 403,
                "allocation": 403,
                "rates": 200,
                "csv": 200,
                "xlsx": 200,
            },
        ),
        (
            roles.ELECTORAL_OFFICER,
            {
                "statement": 403,
                "pledge": 403,
                "contribution": 403,
                "refund": 403,
                "allocation": 403,
                "rates": 403,
                "csv": 403,
                "xlsx": 403,
            },
        ),
        (roles.TEAM_LEAD, {"statement": 403, "rates": 403, "csv": 403, "allocation": 403}),
        (roles.INTAKE_CLERK, {"statement": 403, "rates": 403, "xlsx": 403, "contribution": 403}),
    ],
)
def test_who_sees_which_page(client, role, pages):
    client.force_login(member_of(role))
    urls = {
        "statement": FUND_URL,
        "rates": reverse("workspace:trust-fund-rates"),
        "csv": reverse("workspace:trust-fund-csv"),
        "xlsx": reverse("workspace:trust-fund-xlsx"),
        **{kind: new_url(kind) for kind in ("pledge", "contribution", "refund", "allocation")},
    }
    assert {name: client.get(urls[name]).status_code for name in pages} == pages


def test_the_menu_shows_the_fund_to_those_who_may_read_it(client):
    client.force_login(member_of(roles.AUDITOR))
    assert 'href="/trust-fund/"' in client.get(reverse("workspace:dashboard")).content.decode()
    client.force_login(member_of(roles.ELECTORAL_OFFICER))
    assert 'href="/trust-fund/"' not in client.get(reverse("workspace:dashboard")).content.decode()


def test_nobody_posts_an_entry_they_may_not_make(client, frozen, finance, focal, case, no_alert):
    contribute(finance, "100000.00")
    client.force_login(finance)
    response = client.post(
        new_url("allocation"), {"case": case.pk, "amount": "10", "currency": "USD", "value_date": "2026-03-10"}
    )
    assert response.status_code == 403
    client.force_login(focal)
    response = client.post(
        reverse("workspace:trust-fund-rates"), {"currency": "EUR", "day": "2026-03-10", "usd_per_unit": "1.1"}
    )
    assert response.status_code == 403
    client.logout()
    assert client.get(FUND_URL).status_code == 302  # to the login page
    assert LedgerEntry.objects.count() == 1 and not ExchangeRate.objects.exists()


# The pages ---------------------------------------------------------------------------------------


def test_the_statement_page(client, ledger, finance, case):
    from tests.csp import assert_strict_policy_and_nothing_inline

    TrustFundSettings.objects.update(alert_threshold_usd=Decimal("500000.00"))
    client.force_login(finance)
    response = client.get(FUND_URL, {"from": "2026-02-01", "to": "2026-02-28"})
    assert_strict_policy_and_nothing_inline(response)
    for url in (reverse("workspace:trust-fund-rates"), new_url("contribution"), new_url("refund")):
        assert_strict_policy_and_nothing_inline(client.get(url))
    page = " ".join(response.content.decode().split())
    assert "1 Feb 2026 – 28 Feb 2026" in page
    # Balances: today's, at the period's end; the threshold; the figures of the period.
    assert "369,999.75" in page  # today: 329,999.75 + 40,000 on 5 Mar
    assert "329,999.75" in page and "440,000.00" in page and "500,000.00" in page
    assert "175,000.50" in page and "10,000.25" in page
    assert "Government of Japan" in page and "30,000,000.00" in page and "210,000.00" in page
    assert case.reference in page
    assert "How the ledger works" in page
    # The links of what finance may record (not allocate), the exports with the same period.
    assert 'href="/trust-fund/new/contribution/"' in page and 'href="/trust-fund/new/allocation/"' not in page
    assert 'href="/trust-fund/statement.csv?from=2026-02-01&amp;to=2026-02-28"' in page
    # Below the threshold since the statement's… there was no crossing here: the threshold was set quietly.
    assert "Below the threshold" in page


def test_the_statement_costs_the_same_queries_for_few_entries_or_many(client, ledger, finance, focal, case, other_case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(finance)
    period = {"from": "2026-01-01", "to": "2026-03-31"}
    client.get(FUND_URL, period)
    with CaptureQueriesContext(connection) as few:
        client.get(FUND_URL, period)
    for day in range(1, 11):
        contribute(finance, "1000.00", day=D(2026, 3, day), donor=f"Government number {day}")
        allocate(focal, case if day % 2 else other_case, "500.00", day=D(2026, 3, day))
    with CaptureQueriesContext(connection) as many:
        response = client.get(FUND_URL, period)
    assert "Government number 10" in response.content.decode()
    assert len(many) == len(few)


def test_the_statement_shows_this_year_by_default(client, ledger, finance):
    client.force_login(finance)
    response = client.get(FUND_URL)
    assert response.status_code == 200
    assert (response.context["start"], response.context["end"]) == (D(2026, 1, 1), TODAY)
    assert len(response.context["statement"].lines) == 9


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2026-13-01"}, "This is not a date"),
        ({"from": "yesterday", "to": "2026-02-01"}, "This is not a date"),
        ({"from": "2026-03-01", "to": "2026-02-01"}, "The period ends before it starts"),
        ({"to": "0001-01-01"}, None),
        ({"from": "0001-01-01", "to": "9999-12-31"}, None),
    ],
)
def test_a_bad_period_is_said_never_a_500(client, ledger, finance, query, message):
    client.force_login(finance)
    for url in (FUND_URL, reverse("workspace:trust-fund-csv"), reverse("workspace:trust-fund-xlsx")):
        response = client.get(url, query)
        if message is None:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 400, url
            assert message in response.content.decode(), url


def test_an_allocation_through_its_form(client, frozen, finance, focal, case, no_alert, no_support_costs):
    exchange_rate("EUR", TODAY, "1.0870", actor=finance)
    contribute(finance, "120000.00")
    client.force_login(focal)
    page = client.get(new_url("allocation"), {"case": case.reference})
    assert page.status_code == 200
    assert page.context["form"]["case"].value() == case.pk
    assert f"{case.reference} — {case.member_state.name}" in page.content.decode()

    typed = {
        "case": case.pk,
        "purpose": "project_support",
        "amount": "138,000.00",
        "currency": "eur",
        "value_date": "2026-03-10",
        "description": "Ballot paper procurement",
    }
    refused = client.post(new_url("allocation"), typed)
    assert refused.status_code == 400
    text = " ".join(refused.content.decode().split())
    assert (
        "The fund holds 120,000.00 USD on 10 Mar 2026; this allocation is 150,006.00 USD (EUR 138,000.00 at 1.0870)."
    ) in text
    # What was typed comes back as typed.
    assert 'value="138,000.00"' in text and "Ballot paper procurement" in text
    assert not LedgerEntry.objects.filter(kind=Kind.ALLOCATION).exists()

    done = client.post(new_url("allocation"), {**typed, "amount": "100,000"}, follow=True)
    assert done.redirect_chain == [(FUND_URL, 302)]
    entry = LedgerEntry.objects.get(kind=Kind.ALLOCATION)
    assert (entry.case, entry.amount, entry.currency, entry.amount_usd, entry.recorded_by) == (
        case,
        Decimal("100000.00"),
        "EUR",
        usd("108700.00"),
        focal,
    )
    assert "Allocation recorded: EUR 100,000.00 on 10 Mar 2026 (108,700.00 USD at 1.0870)" in done.content.decode()
    assert "The fund holds 11,300.00 USD today." in done.content.decode()


def test_the_allocation_form_lists_the_cases_that_may_receive_money(client, frozen, focal, case, officer):
    waiting = case_in_stage(Stage.AWAITING_DECISION, actor=officer, state="PER")
    received = case_in_stage(Stage.RECEIVED, actor=officer, state="MEX")
    client.force_login(focal)
    choices = [choice for choice, _label in client.get(new_url("allocation")).context["form"].fields["case"].choices]
    # Approved for assistance, and (for an assessment or a panel) awaiting a decision; not a case just received.
    assert sorted(getattr(c, "value", c) for c in choices if c) == sorted([case.pk, waiting.pk])
    response = client.post(
        new_url("allocation"),
        {
            "case": received.pk,
            "purpose": "needs_assessment",
            "amount": "1",
            "currency": "USD",
            "value_date": "2026-03-10",
        },
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("150.000,00", "Give a number, for example 150000.00 or 150,000.00."),
        ("1,50,000", "Give a number"),
        ("12.345", "Give it to the cent at most (two decimals)."),
        ("-10", "The amount must be more than zero."),
        ("0", "The amount must be more than zero."),
        ("", "This field is required."),
    ],
)
def test_a_contribution_form_refuses_what_is_not_an_amount(client, frozen, finance, amount, message):
    client.force_login(finance)
    response = client.post(
        new_url("contribution"),
        {"donor": "Government of Sweden", "amount": amount, "currency": "USD", "value_date": "2026-03-10"},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LedgerEntry.objects.exists()


def test_a_contribution_paying_a_pledge_through_its_form(client, frozen, finance, no_alert):
    promise = pledge(finance, "1000000.00", day=D(2026, 2, 1), donor="Government of Sweden")
    client.force_login(finance)
    page = client.get(new_url("contribution"), {"pledge": promise.pk})
    assert page.context["form"]["pledge"].value() == promise.pk
    assert "Government of Sweden — USD 1,000,000.00 outstanding of 1,000,000.00 pledged on 1 Feb 2026" in (
        page.content.decode()
    )
    response = client.post(
        new_url("contribution"),
        {"pledge": promise.pk, "donor": "", "amount": "250 000", "currency": "USD", "value_date": "2026-03-10"},
    )
    assert response.status_code == 302
    paid = LedgerEntry.objects.get(kind=Kind.CONTRIBUTION)
    assert (paid.pledge, paid.donor, paid.amount) == (promise, "Government of Sweden", Decimal("250000.00"))
    # Without a pledge, the donor must be named.
    response = client.post(
        new_url("contribution"), {"donor": "", "amount": "1", "currency": "USD", "value_date": "2026-03-10"}
    )
    assert "Name the donor, or choose the pledge this contribution pays." in response.content.decode()


def test_a_missing_rate_on_a_form_says_what_to_do(client, frozen, finance):
    client.force_login(finance)
    response = client.post(
        new_url("pledge"),
        {"donor": "Government of Japan", "amount": "5000000", "currency": "JPY", "value_date": "2026-03-09"},
    )
    assert response.status_code == 400
    assert "There is no JPY rate for 9 Mar 2026. Finance enters the day&#x27;s rate first" in response.content.decode()
    assert 'value="Government of Japan"' in response.content.decode()


def test_the_rates_page(client, frozen, finance):
    client.force_login(finance)
    response = client.post(
        reverse("workspace:trust-fund-rates"),
        {"currency": "eur", "day": "2026-03-10", "usd_per_unit": "1.0870"},
        follow=True,
    )
    assert response.status_code == 200
    assert "EUR on 10 Mar 2026: 1 EUR = 1.0870 USD." in response.content.decode()
    rate = ExchangeRate.objects.get()
    assert (rate.currency, rate.day, rate.usd_per_unit, rate.entered_by) == ("EUR", TODAY, Decimal("1.087"), finance)
    for typed, message in [
        ({"currency": "USD", "usd_per_unit": "1"}, "a US dollar is always 1"),
        ({"currency": "GBP", "usd_per_unit": "0"}, "A rate must be more than zero."),
        ({"currency": "GBP", "usd_per_unit": "1.123456789"}, "at most eight decimals"),
        ({"currency": "GBP", "usd_per_unit": "1.27", "day": "2026-03-11"}, "is in the future"),
        ({"currency": "GB", "usd_per_unit": "1.27"}, "Ensure this value has at least 3 characters"),
    ]:
        response = client.post(reverse("workspace:trust-fund-rates"), {"day": "2026-03-10", **typed})
        assert response.status_code == 400, typed
        assert message in response.content.decode(), typed
    assert ExchangeRate.objects.count() == 1
    page = client.get(reverse("workspace:trust-fund-rates")).content.decode()
    assert "1.0870" in page and 'EUR: <span class="fund-ok">entered</span>' in page


def test_the_case_page_shows_its_money(client, frozen, finance, focal, case, no_alert):
    contribute(finance, "100000.00")
    allocate(focal, case, "60000.00")
    refund(finance, case, "5000.50")
    client.force_login(focal)
    page = " ".join(client.get(reverse("workspace:case-detail", args=[case.reference])).content.decode().split())
    assert "Trust Fund" in page and "−$60,000.00" in page and "+$5,000.50" in page
    assert 'Net from the fund</th><td class="money"><strong>$54,999.50' in page
    # Money as each language writes it (babel's currency formats of the CLDR).
    french = client.get(reverse("workspace:case-detail", args=[case.reference]), HTTP_ACCEPT_LANGUAGE="fr")
    assert "<strong>54\u202f999,50\xa0$US</strong>" in french.content.decode()
    spanish = client.get(reverse("workspace:case-detail", args=[case.reference]), HTTP_ACCEPT_LANGUAGE="es")
    assert "<strong>54.999,50\xa0US$</strong>" in spanish.content.decode()
    assert f"/trust-fund/new/allocation/?case={case.reference}" in page
    assert "Trust Fund allocation" in page  # in the timeline
    # The intake desk sees every case but not the fund: none of it on the case page (the history
    # still says an allocation was made, as every history does).
    client.force_login(member_of(roles.INTAKE_CLERK))
    page = client.get(reverse("workspace:case-detail", args=[case.reference])).content.decode()
    assert "Net from the fund" not in page and "/trust-fund/" not in page


def test_the_case_page_offers_to_allocate_to_a_case_that_may_receive_money(client, frozen, focal, case, officer):
    client.force_login(focal)
    page = client.get(reverse("workspace:case-detail", args=[case.reference])).content.decode()
    assert "No Trust Fund money yet." in page and "Allocate from the Trust Fund" in page
    # Awaiting its decision, a case may receive money for an assessment or a panel.
    waiting = case_in_stage(Stage.AWAITING_DECISION, actor=officer, state="PER")
    page = client.get(reverse("workspace:case-detail", args=[waiting.reference])).content.decode()
    assert "Allocate from the Trust Fund" in page
    received = case_in_stage(Stage.RECEIVED, actor=officer, state="MEX")
    page = client.get(reverse("workspace:case-detail", args=[received.reference])).content.decode()
    assert "Allocate from the Trust Fund" not in page and "No Trust Fund money yet." not in page


# Purposes, earmarks and support costs on the pages ------------------------------------------------


def test_an_earmarked_contribution_through_its_form(client, frozen, finance, no_alert):
    client.force_login(finance)
    page = client.get(new_url("contribution")).content.decode()
    assert "— none: unearmarked —" in page and '<option value="country:GHA">Ghana</option>' in page
    assert '<option value="region:AFRICAN">African States</option>' in page
    assert '<option value="purpose:expert_panel">Expert panels</option>' in page
    typed = {"donor": "Government of Sweden", "amount": "50,000", "currency": "USD", "value_date": "2026-03-10"}
    for earmark, field, value in (
        ("country:GHA", "earmark_country__iso3", "GHA"),
        ("region:AFRICAN", "earmark_region", "AFRICAN"),
        ("purpose:needs_assessment", "earmark_purpose", "needs_assessment"),
        ("", "earmark_region", ""),
    ):
        assert client.post(new_url("contribution"), {**typed, "earmark": earmark}).status_code == 302, earmark
        assert LedgerEntry.objects.filter(**{field: value}).order_by("-id").values_list("pk", flat=True)[:1]
    assert LedgerEntry.objects.filter(kind=Kind.CONTRIBUTION).count() == 4
    assert [entry.earmark_text for entry in LedgerEntry.objects.order_by("id")] == [
        "Ghana",
        "African States",
        "needs assessment missions",
        "",
    ]
    # What no list offers is refused, and nothing is written.
    for forged in ("country:XXX", "region:MARS", "purpose:catering", "planet:earth", "country:"):
        response = client.post(new_url("contribution"), {**typed, "earmark": forged})
        assert response.status_code == 400 and "Select a valid choice" in response.content.decode(), forged
    assert LedgerEntry.objects.count() == 4
    # The statement says what each is earmarked to, and what each holds.
    page = " ".join(client.get(FUND_URL).content.decode().split())
    assert "earmarked to Ghana" in page and "earmarked to African States" in page
    assert "The money by earmark at 10 Mar 2026 (USD)" in page


def test_the_allocation_form_shows_what_the_case_may_use(client, frozen, finance, focal, case, officer, no_alert):
    from tests.factories import member_state

    contribute(finance, "10000.00")
    contribute(finance, "20000.00", donor="Government of Sweden", earmark_country=member_state("GHA"))
    contribute(finance, "30000.00", donor="Government of Japan", earmark_purpose="expert_panel")
    client.force_login(focal)
    page = client.get(new_url("allocation"), {"case": case.reference})
    assert page.status_code == 200
    rows = {purpose.value: (seen.total, largest) for purpose, seen, largest, _allowed in page.context["room"]["rows"]}
    # 30,000 for Ghana's case (its 20,000 and the 10,000 unearmarked), 60,000 for a panel; at 13%, at most
    # 26,548.67 (+ 3,451.33 = 30,000.00) and 53,097.34 (+ 6,902.65 = 59,999.99).
    assert rows["project_support"] == (usd("30000.00"), usd("26548.67"))
    assert rows["expert_panel"] == (usd("60000.00"), usd("53097.34"))
    text = " ".join(page.content.decode().split())
    assert f"What {case.reference} may use on 10 Mar 2026" in text
    assert "20,000.00 earmarked to Ghana" in text and "10,000.00 unearmarked" in text
    assert "Earmarked to expert panels" in text  # the fund's money today, by earmark

    # Awaiting its decision, a case sees what it may use for an assessment or a panel only.
    waiting = case_in_stage(Stage.AWAITING_DECISION, actor=officer, state="KEN")
    rows = client.get(new_url("allocation"), {"case": waiting.reference}).context["room"]["rows"]
    assert [(purpose.value, allowed) for purpose, _seen, _largest, allowed in rows] == [
        ("needs_assessment", True),
        ("expert_panel", True),
        ("deployment", False),
        ("project_support", False),
    ]

    # Too much for project support: refused with what it may use and why not the rest.
    typed = {"case": case.pk, "purpose": "project_support", "amount": "26,548.68", "currency": "USD"}
    response = client.post(new_url("allocation"), {**typed, "value_date": "2026-03-10"})
    assert response.status_code == 400
    text = " ".join(response.content.decode().split())
    assert (
        f"{case.reference} (Ghana, African States) may use 30,000.00 USD of it for project support: 20,000.00 USD "
        "earmarked to Ghana; 10,000.00 USD unearmarked. 30,000.00 USD is earmarked to what it may not use: "
        "30,000.00 USD to expert panels."
    ) in text
    assert 'value="26,548.68"' in text
    done = client.post(new_url("allocation"), {**typed, "amount": "26,548.67", "value_date": "2026-03-10"}, follow=True)
    assert done.redirect_chain == [(FUND_URL, 302)]
    assert (
        "Allocation recorded: USD 26,548.67 on 10 Mar 2026 with 3,451.33 USD of programme support costs (13%) — "
        f"{case.reference}. The fund holds 30,000.00 USD today."
    ) in " ".join(done.content.decode().split())


def test_the_allocation_form_asks_the_purpose(client, frozen, finance, focal, case, no_alert):
    contribute(finance, "10000.00")
    client.force_login(focal)
    typed = {"case": case.pk, "amount": "100", "currency": "USD", "value_date": "2026-03-10"}
    for purpose, message in (("", "This field is required."), ("catering", "Select a valid choice")):
        response = client.post(new_url("allocation"), {**typed, "purpose": purpose})
        assert response.status_code == 400 and message in response.content.decode()
    assert not LedgerEntry.objects.filter(kind=Kind.ALLOCATION).exists()
    # A bad day typed, or a case from elsewhere: the form still shows, the money table without them.
    for query in ({"case": "x"}, {"case": "99999999"}, {"case": case.reference}):
        assert client.get(new_url("allocation"), query).status_code == 200
    response = client.post(new_url("allocation"), {**typed, "purpose": "", "value_date": "2026-99-99"})
    assert response.status_code == 400 and response.context["room"]["day"] == TODAY


def test_the_statement_shows_purposes_and_support_costs(client, frozen, finance, focal, case, no_alert):
    contribute(finance, "100000.00")
    allocate(focal, case, "10000.00", purpose="needs_assessment")
    client.force_login(finance)
    page = " ".join(client.get(FUND_URL).content.decode().split())
    assert "Needs assessment mission" in page
    assert "Programme support costs" in page and "13% of the allocation of 10,000.00 USD" in page
    assert "1,300.00" in page and "88,700.00" in page
    # The case page: the allocation with its purpose, the support costs on their own line.
    page = " ".join(client.get(reverse("workspace:case-detail", args=[case.reference])).content.decode().split())
    assert "Needs assessment mission" in page and "−$1,300.00" in page
    assert 'Programme support costs, net</th><td class="money">$1,300.00' in page


@pytest.mark.parametrize("kind", ["pledge", "contribution", "refund", "allocation"])
def test_each_entry_pages_title_is_its_name_only(client, frozen, focal, finance, case, kind):
    """The browser's tab reads "New allocation — Trust Fund", nothing of the page's body."""
    client.force_login(focal if kind == "allocation" else finance)
    page = client.get(new_url(kind) + (f"?case={case.pk}" if kind == "allocation" else "")).content.decode()
    title = page[page.index("<title>") + len("<title>") : page.index("</title>")]
    assert "Trust Fund" in title and "<" not in title, title
