"""What the six-language journey counts as English left untranslated (tests/browser/untranslated.py),
checked on texts, without a browser."""

import pytest

from tests.browser.untranslated import Reader, english_messages, looks_english

pytestmark = pytest.mark.django_db


def test_a_message_of_the_catalogue_shown_as_it_is_written_is_english():
    french = english_messages("fr")
    assert "Dashboard" in french  # translated "Tableau de bord": "Dashboard" on a French page is English
    assert "EAS" not in french  # kept as it is by the translators


def test_a_sentence_of_common_english_words_is_english_in_any_language():
    assert looks_english("The case is now under review.")
    assert not looks_english("Le dossier est maintenant en cours d'examen.")
    assert not looks_english("Estado de Palestina")
    assert not looks_english("EAS-2026-0001")


def test_what_the_allow_list_names_is_read_without_it():
    reader = Reader("ru", allowed=["Minister for Foreign Affairs of Ghana", "Leila Haddad"])
    assert not reader.is_english("Minister for Foreign Affairs of Ghana — Министр иностранных дел")
    assert not reader.is_english("EAS-2026-0001 · Leila Haddad")
    assert not reader.is_english("12 345,00")
    assert reader.is_english("Dashboard")
    assert reader.is_english("Nothing to show in the list of the cases.")
    assert not Reader("en").is_english("Dashboard")
