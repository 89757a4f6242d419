"""The transition table and the services that apply it.

Two kinds of test live here. Some are parametrized over ``ACTIONS`` and ``Stage`` so a
new stage or action is covered as soon as it is added; others spell out the road a case
takes, so that a mistake in the table itself (a wrong source, a wrong target) fails too.
"""

import datetime
import inspect

import pytest
from django.utils import timezone

from requests_app.cases import services
from requests_app.cases.choices import AssessmentMethod, DecisionOutcome, Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.cases.workflow import (
    ACTIONS,
    OPEN_STAGES,
    WORKFLOW_PERMISSIONS,
    actions_from,
    allowed_next_stages,
)
from requests_app.core.errors import ActionRefused
from requests_app.history.models import CaseEvent
from tests.factories import (
    REQUESTERS,
    UserFactory,
    action_params,
    assist_params,
    attach_mission_report,
    case_in_stage,
    case_snapshot,
    complete_assessment,
    new_request,
    recommend,
    user_with_perms,
)
from tests.factories_evaluation import evaluated

pytestmark = pytest.mark.django_db


S = Stage
UTC = datetime.UTC


# The road of a case as the Division practises it, written out by hand: if the table in
# requests_app/cases/workflow.py drifts from it, these fail.
EXPECTED_GRAPH = {
    S.RECEIVED: {S.UNDER_REVIEW, S.NEEDS_ASSESSMENT, S.DECLINED, S.WITHDRAWN},
    S.UNDER_REVIEW: {S.NEEDS_ASSESSMENT, S.DECLINED, S.WITHDRAWN},
    S.NEEDS_ASSESSMENT: {S.AWAITING_DECISION, S.WITHDRAWN},
    S.AWAITING_DECISION: {S.DECISION_COMMUNICATED, S.DECLINED, S.AWAITING_DECISION, S.WITHDRAWN},
    S.DECISION_COMMUNICATED: {S.IN_IMPLEMENTATION, S.WITHDRAWN},
    S.IN_IMPLEMENTATION: {S.REPORTING, S.WITHDRAWN},
    S.REPORTING: {S.CLOSED, S.WITHDRAWN},
    S.CLOSED: set(),
    S.WITHDRAWN: set(),
    S.DECLINED: set(),
}


OPEN = {
    S.RECEIVED,
    S.UNDER_REVIEW,
    S.NEEDS_ASSESSMENT,
    S.AWAITING_DECISION,
    S.DECISION_COMMUNICATED,
    S.IN_IMPLEMENTATION,
    S.REPORTING,
}


# action: (sources, target, permission). A target of None: the stage stays, or the decision sets it.
EXPECTED_TABLE = {
    "start_review": ({S.RECEIVED}, S.UNDER_REVIEW, "requests_app.review_request"),
    "recommend": ({S.RECEIVED, S.UNDER_REVIEW}, None, "requests_app.review_request"),
    "accept_emb_request": ({S.UNDER_REVIEW}, None, "requests_app.decide_review"),
    "start_assessment": ({S.RECEIVED, S.UNDER_REVIEW}, S.NEEDS_ASSESSMENT, "requests_app.decide_review"),
    "decline_request": ({S.RECEIVED, S.UNDER_REVIEW}, S.DECLINED, "requests_app.decide_request"),
    "submit_assessment": ({S.NEEDS_ASSESSMENT}, S.AWAITING_DECISION, "requests_app.conduct_assessment"),
    "record_decision": ({S.AWAITING_DECISION}, None, "requests_app.decide_request"),
    "amend_decision": (
        {S.DECISION_COMMUNICATED, S.IN_IMPLEMENTATION, S.REPORTING},
        None,
        "requests_app.decide_request",
    ),
    "start_implementation": ({S.DECISION_COMMUNICATED}, S.IN_IMPLEMENTATION, "requests_app.manage_implementation"),
    "start_reporting": ({S.IN_IMPLEMENTATION}, S.REPORTING, "requests_app.manage_implementation"),
    "close": ({S.REPORTING}, S.CLOSED, "requests_app.close_case"),
    "withdraw": (OPEN, S.WITHDRAWN, "requests_app.record_withdrawal"),
}


