import pytest
from django.contrib.auth.models import Permission
from django.utils import translation

from requests_app.cases.workflow import WORKFLOW_PERMISSIONS
from tests.factories import UserFactory
from tests.services import service_missing


@pytest.fixture(autouse=True)
def _needs_postgres(request):
    if request.node.get_closest_marker("postgres") is None:
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        service_missing("needs PostgreSQL: set DATABASE_URL=postgres://… to run it")


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """A page asked in Arabic leaves Arabic active in the thread (LocaleMiddleware activates, nothing
    deactivates): the next test starts from the site's language again."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def planner_estimates(monkeypatch):
    """``planner_estimates(count, bound=…)``: past ``bound`` matches, the lists' paginator takes
    ``count`` for PostgreSQL's estimate (requests_app/core/pagination.py) for the rest of the test."""

    def estimate(count, *, bound):
        monkeypatch.setattr("requests_app.core.pagination.EstimatedPaginator.exact_up_to", bound)
        monkeypatch.setattr("requests_app.core.pagination.EstimatedPaginator._planner_estimate", lambda *_: count)

    return estimate


@pytest.fixture
def officer(db):
    """A staff member who may take every action on every case, through the admin too."""
    user = UserFactory(is_staff=True)
    codenames = (
        WORKFLOW_PERMISSIONS
        + ["view_all_cases", "assign_officer", "read_internal_content", "read_confidential_content"]
        + [
            f"{verb}_{model}"
            for verb in ("view", "add", "change")
            for model in ("assistancerequest", "election", "needsassessment", "casedocument")
        ]
    )
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="requests_app", codename__in=codenames))
    return type(user).objects.get(pk=user.pk)  # fresh, without a stale permission cache


@pytest.fixture
def clerk(db):
    """An intake clerk: logs requests, may not move them."""
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="requests_app",
            codename__in=[
                "view_assistancerequest",
                "add_assistancerequest",
                "change_assistancerequest",
                "add_election",
                "view_all_cases",
                "read_internal_content",
            ],
        )
    )
    return type(user).objects.get(pk=user.pk)
