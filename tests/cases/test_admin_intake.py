"""After the intake form: where "Save" leads, and what the registration wrote (issue 10)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.deadlines.services import end_of_day
from tests.admin_forms import intake_data
from tests.factories import intake_clerk, new_request

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:requests_app_assistancerequest_add")


def test_save_opens_the_new_case_in_the_workspace_with_what_was_registered(client, clerk):
    client.force_login(clerk)
    response = client.post(ADD_URL, {**intake_data(), "_save": "Save"}, follow=True)

    case = AssistanceRequest.objects.get()
    assert response.redirect_chain == [(reverse("workspace:case-detail", args=[case.reference]), 302)]
    page = response.content.decode()
    assert f"The request is registered as {case.reference} (Malawi). The case is received, waiting for review." in page
    assert f'<a href="{ADD_URL}">Register another request</a>' in page
    assert "Support to the biometric voter registration" in page  # the case's own page
    assert "Acknowledge and start review" in page  # who acts next


@pytest.mark.parametrize(
    ("button", "leads_to"),
    [
        ("_continue", lambda case: reverse("admin:requests_app_assistancerequest_change", args=[case.pk])),
        ("_addanother", lambda case: ADD_URL),
    ],
)
def test_the_other_buttons_keep_the_admins_pages(client, clerk, button, leads_to):
    client.force_login(clerk)
    response = client.post(ADD_URL, {**intake_data(), button: "1"})
    case = AssistanceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == leads_to(case)


def test_a_user_who_may_not_see_the_case_is_not_sent_to_its_page(client):
    user = intake_clerk()  # may register requests, not read them
    client.force_login(user)
    response = client.post(ADD_URL, {**intake_data(), "_save": "Save"})
    case = AssistanceRequest.objects.get()
    assert response.status_code == 302
    assert case.reference not in response["Location"]
    assert not response["Location"].startswith(reverse("workspace:case-detail", args=[case.reference]))


def test_the_new_case_is_due_from_its_elections_at_once(client, clerk):
    """Its deadline counts from the election it names (brought forward when the election is close),
    written with the case: its history holds its registration alone."""
    client.force_login(clerk)
    election_day = timezone.localdate() + datetime.timedelta(days=62)
    client.post(ADD_URL, intake_data(**{"elections-0-planned_date": election_day.isoformat()}))

    case = AssistanceRequest.objects.get()
    assert case.stage == Stage.RECEIVED
    # Received: due in 7 days, but never later than 60 days before election day (README, Deadlines).
    assert case.stage_due_at == end_of_day(election_day - datetime.timedelta(days=60))
    assert list(case.events.values_list("action", flat=True)) == ["registered"]
    assert [e.planned_date for e in case.elections.all()] == [election_day]
    page = client.get(reverse("admin:requests_app_assistancerequest_change", args=[case.pk])).content.decode()
    assert "urgent: election close" in page


def test_the_checks_left_to_clean_are_still_the_databases(officer):
    """Validation no longer asks the database about the two checks clean() makes (a query each on
    every save); clean() still refuses them with its reason, and the database still holds them."""
    case = new_request(actor=officer)
    case.letter_date = case.received_date + datetime.timedelta(days=1)
    case.authority_type = ""
    with pytest.raises(ValidationError) as refused:
        case.full_clean()
    assert refused.value.message_dict["letter_date"] == ["The letter cannot be dated after the day it was received."]
    assert refused.value.message_dict["authority_type"] == ["Say in what capacity the request was signed."]
    for change in ({"letter_date": case.received_date + datetime.timedelta(days=1)}, {"authority_type": ""}):
        with pytest.raises(IntegrityError), transaction.atomic():
            AssistanceRequest.objects.filter(pk=case.pk).update(**change)
