"""Follow-up requests (issue 13): a request can follow an earlier case of the same country, chosen on
the intake form; both case pages link to each other and both histories say so."""

import datetime
import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from requests_app.cases import services
from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest, RegionalDesk
from requests_app.core import roles
from requests_app.core.errors import ActionRefused
from tests.admin_forms import change_form_data, intake_data
from tests.factories import case_in_stage, member_of, new_request

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:requests_app_assistancerequest_add")


def change_url(case):
    return reverse("admin:requests_app_assistancerequest_change", args=[case.pk])


def detail(case):
    return reverse("workspace:case-detail", args=[case.reference])


def text_of(page):
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def earlier(officer):
    """Malawi's earlier case, assisted and closed a year ago (intake_data() registers for Malawi)."""
    return case_in_stage(Stage.CLOSED, actor=officer, state="MWI", received_days_ago=400)


# The rule -----------------------------------------------------------------------------------------


def follow_up_of(earlier, **fields):
    today = timezone.localdate()
    values = {
        "member_state": earlier.member_state,
        "origin": "government",
        "requesting_authority": "Minister for Foreign Affairs",
        "authority_type": "foreign_minister",
        "letter_date": today - datetime.timedelta(days=5),
        "received_date": today,
        "follows": earlier,
        **fields,
    }
    return AssistanceRequest(**values)


def test_a_follow_up_follows_an_earlier_case_of_the_same_country(earlier, officer):
    follow_up_of(earlier).full_clean(exclude=["reference"])

    other_country = new_request(actor=officer, state="GHA", received_days_ago=300)
    with pytest.raises(ValidationError, match="same country"):
        follow_up_of(other_country, member_state=earlier.member_state).full_clean(exclude=["reference"])

    later = new_request(actor=officer, state="MWI", received_days_ago=1)
    with pytest.raises(ValidationError, match="received after this request"):
        follow_up_of(later, received_date=timezone.localdate() - datetime.timedelta(days=3)).full_clean(
            exclude=["reference"]
        )

    earlier.follows = earlier
    with pytest.raises(ValidationError, match="cannot follow itself"):
        earlier.full_clean()


def test_of_two_requests_received_the_same_day_the_later_registered_follows_the_earlier(officer):
    first = new_request(actor=officer, state="MWI", received_days_ago=10)
    second = new_request(actor=officer, state="MWI", received_days_ago=10)
    second.follows = first
    second.full_clean()
    first.follows = second
    with pytest.raises(ValidationError, match="received after this request"):
        first.full_clean()


def test_the_service_refuses_what_the_form_would(earlier, officer):
    wrong = new_request(actor=officer, state="GHA", received_days_ago=200)
    case = follow_up_of(wrong, member_state=earlier.member_state)
    with pytest.raises(ActionRefused, match="same country"):
        services.register_request(actor=officer, case=case)
    assert not AssistanceRequest.objects.filter(follows=wrong).exists()
    assert not wrong.events.filter(action="follow_up_linked").exists()


# The intake form ------------------------------------------------------------------------------------


def test_the_intake_form_registers_a_follow_up_linked_both_ways(client, clerk, earlier):
    client.force_login(clerk)
    response = client.post(ADD_URL, intake_data(follows=str(earlier.pk)), follow=True)
    assert response.status_code == 200
    case = AssistanceRequest.objects.get(follows=earlier)

    assert case.events.get(action="registered").details["follows"] == earlier.reference
    linked = earlier.events.get(action="follow_up_linked")
    assert (linked.actor, linked.details) == (clerk, {"follow_up": case.reference})
    assert f"follow-up request: {case.reference}" in linked.details_text

    later_page = text_of(client.get(detail(case)).content.decode())
    assert f"Follows {earlier.reference}" in later_page
    earlier_page = client.get(detail(earlier)).content.decode()
    assert f"Followed by {case.reference}" in text_of(earlier_page)
    assert f'href="{detail(case)}"' in earlier_page
    assert f'href="{detail(earlier)}"' in client.get(detail(case)).content.decode()
    assert "A later request follows this case" in text_of(earlier_page)


def test_a_follow_up_of_another_country_is_refused_on_the_form(client, clerk, earlier, officer):
    ghana = new_request(actor=officer, state="GHA", received_days_ago=300)
    client.force_login(clerk)
    response = client.post(ADD_URL, intake_data(follows=str(ghana.pk)))
    assert response.status_code == 200  # the form again
    assert "a follow-up follows a case of the same country" in html.unescape(response.content.decode())
    assert not AssistanceRequest.objects.filter(follows=ghana).exists()


def test_the_intake_form_offers_the_countrys_cases_by_typing_its_name(client, clerk, earlier, officer):
    new_request(actor=officer, state="GHA", received_days_ago=300)
    client.force_login(clerk)
    response = client.get(
        "/admin/autocomplete/",
        {"term": "malawi", "app_label": "requests_app", "model_name": "assistancerequest", "field_name": "follows"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [earlier.reference]


def test_the_earlier_case_page_opens_the_intake_form_for_its_follow_up(client, clerk, earlier):
    client.force_login(clerk)
    page = client.get(detail(earlier)).content.decode()
    link = html.unescape(re.search(r'href="([^"]+)">Register a follow-up request', page).group(1))
    form = client.get(link)
    assert form.status_code == 200
    fields = form.context["adminform"].form
    assert str(fields["member_state"].value()) == str(earlier.member_state_id)
    assert str(fields["follows"].value()) == str(earlier.pk)
    assert earlier.reference in form.content.decode()  # the chosen case is shown in its field


def test_changing_the_earlier_case_writes_on_both_earlier_cases(client, officer, earlier):
    first = earlier
    second = case_in_stage(Stage.CLOSED, actor=officer, state="MWI", received_days_ago=200)
    case = new_request(actor=officer, state="MWI", follows=first)
    client.force_login(officer)
    data = change_form_data(client.get(change_url(case)))
    data["follows"] = str(second.pk)

    response = client.post(change_url(case), data, follow=True)

    assert response.status_code == 200
    case.refresh_from_db()
    assert case.follows == second
    assert first.events.filter(action="follow_up_unlinked", details={"follow_up": case.reference}).exists()
    assert second.events.filter(action="follow_up_linked", details={"follow_up": case.reference}).exists()
    edited = case.events.filter(action="details_updated").last()
    assert edited.details["changes"]["Follows the earlier case"] == [first.reference, second.reference]


def test_a_case_outside_the_users_scope_is_not_linked(client, officer, earlier):
    """An officer who sees a case only as its officer does not see the earlier case of another desk."""
    RegionalDesk.objects.get(regional_group="AFRICAN").members.clear()
    outsider = member_of(roles.ELECTORAL_OFFICER)
    case = new_request(actor=officer, state="MWI", follows=earlier, officer=outsider)
    client.force_login(outsider)
    page = client.get(detail(case)).content.decode()
    assert f'href="{detail(earlier)}"' not in page
    assert "Follows" not in text_of(page)  # the fact is left out; the history keeps the reference it was given
    assert client.get(detail(earlier)).status_code == 404


@pytest.mark.parametrize("field", ["follows", "member_state"])
@pytest.mark.parametrize("value", ["abc", "1.5", "99999999999999999999999", "999999"])
def test_a_forged_earlier_case_or_state_gets_the_forms_error_not_a_500(client, officer, earlier, field, value):
    case = new_request(actor=officer, state="MWI")
    client.force_login(officer)
    data = change_form_data(client.get(change_url(case)))
    data[field] = value
    response = client.post(change_url(case), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert AssistanceRequest.objects.get(pk=case.pk).follows is None
