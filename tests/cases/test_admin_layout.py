"""How the admin's case pages look (issue 10: one kind of date input)."""

import re

import pytest
from django.urls import reverse

from requests_app.cases.choices import AssessmentMethod, Stage
from tests.factories import case_in_stage

pytestmark = pytest.mark.django_db


def date_inputs(html):
    """(name, type) of every input that takes a day."""
    inputs = re.findall(r"<input\b[^>]*>", html)
    days = [tag for tag in inputs if re.search(r'name="[^"]*(date|_on|deployed_from|deployed_until)"', tag)]
    return [(re.search(r'name="([^"]+)"', tag).group(1), re.search(r'type="([^"]+)"', tag).group(1)) for tag in days]


def test_the_add_form_shows_one_kind_of_date_input(client, officer):
    client.force_login(officer)
    html = client.get(reverse("admin:requests_app_assistancerequest_add")).content.decode()
    inputs = date_inputs(html)
    assert {"letter_date", "received_date", "elections-0-planned_date"} <= {name for name, _ in inputs}
    assert {kind for _, kind in inputs} == {"date"}
    assert "vDateField" not in html  # the admin's text field with its calendar link


def test_the_assessment_dates_use_the_same_input(client, officer):
    case = case_in_stage(Stage.NEEDS_ASSESSMENT, actor=officer, method=AssessmentMethod.MISSION)
    client.force_login(officer)
    html = client.get(reverse("admin:requests_app_assistancerequest_change", args=[case.pk])).content.decode()
    inputs = dict(date_inputs(html))
    assert inputs["assessment-0-report_submitted_on"] == "date"
    assert set(inputs.values()) == {"date"}
