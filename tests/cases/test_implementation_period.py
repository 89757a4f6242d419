"""The end of implementation against the decided period, and the report's deadline (issue 10)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app.cases import services
from requests_app.cases.choices import Stage
from requests_app.cases.models import Decision
from requests_app.core.errors import ActionRefused
from requests_app.deadlines.models import StagePolicy
from requests_app.history.models import CaseEvent
from tests.factories import case_in_stage

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def decided(officer):
    case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=officer)
    return case, Decision.objects.get(case=case).period_end


def test_an_end_after_the_decided_period_is_refused_until_confirmed(officer, decided):
    case, period_end = decided
    with pytest.raises(ActionRefused, match="after the period of assistance decided"):
        services.start_implementation(actor=officer, case=case, modality="undp_project", ends_on=period_end + DAY)
    case.refresh_from_db()
    assert case.stage == Stage.DECISION_COMMUNICATED

    case = services.start_implementation(
        actor=officer, case=case, modality="undp_project", ends_on=period_end + DAY, confirm_beyond_period=True
    )
    assert (case.stage, case.implementation_ends_on) == (Stage.IN_IMPLEMENTATION, period_end + DAY)
    event = CaseEvent.objects.get(case=case, action="start_implementation")
    assert "beyond the decided period, confirmed: yes" in event.details_text


def test_an_end_within_the_period_needs_no_confirmation(officer, decided):
    case, period_end = decided
    case = services.start_implementation(actor=officer, case=case, modality="undp_project", ends_on=period_end)
    assert case.stage == Stage.IN_IMPLEMENTATION


def test_the_page_warns_and_offers_the_confirmation(client, officer, decided):
    case, period_end = decided
    client.force_login(officer)
    url = reverse("admin:requests_app_assistancerequest_act", args=[case.pk, "start_implementation"])
    page = client.get(reverse("admin:requests_app_assistancerequest_change", args=[case.pk])).content.decode()
    assert f"The decision covers assistance until {period_end.isoformat()}" in page
    data = {
        "start_implementation-modality": "undp_project",
        "start_implementation-ends_on": (period_end + 10 * DAY).isoformat(),
    }
    response = client.post(url, data, follow=True)
    assert any("after the period of assistance decided" in str(m) for m in response.context["messages"])
    case.refresh_from_db()
    assert case.stage == Stage.DECISION_COMMUNICATED
    client.post(url, {**data, "start_implementation-confirm_beyond_period": "on"}, follow=True)
    case.refresh_from_db()
    assert case.stage == Stage.IN_IMPLEMENTATION


def test_the_report_is_due_from_the_real_end_when_implementation_ends_early(officer):
    case = case_in_stage(Stage.IN_IMPLEMENTATION, actor=officer)
    planned = case.implementation_ends_on
    today = timezone.localdate()
    assert planned > today + 100 * DAY

    case = services.start_reporting(actor=officer, case=case)

    days = StagePolicy.objects.get(stage=Stage.REPORTING).days
    assert timezone.localdate(case.stage_due_at) == today + days * DAY
    assert case.implementation_ends_on == today
    event = CaseEvent.objects.get(case=case, action="start_reporting")
    assert event.details == {"ends_on": today.isoformat(), "planned_end": planned.isoformat()}


def test_the_report_of_implementation_that_ran_to_its_planned_end_is_due_from_it(officer, time_machine):
    case = case_in_stage(Stage.IN_IMPLEMENTATION, actor=officer)
    planned = case.implementation_ends_on
    time_machine.move_to(datetime.datetime.combine(planned + 3 * DAY, datetime.time(12)).astimezone())
    case = services.start_reporting(actor=officer, case=case)
    days = StagePolicy.objects.get(stage=Stage.REPORTING).days
    assert timezone.localdate(case.stage_due_at) == planned + days * DAY
    assert case.implementation_ends_on == planned
