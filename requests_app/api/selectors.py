"""The API's reads, each at a fixed number of queries: the cases' selectors within the caller's scope."""

from django.db.models import QuerySet

from requests_app.cases import selectors as cases
from requests_app.cases.models import AssistanceRequest
from requests_app.core.types import User
from requests_app.history.models import CaseEvent
from requests_app.reference.models import AssistanceType, MemberState


def countries() -> QuerySet[MemberState]:
    return MemberState.objects.select_related("administering_power")


def assistance_types() -> QuerySet[AssistanceType]:
    return AssistanceType.objects.all()


def case_list(user: User) -> QuerySet[AssistanceRequest]:
    """The cases ``user`` sees, with what a row shows (the mandates say the basis)."""
    return cases.visible_cases(user, cases.case_list().prefetch_related("mandates"))


def case_detail(user: User, reference: str) -> AssistanceRequest | None:
    """The case with what its page shows, when ``user`` may see it (None: it does not exist for them)."""
    try:
        return cases.case_detail(cases.visible_cases(user), reference=reference, contributions=False)
    except AssistanceRequest.DoesNotExist:
        return None


def history(case: AssistanceRequest) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=case).select_related("actor")
