"""The correspondence register in a real browser, walked by the demo staff in their roles.

The intake clerk files a political party's letter as "not considered", with the reply, through the
form the intake desk points to: it is in the register, among no cases, and the briefing does not count
it among the requests received. An officer registers a note verbale received on a case, with a reply
due: it is on the case page and in the register. Screenshots: test-artifacts/screenshots/<test>/.
"""

import datetime
import re

import pytest
from django.utils import formats, timezone

from requests_app.correspondence.models import Letter, LetterStatus
from requests_app.demo.staff import ensure_users
from tests.browser.journeys import days, expect, pdf
from tests.factories import new_request

# The live server answers from another thread: a transactional database, restored afterwards.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PARTY = "Secretary-General, Democratic Alliance"
PARTY_SUBJECT = "Request that the United Nations observe the presidential election"


@pytest.fixture
def staff(db):
    team = ensure_users()
    return {user.username: user for user in [team.focal_point, team.clerk, *team.officers]}


def field(label):
    """A field by its whole label, with or without the asterisk of a required one."""
    return re.compile(rf"^{re.escape(label)}( \*)?$")


def shown(day_offset):
    """A day as the pages show it: 9 Dec 2026."""
    return formats.date_format(timezone.localdate() + datetime.timedelta(days=day_offset), "j M Y")


def test_a_party_letter_is_filed_not_considered_and_never_counted_as_a_request(journey, staff):
    new_request(state="GHA", received_days_ago=3)  # a government's request, received this month
    clerk = journey.actor(staff["pnair"], "intake clerk")
    focal_point = journey.actor(staff["hlindqvist"], "focal point")
    page = clerk.page

    # The intake desk's form for a new request says where such a letter goes.
    page.goto("/admin/")
    page.locator("#content-main tr.model-assistancerequest").get_by_role("link", name="Add").click()
    expect(page.locator(".eas-not-a-request")).to_contain_text("is not a request")
    expect(page.get_by_label("Origin").locator("option", has_text="another body")).to_have_count(0)
    clerk.shot("the-intake-form-points-to-the-register")
    page.get_by_role("link", name="Register a letter not considered, with the reply").click()
    expect(page.get_by_role("heading", name="Register a letter not considered", level=1)).to_be_visible()

    page.get_by_label("Country").select_option(label="Ghana")
    page.get_by_label(field("Kind")).select_option(label="Letter")
    page.get_by_label(field("From")).fill(PARTY)
    page.get_by_label("Political party").check()
    page.get_by_label("Date of the letter").fill(days(-9))
    page.get_by_label("Received on").fill(days(-7))
    page.get_by_label(field("Channel")).select_option(label="Direct")
    page.get_by_label("Subject").fill(PARTY_SUBJECT)
    page.get_by_label("File of the letter").set_input_files(pdf("party.pdf", "Democratic Alliance", PARTY_SUBJECT))
    page.get_by_label("Reply sent on").fill(days(0))
    page.get_by_label("Reply: kind").select_option(label="Letter")
    page.get_by_label("What the reply says").fill(
        "Only the Government can request electoral assistance (resolution 62/150, para 2); the letter is filed."
    )
    clerk.shot("fills-the-letter-and-its-reply")
    page.get_by_role("button", name="File it with the reply").click()

    expect(page.locator(".messages .message.success")).to_contain_text("It is not a request")
    expect(page.get_by_role("heading", level=1)).to_contain_text(PARTY_SUBJECT)
    expect(page.locator(".status-line")).to_contain_text("Not considered: not a request")
    expect(page.locator(".status-line")).to_contain_text(f"replied {shown(0)}")
    expect(page.locator("ul.replies")).to_contain_text(f"Reply: {PARTY_SUBJECT}")
    expect(page.get_by_role("link", name="party.pdf")).to_be_visible()
    clerk.shot("the-letter-filed-with-its-reply")

    # In the register, among the letters not considered.
    page.locator("header nav").get_by_role("link", name="Correspondence").click()
    page.get_by_label("Status").select_option(label="Not considered: not requests")
    page.get_by_role("button", name="Apply").click()
    rows = page.locator("table.letters tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(PARTY_SUBJECT)
    expect(rows.first).to_contain_text("not considered: not a request")
    clerk.shot("in-the-register")

    # Among no cases.
    page.locator("header nav").get_by_role("link", name="Cases", exact=True).click()
    expect(page.locator(".count")).to_have_text("1 case matches")
    page.get_by_label("Search").fill("Democratic Alliance")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".empty")).to_contain_text("No case matches these filters.")
    clerk.shot("not-a-case")

    # The briefing counts the government's request, and the party's letter apart.
    focal_point.page.goto(f"/reports/briefing/?from={days(-30)}&to={days(0)}")
    received = focal_point.page.locator("dl.key-figures > div").filter(has_text="Requests received")
    expect(received.locator("dd")).to_contain_text("1")
    apart = focal_point.page.locator("dl.key-figures > div").filter(has_text="Letters not considered")
    expect(apart.locator("dd")).to_contain_text("1")
    expect(apart).to_contain_text("not requests")
    focal_point.shot("the-briefing")

    letter = Letter.objects.get(subject=PARTY_SUBJECT)
    assert letter.status == LetterStatus.NOT_CONSIDERED and letter.case is None
    journey.assert_clean()


