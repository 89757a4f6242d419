"""Letters in the language of the correspondence: drafted from that language's template, their dates
written in it, their PDF in its fonts and direction (Arabic shaped right to left). The PDFs' first
pages are kept as PNG images in test-artifacts/screenshots/letters/, for a person to look at."""

import datetime
import io
from pathlib import Path

import pypdfium2
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.correspondence import exports
from requests_app.correspondence.models import Letter, Purpose
from requests_app.correspondence.selectors import letter_language
from requests_app.reference.models import MemberState
from tests.factories import case_in_stage

pytestmark = pytest.mark.django_db

SIGNATORY = "Rosemary A. DiCarlo"
# A long official name with accents, as each language writes it: (ISO code, name).
NAMES = {
    "fr": ("LAO", "République démocratique populaire lao"),
    "ar": ("VEN", "جمهورية فنزويلا البوليفارية"),
    "ru": ("BOL", "Многонациональное Государство Боливия"),
    "zh-hans": ("COD", "刚果民主共和国"),
}


def flat(text):
    return " ".join(text.split())


def letter_in(language, officer, request):
    """The decision letter of a decided case of the State of NAMES, drafted and printed in ``language``."""
    iso3, name = NAMES[language]
    MemberState.objects.filter(iso3=iso3).update(name=name)
    case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=officer, state=iso3)
    AssistanceRequest.objects.filter(pk=case.pk).update(letter_date=datetime.date(2026, 3, 1))
    case.refresh_from_db()
    draft = exports.draft(case, Purpose.DECISION, language)
    with translation.override(language):
        values = exports.case_values(case, signatory=SIGNATORY)
        body = exports.render_text(draft.body, values)
        content = exports.letter_pdf(
            subject=draft.subject, body=body, signatory=SIGNATORY, place_and_date="New York", language=language
        )
    folder = Path(request.config.rootpath) / "test-artifacts" / "screenshots" / "letters"
    folder.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(content)
    try:
        document[0].render(scale=1.5).to_pil().save(folder / f"decision-letter-{language}.png")
    finally:
        document.close()
    return case, draft, flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


def test_a_french_decision_letter_names_the_state_and_its_days_in_french(officer, request):
    case, draft, text = letter_in("fr", officer, request)
    assert draft.subject.startswith("Décision concernant la demande d’assistance électorale")
    opening = (
        "Le Secrétariat de l’Organisation des Nations Unies présente ses compliments à la Mission permanente "
        f"de {NAMES['fr'][1]} auprès de l’Organisation des Nations Unies"
    )
    assert opening in flat(draft.body) and opening in text
    assert "datée du 1er mars 2026" in text  # the day of the request's letter, as French writes it
    assert case.reference in text and SIGNATORY in text and "{{" not in text


def test_an_arabic_decision_letter_is_in_arabic_joined_and_right_to_left(officer, request):
    case, draft, text = letter_in("ar", officer, request)
    assert draft.subject.startswith("قرار بشأن طلب المساعدة الانتخابية")
    assert "تهدي الأمانة العامة للأمم المتحدة تحياتها إلى البعثة الدائمة" in text
    assert NAMES["ar"][1] in text
    assert "1 آذار/مارس 2026" in flat(draft.body)  # the United Nations' Arabic names the month twice
    with translation.override("ar"):
        united_nations = gettext("United Nations")
    assert united_nations != "United Nations", "the Arabic catalogue does not translate the letterhead"
    assert united_nations in text and case.reference in text


def test_the_letters_language_is_the_one_asked_else_its_own_else_its_cases_correspondences(officer):
    letter = Letter(country=MemberState.objects.get(iso3="FRA"))
    assert letter_language(letter, "ar") == "ar"
    assert letter_language(letter, "zh-hans") == "zh-hans"
    assert letter_language(letter, "xx") == letter_language(letter, None) == letter_language(None) == "en"
    assert letter_language(Letter(language="ru"), "xx") == "ru"  # the letter's own (Letter.language)
    # A letter not yet written: its case's correspondence's (the request letter's, else its State's).
    case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=officer, state="CIV")
    assert letter_language(case) == letter_language(case, "xx") == "fr" and letter_language(case, "es") == "es"


def test_the_drafting_page_drafts_in_the_language_asked_and_prints_it(client, officer, focal_point):
    case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=officer, state="GHA")
    client.force_login(focal_point)
    url = reverse("workspace:letter-draft", args=[case.reference, "decision"])
    page = client.get(url + "?language=ru").content.decode()
    assert "Секретариат Организации Объединенных Наций свидетельствует свое уважение" in page
    assert 'name="language" value="ru"' in page and 'hreflang="ar"' in page
    form = {"subject": "Решение", "body": "Уважаемые коллеги из {{ state }}.", "signatory": "А. Иванова"}
    preview = client.post(url, form | {"language": "ru", "preview": "1"})
    assert preview["Content-Type"] == "application/pdf"
    assert "Уважаемые коллеги из Ghana." in flat(PdfReader(io.BytesIO(preview.content)).pages[0].extract_text())
    # A language EAS does not have is refused with the form again; nothing is filed.
    refused = client.post(url, form | {"language": "xx", "send": "1"})
    assert refused.status_code == 400 and "language" in refused.content.decode()
    assert not Letter.objects.filter(case=case, purpose=Purpose.DECISION).exclude(file="").exists()
    # An unknown ?language= drafts in English.
    assert "The Secretariat of the United Nations" in client.get(url + "?language=xx").content.decode()


@pytest.mark.parametrize(
    ("language", "opening", "day"),
    [
        ("ru", "Секретариат Организации Объединенных Наций свидетельствует свое уважение", "от 1 марта 2026 года"),
        ("zh-hans", "联合国秘书处向刚果民主共和国常驻联合国代表团致意", "2026年3月1日的选举援助请求"),
    ],
)
def test_russian_and_chinese_decision_letters_print_their_script(officer, request, language, opening, day):
    case, draft, _text = letter_in(language, officer, request)
    assert flat(draft.body).startswith(opening) and day in flat(draft.body)
    assert NAMES[language][1] in draft.body and case.reference in draft.subject