ALLOWED = [
    pytest.param(name, stage, id=f"{name}-from-{stage}")
    for name, action in ACTIONS.items()
    for stage in Stage
    if stage in action.sources
]
REFUSED = [
    pytest.param(name, stage, id=f"{name}-from-{stage}")
    for name, action in ACTIONS.items()
    for stage in Stage
    if stage not in action.sources
]


# Where an action without a fixed target leads, given where it starts (with action_params()).
VARIABLE_TARGETS = {
    "recommend": lambda source: source,  # recorded, the focal point decides on it
    "accept_emb_request": lambda source: source,  # recorded, the case stays under review
    "amend_decision": lambda source: source,  # a new version: the case stays in its stage
    "record_decision": lambda source: S.DECISION_COMMUNICATED,  # action_params() decides to assist
}


def expected_target(action_name, source):
    action = ACTIONS[action_name]
    if action.target is not None:
        return action.target
    return VARIABLE_TARGETS[action_name](source)


def ready_case(action_name, source, actor):
    """A case in ``source`` on which ``action_name`` has everything its guards ask for."""
    requester = "government"
    if action_name in ("start_assessment", "recommend") and source == S.RECEIVED:
        requester = "security_council"  # only a mandate skips the review
    elif action_name == "accept_emb_request":
        requester = "electoral_body"
    case = case_in_stage(source, actor=actor, **REQUESTERS[requester])
    if action_name in ("accept_emb_request", "start_assessment"):
        case = recommend(case, actor=actor)  # the focal point decides on the officer's recommendation
    if action_name == "submit_assessment":
        complete_assessment(case)
    if action_name == "close":
        attach_mission_report(case, actor=actor)
        evaluated(case)
    return case


def call(action_name, *, actor, case, **params):
    return services.ACTION_SERVICES[action_name](actor=actor, case=case, **params)


def messages(refused):
    return " ".join(refused.value.messages)


# The table ------------------------------------------------------------------------


def test_the_stage_graph_is_the_road_a_case_takes():
    assert {stage: allowed_next_stages(stage) for stage in Stage} == EXPECTED_GRAPH


def test_each_action_starts_ends_and_is_permitted_as_written():
    table = {name: (set(action.sources), action.target, action.permission) for name, action in ACTIONS.items()}
    assert table == EXPECTED_TABLE
    assert ACTIONS["record_decision"].possible_targets == {S.DECISION_COMMUNICATED, S.DECLINED, S.AWAITING_DECISION}


def test_open_and_end_stages():
    assert set(OPEN_STAGES) == OPEN
    assert Stage.ends() == {S.CLOSED, S.WITHDRAWN, S.DECLINED}
    assert OPEN | Stage.ends() == set(Stage)


def test_every_open_stage_is_reachable_and_can_end():
    reachable, frontier = {S.RECEIVED}, [S.RECEIVED]
    while frontier:
        for nxt in allowed_next_stages(frontier.pop()):
            if nxt not in reachable:
                reachable.add(nxt)
                frontier.append(nxt)
    assert reachable == set(Stage)
    for stage in OPEN_STAGES:
        assert allowed_next_stages(stage) & Stage.ends(), f"{stage} cannot end"


def test_every_action_has_one_keyword_only_service_taking_actor_and_comment():
    assert set(services.ACTION_SERVICES) == set(ACTIONS)
    for name, service in services.ACTION_SERVICES.items():
        parameters = inspect.signature(service).parameters
        assert {"actor", "case", "comment"} <= set(parameters), name
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values()), name


@pytest.mark.parametrize("stage", sorted(Stage.ends()))
def test_no_action_starts_from_an_end_stage(stage):
    assert actions_from(stage) == []
    assert allowed_next_stages(stage) == set()


# Every action from every stage -------------------------------------------------------


