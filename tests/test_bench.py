"""`python -m bench --language`: the pages measured in the language asked for."""

import pytest

from bench import __main__ as bench_main
from bench import core
from requests_app.accounts.selectors import chosen_language
from requests_app.accounts.services import set_language
from tests.factories import UserFactory


def test_the_language_is_one_of_eas(capsys):
    assert bench_main.parse_args(["--language", "ar"]).language == "ar"
    assert bench_main.parse_args([]).language == "en"
    with pytest.raises(SystemExit):
        bench_main.parse_args(["--language", "de"])
    assert "--language must be one of" in capsys.readouterr().err


@pytest.mark.django_db
def test_the_benchmark_user_reads_the_pages_in_the_language_for_the_run_only():
    user = UserFactory(is_staff=True, is_superuser=True)
    set_language(user, "fr")
    with core.language(user, "ar") as reading:
        assert chosen_language(reading) == "ar"
        page = core.Context(reading, language="ar").get("/cases/").content.decode()
        assert '<html lang="ar" dir="rtl">' in page
    user.refresh_from_db()
    assert chosen_language(user) == "fr"
