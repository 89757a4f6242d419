"""What closing a case asks of the post-electoral phase, as a guard of the close action.

The transition table (requests_app.cases.workflow) lists this guard with the close action: a case
closes with its evaluation recorded, or with the reason it closes without one (a waiver, written
by the closing itself: requests_app.evaluation.services.waive_evaluation).
"""

from django.utils.translation import gettext_lazy as _

from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.core.types import StrOrPromise

# While the assistance runs and after it, lessons are drawn; the evaluation is written then too.
EVALUATION_STAGES = frozenset({Stage.IN_IMPLEMENTATION, Stage.REPORTING})


def has_evaluation(case: AssistanceRequest) -> bool:
    # The reverse one-to-one raises an AttributeError (RelatedObjectDoesNotExist) when there is none.
    return hasattr(case, "evaluation")


def has_waiver(case: AssistanceRequest) -> bool:
    return hasattr(case, "evaluation_waiver")


def evaluation_or_waiver(case: AssistanceRequest) -> list[StrOrPromise]:
    """Para 5: the assistance is evaluated before its case closes, or the closing says why not."""
    if has_evaluation(case) or has_waiver(case):
        return []
    return [
        _(
            "The assistance has not been evaluated: record the evaluation (what worked, what did not, "
            "recommendations) under “Evaluation and lessons learned”, or waive it by giving the reason "
            "in “Waive the evaluation: reason”."
        )
    ]
