"""Migration 0029_letters15 after 0027_corr14: one template per letter and language. The French and
Spanish that 0027_corr14 wrote become the note verbale of the six languages, unless an administrator
changed them (then they stay as written); the other languages are added; going back restores corr's."""

from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE, AFTER = "0028_preferences15", "0029_letters15"
CORR = import_module("requests_app.migrations.0027_corr14")
LETTERS = import_module("requests_app.migrations.0029_letters15")
EDITED = ("Décision : {{ state }} ({{ reference }})", "Le texte qu'une administratrice a écrit.")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("requests_app", target)])
    return executor.loader.project_state([("requests_app", target)]).apps


def wordings(apps):
    rows = apps.get_model("requests_app", "LetterTemplate").objects.values_list(
        "language", "purpose", "subject", "body"
    )
    return {(language, purpose): (subject, body) for language, purpose, subject, body in rows}


def corr_wording(language, purpose):
    return next((s, b) for p, lang, s, b in CORR.TEMPLATES if (lang, p) == (language, purpose))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_corrs_templates_become_the_six_languages_note_unless_edited():
    try:
        old = migrate(BEFORE)
        assert wordings(old)[("fr", "decision")] == corr_wording("fr", "decision")
        old.get_model("requests_app", "LetterTemplate").objects.filter(language="fr", purpose="decision").update(
            subject=EDITED[0], body=EDITED[1]
        )

        after = wordings(migrate(AFTER))
        assert set(after) == {
            (language, purpose) for language in LETTERS.TEMPLATES for purpose in ("acknowledgement", "decision")
        }
        for key in [("fr", "acknowledgement"), ("es", "acknowledgement"), ("es", "decision"), ("ar", "decision")]:
            language, purpose = key
            assert after[key] == LETTERS.TEMPLATES[language][purpose], key
        assert after[("fr", "decision")] == EDITED  # the administrator's wording is kept

        before = wordings(migrate(BEFORE))
        assert set(before) == {(lang, p) for lang in ("en", "fr", "es") for p in ("acknowledgement", "decision")}
        assert before[("es", "decision")] == corr_wording("es", "decision")
        assert before[("fr", "acknowledgement")] == corr_wording("fr", "acknowledgement")
        assert before[("fr", "decision")] == EDITED
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("requests_app")[0][1])