def test_an_officer_registers_a_note_verbale_with_a_reply_due_on_a_case(journey, staff):
    case = new_request(state="GHA", officer=staff["lhaddad"])  # the African desk: Leila Haddad's
    officer = journey.actor(staff["lhaddad"], "officer")
    page = officer.open_case(case.reference)
    section = page.locator("section", has=page.get_by_role("heading", name="Correspondence"))
    expect(section).to_contain_text("Request for electoral assistance")  # the case's first letter
    section.get_by_role("link", name="Register a letter").click()

    expect(page.get_by_label(field("Case"))).to_have_value(case.reference)
    page.get_by_label("In (received)").check()
    page.get_by_label("Kind").select_option(label="Note verbale")
    page.get_by_label("Date of the letter").fill(days(-4))
    page.get_by_label("Received on").fill(days(-2))
    page.get_by_label("Channel").select_option(label="Permanent Mission")
    page.get_by_label(field("From")).fill("Permanent Mission of Ghana to the United Nations")
    page.get_by_label("Subject").fill("Electoral calendar, with a request for comments")
    page.get_by_label("Reply due on").fill(days(5))
    page.get_by_label(field("File")).set_input_files(pdf("calendar.pdf", "Electoral calendar", "2027-2028"))
    page.get_by_label("Comment").fill("The Mission asks for comments within a week.")
    officer.shot("fills-the-note-verbale")
    page.get_by_role("button", name="Register", exact=True).click()

    expect(page.locator(".messages .message.success")).to_contain_text("Registered:")
    expect(page.locator(".status-line")).to_contain_text(f"reply due {shown(5)}")
    officer.shot("the-note-verbale")

    page.locator("dl.facts").get_by_role("link", name=case.reference).click()
    section = page.locator("section", has=page.get_by_role("heading", name="Correspondence"))
    entry = section.locator("li", has_text="Electoral calendar, with a request for comments")
    expect(entry).to_contain_text(f"reply due {shown(5)}")
    officer.expect_latest_event("Letter received", "Electoral calendar", "The Mission asks for comments")
    officer.shot("on-the-case-page")

    section.get_by_role("link", name="In the register").click()
    rows = page.locator("table.letters tbody tr")
    expect(rows.filter(has_text="Electoral calendar, with a request for comments")).to_contain_text(
        f"reply due {shown(5)}"
    )
    expect(rows).to_have_count(2)  # the request letter and the note verbale
    officer.shot("in-the-register")
    journey.assert_clean()
