"""Letters that are not requests are never counted among the requests received; the briefing says them apart."""

import pytest
from django.utils import timezone

from requests_app.cases.models import AssistanceRequest
from requests_app.cases.selectors import dashboard
from requests_app.reports.selectors import build_briefing
from tests.correspondence.helpers import days, file_not_considered
from tests.factories import UserFactory, new_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(is_staff=True, is_superuser=True)


def test_a_letter_not_considered_is_not_a_request_received(admin):
    new_request(state="GHA", received_days_ago=3)
    file_not_considered(admin, state="GHA")
    report = build_briefing(days(-30), days(0))
    assert report.totals.received == 1
    assert report.not_considered == 1
    assert dict(report.summary())["Letters not considered: not requests (parties, civil society, persons)"] == 1


def test_a_former_case_from_another_body_is_in_no_count(admin):
    """A party's letter registered as a case before the register (migration 0020_letters13 keeps the row)."""
    request = new_request(state="GHA", received_days_ago=3)
    former = new_request(state="PER", received_days_ago=3)
    AssistanceRequest.objects.filter(pk=former.pk).update(origin="other_body", authority_type="political_party")
    report = build_briefing(days(-30), days(0))
    assert report.totals.received == 1 and report.totals.pending == 1
    assert list(report.by_state) == [request.member_state.iso3]
    assert sum(report.by_basis.values()) == 1  # the request alone: the letter is no request
    figures = dashboard(user=admin, today=timezone.localdate())
    assert sum(row["value"] for row in figures["stage_rows"]) == 1
