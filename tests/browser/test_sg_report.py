"""The Secretary-General's report in a real browser: the focal point goes from the briefing to the
SG report, asks for a two-year period, reads its tables and downloads the workbook.
Screenshots: test-artifacts/screenshots/<test>/.
"""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from requests_app.demo.staff import ensure_users
from tests.browser.journeys import days, expect
from tests.factories import new_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_focal_point_reads_and_downloads_the_sg_report_for_two_years(journey):
    team = ensure_users()
    new_request(state="GHA", received_days_ago=400)
    new_request(state="GHA", received_days_ago=30)
    new_request(state="PER", received_days_ago=3)
    new_request(state="PER", received_days_ago=900)  # before the two years: only in the cumulative figures
    focal_point = journey.actor(team.focal_point, "focal point")
    page = focal_point.page

    page.goto(f"/reports/briefing/?from={days(-30)}&to={days(0)}")
    page.get_by_role("link", name="Report of the Secretary-General").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Report of the Secretary-General")
    page.locator(".period-form input[name=from]").fill(days(-729))
    page.locator(".period-form input[name=to]").fill(days(0))
    page.get_by_role("button", name="Show the report").click()

    outcomes = page.locator("#part-outcomes")
    expect(outcomes.get_by_role("heading")).to_have_text("Requests received in the period and their outcome")
    pending = outcomes.locator("tr").filter(has_text="Still under consideration")
    expect(pending.locator("td").last).to_have_text("3")
    expect(page.locator("#part-cumulative")).to_contain_text("Cumulative figures since 1 January 2008")
    expect(page.locator("#part-engagements")).to_contain_text("is a continuing engagement when")
    focal_point.shot("the-sg-report")

    with page.expect_download() as downloaded:
        page.get_by_role("link", name="Download Excel").click()
    assert downloaded.value.suggested_filename == f"eas-sg-report-{days(-729)}-to-{days(0)}.xlsx"
    book = load_workbook(io.BytesIO(Path(downloaded.value.path()).read_bytes()))
    assert book.sheetnames[:4] == ["Key figures", "By basis", "By region", "By type"]
    rows = list(book["Requests and outcome"].iter_rows(values_only=True))
    total = next(row for row in rows if row[0] == "Total")
    assert total[1:5] == (3, 0, 0, 3)
    cumulative = {row[0]: row[1:] for row in book["Cumulative"].iter_rows(values_only=True) if row[0]}
    assert cumulative["Requests received"] == (3, 4)
    journey.assert_clean()


def test_the_focal_point_downloads_the_briefing_pdf_in_russian(journey):
    from pypdf import PdfReader

    team = ensure_users()
    new_request(state="GHA", received_days_ago=30)
    focal_point = journey.actor(team.focal_point, "focal point")
    page = focal_point.page

    page.goto(f"/reports/briefing/?from={days(-60)}&to={days(0)}")
    form = page.locator("form.download-language")
    form.get_by_label("In the language").select_option(label="Русский")
    focal_point.shot("chooses-russian")
    with page.expect_download() as downloaded:
        form.get_by_role("button", name="PDF, to print").click()
    assert downloaded.value.suggested_filename == f"eas-briefing-{days(-60)}-to-{days(0)}-ru.pdf"
    reader = PdfReader(io.BytesIO(Path(downloaded.value.path()).read_bytes()))
    assert reader.trailer["/Root"]["/Lang"] == "ru"
    text = " ".join(page.extract_text() for page in reader.pages)
    # The period as Russian writes it (the month abbreviated in Russian).
    import datetime

    from django.utils import translation

    from requests_app.reports.briefing import period_text

    with translation.override("ru"):
        period = period_text(datetime.date.fromisoformat(days(-60)), datetime.date.fromisoformat(days(0)))
    assert period in " ".join(text.split())
    journey.assert_clean()
