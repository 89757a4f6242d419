import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from requests_app.models import (
    AssessmentMethod,
    AssistanceRequest,
    AssistanceType,
    AuthorityType,
    Election,
    ElectionType,
    MemberState,
    NeedsAssessment,
    Origin,
)
from requests_app.services import workflow as services


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@un.example.org")
    password = factory.django.Password("correct horse battery staple")


def member_state(iso3="GHA"):
    return MemberState.objects.get(iso3=iso3)


def assistance_type(code="voter-registration"):
    return AssistanceType.objects.get(code=code)


def new_request(*, actor=None, origin=Origin.GOVERNMENT, authority_type=AuthorityType.FOREIGN_MINISTER,
                state="GHA", election_in_days=400, received_days_ago=2, mandate_symbol="", **fields):
    """Register a request through the service, as the intake desk would."""
    today = timezone.localdate()
    received = today - datetime.timedelta(days=received_days_ago)
    case = AssistanceRequest(
        member_state=member_state(state),
        origin=origin,
        mandate_symbol=mandate_symbol or ("S/RES/2999 (2026)" if origin in Origin.mandates() else ""),
        requesting_authority=fields.pop("requesting_authority", "Minister for Foreign Affairs"),
        authority_type=AuthorityType.UN_ORGAN if origin in Origin.mandates() else authority_type,
        letter_date=fields.pop("letter_date", received - datetime.timedelta(days=5)),
        received_date=received,
        summary=fields.pop("summary", "Request for support to voter registration."),
        **fields,
    )
    case.full_clean(exclude=["reference"])
    election = Election(election_type=ElectionType.GENERAL, planned_date=received + datetime.timedelta(days=election_in_days))
    return services.register_request(
        actor=actor or UserFactory(), case=case, requested_types=[assistance_type()], elections=[election]
    )


def complete_assessment(case, *, method=AssessmentMethod.DESK_REVIEW, adequate_time=True, conditions_exist=True):
    """Fill in an assessment as its team would, once the report is in."""
    assessment = NeedsAssessment.objects.get(case=case)
    today = timezone.localdate()
    assessment.method = method
    if method == AssessmentMethod.MISSION:
        assessment.tor_sent_on = today - datetime.timedelta(days=30)
        assessment.host_clearance_on = today - datetime.timedelta(days=25)
        assessment.deployed_from = today - datetime.timedelta(days=20)
        assessment.deployed_until = today - datetime.timedelta(days=12)
    assessment.report_submitted_on = today - datetime.timedelta(days=2)
    assessment.adequate_time = adequate_time
    assessment.conditions_exist = conditions_exist
    assessment.save()
    return assessment
