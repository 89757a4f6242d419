"""The language of the correspondence (issue 14): each State's usual one (migration 0027_corr14, edited in
the admin), a letter's (its case's correspondence's, else its State's, unless chosen), the drafting page's
default and choice, the letter filed in it, and the register's column and filter."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from requests_app.cases.choices import Stage
from requests_app.core.errors import ActionRefused
from requests_app.correspondence import selectors, services
from requests_app.correspondence.models import Letter, LetterTemplate, Purpose
from requests_app.reference.models import MemberState
from tests.correspondence.helpers import details, reply_details
from tests.factories import case_in_stage, member_state, new_request

pytestmark = pytest.mark.django_db

LIST = reverse("workspace:letter-list")


@pytest.mark.parametrize(
    ("iso3", "language"),
    [
        ("FRA", "fr"),
        ("CIV", "fr"),
        ("HTI", "fr"),
        ("MEX", "es"),
        ("PER", "es"),
        ("GNQ", "es"),
        ("EGY", "ar"),
        ("MAR", "ar"),
        ("PSE", "ar"),
        ("KAZ", "ru"),
        ("RUS", "ru"),
        ("CHN", "zh-hans"),
        ("GHA", ""),
        ("BRA", ""),
        ("UKR", ""),
    ],
)
def test_each_state_has_a_sensible_language_of_correspondence(iso3, language):
    state = member_state(iso3)
    assert state.correspondence_language == language
    assert state.letter_language == (language or "en")


def test_a_letter_is_in_its_states_language_unless_its_case_or_its_registrar_says_otherwise(officer, focal_point):
    mexico = services.register_incoming(actor=focal_point, country=member_state("MEX"), details=details())
    assert mexico.language == "es"
    case = new_request(actor=officer, state="CIV")
    request = Letter.objects.get(case=case, purpose=Purpose.REQUEST)
    assert request.language == "fr" and selectors.case_language(case) == "fr"
    # The request came in English: the case's correspondence is in English from then on.
    Letter.objects.filter(pk=request.pk).update(language="en")
    assert services.register_outgoing(actor=focal_point, case=case, details=reply_details()).language == "en"
    chosen = services.register_incoming(actor=focal_point, country=member_state("MEX"), details=details(language="en"))
    assert chosen.language == "en"
    with pytest.raises(ActionRefused, match="six official languages"):
        services.register_incoming(actor=focal_point, country=member_state("MEX"), details=details(language="pt"))


def test_the_register_shows_and_filters_by_language(client, focal_point):
    services.register_incoming(actor=focal_point, country=member_state("MEX"), details=details(subject="Calendario"))
    services.register_incoming(actor=focal_point, country=member_state("GHA"), details=details(subject="Calendar"))
    client.force_login(focal_point)
    page = client.get(LIST, {"language": "es"})
    assert [letter.subject for letter in page.context["page"].object_list] == ["Calendario"]
    assert "<td>Spanish</td>" in page.content.decode()
    registered = client.get(LIST).content.decode()
    assert "<td>English</td>" in registered and '<th scope="col">Language</th>' in registered


def pdf_text(content):
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def test_drafting_for_a_francophone_state_defaults_to_french_and_files_the_letter_in_french(
    client, officer, focal_point
):
    case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=officer, state="CIV")
    client.force_login(focal_point)
    url = reverse("workspace:letter-draft", args=[case.reference, "decision"])
    page = client.get(url)
    form = page.context["form"]
    # French is the language the page drafts in: the one of the "Draft it in:" links it marks current.
    assert form.initial["language"] == "fr" and page.context["language"] == "fr"
    assert '<strong lang="fr" aria-current="true">' in page.content.decode()
    french = "Décision concernant la demande d’assistance électorale\u00a0: Côte d'Ivoire"  # no-break space, as French
    assert form.initial["subject"].startswith(french)
    assert "a l’honneur de l’informer" in form.initial["body"] and not page.context["fallback"]
    post = {"subject": form.initial["subject"], "body": form.initial["body"], "signatory": "R. DiCarlo"}
    preview = client.post(url, post | {"language": "fr", "preview": "1"})
    assert "New York, " in pdf_text(preview.content)
    filed = client.post(url, post | {"language": "fr", "send": "1"})
    assert filed.status_code == 302
    letter = Letter.objects.get(case=case, purpose=Purpose.DECISION)
    assert letter.language == "fr" and letter.file
    event = case.events.latest("id")
    assert event.details["language"] == "fr" and "language: French" in event.details_text


def test_the_drafting_page_lets_the_user_choose_another_language(client, officer, focal_point):
    case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=officer, state="CIV")
    client.force_login(focal_point)
    url = reverse("workspace:letter-draft", args=[case.reference, "acknowledgement"])
    spanish = client.get(url, {"language": "es"})
    assert spanish.context["form"].initial["subject"].startswith("Solicitud de asistencia electoral")
    assert "de 20" in spanish.context["form"].initial["body"]  # "3 de marzo de 2026": the day in Spanish
    page = client.get(url).content.decode()  # the "Draft it in:" links: Spanish by its own name
    assert f'<a href="{url}?language=es" lang="es" hreflang="es">español</a>' in page
    LetterTemplate.objects.filter(language="ru").delete()  # an administrator removed the Russian wording
    russian = client.get(url, {"language": "ru"})
    assert russian.context["fallback"] and "There is no template in Russian yet" in russian.content.decode()
    assert russian.context["form"].initial["language"] == "ru"
    nonsense = client.get(url, {"language": "klingon"})
    assert nonsense.status_code == 200 and nonsense.context["form"].initial["language"] == "fr"
    forged = client.post(url, {"subject": "s", "body": "b", "signatory": "x", "language": "klingon", "send": "1"})
    assert (
        forged.status_code == 400
        and not Letter.objects.filter(case=case, purpose=Purpose.ACKNOWLEDGEMENT).exclude(file="").exists()
    )


def test_an_administrator_sets_a_states_language_in_the_admin(client, officer):
    admin = type(officer).objects.create_superuser("root-lang", "root-lang@example.org", "x")
    client.force_login(admin)
    ghana = member_state("GHA")
    url = reverse("admin:requests_app_memberstate_change", args=[ghana.pk])
    page = client.get(url).content.decode()
    assert 'name="correspondence_language"' in page
    form = {
        "name": ghana.name,
        "regional_group": ghana.regional_group,
        "in_regional_group": "on",
        "correspondence_language": "fr",
        "administering_power": "",
        "un_basis": "",
        # its names in the other five languages, as the form shows them
        **{f"name_{code.replace('-', '_')}": ghana.names[code] for code in ("ar", "zh-hans", "fr", "ru", "es")},
    }
    assert client.post(url, form).status_code == 302
    assert MemberState.objects.get(pk=ghana.pk).letter_language == "fr"
    listed = client.get(reverse("admin:requests_app_memberstate_changelist"), {"correspondence_language": "fr"})
    assert "Ghana" in listed.content.decode()
