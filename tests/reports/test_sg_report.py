"""The Secretary-General's report: its tables reconcile with the case list, its page, its files,
its command; and the briefing's setting that leaves out the names of declined States."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from requests_app.cases.choices import Basis
from requests_app.cases.models import AssistanceRequest
from requests_app.reports.selectors_sg import build_sg_report
from requests_app.reports.sg_report import BASIS_ORDER, OUTCOMES
from tests.correspondence.helpers import days, file_not_considered
from tests.factories import UserFactory, new_request
from tests.reports.helpers import END, PAGE, QUERY, START, focal_point

pytestmark = pytest.mark.django_db
SG_PAGE = reverse("workspace:sg-report")
CASES = reverse("workspace:case-list")


def listed(client, **filters):
    """How many cases the case list shows with these filters."""
    query = {"received_from": START.isoformat(), "received_until": END.isoformat(), **filters}
    response = client.get(CASES, query)
    assert response.status_code == 200
    return response.context["page"].paginator.count


def by_key(report):
    return {table.key: table for table in report.tables()}


def test_the_tables_reconcile_with_the_case_list(client, history):
    history.move_on()
    client.force_login(focal_point())
    report = build_sg_report(START, END)
    tables = by_key(report)

    # Requests received and their outcome: every cell is the case list with its basis and stages.
    outcomes = tables["outcomes"]
    for (_key, _label, stages), row in zip(OUTCOMES, outcomes.rows, strict=True):
        for basis, cell in zip(BASIS_ORDER, row[1:4], strict=True):
            assert cell == listed(client, basis=basis, stage=[str(stage) for stage in stages]), (row[0], basis)
        assert row[4] == listed(client, stage=[str(stage) for stage in stages])
    assert outcomes.total[1:] == [listed(client, basis=basis) for basis in BASIS_ORDER] + [listed(client)]

    # The key figures and the cumulative ones are the same counts.
    summary = dict(tables["summary"].rows)
    assert summary["Requests received (with or without a mandate)"] == listed(client, basis=Basis.REQUEST) + listed(
        client, basis=Basis.BOTH
    )
    assert summary["Mandates without a request (apart)"] == listed(client, basis=Basis.MANDATE) == 1
    since = {
        "received_from": "2008-01-01",
        "received_until": END.isoformat(),
    }
    cumulative = {row[0]: row[1:] for row in tables["cumulative"].rows}
    assert cumulative["Requests received"][1] == sum(
        listed(client, basis=basis, **since) for basis in (Basis.REQUEST, Basis.BOTH)
    )

    # The States assisted: the same total by basis, region, engagement and in the list, cases too.
    states = summary["States and territories assisted in the period"]
    cases = len(tables["assisted"].rows) and tables["assisted"].total[4]
    for key in ("basis", "regions", "engagements"):
        assert tables[key].total[1:] == [states, cases], key
    assert len(tables["assisted"].rows) == states == cumulative["States and territories assisted"][0]
    assert summary["of which new engagements"] + summary["of which continuing engagements"] == states
    # Each State's cases assisted are among its cases in the list, at a stage after a decision to assist.
    assisted_stages = [str(stage) for stage in OUTCOMES[0][2]] + ["withdrawn"]
    iso3 = {
        name: code for code, name in AssistanceRequest.objects.values_list("member_state__iso3", "member_state__name")
    }
    for row in tables["assisted"].rows:
        assert row[4] <= listed(client, member_state=iso3[row[0]], stage=assisted_stages, received_from="2008-01-01")


def test_who_is_assisted_new_or_continuing_and_on_what_basis(history):
    history.move_on()
    rows = {row[0]: row[1:] for row in by_key(build_sg_report(START, END))["assisted"].rows}
    # Côte d'Ivoire: a request and a Security Council mandate, first assisted in the period.
    assert rows["Côte d'Ivoire"][1:3] == ["A request and a mandate", "New"]
    # Ghana and Kenya were assisted before the period: continuing.
    assert rows["Ghana"][2] == rows["Kenya"][2] == "Continuing"
    # Türkiye: declined; Peru: withdrawn before any decision: not assisted.
    assert "Türkiye" not in rows and "Peru" not in rows


def test_a_follow_up_is_a_continuing_engagement(db):
    first = new_request(state="GHA", received_days_ago=400)
    later = new_request(state="GHA", received_days_ago=3)
    AssistanceRequest.objects.filter(pk=later.pk).update(follows=first)
    report = build_sg_report(days(-30), days(0))
    case = next(case for case in report.cases if case.pk == later.pk)
    assert case.follows == first.pk


def test_letters_not_considered_are_counted_apart():
    admin = UserFactory(is_staff=True, is_superuser=True)
    new_request(state="GHA", received_days_ago=3)
    file_not_considered(admin, state="GHA")
    former = new_request(state="PER", received_days_ago=3)
    AssistanceRequest.objects.filter(pk=former.pk).update(origin="other_body", authority_type="political_party")
    tables = by_key(build_sg_report(days(-30), days(0)))
    assert tables["outcomes"].total[4] == 1
    assert dict(tables["summary"].rows)["Letters not considered: not requests (apart)"] == 1


@override_settings(EAS_SG_REPORT_START_YEAR=2026)
def test_the_cumulative_figures_start_in_the_year_set(history):
    history.move_on()
    table = by_key(build_sg_report(START, END))["cumulative"]
    assert table.title == "Cumulative figures since 1 January 2026"
    assert dict((row[0], row[2]) for row in table.rows)["Requests received"] == 7  # the period began on 1 January


def test_the_page_shows_the_tables_to_those_who_brief(client, officer, history):
    client.force_login(officer)
    assert client.get(SG_PAGE).status_code == 403
    assert client.get(reverse("workspace:sg-report-xlsx") + QUERY).status_code == 403
    client.force_login(focal_point())
    response = client.get(SG_PAGE + QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Report of the Secretary-General" in html
    for title in (
        "States and territories assisted, by basis",
        "States and territories assisted, by region",
        "Requests received in the period and their outcome",
        "New engagements and continuing ones",
        "Cumulative figures since 1 January 2008",
    ):
        assert title in html
    assert "is a continuing engagement when" in html  # the definition, on the page
    assert f'href="{reverse("workspace:sg-report-pdf")}?from=2026-01-01&amp;to=2026-03-31"' in html
    assert client.get(SG_PAGE + "?from=2026-03-01&to=2026-01-01").status_code == 400


@pytest.mark.parametrize("kind", ["csv", "xlsx", "pdf"])
def test_the_command_writes_the_sg_report(history, tmp_path, kind):
    history.move_on()
    path = tmp_path / f"sg.{kind}"
    out = io.StringIO()
    call_command(
        "briefing", "--report", "sg", "--from", "2026-01-01", "--to", "2026-03-31", "-o", str(path), stdout=out
    )
    assert "Report of the Secretary-General 2026-01-01 to 2026-03-31 written to" in out.getvalue()
    content = path.read_bytes()
    if kind == "csv":
        text = content.decode("utf-8-sig")
        assert "Requests received in the period and their outcome" in text and "Total,7,0,1,8" in text
    elif kind == "xlsx":
        book = load_workbook(io.BytesIO(content))
        assert book.sheetnames[:3] == ["Key figures", "By basis", "By region"]
        assert "Requests and outcome" in book.sheetnames
    else:
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        assert "Electoral assistance: report of the Secretary-General" in text and "Côte d'Ivoire" in text


def test_the_briefing_can_leave_out_the_names_of_declined_states(client, history):
    history.move_on()
    client.force_login(focal_point())
    html = client.get(PAGE + QUERY).content.decode()
    assert "Türkiye" in html and "name withheld" not in html
    with override_settings(EAS_BRIEFING_OMIT_DECLINED_NAMES=True):
        response = client.get(PAGE + QUERY)
        html = response.content.decode()
        assert "Türkiye" not in html
        assert "A State or territory (name withheld)" in html
        assert "EAS_BRIEFING_OMIT_DECLINED_NAMES" in html
        assert response.context["briefing"].totals.declined == 2  # still counted
        csv_text = client.get(reverse("workspace:briefing-csv") + QUERY).content.decode("utf-8-sig")
        assert "Türkiye" not in csv_text
