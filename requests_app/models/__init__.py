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
from .partners import Partner, PartnerContribution
from .roster import Deployment, Expert, Language
from .trust_fund import BalanceAlert, ExchangeRate, LedgerEntry, TrustFundSettings
from .reference import AssistanceType, MemberState
from .work import Decision, NeedsAssessment

__all__ = [
    "AssessmentMethod",
    "AssistanceRequest",
    "AssistanceType",
    "AuthorityType",
    "BalanceAlert",
    "CalendarToken",
    "CaseDocument",
    "CaseEvent",
    "Decision",
    "DeadlineReason",
    "Deployment",
    "DecisionOutcome",
    "DocumentKind",
    "Election",
    "ElectionType",
    "ElectoralPhase",
    "ExchangeRate",
    "Expert",
    "ImplementationModality",
    "Language",
    "LedgerEntry",
    "MemberState",
    "NeedsAssessment",
    "Origin",
    "Partner",
    "PartnerContribution",
    "ReferenceCounter",
    "RegionalDesk",
    "RegionalGroup",
    "Reminder",
    "Stage",
    "StagePolicy",
    "TrustFundSettings",
]