@pytest.mark.parametrize(("action_name", "source"), ALLOWED)
def test_action_from_an_allowed_stage_reaches_its_target_and_writes_one_event(action_name, source, officer):
    case = ready_case(action_name, source, officer)
    events_before = set(case.events.values_list("id", flat=True))
    params = {"comment": f"Note on {action_name}.", **action_params(action_name)}

    returned = call(action_name, actor=officer, case=case, **params)

    target = expected_target(action_name, source)
    fresh = AssistanceRequest.objects.get(pk=case.pk)
    assert fresh.stage == returned.stage == target
    assert target == source or target in allowed_next_stages(source)
    new_events = list(CaseEvent.objects.filter(case=case).exclude(id__in=events_before))
    assert len(new_events) == 1
    event = new_events[0]
    assert event.action == action_name
    assert event.actor == officer
    assert event.from_stage == source
    assert event.to_stage == target
    assert event.comment == params["comment"]


@pytest.mark.parametrize(("action_name", "stage"), REFUSED)
def test_action_from_any_other_stage_is_refused_says_why_and_changes_nothing(action_name, stage, officer):
    case = case_in_stage(stage, actor=officer)
    before = case_snapshot(case)

    with pytest.raises(ActionRefused) as refused:
        call(action_name, actor=officer, case=case, **{"comment": "Trying anyway.", **action_params(action_name)})

    assert str(Stage(stage).phrase) in messages(refused)
    assert str(ACTIONS[action_name].label) in messages(refused)
    assert case_snapshot(case) == before


@pytest.mark.parametrize("stage", sorted(Stage.ends()))
def test_nothing_is_possible_once_a_case_has_ended(stage, officer):
    case = case_in_stage(stage, actor=officer)
    before = case_snapshot(case)
    for action_name in ACTIONS:
        with pytest.raises(ActionRefused, match=str(Stage(stage).phrase)):
            call(action_name, actor=officer, case=case, **{"comment": "Reopen?", **action_params(action_name)})
    assert case_snapshot(case) == before


@pytest.mark.parametrize(
    ("action_name", "incomplete"),
    [
        ("start_assessment", {"method": ""}),
        ("start_implementation", {"modality": "", "ends_on": None}),
    ],
)
def test_the_stage_and_the_permission_are_checked_before_the_details(action_name, incomplete, officer, clerk):
    """A move from the wrong stage says so, even when its details are incomplete too."""
    case = case_in_stage(S.REPORTING, actor=officer)
    before = case_snapshot(case)
    with pytest.raises(ActionRefused) as refused:
        call(action_name, actor=officer, case=case, **incomplete)
    assert "reporting" in messages(refused)
    with pytest.raises(ActionRefused, match="permission"):
        call(action_name, actor=clerk, case=case, **incomplete)
    assert case_snapshot(case) == before


def test_an_unknown_action_is_refused(officer):
    case = new_request(actor=officer)
    with pytest.raises(ActionRefused, match="no such action"):
        services.perform_action(actor=officer, case=case, action_name="fast_track")


def test_perform_action_runs_the_action_of_the_table(officer):
    case = new_request(actor=officer)
    case = services.perform_action(actor=officer, case=case, action_name="start_review", comment="Acknowledged.")
    assert case.stage == S.UNDER_REVIEW
    assert case.events.last().action == "start_review"


# The concrete road -------------------------------------------------------------------


def stages_and_events(case):
    return list(case.events.order_by("id").values_list("action", "from_stage", "to_stage"))


