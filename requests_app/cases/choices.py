"""The vocabularies of the domain, as the Electoral Assistance Division uses them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    NEEDS_ASSESSMENT = "needs_assessment", _("Needs assessment")
    AWAITING_DECISION = "awaiting_decision", _("Awaiting decision")
    DECISION_COMMUNICATED = "decision_communicated", _("Decision communicated")
    IN_IMPLEMENTATION = "in_implementation", _("In implementation")
    REPORTING = "reporting", _("Reporting")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DECLINED = "declined", _("Declined")

    @classmethod
    def ends(cls):
        return frozenset({cls.CLOSED, cls.WITHDRAWN, cls.DECLINED})

    @classmethod
    def open_stages(cls):
        return [stage for stage in cls if stage not in cls.ends()]

    @property
    def phrase(self):
        """The stage as it reads in a sentence, after "The case is": "in needs assessment"."""
        return STAGE_PHRASES[self]


# Each stage as a sentence says it ("The case is now in needs assessment"), translated whole:
# a label lowercased ("is now needs assessment") reads wrong, and in some languages is wrong.
STAGE_PHRASES = {
    Stage.RECEIVED: _("received, waiting for review"),
    Stage.UNDER_REVIEW: _("under review"),
    Stage.NEEDS_ASSESSMENT: _("in needs assessment"),
    Stage.AWAITING_DECISION: _("awaiting a decision"),
    Stage.DECISION_COMMUNICATED: _("decided, with the decision communicated"),
    Stage.IN_IMPLEMENTATION: _("in implementation"),
    Stage.REPORTING: _("in reporting"),
    Stage.CLOSED: _("closed"),
    Stage.WITHDRAWN: _("withdrawn by the state"),
    Stage.DECLINED: _("declined"),
}


class Origin(models.TextChoices):
    GOVERNMENT = "government", _("Written request from the government")
    ELECTORAL_BODY = "electoral_body", _("Written request from the electoral management body")
    # No longer a case: a letter from a party, civil society or a person is filed in the correspondence
    # register as not considered. Kept for the cases registered so before it (migration 0020_letters13),
    # which no list, count or report shows (cases.selectors.visible_cases, the briefing, the reminders).
    OTHER_BODY = "other_body", _("Letter from another body: not a request")

    @classmethod
    def not_requests(cls):
        """Origins of former cases that were never requests (see OTHER_BODY)."""
        return frozenset({cls.OTHER_BODY})

    @classmethod
    def for_new_cases(cls):
        return [(origin.value, origin.label) for origin in cls if origin not in cls.not_requests()]


class Basis(models.TextChoices):
    """What a case rests on (para 2): a request, a Security Council or General Assembly mandate, or both.

    Derived, never stored: a case has a request when it records who asked (its origin), and a
    mandate when a mandate is linked to it (requests_app.mandates)."""

    REQUEST = "request", _("Request")
    MANDATE = "mandate", _("Mandate")
    BOTH = "both", _("Request and mandate")

    @classmethod
    def of(cls, *, has_request, has_mandate):
        if has_request and has_mandate:
            return cls.BOTH
        return cls.MANDATE if has_mandate else cls.REQUEST


class AuthorityType(models.TextChoices):
    """Who signed the request. Only an organ that can bind the state may ask (para 2)."""

    HEAD_OF_STATE = "head_of_state", _("Head of State")
    HEAD_OF_GOVERNMENT = "head_of_government", _("Head of Government")
    FOREIGN_MINISTER = "foreign_minister", _("Minister for Foreign Affairs")
    PERMANENT_MISSION = "permanent_mission", _("Permanent Mission to the United Nations")
    OTHER_STATE_ORGAN = "other_state_organ", _("Other state organ authorised to bind the state")
    ELECTORAL_BODY = "electoral_body", _("Electoral management body")
    POLITICAL_PARTY = "political_party", _("Political party")
    CIVIL_SOCIETY = "civil_society", _("Civil society organisation")

    @classmethod
    def binding(cls):
        return frozenset(
            {
                cls.HEAD_OF_STATE,
                cls.HEAD_OF_GOVERNMENT,
                cls.FOREIGN_MINISTER,
                cls.PERMANENT_MISSION,
                cls.OTHER_STATE_ORGAN,
            }
        )

    @classmethod
    def never_eligible(cls):
        return frozenset({cls.POLITICAL_PARTY, cls.CIVIL_SOCIETY})


class ElectionType(models.TextChoices):
    PRESIDENTIAL = "presidential", _("Presidential")
    PARLIAMENTARY = "parliamentary", _("Parliamentary")
    GENERAL = "general", _("General (presidential and parliamentary)")
    LOCAL = "local", _("Local or municipal")
    REFERENDUM = "referendum", _("Referendum")
    CONSTITUENT = "constituent", _("Constituent assembly")
    OTHER = "other", _("Other")


class AssessmentMethod(models.TextChoices):
    MISSION = "mission", _("Needs assessment mission (NAM)")
    DESK_REVIEW = "desk_review", _("Desk review")


class DecisionOutcome(models.TextChoices):
    ASSIST = "assist", _("Assist")
    NARROW = "narrow", _("Assist with a narrowed scope")
    DEFER = "defer", _("Defer")
    DECLINE = "decline", _("Decline")

    @classmethod
    def assisting(cls):
        return frozenset({cls.ASSIST, cls.NARROW})


class ElectoralPhase(models.TextChoices):
    PRE_ELECTORAL = "pre_electoral", _("Pre-electoral period")
    ELECTORAL = "electoral", _("Electoral period")
    POST_ELECTORAL = "post_electoral", _("Post-electoral period")
    WHOLE_CYCLE = "whole_cycle", _("Whole electoral cycle")


class ImplementationModality(models.TextChoices):
    UNDP_PROJECT = "undp_project", _("UNDP project")
    MISSION_COMPONENT = "mission_component", _("Electoral component of a UN mission")
    ROSTER_EXPERTS = "roster_experts", _("Experts from the roster")
    OTHER = "other", _("Other")


# Who may sign a request of each origin; the intake form holds the two together. Keyed by the
# stored value (a member of Origin is one), as a case's origin reads from the database.
AUTHORITIES_BY_ORIGIN: dict[str, frozenset[str]] = {
    Origin.GOVERNMENT: frozenset(
        {
            AuthorityType.HEAD_OF_STATE,
            AuthorityType.HEAD_OF_GOVERNMENT,
            AuthorityType.FOREIGN_MINISTER,
            AuthorityType.PERMANENT_MISSION,
            AuthorityType.OTHER_STATE_ORGAN,
        }
    ),
    Origin.ELECTORAL_BODY: frozenset({AuthorityType.ELECTORAL_BODY}),
}
