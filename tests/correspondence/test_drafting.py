"""Letters EAS drafts: the templates (0029_letters15's wording in six languages), their rendering from a
case, the PDF (text read back with pypdf) and filing it as sent (correspondence.services.file_drafted).
The letters in other languages than English: tests/correspondence/test_letter_languages.py."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from requests_app.cases.choices import Stage
from requests_app.core.errors import ActionRefused
from requests_app.correspondence import exports, services
from requests_app.correspondence.models import Direction, Letter, LetterTemplate, Purpose
from requests_app.reference.models import MemberState
from tests.factories import case_in_stage, new_request

pytestmark = pytest.mark.django_db

LONG_NAMES = [
    ("BOL", "the Plurinational State of Bolivia"),
    ("GBR", "the United Kingdom of Great Britain and Northern Ireland"),
    ("CIV", "Côte d'Ivoire"),
    ("STP", "São Tomé and Príncipe"),
]


def pdf_text(content):
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def flat(text):
    return " ".join(text.split())


def decided_case(officer, iso3="GHA", name=None):
    if name is not None:
        MemberState.objects.filter(iso3=iso3).update(name=name)
    return case_in_stage(Stage.DECISION_COMMUNICATED, actor=officer, state=iso3)


def test_the_migrations_add_both_letters_in_the_six_languages_to_a_permanent_mission():
    templates = {(t.language, t.purpose): t for t in LetterTemplate.objects.all()}
    assert set(templates) == {
        (language, purpose)
        for language in ("ar", "zh-hans", "en", "fr", "ru", "es")
        for purpose in (Purpose.ACKNOWLEDGEMENT, Purpose.DECISION)
    }
    opening = {
        "en": "The Secretariat of the United Nations presents its compliments to the Permanent Mission of {{ state }}",
        "fr": "Le Secrétariat de l’Organisation des Nations Unies présente ses compliments à la Mission permanente",
        "es": "La Secretaría de las Naciones Unidas saluda atentamente a la Misión Permanente de {{ state }}",
        "ru": "Секретариат Организации Объединенных Наций свидетельствует свое уважение Постоянному представительству",
        "ar": "تهدي الأمانة العامة للأمم المتحدة تحياتها إلى البعثة الدائمة لـ{{ state }}",
        "zh-hans": "联合国秘书处向{{ state }}常驻联合国代表团致意",
    }
    for (language, _purpose), template in templates.items():
        assert template.body.startswith(opening[language])
        assert "{{ reference }}" in template.subject and "{{ state }}" in template.subject
        exports.render_text(template.subject, {}), exports.render_text(template.body, {})  # each renders


def test_a_template_reaches_nothing_beyond_its_placeholders():
    text = "{{ state }}|{{ state|upper }}|{{ settings.SECRET_KEY }}|{{ request }}<b>"
    assert exports.render_text(text, {"state": "Côte d'Ivoire"}) == "Côte d'Ivoire|CÔTE D'IVOIRE||<b>"
    forbidden = ["{{ state.__class__ }}", "{% load static %}", '{% include "base.html" %}', "{% if %}"]
    forbidden += ['{{ state|center:"999999999" }}', "{% debug %}", "{% for c in state %}{% endfor %}"]
    for text in forbidden:
        with pytest.raises(exports.TemplateTextError):
            exports.render_text(text, {})


@pytest.mark.parametrize(("iso3", "name"), LONG_NAMES)
def test_the_decision_letter_prints_long_names_and_accents(officer, iso3, name):
    case = decided_case(officer, iso3, name)
    draft = exports.draft(case, Purpose.DECISION)
    assert name in draft.body and case.reference in draft.subject
    body = exports.render_text(draft.body, exports.case_values(case, signatory="Rosemary A. DiCarlo"))
    content = exports.letter_pdf(subject=draft.subject, body=body, signatory="Rosemary A. DiCarlo", place_and_date="x")
    text = flat(pdf_text(content))
    assert f"Permanent Mission of {name} to the United Nations" in text
    assert flat(draft.subject) in text and "Rosemary A. DiCarlo" in text
    assert "{{" not in text


def test_an_administrators_template_in_another_language_is_used(officer):
    LetterTemplate.objects.filter(purpose=Purpose.ACKNOWLEDGEMENT, language="ru").update(
        subject="Просьба: {{ state }}", body="Подтверждение."
    )
    LetterTemplate.objects.filter(language="ar").delete()
    case = new_request(actor=officer, state="KAZ")
    assert exports.draft(case, Purpose.ACKNOWLEDGEMENT, "ru").body == "Подтверждение."
    # A language whose template an administrator removed is drafted from the English one, and says so.
    fallback = exports.draft(case, Purpose.ACKNOWLEDGEMENT, "ar")
    assert fallback.subject.startswith("Request for electoral assistance") and fallback.language == "en"


def drafted(purpose=Purpose.DECISION, signatory="Rosemary A. DiCarlo"):
    content = exports.letter_pdf(subject="Decision", body="Text.", signatory=signatory, place_and_date="x")
    return services.DraftedLetter(purpose=purpose, subject="Decision on the request", signatory=signatory, pdf=content)


def test_filing_attaches_the_pdf_to_the_entry_the_decision_filed(officer, focal_point):
    case = decided_case(officer)
    before = Letter.objects.filter(case=case, purpose=Purpose.DECISION).count()
    letter = services.file_drafted(actor=focal_point, case=case, drafted=drafted())
    letters = Letter.objects.filter(case=case, purpose=Purpose.DECISION)
    assert letters.count() == before == 1
    assert letter.direction == Direction.OUT and letter.file and letter.original_name.endswith(".pdf")
    assert letter.file.read().startswith(b"%PDF")
    event = case.events.latest("id")
    assert (event.action, event.actor, event.details["signatory"]) == (
        "letter_sent",
        focal_point,
        "Rosemary A. DiCarlo",
    )


def test_filing_without_an_entry_registers_one_letter_out_with_its_file(officer, focal_point):
    case = new_request(actor=officer)
    letter = services.file_drafted(actor=focal_point, case=case, drafted=drafted(Purpose.ACKNOWLEDGEMENT))
    [out] = Letter.objects.filter(case=case, direction=Direction.OUT)
    assert out == letter and out.file and out.purpose == Purpose.ACKNOWLEDGEMENT
    assert out.registered_by == focal_point and out.in_reply_to is not None
    assert case.events.latest("id").action == "letter_sent"


def test_refusals_change_nothing(officer, focal_point, finance):
    case = new_request(actor=officer)
    with pytest.raises(ActionRefused, match="permission"):
        services.file_drafted(actor=finance, case=case, drafted=drafted(Purpose.ACKNOWLEDGEMENT))
    with pytest.raises(ActionRefused, match="no decision"):
        services.file_drafted(actor=focal_point, case=case, drafted=drafted())
    with pytest.raises(ActionRefused, match="signs"):
        services.file_drafted(actor=focal_point, case=case, drafted=drafted(Purpose.ACKNOWLEDGEMENT, signatory=" "))
    assert not Letter.objects.filter(case=case, direction=Direction.OUT).exists()


def test_the_page_previews_and_files_the_letter(client, officer, focal_point):
    case = decided_case(officer, "STP", "São Tomé and Príncipe")
    client.force_login(focal_point)
    url = reverse("workspace:letter-draft", args=[case.reference, "decision"])
    page = client.get(url)
    assert page.status_code == 200 and "São Tomé and Príncipe" in page.content.decode()
    form = {"subject": "Decision: São Tomé", "body": "Dear {{ state }}.", "signatory": "A. Person", "language": "en"}
    preview = client.post(url, form | {"preview": "1"})
    assert preview["Content-Type"] == "application/pdf"
    assert "Dear São Tomé and Príncipe." in pdf_text(preview.content)
    assert not Letter.objects.filter(case=case, purpose=Purpose.DECISION).exclude(file="").exists()
    filed = client.post(url, form | {"send": "1"})
    letter = Letter.objects.get(case=case, purpose=Purpose.DECISION)
    assert filed.status_code == 302 and letter.file and letter.subject == "Decision: São Tomé"


def test_the_page_is_refused_to_those_who_may_not_file(client, officer, finance):
    case = decided_case(officer)
    client.force_login(finance)
    url = reverse("workspace:letter-draft", args=[case.reference, "decision"])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"subject": "s", "body": "b", "signatory": "x", "send": "1"}).status_code in (403, 404)
    client.force_login(officer)
    assert client.get(reverse("workspace:letter-draft", args=[case.reference, "other"])).status_code == 404


def test_an_administrator_edits_a_template_in_the_admin_and_a_broken_one_is_refused(client, officer):
    admin = type(officer).objects.create_superuser("root14", "root14@example.org", "x")
    template = LetterTemplate.objects.get(purpose=Purpose.ACKNOWLEDGEMENT, language="en")
    client.force_login(admin)
    url = reverse("admin:requests_app_lettertemplate_change", args=[template.pk])
    form = {"purpose": "acknowledgement", "language": "en", "subject": "Ack {{ reference }}", "body": "{% if %}"}
    refused = client.post(url, form)
    assert refused.status_code == 200 and "cannot be read as a template" in refused.content.decode()
    assert client.post(url, form | {"body": "Dear {{ state }}."}).status_code == 302
    case = new_request(actor=officer, state="CIV")
    assert exports.draft(case, Purpose.ACKNOWLEDGEMENT).body == "Dear Côte d'Ivoire."
    client.force_login(officer)
    assert client.get(url).status_code in (302, 403)
