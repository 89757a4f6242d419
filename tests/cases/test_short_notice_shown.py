"""What the focal point writes to justify assisting at short notice is shown back (issue 10, found 3)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app.cases.choices import Stage
from requests_app.history.models import CaseEvent
from tests.factories import assistance_type, case_in_stage

pytestmark = pytest.mark.django_db

WHY = "Only results-management advice, which the team can give in the seven weeks left."


@pytest.fixture
def decided(client, officer):
    """A short-notice case decided through the workspace's decision page, with its justification."""
    case = case_in_stage(Stage.AWAITING_DECISION, actor=officer, election_in_days=90)
    client.force_login(officer)
    today = timezone.localdate()
    response = client.post(
        reverse("workspace:case-action", args=[case.reference, "record_decision"]),
        {
            "record_decision-outcome": "assist",
            "record_decision-assistance_types": [str(assistance_type("voter-registration").pk)],
            "record_decision-phase": "electoral",
            "record_decision-period_start": today.isoformat(),
            "record_decision-period_end": (today + datetime.timedelta(days=120)).isoformat(),
            "record_decision-short_notice_justification": WHY,
        },
    )
    assert response.status_code == 302, response.content.decode()
    case.refresh_from_db()
    assert case.stage == Stage.DECISION_COMMUNICATED
    return case


def test_the_case_page_shows_the_justification_with_the_decision(client, decided):
    page = client.get(reverse("workspace:case-detail", args=[decided.reference])).content.decode()
    decisions = page[page.index("Decisions") :]
    assert "Justification for short notice" in decisions
    assert WHY in decisions


def test_the_admin_shows_the_justification_among_the_decisions(client, decided):
    response = client.get(reverse("admin:requests_app_assistancerequest_change", args=[decided.pk]))
    decisions = next(
        i for i in response.context["inline_admin_formsets"] if i.opts.model._meta.model_name == "decision"
    )
    assert "short_notice_justification" in decisions.readonly_fields
    html = response.content.decode()
    assert "justification for short notice" in html.lower()
    assert WHY in html


def test_the_history_records_the_justification(client, decided):
    event = CaseEvent.objects.get(case=decided, action="record_decision")
    assert event.details["justification"] == WHY
    assert f"justification for short notice: {WHY}" in event.details_text
    timeline = client.get(reverse("workspace:case-detail", args=[decided.reference])).content.decode()
    timeline = timeline[timeline.index("Timeline") : timeline.index("</ol>", timeline.index("Timeline"))]
    assert WHY in timeline
