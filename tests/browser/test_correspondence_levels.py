"""A letter's level and language in a real browser (issue 14), walked by the demo staff and an auditor,
each in a browser of their own, only through the pages; screenshots under test-artifacts/screenshots/<test>/.

The officer registers a note verbale received on her case with a confidential file. The auditor sees
that it exists, not what it says, and is refused its file; the team lead of another desk does not find it
at all (it is not his desk's). The focal point opens it, raises it to strictly confidential saying why
(then the African desk's team lead, who reads confidential letters, sees only that it exists), and lowers
it again: he opens it. The auditor finds every opening. Drafting the decision letter for Côte d'Ivoire, a
francophone State, starts in French, and the letter is filed in French.
"""

import re

import pytest
from django.contrib.auth.models import Group

from requests_app.cases.choices import Stage
from requests_app.core import roles
from requests_app.correspondence.models import Letter, LetterEvent, Purpose
from requests_app.demo.staff import DEMO_PASSWORD, ensure_users
from requests_app.documents.models import ConfidentialRead
from tests.browser.journeys import days, expect, pdf
from tests.factories import UserFactory, case_in_stage, new_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SUBJECT = "Armed groups near the polling stations of the north"
NOTES = "The Minister asks that the sources be protected."
FILE = "security-note-ghana.pdf"
REFUSED = re.compile(r"status of 40[34] \((Forbidden|Not Found)\)")


@pytest.fixture
def people(db):
    """The demo staff and an auditor, by username."""
    team = ensure_users()
    users = {user.username: user for user in [team.focal_point, team.clerk, *team.officers]}
    auditor = UserFactory(username="kmensah", first_name="Kwame", last_name="Mensah", is_staff=True)
    auditor.set_password(DEMO_PASSWORD)
    auditor.save()
    auditor.groups.add(Group.objects.get(name=roles.AUDITOR))
    users["kmensah"] = auditor
    return users, team


def field(label):
    return re.compile(rf"^{re.escape(label)}( \*)?$")


def register_confidential_letter(officer, reference):
    page = officer.open_case(reference)
    section = page.locator("section", has=page.get_by_role("heading", name="Correspondence"))
    section.get_by_role("link", name="Register a letter").click()
    page.get_by_label("In (received)").check()
    page.get_by_label(field("Kind")).select_option(label="Note verbale")
    page.get_by_label("Date of the letter").fill(days(-3))
    page.get_by_label("Received on").fill(days(-1))
    page.get_by_label(field("Channel")).select_option(label="Permanent Mission")
    page.get_by_label(field("From")).fill("Permanent Mission of Ghana to the United Nations")
    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_label("Notes").fill(NOTES)
    page.get_by_label(field("File")).set_input_files(pdf(FILE, "Security note", "Sources to protect."))
    page.get_by_label("Level").select_option(label="Confidential")
    officer.shot("registers-a-confidential-note-verbale")
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.locator(".messages .message.success")).to_contain_text("Registered:")
    expect(page.locator(".status-line .level")).to_have_text("Confidential")
    expect(page.get_by_role("link", name=FILE)).to_be_visible()
    officer.shot("the-letter-filed-confidential")
    return page.url


def change_level(focal_point, url, level, why):
    page = focal_point.page
    page.goto(url)
    form = page.locator("form.letter-level")
    form.get_by_label("Level").select_option(label=level)
    form.get_by_label("Why").fill(why)
    form.get_by_role("button", name="Change the level").click()
    expect(page.locator(".messages .message.success")).to_contain_text(f"The letter is now {level.lower()}.")
    expect(page.locator("ol.letter-history")).to_contain_text(why)


def sees_only_that_it_exists(actor, url, level, step):
    """The register's row and the letter's page name the letter, its level, never what it says; its file is refused."""
    page = actor.page
    page.goto("/correspondence/?country=GHA")
    row = page.locator("table.letters tbody tr", has_text=f"{level}: not yours to read")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Permanent Mission of Ghana")
    expect(page.get_by_text(SUBJECT)).to_have_count(0)
    row.get_by_role("link", name=f"{level}: not yours to read").click()
    expect(page.locator(".page-head .withheld")).to_contain_text("your role may see that this letter exists")
    expect(page.locator("dd.letter-file")).to_have_text("A file: not yours to open")
    expect(page.get_by_text(SUBJECT)).to_have_count(0)
    expect(page.get_by_text(NOTES)).to_have_count(0)
    actor.shot(step)
    answer = page.goto(url + "file/")
    assert answer.status == 403
    expect(page.get_by_role("heading", name="You may not open this page")).to_be_visible()
    expect(page.locator("p.error")).to_contain_text(f"is {level.lower()}: your role may see that it exists")
    expect(page.get_by_text(FILE)).to_have_count(0)


def opens_the_file(actor, url):
    actor.page.goto(url)
    expect(actor.page.get_by_role("heading", level=1)).to_contain_text(SUBJECT)
    with actor.page.expect_download() as opened:
        actor.page.get_by_role("link", name=FILE).click()
    assert opened.value.suggested_filename == FILE


