"""Who decides (issue 13): the officer recommends, the focal point accepts an electoral body's request
and chooses between a needs assessment mission and a desk review, on the pages a user sees."""

import html
import re

import pytest
from django.urls import reverse

from requests_app.cases import services
from requests_app.cases.choices import AssessmentMethod, Stage
from requests_app.cases.models import Recommendation
from requests_app.core import roles
from requests_app.core.errors import ActionRefused
from tests.factories import REQUESTERS, case_in_stage, member_of, team_lead_of

pytestmark = pytest.mark.django_db


def detail(case):
    return reverse("workspace:case-detail", args=[case.reference])


def act(case, action):
    return reverse("workspace:case-action", args=[case.reference, action])


def text_of(page):
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def next_actor_lines(page):
    block = re.search(r'<div class="next-actors".*?</div>', page, re.S)
    if block is None:
        return []
    return [html.unescape(re.sub(r"<[^>]+>", "", item)) for item in re.findall(r"<li>.*?</li>", block.group(0))]


@pytest.fixture
def team(db):
    lead = team_lead_of("GHA", first_name="Amara", last_name="Okafor")
    lead.groups.add(*member_of(roles.TEAM_LEAD).groups.all())
    return {
        "officer": member_of(roles.ELECTORAL_OFFICER, first_name="Leila", last_name="Haddad"),
        "focal": member_of(roles.FOCAL_POINT, first_name="Helena", last_name="Lindqvist"),
    }


@pytest.fixture
def emb_case(officer, team):
    """An electoral body's request under review, assigned to the officer of the team."""
    return case_in_stage(
        Stage.UNDER_REVIEW, actor=officer, state="GHA", officer=team["officer"], **REQUESTERS["electoral_body"]
    )


def recommend_on_the_page(client, case, **data):
    fields = {f"recommend-{key}": value for key, value in data.items()}
    return client.post(act(case, "recommend"), fields, follow=True)


def test_the_officer_recommends_and_the_page_says_it_awaits_the_focal_point(client, emb_case, team):
    client.force_login(team["officer"])
    page = client.get(detail(emb_case)).content.decode()
    assert "Recommend to the focal point" in page
    assert act(emb_case, "accept_emb_request") not in page  # the focal point's decision
    assert act(emb_case, "start_assessment") not in page

    response = recommend_on_the_page(
        client, emb_case, accept_emb_request="yes", method="mission", comment="The Commission binds the state here."
    )

    recommendation = Recommendation.objects.get(case=emb_case)
    assert (recommendation.accept_emb_request, recommendation.method) == (True, AssessmentMethod.MISSION)
    assert recommendation.recommended_by == team["officer"]
    assert recommendation.grounds == "The Commission binds the state here."
    shown = text_of(response.content.decode())
    assert (
        "Recommended by Leila Haddad" in shown
        and "accept the electoral body's request; Needs assessment mission (NAM); awaiting the focal point." in shown
    )
    assert "The Commission binds the state here." in shown
    assert next_actor_lines(response.content.decode()) == [
        "The focal point, Helena Lindqvist: "
        "Accept the electoral body's request (recommended by Leila Haddad), "
        "Start needs assessment (recommended by Leila Haddad: Needs assessment mission (NAM)), "
        "Decline as ineligible"
    ]


def test_before_a_recommendation_the_case_waits_for_the_officer(client, emb_case, team):
    client.force_login(team["focal"])
    page = client.get(detail(emb_case)).content.decode()
    blocked = text_of(page)
    assert "The officer has not recommended yet" in blocked  # the focal point's actions say why they wait
    client.force_login(member_of(roles.INTAKE_CLERK))
    assert next_actor_lines(client.get(detail(emb_case)).content.decode()) == [
        "The assigned officer, Leila Haddad: Recommend to the focal point",
        "The focal point, Helena Lindqvist: Decline as ineligible",
    ]


def test_the_officer_cannot_accept_nor_choose(emb_case, team):
    officer = team["officer"]
    services.recommend(actor=officer, case=emb_case, accept_emb_request=True, method="mission", comment="In order.")
    for action, params in (("accept_emb_request", {}), ("start_assessment", {"method": "mission"})):
        with pytest.raises(ActionRefused, match="permission"):
            services.perform_action(actor=officer, case=emb_case, action_name=action, **params)
    emb_case.refresh_from_db()
    assert emb_case.emb_request_accepted_at is None and emb_case.stage == Stage.UNDER_REVIEW


def test_the_focal_point_accepts_and_chooses_on_the_recommendation(client, emb_case, team):
    services.recommend(
        actor=team["officer"], case=emb_case, accept_emb_request=True, method="desk_review", comment="In order."
    )
    client.force_login(team["focal"])
    client.post(act(emb_case, "accept_emb_request"), {"accept_emb_request-comment": "Accepted."}, follow=True)
    page = client.get(detail(emb_case)).content.decode()
    # The choice starts from the method recommended, and says who recommended it.
    assert re.search(r'value="desk_review"[^>]*checked', page)
    assert "Recommended by Leila Haddad: Desk review." in html.unescape(page)

    response = client.post(act(emb_case, "start_assessment"), {"start_assessment-method": "mission"}, follow=True)

    emb_case.refresh_from_db()
    assert emb_case.stage == Stage.NEEDS_ASSESSMENT
    assert emb_case.emb_request_accepted_by == team["focal"]
    assert emb_case.assessment.chosen_by == team["focal"]
    assert emb_case.assessment.recommendation.recommended_by == team["officer"]
    shown = text_of(response.content.decode())
    assert "accepted" in shown and "by Helena Lindqvist, on the recommendation of Leila Haddad" in shown
    assert "chosen by Helena Lindqvist" in shown
    assert "on the recommendation of Leila Haddad (Desk review)" in shown
    event = emb_case.events.get(action="start_assessment")
    assert event.actor == team["focal"]
    assert "recommended by: Leila Haddad" in event.details_text


def test_a_recommendation_not_to_accept_is_shown_as_such(client, emb_case, team):
    client.force_login(team["officer"])
    response = recommend_on_the_page(client, emb_case, accept_emb_request="no", comment="The Government objects.")
    page = response.content.decode()
    assert "do not accept the electoral body's request; awaiting the focal point" in text_of(page)
    assert next_actor_lines(page) == [
        "The focal point, Helena Lindqvist: Accept the electoral body's request (Leila Haddad recommends not to), "
        "Start needs assessment, Decline as ineligible"
    ]


def test_a_recommendation_without_its_parts_is_refused_with_the_form_kept(client, emb_case, team):
    client.force_login(team["officer"])
    response = client.post(act(emb_case, "recommend"), {"recommend-comment": "Grounds written."})
    assert response.status_code == 400
    shown = text_of(response.content.decode())
    assert "Say whether the focal point should accept" in shown
    assert "Grounds written." in shown
    assert not Recommendation.objects.exists()


def test_a_mandate_is_recommended_from_received(client, officer, team):
    case = case_in_stage(
        Stage.RECEIVED, actor=officer, state="GHA", officer=team["officer"], **REQUESTERS["security_council"]
    )
    client.force_login(team["officer"])
    page = client.get(detail(case)).content.decode()
    assert 'name="recommend-accept_emb_request"' not in page  # only for an electoral body's request
    recommend_on_the_page(client, case, method="desk_review", comment="A desk review: the mission is on the ground.")
    assert Recommendation.objects.get(case=case).method == AssessmentMethod.DESK_REVIEW
