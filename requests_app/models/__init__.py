from .calendar import CalendarToken
from .case import AssistanceRequest, Election, ReferenceCounter
from .choices import (
    AuthorityType,
    DeadlineReason,
    DecisionOutcome,
    DocumentKind,
    ElectionType,
    ElectoralPhase,
    ImplementationModality,
    AssessmentMethod,
    Origin,
    RegionalGroup,
    Stage,
)
from .deadlines import RegionalDesk, Reminder, StagePolicy
from .documents import CaseDocument
from .events import CaseEvent
from .reference import AssistanceType, MemberState
from .work import Decision, NeedsAssessment

__all__ = [
    "AssessmentMethod",
    "AssistanceRequest",
    "AssistanceType",
    "AuthorityType",
    "CalendarToken",
    "CaseDocument",
    "CaseEvent",
    "Decision",
    "DeadlineReason",
    "DecisionOutcome",
    "DocumentKind",
    "Election",
    "ElectionType",
    "ElectoralPhase",
    "ImplementationModality",
    "MemberState",
    "NeedsAssessment",
    "Origin",
    "ReferenceCounter",
    "RegionalDesk",
    "RegionalGroup",
    "Reminder",
    "Stage",
    "StagePolicy",
]
