"""The history nobody can change: read only in the admin, not even a superuser deletes it."""

import pytest
from django.utils import timezone

from requests_app.cases.models import AssistanceRequest, Decision
from requests_app.history.models import CaseEvent
from requests_app.reminders.models import Reminder
from tests.admin_forms import change_form_data
from tests.core.helpers import admin_url

pytestmark = pytest.mark.django_db


def history_of(case):
    return list(CaseEvent.objects.filter(case=case).order_by("id").values())


def test_a_superuser_sees_a_history_entry_read_only_and_cannot_change_it(admin_client, decided_case):
    event = decided_case.events.order_by("id").last()
    before = history_of(decided_case)
    url = admin_url("caseevent_change", event.pk)

    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert not page.context["has_change_permission"]

    forged = {"action": "registered", "comment": "Rewritten", "to_stage": "closed", "details": "{}", "_save": "Save"}
    assert admin_client.post(url, forged).status_code == 403
    assert history_of(decided_case) == before


def test_a_superuser_cannot_delete_history_one_by_one_or_in_bulk(admin_client, decided_case):
    event = decided_case.events.first()
    before = history_of(decided_case)

    delete_url = admin_url("caseevent_delete", event.pk)
    assert admin_client.get(delete_url).status_code == 403
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403

    changelist = admin_client.get(admin_url("caseevent_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    admin_client.post(
        admin_url("caseevent_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [str(e.pk) for e in decided_case.events.all()],
            "post": "yes",
        },
    )
    assert history_of(decided_case) == before


def test_a_superuser_cannot_delete_a_case_and_its_history_with_it(admin_client, decided_case):
    before = history_of(decided_case)
    url = admin_url("assistancerequest_delete", decided_case.pk)
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    changelist = admin_client.get(admin_url("assistancerequest_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    admin_client.post(
        admin_url("assistancerequest_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [str(decided_case.pk)],
            "post": "yes",
        },
    )
    assert AssistanceRequest.objects.filter(pk=decided_case.pk).exists()
    assert history_of(decided_case) == before


def test_the_case_form_shows_history_and_decisions_read_only_and_ignores_forged_edits(admin_client, decided_case):
    url = admin_url("assistancerequest_change", decided_case.pk)
    page = admin_client.get(url)
    history = next(f for f in page.context["inline_admin_formsets"] if f.formset.model is CaseEvent)
    assert not (history.has_change_permission or history.has_add_permission or history.has_delete_permission)
    before_events = history_of(decided_case)
    before_decisions = list(Decision.objects.filter(case=decided_case).values())

    data = change_form_data(page)
    event, decision = decided_case.events.first(), decided_case.decisions.get()
    data.update(
        {
            # Rewrite the first entry, add one, delete one: a browser's form has no such fields.
            "events-0-id": str(event.pk),
            "events-0-comment": "Rewritten",
            "events-0-action": "closed",
            "events-0-DELETE": "on",
            "events-TOTAL_FORMS": str(len(before_events) + 1),
            f"events-{len(before_events)}-action": "registered",
            f"events-{len(before_events)}-comment": "Invented",
            "decisions-0-id": str(decision.pk),
            "decisions-0-reason": "Rewritten",
            "decisions-0-outcome": "decline",
            "decisions-0-DELETE": "on",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert history_of(decided_case) == before_events  # the untouched case adds no entry either
    assert list(Decision.objects.filter(case=decided_case).values()) == before_decisions


def test_reminders_are_a_record_too(admin_client, decided_case):
    reminder = Reminder.objects.create(
        case=decided_case,
        stage=decided_case.stage,
        stage_entered_at=decided_case.stage_entered_at,
        due_at=timezone.now(),
        level=Reminder.Level.OVERDUE,
        recipient="officer@un.example.org",
    )
    assert admin_client.post(admin_url("reminder_change", reminder.pk), {"status": "sent"}).status_code == 403
    assert admin_client.post(admin_url("reminder_delete", reminder.pk), {"post": "yes"}).status_code == 403
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.PENDING
