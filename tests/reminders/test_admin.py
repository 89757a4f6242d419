"""Reminders in the admin: listed, and nobody edits them."""

import pytest
from django.urls import reverse

from requests_app.reminders.models import Reminder
from tests.reminders.helpers import DAY, assigned_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_focal_point")]


def test_reminders_are_listed_in_the_admin_and_nobody_edits_them(admin_client, officer, frozen, run_sweep):
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + DAY, tick=False)
    run_sweep()
    reminder = Reminder.objects.get()

    response = admin_client.get(reverse("admin:requests_app_reminder_changelist"))
    assert response.status_code == 200
    assert case.reference in response.content.decode() and officer.email in response.content.decode()
    assert response.context["has_add_permission"] is False

    assert admin_client.get(reverse("admin:requests_app_reminder_add")).status_code == 403
    detail = admin_client.get(reverse("admin:requests_app_reminder_change", args=[reminder.pk]))
    assert detail.status_code == 200 and detail.context["has_change_permission"] is False
    assert (
        admin_client.post(
            reverse("admin:requests_app_reminder_change", args=[reminder.pk]), {"recipient": "x@example.org"}
        ).status_code
        == 403
    )
    assert (
        admin_client.post(
            reverse("admin:requests_app_reminder_delete", args=[reminder.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Reminder.objects.get().recipient == officer.email

    from django.contrib import admin

    model_admin = admin.site._registry[Reminder]
    request = response.wsgi_request
    assert request.user.is_superuser
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, reminder)
    assert not model_admin.has_delete_permission(request, reminder)