def test_a_government_request_assessed_by_a_mission_goes_from_received_to_closed(officer):
    case = new_request(actor=officer)
    assert case.stage == S.RECEIVED

    case = services.start_review(actor=officer, case=case, comment="Acknowledged by letter.")
    assert case.stage == S.UNDER_REVIEW
    case = recommend(case, actor=officer, method=AssessmentMethod.MISSION)
    case = services.start_assessment(actor=officer, case=case, method=AssessmentMethod.MISSION)
    assert case.stage == S.NEEDS_ASSESSMENT
    complete_assessment(case, method=AssessmentMethod.MISSION)
    case = services.submit_assessment(actor=officer, case=case)
    assert case.stage == S.AWAITING_DECISION
    case = services.record_decision(actor=officer, case=case, **assist_params())
    assert case.stage == S.DECISION_COMMUNICATED
    case = services.start_implementation(actor=officer, case=case, **action_params("start_implementation"))
    assert case.stage == S.IN_IMPLEMENTATION
    case = services.start_reporting(actor=officer, case=case)
    assert case.stage == S.REPORTING
    attach_mission_report(case, actor=officer)
    case = services.close_case(actor=officer, case=evaluated(case), comment="Report sent to the government.")
    assert case.stage == S.CLOSED
    assert not case.is_open

    assert stages_and_events(case) == [
        ("registered", "", S.RECEIVED),
        ("start_review", S.RECEIVED, S.UNDER_REVIEW),
        ("recommend", S.UNDER_REVIEW, S.UNDER_REVIEW),
        ("start_assessment", S.UNDER_REVIEW, S.NEEDS_ASSESSMENT),
        ("submit_assessment", S.NEEDS_ASSESSMENT, S.AWAITING_DECISION),
        ("record_decision", S.AWAITING_DECISION, S.DECISION_COMMUNICATED),
        ("start_implementation", S.DECISION_COMMUNICATED, S.IN_IMPLEMENTATION),
        ("start_reporting", S.IN_IMPLEMENTATION, S.REPORTING),
        ("document_attached", "", ""),
        ("close", S.REPORTING, S.CLOSED),
    ]


@pytest.mark.parametrize("requester", ["security_council", "general_assembly"])
def test_a_mandate_goes_from_received_straight_to_the_assessment(requester, officer):
    case = new_request(actor=officer, **REQUESTERS[requester])
    case = recommend(case, actor=officer, method=AssessmentMethod.MISSION)
    case = services.start_assessment(actor=officer, case=case, method=AssessmentMethod.MISSION)
    assert case.stage == S.NEEDS_ASSESSMENT
    assert stages_and_events(case)[-1] == ("start_assessment", S.RECEIVED, S.NEEDS_ASSESSMENT)


def test_an_electoral_body_request_is_reviewed_accepted_then_assessed(officer):
    case = new_request(actor=officer, **REQUESTERS["electoral_body"])
    case = services.start_review(actor=officer, case=case)
    case = recommend(case, actor=officer)
    case = services.accept_emb_request(actor=officer, case=case, comment="Government confirmed by note verbale.")
    assert case.stage == S.UNDER_REVIEW
    case = services.start_assessment(actor=officer, case=case, method=AssessmentMethod.DESK_REVIEW)
    assert case.stage == S.NEEDS_ASSESSMENT
    assert stages_and_events(case)[1:] == [
        ("start_review", S.RECEIVED, S.UNDER_REVIEW),
        ("recommend", S.UNDER_REVIEW, S.UNDER_REVIEW),
        ("accept_emb_request", S.UNDER_REVIEW, S.UNDER_REVIEW),
        ("start_assessment", S.UNDER_REVIEW, S.NEEDS_ASSESSMENT),
    ]


@pytest.mark.parametrize(
    ("outcome_params", "target"),
    [
        pytest.param(assist_params, S.DECISION_COMMUNICATED, id="assist"),
        pytest.param(
            lambda: assist_params(outcome=DecisionOutcome.NARROW, scope="Voter registration only."),
            S.DECISION_COMMUNICATED,
            id="narrow",
        ),
        pytest.param(
            lambda: {"outcome": DecisionOutcome.DECLINE, "reason": "No time left before the election."},
            S.DECLINED,
            id="decline",
        ),
        pytest.param(
            lambda: {
                "outcome": DecisionOutcome.DEFER,
                "reason": "Electoral law pending.",
                "revisit_on": timezone.localdate() + datetime.timedelta(days=60),
            },
            S.AWAITING_DECISION,
            id="defer",
        ),
    ],
)
def test_each_decision_outcome_leads_where_it_should(outcome_params, target, officer):
    case = case_in_stage(S.AWAITING_DECISION, actor=officer)
    case = services.record_decision(actor=officer, case=case, **outcome_params())
    assert AssistanceRequest.objects.get(pk=case.pk).stage == target
    assert target in ACTIONS["record_decision"].possible_targets


