"""PostgreSQL plans a repeated query once per connection (eas.settings.base.with_prepared_statements):
the case page's query joins 16 tables, and planning it cost ten times running it."""

import pytest
from django.db import connection
from django.urls import reverse

from eas.settings.base import with_prepared_statements
from tests.factories import new_request

POSTGRES = "django.db.backends.postgresql"


def test_postgresql_binds_on_the_server_and_prepares_repeated_statements(monkeypatch):
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    database = with_prepared_statements({"ENGINE": POSTGRES, "OPTIONS": {"sslmode": "require"}})
    assert database["OPTIONS"] == {"sslmode": "require", "server_side_binding": True, "prepare_threshold": 5}


def test_a_pooler_that_keeps_no_prepared_statements_can_turn_them_off(monkeypatch):
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "false")
    assert "OPTIONS" not in with_prepared_statements({"ENGINE": POSTGRES})


def test_sqlite_is_left_as_it_is(monkeypatch):
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    assert with_prepared_statements({"ENGINE": "django.db.backends.sqlite3"}) == {
        "ENGINE": "django.db.backends.sqlite3"
    }


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_case_page_query_is_prepared_after_a_few_visits(client, officer):
    case = new_request(actor=officer)
    client.force_login(officer)
    page = reverse("workspace:case-detail", args=[case.reference])
    for _ in range(6):
        assert client.get(page).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s AND statement LIKE %s",
            # The case's query, by its key (core.presence found it by its reference just before).
            ['%FROM "requests_app_assistancerequest" INNER JOIN%', '%"requests_app_assistancerequest"."id" = $%'],
        )
        (prepared,) = cursor.fetchone()
    assert prepared >= 1
