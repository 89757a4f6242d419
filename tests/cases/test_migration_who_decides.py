"""Migration 0018_decide13: the focal point gains the deciding permission, the officers and team leads
hold none of it; the acceptances and methods recorded before stay, recorded as decided by whoever did it."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("requests_app", "0017_countryfile13")]
AFTER = [("requests_app", "0018_decide13")]

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def before():
    apps = migrate(BEFORE)
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def group_codenames(apps, name):
    Group = apps.get_model("auth", "Group")
    return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))


def a_case_accepted_and_assessed(apps):
    """An electoral body's request accepted and put to a desk review by an officer, as before issue 13."""
    User = apps.get_model("auth", "User")
    AssistanceRequest = apps.get_model("requests_app", "AssistanceRequest")
    NeedsAssessment = apps.get_model("requests_app", "NeedsAssessment")
    CaseEvent = apps.get_model("requests_app", "CaseEvent")
    MemberState = apps.get_model("requests_app", "MemberState")
    officer = User.objects.create(username="officer-before")
    today = timezone.localdate()
    accepted_at = timezone.now() - datetime.timedelta(days=20)
    chosen_at = accepted_at + datetime.timedelta(days=2)
    case = AssistanceRequest.objects.create(
        reference="EAS-2025-0901",
        member_state=MemberState.objects.get(iso3="GHA"),
        origin="electoral_body",
        requesting_authority="Chair, Electoral Commission",
        authority_type="electoral_body",
        letter_date=today - datetime.timedelta(days=40),
        received_date=today - datetime.timedelta(days=30),
        stage="needs_assessment",
        emb_request_accepted_at=accepted_at,
    )
    CaseEvent.objects.create(case=case, actor=officer, action="accept_emb_request", created_at=accepted_at)
    CaseEvent.objects.create(case=case, actor=officer, action="start_assessment", created_at=chosen_at)
    NeedsAssessment.objects.create(case=case, method="desk_review")
    return officer.pk, case.pk, accepted_at, chosen_at


def test_the_focal_point_gains_the_deciding_permission_and_the_officers_hold_none_of_it(before):
    assert "decide_review" not in group_codenames(before, "Focal point")

    after = migrate(AFTER)

    assert "decide_review" in group_codenames(after, "Focal point")
    for role in ("Electoral officer", "Team lead", "Intake clerk", "Finance", "Auditor"):
        assert "decide_review" not in group_codenames(after, role), role
    # The officers still review and recommend: review_request says so now.
    assert "review_request" in group_codenames(after, "Electoral officer")
    Permission = after.get_model("auth", "Permission")
    assert "recommend" in Permission.objects.get(codename="review_request").name

    again = migrate(BEFORE)
    assert "decide_review" not in group_codenames(again, "Focal point")
    assert (
        "accept an electoral body" in again.get_model("auth", "Permission").objects.get(codename="review_request").name
    )


def test_acceptances_and_methods_recorded_before_are_kept_as_decided_by_whoever_did_it(before):
    officer, case_id, accepted_at, chosen_at = a_case_accepted_and_assessed(before)

    after = migrate(AFTER)

    case = after.get_model("requests_app", "AssistanceRequest").objects.get(pk=case_id)
    assert (case.emb_request_accepted_at, case.emb_request_accepted_by_id) == (accepted_at, officer)
    assert case.emb_request_recommendation_id is None  # none was made: none is invented
    assessment = after.get_model("requests_app", "NeedsAssessment").objects.get(case_id=case_id)
    assert (assessment.method, assessment.chosen_by_id, assessment.chosen_at) == ("desk_review", officer, chosen_at)
    assert assessment.recommendation_id is None
