"""The demo of issue 13: a follow-up request, a recommendation awaiting the focal point, a decision
amended once; and who decided each acceptance and assessment of the demo cases."""

from io import StringIO

import pytest
from django.core.management import call_command

from requests_app.cases.choices import AuthorityType, Stage
from requests_app.cases.models import AssistanceRequest, DecisionAmendment, NeedsAssessment
from requests_app.cases.versions import decision_in_force
from requests_app.cases.workflow import latest_recommendation
from requests_app.core import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_a_country_has_a_follow_up_request_linked_both_ways_in_both_histories(demo):
    follow_up = AssistanceRequest.objects.get(follows__isnull=False)
    earlier = follow_up.follows
    assert earlier.member_state == follow_up.member_state
    assert earlier.stage == Stage.CLOSED
    assert list(earlier.followed_by.all()) == [follow_up]
    assert follow_up.events.get(action="registered").details["follows"] == earlier.reference
    assert earlier.events.get(action="follow_up_linked").details == {"follow_up": follow_up.reference}
    # Under review, recommended: it waits for the focal point.
    assert follow_up.stage == Stage.UNDER_REVIEW
    assert latest_recommendation(follow_up) is not None


def test_a_decision_is_amended_once_with_an_extension(demo):
    amendment = DecisionAmendment.objects.select_related("decision__case", "amended_by").get()
    case = amendment.decision.case
    assert amendment.version == 2
    assert amendment.amended_by.groups.filter(name=roles.FOCAL_POINT).exists()
    assert amendment.period_end > amendment.decision.period_end
    _decision, in_force = decision_in_force(case)
    assert in_force.number == 2 and in_force.period_end == amendment.period_end
    assert case.stage == Stage.IN_IMPLEMENTATION
    assert case.implementation_ends_on == amendment.period_end  # the planned end follows the version in force
    assert case.events.filter(action="amend_decision").count() == 1


def test_the_focal_point_decides_on_the_officers_recommendations(demo):
    accepted = AssistanceRequest.objects.filter(emb_request_accepted_at__isnull=False)
    assert accepted.exists()
    for case in accepted:
        assert case.emb_request_accepted_by.groups.filter(name=roles.FOCAL_POINT).exists()
        recommender = case.emb_request_recommendation.recommended_by
        assert recommender.groups.filter(name__in=[roles.ELECTORAL_OFFICER, roles.TEAM_LEAD]).exists()
    for assessment in NeedsAssessment.objects.select_related("chosen_by", "recommendation"):
        assert assessment.chosen_by.groups.filter(name=roles.FOCAL_POINT).exists()
        assert assessment.recommendation is not None


def test_an_electoral_bodys_request_awaits_the_focal_point_on_a_recommendation(demo):
    waiting = AssistanceRequest.objects.filter(
        stage=Stage.UNDER_REVIEW, authority_type=AuthorityType.ELECTORAL_BODY, emb_request_accepted_at__isnull=True
    ).first()
    recommendation = latest_recommendation(waiting)
    assert recommendation is not None and recommendation.accept_emb_request is True


def test_seeding_again_adds_no_follow_up_nor_amendment(demo):
    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert "0 added, 3 already there" in again.getvalue()
    assert AssistanceRequest.objects.filter(follows__isnull=False).count() == 1
    assert DecisionAmendment.objects.count() == 1
