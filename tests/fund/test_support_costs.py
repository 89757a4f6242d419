"""Programme support costs: charged on each allocation at the rate in force when it is made, kept on
their own line; a refund gives back its share; an administrator sets the rate; and the statement
adds up to the cent on its page, in its CSV and in its workbook."""

import csv
import html.parser
import io
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook

from requests_app.core.errors import ActionRefused
from requests_app.fund import selectors, statement
from requests_app.fund import services as fund_services
from requests_app.fund.models import LedgerEntry, TrustFundSettings
from tests.factories import exchange_rate, member_state
from tests.fund.helpers import FUND_URL, TODAY, D, Kind, allocate, contribute, refund, refusal, usd

pytestmark = pytest.mark.django_db


def support_of(allocation):
    return allocation.support_entries.get()


def test_support_costs_are_charged_at_the_rate_in_force_and_kept(frozen, finance, focal, case, admin_user, no_alert):
    contribute(finance, "1000000.00", day=D(2026, 2, 1))
    first = allocate(focal, case, "100000.00", day=D(2026, 2, 10))
    support = support_of(first)
    assert (support.kind, support.case, support.value_date, support.charged_on) == (
        Kind.SUPPORT_COST,
        case,
        D(2026, 2, 10),
        first,
    )
    assert (support.amount, support.currency, support.amount_usd, first.support_rate) == (
        usd("13000.00"),
        "USD",
        usd("13000.00"),
        Decimal("13.00"),
    )
    assert selectors.balance() == usd("887000.00")

    # A new rate applies to new allocations only: the first keeps its 13%, its line its 13,000.
    fund_services.set_support_rate(actor=admin_user, rate=Decimal("7.5"))
    second = allocate(focal, case, "333.33", day=D(2026, 3, 1))
    assert (second.support_rate, support_of(second).amount_usd) == (Decimal("7.50"), usd("25.00"))  # 24.99975
    first.refresh_from_db()
    assert (first.support_rate, support_of(first).amount_usd) == (Decimal("13.00"), usd("13000.00"))
    # Rounded half up to the cent: 13% of 0.50 is 0.065.
    fund_services.set_support_rate(actor=admin_user, rate=Decimal("13"))
    assert support_of(allocate(focal, case, "0.50")).amount_usd == usd("0.07")
    # At 0%, nothing is charged and no line is written.
    fund_services.set_support_rate(actor=admin_user, rate=Decimal("0"))
    assert not allocate(focal, case, "1000.00").support_entries.exists()
    assert selectors.balance() == usd("1000000.00") - usd("113000.00") - usd("358.33") - usd("0.57") - usd("1000.00")


def test_support_costs_in_another_currency_are_charged_on_the_dollars(frozen, finance, focal, case, no_alert):
    exchange_rate("EUR", TODAY, "1.0870", actor=finance)
    contribute(finance, "500000.00")
    allocation = allocate(focal, case, "138000.00", currency="EUR")  # 150,006.00 USD
    assert support_of(allocation).amount_usd == usd("19500.78")  # 13% of 150,006.00


def test_a_refund_gives_back_its_share_and_the_last_one_all_that_is_left(
    frozen, finance, focal, case, admin_user, no_alert
):
    contribute(finance, "1000000.00", day=D(2026, 2, 1))
    allocate(focal, case, "100000.00", day=D(2026, 2, 10))  # 13,000
    fund_services.set_support_rate(actor=admin_user, rate=Decimal("7"))
    allocate(focal, case, "50000.00", day=D(2026, 2, 11))  # 3,500
    assert selectors.case_support_costs(case) == (usd("16500.00"), usd("0.00"))

    # 30,000 of the 150,000: a fifth of the 16,500.
    assert support_of(refund(finance, case, "30000.00", day=D(2026, 3, 1))).amount_usd == usd("3300.00")
    # 33.33 of 120,000: 33.33 × 13,200 / 120,000 = 3.6663, rounded half up.
    assert support_of(refund(finance, case, "33.33", day=D(2026, 3, 2))).amount_usd == usd("3.67")
    # The rest: every cent of the support costs still charged, whatever the rounding did before.
    last = refund(finance, case, "119966.67", day=D(2026, 3, 3))
    assert support_of(last).amount_usd == usd("13196.33")
    assert selectors.case_support_costs(case) == (usd("16500.00"), usd("16500.00"))
    assert selectors.case_funding(case)[2] == usd("0.00")
    assert selectors.balance() == usd("1000000.00")


