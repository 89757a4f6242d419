"""What the roster's tests share: the day, users in the real groups, deployments through the service."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app.core.errors import ActionRefused
from requests_app.roster import services
from tests.factories import UserFactory

D = datetime.date
ROSTER = reverse("workspace:roster")
NOW = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def role_user(role=None, **fields):
    """A fresh staff user in the real group of ``role`` (in none when None)."""
    user = UserFactory(is_staff=True, **fields)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return type(user).objects.get(pk=user.pk)  # without a stale permission cache


def deploy(actor, case, expert, starts_on, ends_on, role="Legal adviser"):
    return services.deploy_expert(
        actor=actor, case=case, expert=expert, role=role, starts_on=starts_on, ends_on=ends_on
    )


def refusal(callable_, *args, **kwargs):
    with pytest.raises(ActionRefused) as caught:
        callable_(*args, **kwargs)
    return " ".join(caught.value.messages)


def query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def admin_url(name, *args):
    return reverse(f"admin:requests_app_{name}", args=args)
