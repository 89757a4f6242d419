"""The Trust Fund's statement of a period: its figures against a hand count, and its CSV and XLSX."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from requests_app.fund import selectors, statement
from tests.fund.helpers import (
    TODAY,
    D,
    Kind,
    contribute,
    usd,
)

pytestmark = pytest.mark.django_db


def test_the_statement_of_a_period_against_figures_counted_by_hand(ledger):
    result = statement.statement(D(2026, 2, 1), D(2026, 2, 28))

    # Opening: 300,000 + 20,000,000 JPY × 0.007 = 140,000 -> 440,000.00
    assert result.opening == usd("440000.00")
    assert [(line.entry.kind, line.change, line.running) for line in result.lines] == [
        (Kind.ALLOCATION, usd("-100000.00"), usd("340000.00")),
        (Kind.CONTRIBUTION, usd("55000.00"), usd("395000.00")),  # 50,000 EUR × 1.1
        (Kind.PLEDGE, usd("0.00"), usd("395000.00")),
        (Kind.ALLOCATION, usd("-75000.50"), usd("319999.50")),
        (Kind.REFUND, usd("10000.25"), usd("329999.75")),
    ]
    assert result.totals == {
        Kind.PLEDGE: usd("200000.00"),
        Kind.CONTRIBUTION: usd("55000.00"),
        Kind.ALLOCATION: usd("175000.50"),
        Kind.REFUND: usd("10000.25"),
        Kind.SUPPORT_COST: usd("0.00"),  # charged at 0% here: tests/fund/test_support_costs.py counts them
        Kind.SUPPORT_REFUND: usd("0.00"),
    }
    assert result.counts == {
        Kind.PLEDGE: 1,
        Kind.CONTRIBUTION: 1,
        Kind.ALLOCATION: 2,
        Kind.REFUND: 1,
        Kind.SUPPORT_COST: 0,
        Kind.SUPPORT_REFUND: 0,
    }
    assert result.closing == usd("329999.75") == selectors.balance(D(2026, 2, 28))
    assert result.closing == result.opening + usd("55000.00") + usd("10000.25") - usd("175000.50")
    # Outstanding at the end of February: Japan 30,000,000 JPY (at its pledge's 0.007: 210,000 USD),
    # Sweden 200,000 USD; the largest first.
    assert [(donor, total) for donor, total, _items in result.donors] == [
        ("Government of Japan", usd("210000.00")),
        ("Government of Sweden", usd("200000.00")),
    ]
    assert result.outstanding_usd == usd("410000.00")
    japan = result.donors[0][2][0]
    assert (japan.pledge, japan.paid, japan.left) == (ledger["japan"], Decimal("20000000.00"), Decimal("30000000.00"))

    # Before the pledges were made, none was outstanding; a period with no entry has none.
    assert statement.statement(D(2026, 1, 1), D(2026, 1, 14)).pledges == []
    quiet = statement.statement(D(2025, 6, 1), D(2025, 6, 30))
    assert (quiet.opening, quiet.closing, quiet.lines) == (usd("0.00"), usd("0.00"), [])
    assert statement.statement(D(1, 1, 1), TODAY).closing == selectors.balance()


# Exports -----------------------------------------------------------------------------------------


def test_the_statement_as_csv(client, ledger, finance):
    client.force_login(finance)
    response = client.get(reverse("workspace:trust-fund-csv"), {"from": "2026-02-01", "to": "2026-02-28"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="eas-trust-fund-2026-02-01-to-2026-02-28.csv"' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:4] == ["Date", "Kind", "Donor", "Case"]
    table = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [(r["Date"], r["Kind"], r["In (USD)"], r["Out (USD)"], r["Balance (USD)"]) for r in table] == [
        ("2026-02-01", "Opening balance", "", "", "440000.00"),
        ("2026-02-05", "Allocation to a case", "", "100000.00", "340000.00"),
        ("2026-02-10", "Contribution", "55000.00", "", "395000.00"),
        ("2026-02-12", "Pledge", "", "", "395000.00"),
        ("2026-02-20", "Allocation to a case", "", "75000.50", "319999.50"),
        ("2026-02-28", "Refund to the fund", "10000.25", "", "329999.75"),
        ("2026-02-28", "Closing balance", "", "", "329999.75"),
        # The totals of the period, each the sum of its lines; no support costs here (a rate of 0).
        ("2026-02-28", "Total: Contributions", "55000.00", "", ""),
        ("2026-02-28", "Total: Allocations to cases", "", "175000.50", ""),
        ("2026-02-28", "Total: Refunds to the fund", "10000.25", "", ""),
        ("2026-02-28", "Total: Programme support costs charged", "", "0.00", ""),
        ("2026-02-28", "Total: Programme support costs returned with refunds", "0.00", "", ""),
        ("2026-02-28", "Total: programme support costs, net", "", "0.00", ""),
        # The closing balance by earmark: nothing is earmarked here.
        ("2026-02-28", "Closing balance: unearmarked", "", "", "329999.75"),
    ]
    german = table[2]
    assert (german["Donor"], german["Amount"], german["Currency"], german["Rate (USD)"]) == (
        "Government of Germany",
        "50000.00",
        "EUR",
        "1.10000000",
    )
    assert table[1]["Case"].startswith("EAS-") and table[1]["Member State"] == "Ghana"


def test_the_statement_as_xlsx(client, ledger, finance):
    client.force_login(finance)
    response = client.get(reverse("workspace:trust-fund-xlsx"), {"from": "2026-02-01", "to": "2026-02-28"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Statement", "Summary", "Pledges outstanding"]
    sheet = workbook["Statement"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    balance = header.index("Balance (USD)")
    assert [row[balance] for row in rows[1:8]] == [440000, 340000, 395000, 395000, 319999.5, 329999.75, 329999.75]
    assert rows[-1][1] == "Closing balance: unearmarked" and rows[-1][balance] == 329999.75
    assert rows[1][0] == datetime.datetime(2026, 2, 1) and rows[1][1] == "Opening balance"
    assert sheet.cell(row=3, column=balance + 1).number_format == "#,##0.00"
    summary = dict(workbook["Summary"].iter_rows(min_row=2, values_only=True))
    assert summary["Opening balance (USD)"] == 440000
    assert summary["Allocations to cases (USD)"] == 175000.5
    assert summary["Pledges (USD)"] == 200000
    assert summary["Closing balance (USD)"] == 329999.75
    assert summary["Pledges outstanding at the end (USD)"] == 410000
    pledges = list(workbook["Pledges outstanding"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[5], row[6]) for row in pledges] == [
        ("Government of Japan", 30000000, 210000),
        ("Government of Sweden", 200000, 200000),
    ]


def test_the_exports_neutralise_formulas(client, frozen, finance, no_alert):
    contribute(finance, "10.00", donor='=HYPERLINK("http://evil.example","Click")', description="+1-1\t@SUM(A1)")
    client.force_login(finance)
    rows = list(csv.reader(io.StringIO(client.get(reverse("workspace:trust-fund-csv")).content.decode("utf-8-sig"))))
    entry = dict(zip(rows[0], rows[2], strict=True))
    assert entry["Donor"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert entry["Description"].startswith("'+1")
    workbook = load_workbook(io.BytesIO(client.get(reverse("workspace:trust-fund-xlsx")).content))
    cells = [cell for row in workbook["Statement"].iter_rows() for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert '\'=HYPERLINK("http://evil.example","Click")' in [cell.value for cell in cells]