def test_only_an_administrator_sets_the_rate(client, admin_client, finance, admin_user):
    with pytest.raises(ActionRefused) as refused:
        fund_services.set_support_rate(actor=finance, rate=Decimal("7"))
    assert refusal(refused) == "Only an administrator changes the rate of programme support costs."
    for typed in (Decimal("-1"), Decimal("100.01"), Decimal("12.345"), "thirteen", Decimal("NaN")):
        with pytest.raises(ActionRefused) as refused:
            fund_services.set_support_rate(actor=admin_user, rate=typed)
        assert refusal(refused) == "Give the rate in per cent, from 0 to 100, with at most two decimals.", typed
    assert TrustFundSettings.objects.get().support_cost_rate == Decimal("13.00")  # the UN's standard rate

    row = TrustFundSettings.objects.get()
    url = reverse("admin:requests_app_trustfundsettings_change", args=[row.pk])
    response = admin_client.post(url, {"alert_threshold_usd": "500000.00", "support_cost_rate": "7.5"})
    assert response.status_code == 302
    assert TrustFundSettings.objects.get().support_cost_rate == Decimal("7.50")
    # The admin's history of the settings says who changed the rate, and when.
    change = LogEntry.objects.get(object_id=str(row.pk), content_type__model="trustfundsettings")
    assert "Programme support costs (%)" in change.get_change_message()
    response = admin_client.post(url, {"alert_threshold_usd": "500000.00", "support_cost_rate": "150"})
    assert (
        response.status_code == 200 and "Ensure this value is less than or equal to 100." in response.content.decode()
    )
    client.force_login(finance)
    assert client.post(url, {"alert_threshold_usd": "1.00", "support_cost_rate": "1"}).status_code == 403
    assert TrustFundSettings.objects.get().support_cost_rate == Decimal("7.50")


# The statement adds up to the cent -------------------------------------------------------------


@pytest.fixture
def odd_ledger(frozen, finance, focal, case, other_case, admin_user, no_alert):
    """A ledger of awkward amounts: support costs at 13% and 7.5% with their half cents, euros,
    earmarks and partial refunds."""
    exchange_rate("EUR", D(2026, 2, 3), "1.0873", actor=finance)
    exchange_rate("EUR", D(2026, 2, 9), "1.0912", actor=finance)
    contribute(finance, "250000.01", day=D(2026, 1, 20), donor="Government of Norway")
    contribute(finance, "123456.78", day=D(2026, 2, 3), currency="EUR", donor="Government of Germany")
    contribute(
        finance, "77777.77", day=D(2026, 2, 4), donor="Government of Sweden", earmark_country=member_state("GHA")
    )
    contribute(finance, "33333.33", day=D(2026, 2, 4), donor="Government of Japan", earmark_region="AFRICAN")
    contribute(finance, "9999.99", day=D(2026, 2, 5), donor="Government of Ireland", earmark_purpose="expert_panel")
    allocate(focal, case, "12345.67", day=D(2026, 2, 6), purpose="needs_assessment")
    allocate(focal, other_case, "8888.89", day=D(2026, 2, 7), purpose="expert_panel")
    allocate(focal, case, "54321.09", day=D(2026, 2, 9), currency="EUR", purpose="project_support")
    fund_services.set_support_rate(actor=admin_user, rate=Decimal("7.5"))
    allocate(focal, other_case, "1234.57", day=D(2026, 2, 12), purpose="deployment")
    allocate(focal, case, "0.33", day=D(2026, 2, 13), purpose="project_support")
    refund(finance, case, "1111.11", day=D(2026, 2, 20))
    refund(finance, other_case, "333.33", day=D(2026, 2, 25))
    contribute(finance, "0.01", day=D(2026, 2, 27), donor="Government of Iceland")
    return {"from": "2026-02-01", "to": "2026-02-28"}


def test_the_statement_adds_up_to_the_cent(odd_ledger):
    result = statement.statement(D(2026, 2, 1), D(2026, 2, 28))
    lines = result.lines
    assert sum(line.change for line in lines) == result.closing - result.opening
    assert result.closing == selectors.balance(D(2026, 2, 28))
    for kind in Kind.values:
        assert result.totals[kind] == sum(
            (line.entry.amount_usd for line in lines if line.entry.kind == kind), usd("0")
        )
    support = [line.entry for line in lines if line.entry.kind in Kind.support()]
    assert len(support) == 7 and all(entry.amount_usd % Decimal("0.01") == 0 for entry in support)
    assert result.support_costs == sum(-line.change for line in lines if line.entry.kind in Kind.support())
    assert result.unearmarked + result.earmarked == result.closing
    assert all(item.held >= 0 for item in result.earmarks)


def number(text):
    """A figure as a page or a file writes it ("1,234.56", "1234.56", 1234.56, "") as a Decimal (0 if blank)."""
    if text in ("", None):
        return usd("0.00")
    return Decimal(str(text).replace(",", "")).quantize(Decimal("0.01"))


