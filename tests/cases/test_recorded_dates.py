"""A date that records what happened cannot be after today; a planned one may (issue 10, found 4)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app.cases.choices import AssessmentMethod, Stage
from requests_app.cases.models import Decision, NeedsAssessment
from requests_app.cases.workflow import ACTIONS
from tests.admin_forms import change_form_data
from tests.factories import assistance_type, case_in_stage

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def change_url(case):
    return reverse("admin:requests_app_assistancerequest_change", args=[case.pk])


def assessment_dates(**overrides):
    today = TODAY()
    dates = {
        "tor_sent_on": today - 40 * DAY,
        "host_clearance_on": today - 30 * DAY,
        "deployed_from": today - 20 * DAY,
        "deployed_until": today - 12 * DAY,
        "report_submitted_on": today - 5 * DAY,
    }
    dates.update(overrides)
    return {f"assessment-0-{name}": day.isoformat() for name, day in dates.items()} | {
        "assessment-0-adequate_time": "True",
        "assessment-0-conditions_exist": "True",
    }


@pytest.fixture
def assessing(client, officer):
    case = case_in_stage(Stage.NEEDS_ASSESSMENT, actor=officer, method=AssessmentMethod.MISSION)
    client.force_login(officer)
    return case


@pytest.mark.parametrize(
    "field", ["tor_sent_on", "host_clearance_on", "deployed_from", "deployed_until", "report_submitted_on"]
)
def test_an_assessment_date_after_today_is_refused_and_nothing_is_saved(client, assessing, field):
    data = change_form_data(client.get(change_url(assessing)))
    overrides = {field: TODAY() + DAY}
    if field == "deployed_from":
        overrides["deployed_until"] = TODAY() + 2 * DAY
    if field in ("deployed_from", "deployed_until"):
        overrides["report_submitted_on"] = TODAY() + 3 * DAY
    data.update(assessment_dates(**overrides))

    response = client.post(change_url(assessing), data)

    assert response.status_code == 200  # the form again, not a redirect
    assert "cannot be after today" in response.content.decode()
    assessment = NeedsAssessment.objects.get(case=assessing)
    assert (assessment.report_submitted_on, assessment.adequate_time) == (None, None)
    assert not assessing.events.filter(action="assessment_updated").exists()
    # The submission it would have allowed is still blocked.
    page = client.get(change_url(assessing))
    blockers = {a.name: b for a, b, _ in page.context["case_actions"]}["submit_assessment"]
    assert any("not complete" in str(reason) for reason in blockers)


def test_the_same_dates_up_to_today_are_saved(client, assessing):
    data = change_form_data(client.get(change_url(assessing)))
    data.update(assessment_dates(report_submitted_on=TODAY()))
    response = client.post(change_url(assessing), data)
    assert response.status_code == 302
    assert NeedsAssessment.objects.get(case=assessing).is_complete


def test_a_future_report_date_kept_from_before_blocks_the_submission(client, assessing, officer):
    from tests.factories import complete_assessment

    complete_assessment(assessing, method=AssessmentMethod.MISSION)
    NeedsAssessment.objects.filter(case=assessing).update(report_submitted_on=TODAY() + 3 * DAY)
    assessing.refresh_from_db()
    blockers = ACTIONS["submit_assessment"].blockers(assessing)
    assert any("have not come yet: report submitted" in str(reason) for reason in blockers)
    client.post(reverse("admin:requests_app_assistancerequest_act", args=[assessing.pk, "submit_assessment"]), {})
    assessing.refresh_from_db()
    assert assessing.stage == Stage.NEEDS_ASSESSMENT


def decision_data(**overrides):
    today = TODAY()
    data = {
        "record_decision-outcome": "assist",
        "record_decision-assistance_types": [str(assistance_type("voter-registration").pk)],
        "record_decision-phase": "pre_electoral",
        "record_decision-period_start": (today + 30 * DAY).isoformat(),  # planned: may lie ahead
        "record_decision-period_end": (today + 300 * DAY).isoformat(),
    }
    data.update(overrides)
    return data


def test_a_decision_letter_sent_after_today_is_refused_with_a_form_error(client, officer):
    case = case_in_stage(Stage.AWAITING_DECISION, actor=officer)
    client.force_login(officer)
    url = reverse("workspace:case-action", args=[case.reference, "record_decision"])
    response = client.post(url, decision_data(**{"record_decision-communicated_on": (TODAY() + DAY).isoformat()}))
    assert response.status_code == 400
    assert "cannot have been sent after today" in response.content.decode()
    assert not Decision.objects.filter(case=case).exists()

    response = client.post(url, decision_data(**{"record_decision-communicated_on": TODAY().isoformat()}))
    assert response.status_code == 302
    assert Decision.objects.get(case=case).period_start == TODAY() + 30 * DAY


def test_a_letter_dated_after_today_is_refused_at_intake(client, officer):
    from requests_app.cases.models import AssistanceRequest
    from tests.admin_forms import intake_data

    client.force_login(officer)
    response = client.post(
        reverse("admin:requests_app_assistancerequest_add"),
        intake_data(letter_date=(TODAY() + DAY).isoformat(), received_date=TODAY().isoformat()),
    )
    assert "The letter cannot be dated in the future" in response.content.decode()
    assert not AssistanceRequest.objects.exists()


def test_the_decision_form_starts_with_the_assistance_the_state_asked_for(client, officer):
    case = case_in_stage(Stage.AWAITING_DECISION, actor=officer)
    case.requested_types.set([assistance_type("voter-registration"), assistance_type("training")])
    client.force_login(officer)
    for url in (
        reverse("workspace:case-action", args=[case.reference, "record_decision"]),
        reverse("admin:requests_app_assistancerequest_act", args=[case.pk, "record_decision"]),
    ):
        form = client.get(url).context["form"]
        ticked = {str(pk) for pk in form["assistance_types"].value()}
        assert ticked == {str(assistance_type("voter-registration").pk), str(assistance_type("training").pk)}
        html = form["assistance_types"].as_widget()
        assert html.count("checked") == 2
