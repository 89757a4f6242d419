"""A letter EAS drafts, in a real browser: the focal point drafts the decision letter of a decided case
from its template, edits a sentence, previews the PDF, and files it as sent. It is in the case's
correspondence and in the register, with its PDF. The same in Arabic and in French, chosen on the
drafting page. Screenshots: test-artifacts/screenshots/<test>/.
"""

import io

import pytest
from pypdf import PdfReader

from requests_app.cases.choices import Stage
from requests_app.correspondence.models import Letter, Purpose
from requests_app.demo.staff import ensure_users
from requests_app.reference.models import MemberState
from tests.browser.journeys import expect
from tests.factories import case_in_stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STATE = "São Tomé and Príncipe"
SIGNATORY = "Rosemary A. DiCarlo, Under-Secretary-General"
EDITED = "after careful consideration of the needs assessment, has decided"


def pdf_text(path):
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_the_focal_point_drafts_edits_previews_and_files_the_decision_letter(journey, officer):
    MemberState.objects.filter(iso3="STP").update(name=STATE)
    case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=officer, state="STP")
    focal_point = journey.actor(ensure_users().focal_point, "focal point")
    page = focal_point.open_case(case.reference)
    section = page.locator("section", has=page.get_by_role("heading", name="Correspondence"))
    section.get_by_role("link", name="Draft the decision letter").click()

    body = page.get_by_label("Text of the letter")
    expect(body).to_contain_text(f"Permanent Mission of {STATE} to the United Nations")
    expect(page.get_by_label("Subject")).to_have_value(
        f"Decision on the request for electoral assistance: {STATE} ({case.reference})"
    )
    body.fill(body.input_value().replace("has decided", EDITED))
    page.get_by_label("Signed by").fill(SIGNATORY)
    focal_point.shot("drafts-and-edits")

    with page.expect_download() as preview:
        page.get_by_role("button", name="Preview as PDF").click()
    text = pdf_text(preview.value.path())
    assert EDITED in text and STATE in text and SIGNATORY in text
    assert not Letter.objects.filter(case=case, purpose=Purpose.DECISION).exclude(file="").exists()

    page.get_by_role("button", name="File as sent").click()
    expect(page.locator(".messages .message.success")).to_contain_text("Filed as sent, with its PDF")
    file_link = page.get_by_role("link", name=f"{case.reference}-decision.pdf")
    expect(file_link).to_be_visible()
    focal_point.shot("filed-with-its-pdf")

    # On the case page, and in the register, with its file.
    page = focal_point.open_case(case.reference)
    section = page.locator("section", has=page.get_by_role("heading", name="Correspondence"))
    expect(section.locator("li.letter-out", has_text="Decision on the request")).to_contain_text("file")
    section.get_by_role("link", name="In the register").click()
    row = page.locator("table.letters tbody tr", has_text="Decision on the request")
    expect(row).to_have_count(1)
    focal_point.shot("in-the-register")
    row.get_by_role("link", name="Decision on the request").first.click()
    with page.expect_download() as filed:
        page.get_by_role("link", name=f"{case.reference}-decision.pdf").click()
    assert EDITED in pdf_text(filed.value.path())

    [letter] = Letter.objects.filter(case=case, purpose=Purpose.DECISION)
    assert letter.file and case.events.latest("id").actor.username == ensure_users().focal_point.username
    journey.assert_clean()


# The opening of the decision letter in each language, and the language's link (its own name).
IN_LANGUAGE = {
    "ar": ("العربيّة", "تهدي الأمانة العامة للأمم المتحدة تحياتها إلى البعثة الدائمة"),
    "fr": ("français", "Le Secrétariat de l’Organisation des Nations Unies présente ses compliments"),
}


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_focal_point_drafts_and_files_the_decision_letter_in_another_language(journey, officer, language):
    link, opening = IN_LANGUAGE[language]
    # Ghana corresponds in English: the letter is drafted in English until another language is chosen.
    case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=officer, state="GHA")
    focal_point = journey.actor(ensure_users().focal_point, "focal point")
    page = focal_point.open_case(case.reference)
    section = page.locator("section", has=page.get_by_role("heading", name="Correspondence"))
    section.get_by_role("link", name="Draft the decision letter").click()
    expect(page.get_by_label("Text of the letter")).to_contain_text("The Secretariat of the United Nations")
    expect(page.locator(".letter-languages [aria-current=true]")).to_have_text("English")

    page.get_by_role("link", name=link, exact=True).click()
    body = page.get_by_label("Text of the letter")
    expect(body).to_contain_text(opening)
    expect(page.locator(".letter-languages [aria-current=true]")).to_have_text(link)
    if language == "ar":
        expect(page.locator("div[dir=rtl]", has=body)).to_have_count(1)
    page.get_by_label("Signed by").fill(SIGNATORY)
    focal_point.shot(f"drafted-in-{language}")

    page.get_by_role("button", name="File as sent").click()
    expect(page.locator(".messages .message.success")).to_contain_text("Filed as sent, with its PDF")
    focal_point.shot(f"filed-in-{language}")
    with page.expect_download() as filed:
        page.get_by_role("link", name=f"{case.reference}-decision.pdf").click()
    text = pdf_text(filed.value.path())
    assert " ".join(opening.split()) in text and case.reference in text and SIGNATORY in text
    [letter] = Letter.objects.filter(case=case, purpose=Purpose.DECISION)
    assert letter.file and letter.language == language  # filed in the language it was drafted in
    expect(page.locator("dl.facts")).to_contain_text({"ar": "Arabic", "fr": "French"}[language])
    journey.assert_clean()
