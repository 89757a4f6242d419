"""The project as an operator meets it: settings, migrations, deployment checks."""

import pytest

from tests.project import PRODUCTION, manage


def test_check_deploy_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CELERY_BROKER_URL", "CACHE_URL"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_check_deploy_refuses_a_cache_each_process_keeps_for_itself():
    # Sessions are read from the cache: one ended in a process (logging out) must end in all.
    result = manage("check", "--deploy", **{**PRODUCTION, "CACHE_URL": "locmemcache://"})
    assert result.returncode != 0
    assert "eas.E001" in result.stderr and "CACHE_URL" in result.stderr


def test_migrations_match_the_models():
    result = manage("makemigrations", "--check", "--dry-run", DJANGO_SETTINGS_MODULE="eas.settings.test")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_all_193_member_states_are_loaded_with_their_regional_group():
    from django.db.models import Count

    from requests_app.reference.models import MemberState

    members = MemberState.objects.filter(status="member_state")
    assert members.count() == 193
    groups = dict(members.values_list("regional_group").annotate(n=Count("id")))
    assert groups == {
        "AFRICAN": 54,
        "ASIA_PACIFIC": 54,
        "EASTERN_EUROPEAN": 23,
        "LATIN_AMERICAN_CARIBBEAN": 33,
        "WESTERN_EUROPEAN_OTHERS": 29,
    }
    assert MemberState.objects.get(iso3="USA").regional_group == "WESTERN_EUROPEAN_OTHERS"
