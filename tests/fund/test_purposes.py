"""An allocation's purpose: required; an assessment or a panel may be paid for before the decision to
assist, anything else only after it; and the purposes migration 0023_fund14 gave the allocations made before."""

import pkgutil
from importlib import import_module

import pytest

from requests_app import migrations
from requests_app.cases import services
from requests_app.cases.choices import DecisionOutcome, Stage
from requests_app.cases.models import AssistanceRequest, Decision
from requests_app.core.errors import ActionRefused
from requests_app.fund.models import LedgerEntry
from tests.factories import approved_case, assist_params, assistance_type, case_in_stage
from tests.fund.helpers import D, Kind, allocate, contribute, refusal

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("purpose", "message"),
    [
        (None, "Say what the allocation pays for: its purpose."),
        ("", "Say what the allocation pays for: its purpose."),
        ("catering", "“catering” is not a purpose of the Trust Fund."),
    ],
)
def test_an_allocation_says_what_it_pays_for(frozen, finance, focal, case, no_alert, purpose, message):
    contribute(finance, "100000.00")
    with pytest.raises(ActionRefused) as refused:
        allocate(focal, case, "1000.00", purpose=purpose)
    assert refusal(refused) == message
    assert not LedgerEntry.objects.filter(kind=Kind.ALLOCATION).exists()


@pytest.mark.parametrize("stage", [Stage.UNDER_REVIEW, Stage.NEEDS_ASSESSMENT, Stage.AWAITING_DECISION])
def test_an_assessment_or_a_panel_is_paid_for_before_the_decision(frozen, finance, focal, officer, no_alert, stage):
    contribute(finance, "100000.00")
    case = case_in_stage(stage, actor=officer)
    mission = allocate(focal, case, "20000.00", purpose="needs_assessment")
    panel = allocate(focal, case, "15000.00", purpose="expert_panel")
    assert (mission.purpose, panel.purpose) == ("needs_assessment", "expert_panel")
    for purpose, phrase in (("deployment", "a short-term deployment"), ("project_support", "project support")):
        with pytest.raises(ActionRefused) as refused:
            allocate(focal, case, "1000.00", purpose=purpose)
        assert refusal(refused) == (
            f"{case.reference} is {case.stage_phrase}: before the decision to assist, the fund pays for a needs "
            f"assessment mission or an expert panel only; {phrase} waits for an assist or narrowed decision."
        )
    assert LedgerEntry.objects.filter(kind=Kind.ALLOCATION).count() == 2


def test_after_a_decision_to_assist_every_purpose_is_paid_for(frozen, finance, focal, case, no_alert):
    contribute(finance, "100000.00")
    for purpose in ("needs_assessment", "expert_panel", "deployment", "project_support"):
        assert allocate(focal, case, "1000.00", purpose=purpose).purpose == purpose


@pytest.mark.parametrize("stage", [Stage.RECEIVED, Stage.WITHDRAWN, Stage.DECLINED])
def test_no_money_before_the_review_nor_once_the_case_has_ended(frozen, finance, focal, officer, no_alert, stage):
    contribute(finance, "100000.00")
    case = case_in_stage(stage, actor=officer)
    with pytest.raises(ActionRefused) as refused:
        allocate(focal, case, "1000.00", purpose="needs_assessment")
    assert refusal(refused) == (
        f"{case.reference} is {case.stage_phrase}: a needs assessment mission is paid for from the review of a "
        "case until its decision, or once it is approved for assistance (an assist or narrowed decision, until it "
        "reports)."
    )


def test_a_deferred_case_may_still_have_its_assessment_paid_for(frozen, finance, focal, officer, no_alert):
    contribute(finance, "100000.00")
    case = case_in_stage(Stage.AWAITING_DECISION, actor=officer)
    case = services.record_decision(
        actor=officer, case=case, outcome=DecisionOutcome.DEFER, reason="After the census.", revisit_on=D(2026, 6, 1)
    )
    assert case.stage == Stage.AWAITING_DECISION
    assert allocate(focal, case, "5000.00", purpose="needs_assessment").case == case


def test_an_allocation_before_the_decision_is_not_dated_before_the_request(frozen, finance, focal, officer, no_alert):
    contribute(finance, "100000.00", day=D(2026, 1, 2))
    case = case_in_stage(Stage.NEEDS_ASSESSMENT, actor=officer)  # received on 8 March
    with pytest.raises(ActionRefused) as refused:
        allocate(focal, case, "1000.00", day=D(2026, 3, 7), purpose="needs_assessment")
    assert (
        refusal(refused) == f"{case.reference} was received on 8 Mar 2026: an allocation to it cannot be dated earlier."
    )
    assert allocate(focal, case, "1000.00", day=D(2026, 3, 8), purpose="needs_assessment")


# The purposes given by the migration to the allocations made before ------------------------------


def purpose_by_migration(case):
    """The purpose migration 0023_fund14 gives an allocation to ``case`` (found by what it defines)."""
    for module in pkgutil.iter_modules(migrations.__path__):
        migration = import_module(f"{migrations.__name__}.{module.name}")
        if hasattr(migration, "give_purposes"):
            return migration._purpose(case, Decision)
    raise AssertionError("no migration gives the allocations their purposes")


def test_the_migration_gives_each_earlier_allocation_a_purpose_from_what_it_funds(frozen, officer):
    assessing = case_in_stage(Stage.NEEDS_ASSESSMENT, actor=officer)
    assert purpose_by_migration(assessing) == "needs_assessment"

    project = approved_case(actor=officer, state="KEN")
    assert purpose_by_migration(project) == "project_support"
    roster = approved_case(actor=officer, state="PER")
    AssistanceRequest.objects.filter(pk=roster.pk).update(implementation_modality="roster_experts")
    assert purpose_by_migration(AssistanceRequest.objects.get(pk=roster.pk)) == "deployment"

    panel = case_in_stage(Stage.AWAITING_DECISION, actor=officer, state="NPL")
    panel = services.record_decision(
        actor=officer, case=panel, **assist_params(assistance_types=[assistance_type("expert-panel")])
    )
    assert purpose_by_migration(panel) == "expert_panel"
    # A panel among other kinds of help is not a panel's allocation.
    both = case_in_stage(Stage.AWAITING_DECISION, actor=officer, state="MEX")
    both = services.record_decision(
        actor=officer,
        case=both,
        **assist_params(assistance_types=[assistance_type("expert-panel"), assistance_type("voter-registration")]),
    )
    assert purpose_by_migration(both) == "project_support"


def test_a_mission_paid_for_after_the_decision_may_be_dated_before_it(frozen, finance, focal, case, no_alert):
    """The case was received on 3 January and approved on 5 January: its assessment mission, paid for
    now, may carry the day of the mission; project support may not be dated before the approval."""
    contribute(finance, "100000.00", day=D(2026, 1, 2))
    assert allocate(focal, case, "5000.00", day=D(2026, 1, 4), purpose="needs_assessment").value_date == D(2026, 1, 4)
    with pytest.raises(ActionRefused) as refused:
        allocate(focal, case, "5000.00", day=D(2026, 1, 2), purpose="expert_panel")
    assert (
        refusal(refused) == f"{case.reference} was received on 3 Jan 2026: an allocation to it cannot be dated earlier."
    )
    with pytest.raises(ActionRefused) as refused:
        allocate(focal, case, "5000.00", day=D(2026, 1, 4), purpose="project_support")
    assert (
        refusal(refused) == f"{case.reference} was approved on 5 Jan 2026: an allocation to it cannot be dated earlier."
    )
