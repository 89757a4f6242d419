"""The demo's scenarios: which cases in which stages, and the steps that take them there."""

from dataclasses import dataclass, field
from datetime import date

from requests_app.cases.choices import AssessmentMethod, AuthorityType, DecisionOutcome, Origin, Stage
from requests_app.cases.workflow import MAIN_ROAD
from requests_app.demo.vocabulary import EMB, GA, MISSION, SC
from requests_app.reference.models import MemberState

# The demo set, through the services ----------------------------------------------------

ORDER = MAIN_ROAD


@dataclass(frozen=True)
class Scenario:
    """What a demo case shows: where it stands and how it got there."""

    stage: Stage
    origin: str = Origin.GOVERNMENT  # a request's origin, or the organ (SC, GA) of a mandate alone
    overdue: bool = False
    method: AssessmentMethod = AssessmentMethod.DESK_REVIEW
    outcome: DecisionOutcome = DecisionOutcome.ASSIST
    short_notice: bool = False
    defer: bool = False
    withdrawn_from: Stage | None = None
    emb_accepted: bool = True
    # An ended case may be from an earlier year: country files and the dashboard's requests per
    # year then reach back several years, as a unit's do.
    years_ago: int = 0


SCENARIOS = [
    Scenario(Stage.RECEIVED),
    Scenario(Stage.RECEIVED, overdue=True),
    Scenario(Stage.RECEIVED, origin=SC),
    Scenario(Stage.RECEIVED, origin=EMB),
    Scenario(Stage.UNDER_REVIEW),
    Scenario(Stage.UNDER_REVIEW, overdue=True),
    Scenario(Stage.UNDER_REVIEW, origin=EMB, emb_accepted=False),
    Scenario(Stage.UNDER_REVIEW, origin=EMB),
    Scenario(Stage.NEEDS_ASSESSMENT, method=MISSION),
    Scenario(Stage.NEEDS_ASSESSMENT),
    Scenario(Stage.NEEDS_ASSESSMENT, method=MISSION, overdue=True),
    Scenario(Stage.NEEDS_ASSESSMENT, origin=SC, method=MISSION),
    Scenario(Stage.NEEDS_ASSESSMENT, origin=EMB),
    Scenario(Stage.AWAITING_DECISION, method=MISSION),
    Scenario(Stage.AWAITING_DECISION, defer=True),
    Scenario(Stage.AWAITING_DECISION, overdue=True),
    Scenario(Stage.AWAITING_DECISION, short_notice=True),
    Scenario(Stage.DECISION_COMMUNICATED, method=MISSION),
    Scenario(Stage.DECISION_COMMUNICATED, outcome=DecisionOutcome.NARROW),
    Scenario(Stage.DECISION_COMMUNICATED, overdue=True),
    Scenario(Stage.IN_IMPLEMENTATION, method=MISSION),
    Scenario(Stage.IN_IMPLEMENTATION, origin=SC, method=MISSION),
    Scenario(Stage.IN_IMPLEMENTATION, origin=EMB),
    Scenario(Stage.IN_IMPLEMENTATION, short_notice=True),
    Scenario(Stage.IN_IMPLEMENTATION, overdue=True),
    Scenario(Stage.IN_IMPLEMENTATION, origin=GA, method=MISSION),
    Scenario(Stage.REPORTING, method=MISSION),
    Scenario(Stage.REPORTING, overdue=True),
    Scenario(Stage.REPORTING, outcome=DecisionOutcome.NARROW),
    Scenario(Stage.CLOSED, method=MISSION, years_ago=1),
    Scenario(Stage.CLOSED, years_ago=2),
    Scenario(Stage.CLOSED, origin=SC, method=MISSION, years_ago=3),
    Scenario(Stage.CLOSED, origin=EMB, method=MISSION, years_ago=4),
    Scenario(Stage.CLOSED, outcome=DecisionOutcome.NARROW, years_ago=5),
    Scenario(Stage.CLOSED, short_notice=True),
    Scenario(Stage.CLOSED, method=MISSION),
    Scenario(Stage.WITHDRAWN, withdrawn_from=Stage.UNDER_REVIEW, years_ago=2),
    Scenario(Stage.WITHDRAWN, withdrawn_from=Stage.NEEDS_ASSESSMENT, method=MISSION, years_ago=3),
    Scenario(Stage.WITHDRAWN, withdrawn_from=Stage.DECISION_COMMUNICATED),
    Scenario(Stage.DECLINED, outcome=DecisionOutcome.DECLINE, years_ago=1),
    Scenario(Stage.WITHDRAWN, withdrawn_from=Stage.RECEIVED, years_ago=4),
    Scenario(Stage.DECLINED, outcome=DecisionOutcome.DECLINE, method=MISSION),
]


@dataclass
class Step:
    name: str
    gap: float  # days after the step before
    moves: bool  # whether it changes the stage


@dataclass
class DemoPlan:
    scenario: Scenario
    state: MemberState
    origin: str  # as the scenario's
    authority_type: AuthorityType
    requesting_authority: str
    mandate_symbol: str
    types: list
    officer: object
    steps: list
    times: list = field(default_factory=list)
    elections: list = field(default_factory=list)
    letter_date: date | None = None
    ends_on: date | None = None
    period_end: date | None = None
    revisit_on: date | None = None
    summary: str = ""
