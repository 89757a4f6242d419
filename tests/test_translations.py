"""The six catalogues: complete, up to date with the code, compiled without GNU gettext.

A catalogue with an empty or fuzzy entry fails here, naming the first ones; so does a message of
the code (a {% translate %}, a gettext_lazy) that a catalogue does not hold yet: run makemessages,
translate, compile (README, "Languages").
"""

import gettext
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from django.conf import settings
from django.core.management import call_command

from requests_app.core import catalogues

ROOT = Path(settings.BASE_DIR)
LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture(scope="module")
def messages_of_code():
    return catalogues.messages_of_code(ROOT)


def catalogue_of(language):
    path = catalogues.catalogue_path(language)
    assert path.exists(), f"no catalogue for {language}: {path.relative_to(ROOT)} (README, Languages)"
    return catalogues.read_catalogue(path)


def listed(entries, limit=15):
    return "\n".join(f"  {entry}" for entry in sorted(entries, key=str)[:limit]) + (
        f"\n  … and {len(entries) - limit} more" if len(entries) > limit else ""
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_of_the_catalogue_is_translated_and_none_is_fuzzy(language):
    owed = catalogues.owed(catalogue_of(language))
    assert owed == [], f"{len(owed)} entries of the {language} catalogue are empty or fuzzy:\n" + listed(
        [f"{entry.why}: {entry.msgid!r}" for entry in owed]
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_holds_every_message_of_the_code(language, messages_of_code):
    missing = messages_of_code - catalogues.keys(catalogue_of(language))
    assert missing == set(), (
        f"{len(missing)} messages of the code are not in the {language} catalogue (makemessages -l …):\n"
        + listed(missing)
    )


def write_catalogue(path, language, messages):
    catalogue = Catalog(locale=language)
    for msgid, string, flags in messages:
        catalogue.add(msgid, string, flags=flags)
    path.parent.mkdir(parents=True)
    with path.open("wb") as po:
        write_po(po, catalogue)
    return path


def test_compiling_keeps_translations_and_leaves_out_fuzzy_and_blank_entries(tmp_path):
    po = write_catalogue(
        tmp_path / "fr" / "LC_MESSAGES" / "django.po",
        "fr",
        [
            ("Cases", "Dossiers", []),
            ("Dashboard", "Tableau de bord ?", ["fuzzy"]),
            ("Partners", "", []),
            (("%(n)s case", "%(n)s cases"), ("", ""), []),
            (("%(n)s day", "%(n)s days"), ("%(n)s jour", "%(n)s jours", "%(n)s jours"), []),
        ],
    )
    assert catalogues.compile_all(roots=[tmp_path]) == [po.with_suffix(".mo")]
    with po.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    assert compiled.gettext("Cases") == "Dossiers"
    assert compiled.gettext("Dashboard") == "Dashboard"  # fuzzy: not trusted
    assert compiled.ngettext("%(n)s day", "%(n)s days", 2) == "%(n)s jours"
    # Left out, so that Django's own catalogues (the admin's) still answer for them.
    assert "Partners" not in compiled._catalog
    assert ("%(n)s case", 0) not in compiled._catalog
    # Up to date: nothing compiled again until the .po changes.
    assert catalogues.compile_all(roots=[tmp_path]) == []


def test_an_empty_or_fuzzy_entry_is_owed_an_english_catalogue_copying_its_ids_is_not():
    catalogue = Catalog(locale="en")
    catalogue.add("Cases", "Cases")
    catalogue.add("Dashboard", "")
    catalogue.add("Partners", "Partners", flags=["fuzzy"])
    catalogue.add(("%(n)s case", "%(n)s cases"), ("%(n)s case", ""))
    owed = {(entry.msgid, entry.why) for entry in catalogues.owed(catalogue)}
    assert owed == {("Dashboard", "empty"), ("Partners", "fuzzy"), ("%(n)s case", "empty")}


def test_the_messages_of_a_template_and_of_python_are_found_as_makemessages_finds_them(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(
        "{% load i18n %}\n<div>\n    <h1>{% translate 'Cases' %}</h1>\n"
        '        <p>{% translate "May" context "month" %}</p>\n'
        "  {% blocktranslate trimmed count counter=n %}\n  {{ counter }} day\n"
        "  {% plural %}\n  {{ counter }} days\n  {% endblocktranslate %}\n</div>\n"
    )
    (tmp_path / "views.py").write_text(
        "from django.utils.translation import gettext_lazy as _, pgettext_lazy\n"
        "A = _('Dashboard')\nB = pgettext_lazy('verb', 'Record')\nC = _(name)\n"
    )
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("from django.utils.translation import gettext as _\n_('Not me')\n")
    assert catalogues.messages_of_code(tmp_path) == {
        (None, "Cases"),
        ("month", "May"),
        (None, "%(counter)s day"),
        (None, "Dashboard"),
        ("verb", "Record"),
    }


def test_the_command_compiles_the_catalogues_of_the_locale_folder(tmp_path, settings):
    write_catalogue(tmp_path / "es" / "LC_MESSAGES" / "django.po", "es", [("Cases", "Expedientes", [])])
    settings.LOCALE_PATHS = [tmp_path]
    call_command("compile_catalogues", "--quiet")
    assert (tmp_path / "es" / "LC_MESSAGES" / "django.mo").exists()
