"""Every model of requests_app, each defined in its domain's models.py: Django loads the app's models from here."""

from requests_app.accounts.models import Preference
from requests_app.api.models import ApiToken
from requests_app.calendar.models import CalendarToken
from requests_app.cases.choices import (
    AssessmentMethod,
    AuthorityType,
    Basis,
    DecisionOutcome,
    ElectionType,
    ElectoralPhase,
    ImplementationModality,
    Origin,
    Stage,
)
from requests_app.cases.models import (
    AssistanceRequest,
    Decision,
    DecisionAmendment,
    Election,
    NeedsAssessment,
    Recommendation,
    ReferenceCounter,
    RegionalDesk,
)
from requests_app.coordination.models import (
    BasketDonor,
    Consultation,
    DecisionNotice,
    ImplementationVehicle,
    MissionMember,
)
from requests_app.correspondence.models import Letter, LetterEvent, LetterTemplate
from requests_app.deadlines.models import DeadlineReason, StagePolicy
from requests_app.documents.models import CaseDocument, ConfidentialRead, DocumentKind
from requests_app.evaluation.models import Evaluation, EvaluationWaiver, LessonLearned
from requests_app.fund.models import BalanceAlert, EarmarkDraw, ExchangeRate, LedgerEntry, TrustFundSettings
from requests_app.history.models import CaseEvent
from requests_app.mandates.models import Mandate, Organ
from requests_app.ops.models import BeatLease
from requests_app.partners.models import Partner, PartnerContribution
from requests_app.reference.models import AssistanceType, MemberState, RegionalGroup
from requests_app.reminders.models import Reminder
from requests_app.roster.models import Deployment, Expert, Language

__all__ = [
    "Preference",
    "ApiToken",
    "AssessmentMethod",
    "AssistanceRequest",
    "AssistanceType",
    "AuthorityType",
    "BasketDonor",
    "Basis",
    "BalanceAlert",
    "BeatLease",
    "CalendarToken",
    "CaseDocument",
    "CaseEvent",
    "ConfidentialRead",
    "Consultation",
    "Decision",
    "DecisionAmendment",
    "DecisionNotice",
    "DeadlineReason",
    "Deployment",
    "DecisionOutcome",
    "DocumentKind",
    "EarmarkDraw",
    "Election",
    "Evaluation",
    "EvaluationWaiver",
    "ElectionType",
    "ElectoralPhase",
    "ExchangeRate",
    "Expert",
    "ImplementationModality",
    "ImplementationVehicle",
    "Language",
    "LessonLearned",
    "LedgerEntry",
    "Mandate",
    "Letter",
    "LetterEvent",
    "LetterTemplate",
    "MemberState",
    "MissionMember",
    "NeedsAssessment",
    "Organ",
    "Origin",
    "Partner",
    "PartnerContribution",
    "Recommendation",
    "ReferenceCounter",
    "RegionalDesk",
    "RegionalGroup",
    "Reminder",
    "Stage",
    "StagePolicy",
    "TrustFundSettings",
]