def check_rows(rows, opening, closing):
    """The rows of a CSV or a sheet (dicts by column): every total and balance against its lines."""
    labels = dict(Kind.choices)
    entries = [row for row in rows if row["Kind"] in labels.values()]
    running = opening
    for row in entries:
        running += number(row["In (USD)"]) - number(row["Out (USD)"])
        assert number(row["Balance (USD)"]) == running, row
    assert running == closing
    totals = {
        row["Kind"]: number(row["In (USD)"]) + number(row["Out (USD)"])
        for row in rows
        if row["Kind"].startswith("Total")
    }
    for kind, label in labels.items():
        if kind == Kind.PLEDGE:
            continue
        lines = sum(
            (number(row["In (USD)"]) + number(row["Out (USD)"]) for row in entries if row["Kind"] == label), usd("0")
        )
        assert totals[f"Total: {statement.TOTAL_LABELS[kind]}"] == lines, kind
    charged = totals["Total: Programme support costs charged"]
    returned = totals["Total: Programme support costs returned with refunds"]
    assert totals["Total: programme support costs, net"] == charged - returned
    assert charged > 0 and returned > 0
    by_earmark = [number(row["Balance (USD)"]) for row in rows if row["Kind"].startswith("Closing balance: ")]
    assert len(by_earmark) == 4 and sum(by_earmark) == closing


def test_the_csv_adds_up_to_the_cent(client, odd_ledger, finance):
    client.force_login(finance)
    content = client.get(reverse("workspace:trust-fund-csv"), odd_ledger).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    opening = next(row for row in rows if row["Kind"] == "Opening balance")
    closing = next(row for row in rows if row["Kind"] == "Closing balance")
    check_rows(rows, number(opening["Balance (USD)"]), number(closing["Balance (USD)"]))
    assert number(closing["Balance (USD)"]) == selectors.balance(D(2026, 2, 28))


def test_the_workbook_adds_up_to_the_cent(client, odd_ledger, finance):
    client.force_login(finance)
    workbook = load_workbook(io.BytesIO(client.get(reverse("workspace:trust-fund-xlsx"), odd_ledger).content))
    sheet = list(workbook["Statement"].iter_rows(values_only=True))
    rows = [
        {key: ("" if value is None else value) for key, value in zip(sheet[0], row, strict=True)} for row in sheet[1:]
    ]
    opening, closing = number(rows[0]["Balance (USD)"]), selectors.balance(D(2026, 2, 28))
    check_rows(rows, opening, closing)
    summary = {key: number(value) for key, value in workbook["Summary"].iter_rows(min_row=4, values_only=True)}
    result = statement.statement(D(2026, 2, 1), D(2026, 2, 28))
    assert summary["Programme support costs charged (USD)"] == result.totals[Kind.SUPPORT_COST]
    assert summary["Programme support costs, net (USD)"] == result.support_costs
    assert summary["Closing balance (USD)"] == closing
    earmarked = [value for key, value in summary.items() if key.startswith("Of it ")]
    assert sum(earmarked) == closing


class Tables(html.parser.HTMLParser):
    """The cells of every table row of a page, with the row's class: [(class, [text, ...])]."""

    def __init__(self):
        super().__init__()
        self.rows, self.cells, self.text, self.row_class = [], None, None, ""

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.cells, self.row_class = [], dict(attrs).get("class", "")
        elif tag in ("td", "th") and self.cells is not None:
            self.text = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.text is not None:
            self.cells.append(" ".join("".join(self.text).split()))
            self.text = None
        elif tag == "tr" and self.cells is not None:
            self.rows.append((self.row_class, self.cells))
            self.cells = None

    def handle_data(self, data):
        if self.text is not None:
            self.text.append(data)


def test_the_page_adds_up_to_the_cent(client, odd_ledger, finance):
    client.force_login(finance)
    tables = Tables()
    tables.feed(client.get(FUND_URL, odd_ledger).content.decode())
    # The entries: the columns In and Out of each line (kind-…), and the opening and closing balances.
    entries = [cells for css, cells in tables.rows if css.startswith("kind-") and len(cells) == 8]
    opening = number(next(cells[-1] for css, cells in tables.rows if css == "opening"))
    closing = number(next(cells[-1] for css, cells in tables.rows if css == "total" and cells[1] == "Closing balance"))
    running = opening
    for cells in entries:
        running += number(cells[5]) - number(cells[6])
        assert number(cells[7]) == running, cells
    assert running == closing == selectors.balance(D(2026, 2, 28))
    # The figures of the period: each kind's total against the lines of that kind.
    summary = {css: number(cells[1]) for css, cells in tables.rows if css.startswith("kind-") and len(cells) == 3}
    for kind, label in Kind.choices:
        lines = [cells for cells in entries if cells[1] == label]
        if kind != Kind.PLEDGE:
            assert summary[f"kind-{kind}"] == sum((number(c[5]) + number(c[6]) for c in lines), usd("0")), kind
    support_net = number(next(cells[1] for css, cells in tables.rows if css == "support-net"))
    assert support_net == summary["kind-support_cost"] - summary["kind-support_refund"] > 0
    # The money by earmark adds up to the closing balance.
    earmarks = [number(cells[-1]) for css, cells in tables.rows if css == "earmarked"]
    unearmarked = number(next(cells[-1] for css, cells in tables.rows if css == "unearmarked"))
    assert len(earmarks) == 3 and sum(earmarks) + unearmarked == closing
    assert LedgerEntry.objects.filter(kind=Kind.SUPPORT_COST).count() == 5
