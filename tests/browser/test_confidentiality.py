"""A confidential document in a real browser: filed by the officer, seen to exist by the intake clerk,
opened by the focal point, and that opening found by the auditor (README "Security", confidentiality).

The demo staff in their roles, and an auditor in the Auditor group, each in a browser of their own,
only through the pages; screenshots under test-artifacts/screenshots/<test>/.
"""

import csv
import io
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from requests_app.cases.choices import Stage
from requests_app.core import roles
from requests_app.demo.staff import DEMO_PASSWORD, ensure_users
from tests.browser import journeys as steps
from tests.browser.journeys import expect, pdf
from tests.factories import UserFactory, case_in_stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REPORT = "nam-report-ghana-2027.pdf"
FORBIDDEN = re.compile(r"status of 403 \(Forbidden\)")


@pytest.fixture
def people(db):
    """The demo staff, an auditor, and a Ghanaian case in needs assessment assigned to the officer."""
    team = ensure_users()
    users = {user.username: user for user in [team.focal_point, team.clerk, *team.officers]}
    auditor = UserFactory(username="kmensah", first_name="Kwame", last_name="Mensah", is_staff=True)
    auditor.set_password(DEMO_PASSWORD)
    auditor.save()
    auditor.groups.add(Group.objects.get(name=roles.AUDITOR))
    users["kmensah"] = auditor
    case = case_in_stage(Stage.NEEDS_ASSESSMENT, actor=team.admin, state="GHA", officer=users["lhaddad"])
    return users, case.reference


def test_a_confidential_report_exists_for_the_clerk_opens_for_the_focal_point_and_the_auditor_sees_it(journey, people):
    users, reference = people
    officer = journey.actor(users["lhaddad"], "officer")
    clerk = journey.actor(users["pnair"], "intake clerk")
    focal_point = journey.actor(users["hlindqvist"], "focal point")
    auditor = journey.actor(users["kmensah"], "auditor")

    # The officer attaches the needs assessment report, its level left to its type: confidential.
    upload = pdf(REPORT, "Needs assessment mission to Ghana", "Findings and recommendations.")
    steps.attach_from_case_page(officer, reference, "Needs assessment report", upload, documents_before=0)
    row = officer.document_rows().filter(has_text=REPORT)
    expect(row.locator("select[name$='-level']")).to_have_value("confidential")
    officer.open_case(reference)
    item = officer.document_list().locator("li", has_text=REPORT)
    expect(item).to_contain_text("Confidential")
    document_url = item.get_by_role("link", name=REPORT).get_attribute("href")
    officer.shot("sees-the-report-filed-as-confidential", focus=officer.document_list())

    # The intake clerk sees that it exists (its type, its day, its level), not its name nor a link.
    clerk.open_case(reference)
    item = clerk.document_list().locator("li.document")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Needs assessment report")
    expect(item).to_contain_text("Confidential")
    expect(item).to_contain_text("not yours to open")
    expect(item.get_by_role("link")).to_have_count(0)
    expect(clerk.page.get_by_text(REPORT)).to_have_count(0)
    clerk.shot("sees-that-a-confidential-report-exists")
    # The link, had it reached her, is refused with the site's page and the reason.
    answer = clerk.page.goto(document_url)
    assert answer.status == 403
    expect(clerk.page.get_by_role("heading", name="You may not open this page")).to_be_visible()
    expect(clerk.page.locator("p.error")).to_contain_text("is confidential: your role may see that it exists")
    expect(clerk.page.get_by_text(REPORT)).to_have_count(0)
    clerk.shot("is-refused-the-report")
    # In the intake desk too: the row shows the report's type and level, no name, no link.
    clerk.open_in_admin(reference)
    expect(clerk.document_rows()).to_have_count(1)
    expect(clerk.document_rows().first).to_contain_text("not yours to open")
    expect(clerk.page.locator("#documents-group").get_by_text(REPORT)).to_have_count(0)
    clerk.shot("sees-the-row-without-its-name", focus=clerk.page.locator("#documents-group"))

    # The focal point opens it from the case page.
    focal_point.open_case(reference)
    with focal_point.page.expect_download() as opened:
        focal_point.document_list().get_by_role("link", name=REPORT).click()
    assert opened.value.suggested_filename == REPORT
    focal_point.shot("opens-the-report")

    # The auditor finds that opening: on the case page, in the admin's list, in the history export.
    auditor.open_case(reference)
    openings = auditor.page.locator("ul.reads li")
    expect(openings).to_have_count(1)
    expect(openings.first).to_contain_text("Helena Lindqvist")
    expect(openings.first).to_contain_text("Needs assessment report of")
    expect(openings.first).to_contain_text("downloaded from the case page")
    auditor.shot("sees-who-opened-the-report", focus=auditor.page.locator("ul.reads"))
    auditor.page.get_by_role("link", name="Every opening, filtered by reader, level or date").click()
    auditor.page.locator("#changelist-filter").get_by_role("link", name="Confidential", exact=True).click()
    expect(auditor.page.locator("#searchbar")).to_have_value(reference)
    rows = auditor.page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Helena Lindqvist")
    expect(rows.first).to_contain_text(reference)
    expect(auditor.page.get_by_text(REPORT)).to_have_count(0)
    auditor.shot("filters-the-openings-by-level")
    auditor.page.goto(f"/audit/?case={reference}")
    with auditor.page.expect_download() as exported:
        auditor.page.get_by_role("button", name="Download CSV").click()
    lines = list(csv.reader(io.StringIO(Path(exported.value.path()).read_text(encoding="utf-8-sig"))))
    [opening] = [line for line in lines if line[3] == "Opened: confidential"]
    assert opening[1] == reference and opening[6] == "Helena Lindqvist"
    assert "downloaded from the case page" in opening[8] and REPORT not in ",".join(sum(lines, []))

    # Nothing else went wrong: the one refusal is the clerk's 403.
    refusals = [error for error in journey.console_errors if FORBIDDEN.search(error)]
    assert len(refusals) == 1 and len(journey.console_errors) == 1, journey.console_errors
    journey.console_errors.clear()
    journey.assert_clean()