# Withdrawal ----------------------------------------------------------------------------


@pytest.mark.parametrize("stage", Stage.open_stages())
def test_a_withdrawal_needs_the_states_communication_quoted(stage, officer):
    case = case_in_stage(stage, actor=officer)
    before = case_snapshot(case)
    for comment in ("", "   "):
        with pytest.raises(ActionRefused) as refused:
            services.withdraw(actor=officer, case=case, comment=comment)
        assert "comment is required" in messages(refused)
        assert "withdrew" in messages(refused)
    assert case_snapshot(case) == before


@pytest.mark.parametrize("stage", Stage.open_stages())
def test_a_state_may_withdraw_from_any_open_stage(stage, officer):
    case = case_in_stage(stage, actor=officer)
    case = services.withdraw(actor=officer, case=case, comment="  Note verbale of 3 March.  ")
    fresh = AssistanceRequest.objects.get(pk=case.pk)
    assert fresh.stage == S.WITHDRAWN
    assert fresh.stage_due_at is None
    event = fresh.events.last()
    assert (event.action, event.from_stage, event.to_stage, event.comment) == (
        "withdraw",
        stage,
        S.WITHDRAWN,
        "Note verbale of 3 March.",
    )


# Permissions ---------------------------------------------------------------------------

FIRST_SOURCE = [
    pytest.param(name, min(action.sources, key=list(Stage).index), id=name) for name, action in ACTIONS.items()
]


@pytest.mark.parametrize(("action_name", "source"), FIRST_SOURCE)
def test_a_clerk_may_not_move_a_case(action_name, source, officer, clerk):
    case = ready_case(action_name, source, officer)
    before = case_snapshot(case)
    with pytest.raises(ActionRefused) as refused:
        call(action_name, actor=clerk, case=case, **action_params(action_name))
    assert "permission" in messages(refused)
    assert str(ACTIONS[action_name].label).lower() in messages(refused)
    assert case_snapshot(case) == before


@pytest.mark.parametrize(("action_name", "source"), FIRST_SOURCE)
def test_each_action_needs_its_own_permission(action_name, source, officer):
    needed = ACTIONS[action_name].permission.split(".")[1]
    all_but = user_with_perms(*[p for p in WORKFLOW_PERMISSIONS if p != needed], is_staff=True)
    only = user_with_perms(needed, "view_all_cases", is_staff=True)  # in scope: every case
    case = ready_case(action_name, source, officer)
    before = case_snapshot(case)

    with pytest.raises(ActionRefused, match="permission"):
        call(action_name, actor=all_but, case=case, **action_params(action_name))
    assert case_snapshot(case) == before

    case = call(action_name, actor=only, case=case, **action_params(action_name))
    assert case.events.last().actor == only


def test_an_inactive_user_is_refused(officer):
    case = new_request(actor=officer)
    type(officer).objects.filter(pk=officer.pk).update(is_active=False)
    inactive = type(officer).objects.get(pk=officer.pk)
    inactive_superuser = UserFactory(is_active=False, is_superuser=True, is_staff=True)
    before = case_snapshot(case)
    for user in (inactive, inactive_superuser):
        with pytest.raises(ActionRefused, match="permission"):
            services.start_review(actor=user, case=case)
    assert case_snapshot(case) == before


def test_no_action_without_an_actor(officer):
    case = new_request(actor=officer)
    before = case_snapshot(case)
    with pytest.raises(ActionRefused, match="permission"):
        services.start_review(actor=None, case=case)
    assert case_snapshot(case) == before
