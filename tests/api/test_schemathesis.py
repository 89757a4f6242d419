"""The API against its own schema: schemathesis generates requests for every operation of the live
schema (served by the application, /api/v1/schema/) and sends them to the application (WSGI) as an
electoral officer of a desk and as the admin. No answer is a server error, and every answer is one
the schema describes (status, and body for JSON).

Bounded and seeded: EAS_SCHEMATHESIS_EXAMPLES requests per operation and caller (5 by default),
derandomized, so a failure replays with the same pytest id.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from requests_app.cases.choices import Stage
from requests_app.core import roles
from tests.api.conftest import on_desk
from tests.factories import UserFactory, case_in_stage, member_of, new_request

EXAMPLES = int(os.environ.get("EAS_SCHEMATHESIS_EXAMPLES", "5"))
APP = get_wsgi_application()


# The schema as the application serves it (generated from the code: no database is read).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", APP)


@pytest.fixture(autouse=True)
def _no_throttling(settings):
    settings.EAS_API_USER_RATE = "100000/minute"
    settings.EAS_API_ANON_RATE = "100000/minute"


@pytest.fixture(scope="module")
def callers(django_db_setup, django_db_blocker):
    """{role: (token, references of real cases)}: cases of the officer's desk in several stages, one of another
    desk; made once for the module, in a transaction rolled back after it (what the requests change stays)."""
    # The schema's calls reach the WSGI application itself, not Django's test client: keep the
    # connection that holds this module's transaction open between requests, as the client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            builder = UserFactory(is_staff=True, is_superuser=True)
            officer = on_desk(member_of(roles.ELECTORAL_OFFICER, username="api-officer"))
            cases = [
                new_request(state="GHA", officer=officer),
                case_in_stage(Stage.AWAITING_DECISION, actor=builder, state="GHA"),
                case_in_stage(Stage.IN_IMPLEMENTATION, actor=builder, state="SEN"),
                new_request(state="BRA"),
            ]
            references = [case.reference for case in cases]
            yield {
                role: (Token.objects.create(user=user).key, references)
                for role, user in (("officer", officer), ("admin", builder))
            }
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


def call_and_check(case, caller):
    token, references = caller
    parameters = case.path_parameters or {}
    if "reference" in parameters:
        # Most requests name a real case (of the caller's desk, or of another); the rest, whatever was generated.
        generated = str(parameters["reference"])
        if len(generated) % 4:
            parameters["reference"] = references[len(generated) % len(references)]
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )


BOUNDED = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.django_db
@schema.parametrize()
@BOUNDED
def test_as_an_officer_the_api_answers_as_its_schema_says_and_never_500(case, callers):
    call_and_check(case, callers["officer"])


@pytest.mark.django_db
@schema.parametrize()
@BOUNDED
def test_as_the_admin_the_api_answers_as_its_schema_says_and_never_500(case, callers):
    call_and_check(case, callers["admin"])
