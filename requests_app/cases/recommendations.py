"""The officer's recommendation to the focal point, who accepts an electoral body's request and
chooses how the needs are assessed on it (README, "Roles"): what it must say, and what the history
keeps of it. The services (requests_app.cases.services) write it within the action."""

from typing import Any

from django.utils.translation import gettext as _

from requests_app.cases.choices import AssessmentMethod, AuthorityType
from requests_app.cases.models import AssistanceRequest, Recommendation
from requests_app.cases.workflow import latest_recommendation
from requests_app.core.people import display_name
from requests_app.core.types import StrOrPromise


def asks_acceptance(case: AssistanceRequest) -> bool:
    """Whether the recommendation says if the focal point should accept an electoral body's request."""
    return case.authority_type == AuthorityType.ELECTORAL_BODY and case.emb_request_accepted_at is None


def problems(case: AssistanceRequest, accept: bool | None, method: str) -> list[StrOrPromise]:
    """What the recommendation must say: accept or not (an electoral body's request), and how to assess."""
    missing: list[StrOrPromise] = []
    if asks_acceptance(case) and accept is None:
        missing.append(_("Say whether the focal point should accept the electoral body's request."))
    if accept is not False and method not in AssessmentMethod.values:
        missing.append(_("Recommend how to assess the needs: a mission or a desk review."))
    return missing


def details(recommendation: Recommendation) -> dict[str, Any]:
    """What the history keeps of a recommendation (its grounds are the event's comment)."""
    said: dict[str, Any] = {"recommendation": recommendation.pk}
    if recommendation.accept_emb_request is not None:
        said["accept"] = recommendation.accept_emb_request
    if recommendation.method:
        said["method"] = recommendation.method
    return said


def followed(locked: AssistanceRequest) -> tuple[Recommendation, dict[str, Any]]:
    """The recommendation a decision follows (the guards made sure there is one), and what the history says of it."""
    recommendation = latest_recommendation(locked)
    assert recommendation is not None  # the _recommended guard refuses a decision without one
    said = {
        "recommendation": recommendation.pk,
        "recommended_by": display_name(recommendation.recommended_by),
        "recommended": recommendation.summary,
    }
    return recommendation, said