def test_a_confidential_letter_exists_for_the_auditor_and_its_level_is_raised_and_lowered_with_a_comment(
    journey, people
):
    users, team = people
    case = new_request(state="GHA", officer=users["lhaddad"])  # the African desk: Leila Haddad's case
    officer = journey.actor(users["lhaddad"], "officer")
    auditor = journey.actor(users["kmensah"], "auditor")
    other_lead = journey.actor(users["therrera"], "team lead of the Latin American desk")
    african_lead = journey.actor(users["aokafor"], "team lead of the African desk")
    focal_point = journey.actor(users["hlindqvist"], "focal point")

    url = register_confidential_letter(officer, case.reference)
    letter_path = url[url.index("/correspondence/") :]

    # The auditor sees that it exists, not what it says, and is refused its file.
    sees_only_that_it_exists(auditor, letter_path, "Confidential", "sees-that-it-exists")
    auditor.shot("is-refused-the-file")

    # The team lead of another desk does not find it: not in his register, not at its address.
    page = other_lead.page
    page.goto("/correspondence/")
    expect(page.locator("table.letters tbody tr", has_text="Ghana")).to_have_count(0)
    assert page.goto(letter_path).status == 404
    assert page.goto(letter_path + "file/").status == 404
    other_lead.shot("does-not-find-it")

    # The focal point opens it, and raises it, saying why.
    opens_the_file(focal_point, letter_path)
    change_level(focal_point, letter_path, "Strictly confidential", "It names the Minister's sources.")
    focal_point.shot("raises-it-to-strictly-confidential", focus=focal_point.page.locator("ol.letter-history"))

    # The African desk's team lead reads confidential letters, not strictly confidential ones.
    sees_only_that_it_exists(african_lead, letter_path, "Strictly confidential", "sees-only-that-it-exists")

    # Lowered again, with its reason: he opens it.
    change_level(focal_point, letter_path, "Confidential", "The sources are named in the annex only.")
    focal_point.shot("lowers-it-to-confidential", focus=focal_point.page.locator("ol.letter-history"))
    opens_the_file(african_lead, letter_path)
    african_lead.shot("opens-it")

    # The case's history says so, and the auditor finds every opening.
    focal_point.open_case(case.reference)
    focal_point.expect_latest_event("Level of a letter changed", "The sources are named in the annex only.")
    auditor.open_case(case.reference)
    openings = auditor.page.locator("ul.reads li", has_text="downloaded from the correspondence register")
    expect(openings).to_have_count(2)
    expect(openings.filter(has_text="Helena Lindqvist")).to_have_count(1)
    expect(openings.filter(has_text="Amara Okafor")).to_have_count(1)
    expect(auditor.page.locator("ul.reads")).not_to_contain_text(SUBJECT)
    auditor.shot("finds-the-openings", focus=auditor.page.locator("ul.reads"))

    letter = Letter.objects.get(subject=SUBJECT)
    assert letter.level == "confidential" and LetterEvent.objects.filter(letter=letter).count() == 2
    assert ConfidentialRead.objects.filter(subject_id=letter.pk, place="letter_download").count() == 2
    refusals = [error for error in journey.console_errors if REFUSED.search(error)]
    assert len(refusals) == len(journey.console_errors) == 4, journey.console_errors  # 2 × 403, 2 × 404
    journey.console_errors.clear()
    journey.assert_clean()


def test_the_decision_letter_for_a_francophone_state_is_drafted_and_filed_in_french(journey, people):
    users, team = people
    case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=team.admin, state="CIV")
    focal_point = journey.actor(users["hlindqvist"], "focal point")
    page = focal_point.open_case(case.reference)
    section = page.locator("section", has=page.get_by_role("heading", name="Correspondence"))
    section.get_by_role("link", name="Draft the decision letter").click()

    # Drafted in French, the language the "Draft it in:" links mark current.
    expect(page.locator(".letter-languages [aria-current=true]")).to_have_text("français")
    expect(page.get_by_label("Subject")).to_have_value(
        f"Décision concernant la demande d’assistance électorale\u00a0: Côte d'Ivoire ({case.reference})"
    )
    expect(page.get_by_label("Text of the letter")).to_contain_text("a l’honneur de l’informer")
    focal_point.shot("drafts-in-french")

    # Another language can be chosen: Spanish, then back to French.
    page.get_by_role("link", name="español", exact=True).click()
    expect(page.get_by_label("Subject")).to_have_value(
        f"Decisión sobre la solicitud de asistencia electoral: Côte d'Ivoire ({case.reference})"
    )
    expect(page.locator(".letter-languages [aria-current=true]")).to_have_text("español")
    focal_point.shot("or-in-spanish")
    page.get_by_role("link", name="français", exact=True).click()
    expect(page.get_by_label("Text of the letter")).to_contain_text("a l’honneur de l’informer")

    page.get_by_label("Signed by").fill("Rosemary A. DiCarlo, Secrétaire générale adjointe")
    page.get_by_role("button", name="File as sent").click()
    expect(page.locator(".messages .message.success")).to_contain_text("Filed as sent, with its PDF")
    expect(page.locator("dl.facts")).to_contain_text("French")
    focal_point.shot("filed-in-french")

    page.goto("/correspondence/?language=fr")
    row = page.locator("table.letters tbody tr", has_text="Décision concernant la demande")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("French")
    focal_point.shot("in-the-register-in-french")
    letter = Letter.objects.get(case=case, purpose=Purpose.DECISION)
    assert letter.language == "fr" and letter.file
    journey.assert_clean()
