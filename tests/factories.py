import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from requests_app.cases import services
from requests_app.cases.choices import (
    AssessmentMethod,
    AuthorityType,
    DecisionOutcome,
    ElectionType,
    ElectoralPhase,
    ImplementationModality,
    Origin,
    Stage,
)
from requests_app.cases.models import AssistanceRequest, Election, NeedsAssessment
from requests_app.cases.workflow import MAIN_ROAD
from requests_app.documents import services as document_services
from requests_app.documents.models import DocumentKind
from requests_app.reference.models import AssistanceType, MemberState


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


def new_mandate(*, state="GHA", organ="security_council", symbol=None, actor=None, **fields):
    """A mandate recorded through the service, as the intake desk records one."""
    from requests_app.mandates import services as mandate_services
    from requests_app.mandates.models import Mandate

    today = timezone.localdate()
    if symbol is None:
        number = Mandate.objects.count() + 2900
        symbol = f"S/RES/{number} ({today.year})" if organ == "security_council" else f"A/RES/80/{number - 2800}"
    mandate = Mandate(
        member_state=member_state(state),
        organ=organ,
        symbol=symbol,
        adopted_on=fields.pop("adopted_on", today - datetime.timedelta(days=30)),
        **fields,
    )
    return mandate_services.record_mandate(actor=actor or mandate_clerk(), mandate=mandate)


def mandate_clerk():
    """A user who may record mandates (and cases): the intake desk."""
    user = intake_clerk()
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_mandate", "change_mandate", "view_mandate"])
    )
    return type(user).objects.get(pk=user.pk)


def new_request(
    *,
    actor=None,
    origin=None,
    authority_type=AuthorityType.FOREIGN_MINISTER,
    state="GHA",
    election_in_days=400,
    received_days_ago=2,
    mandate=None,
    **fields,
):
    """Register a case through the service, as the intake desk would: on a request (``origin``), on a
    mandate (``mandate``: a Mandate, or the organ of a new one), or on both (both given)."""
    today = timezone.localdate()
    received = today - datetime.timedelta(days=received_days_ago)
    if isinstance(mandate, str):
        mandate = new_mandate(state=state, organ=mandate, adopted_on=received - datetime.timedelta(days=5))
    if origin is None:
        origin = "" if mandate is not None else Origin.GOVERNMENT
    case = AssistanceRequest(
        member_state=member_state(state),
        origin=origin,
        requesting_authority=fields.pop("requesting_authority", "Minister for Foreign Affairs") if origin else "",
        authority_type=authority_type if origin else "",
        letter_date=fields.pop("letter_date", received - datetime.timedelta(days=5)) if origin else None,
        received_date=received,
        summary=fields.pop("summary", "Request for support to voter registration."),
        **fields,
    )
    case.full_clean(exclude=["reference"])
    election = Election(
        election_type=ElectionType.GENERAL, planned_date=received + datetime.timedelta(days=election_in_days)
    )
    return services.register_request(
        actor=actor or intake_clerk(),
        case=case,
        requested_types=[assistance_type()],
        elections=[election],
        mandates=[mandate] if mandate is not None else [],
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


# Helpers for the workflow, guard and document tests ---------------------------------


def _one_page_pdf():
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF_BYTES = _one_page_pdf()  # a real PDF: uploads are parsed (services.documents)


def office_package(suffix=".docx", *, extra=()):
    """A minimal Office package of the kind ``suffix`` names, as bytes; ``extra``: (name, bytes) entries."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        if suffix in (".odt", ".ods"):
            kind = "text" if suffix == ".odt" else "spreadsheet"
            package.writestr("mimetype", f"application/vnd.oasis.opendocument.{kind}", zipfile.ZIP_STORED)
            package.writestr("content.xml", "<office:document-content/>")
        else:
            package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
            package.writestr("word/document.xml", "<w:document/>")
        for name, data in extra:
            package.writestr(name, data)
    return out.getvalue()


def pdf_upload(name="report.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def user_with_perms(*codenames, **fields):
    """A user holding exactly these requests_app permissions (codenames)."""
    user = UserFactory(**fields)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="requests_app", codename__in=codenames))
    return type(user).objects.get(pk=user.pk)  # fresh, without a stale permission cache


def assist_params(**overrides):
    """A decision to assist that records everything para 4 and 5 ask for."""
    today = timezone.localdate()
    params = {
        "outcome": DecisionOutcome.ASSIST,
        "assistance_types": [assistance_type()],
        "phase": ElectoralPhase.PRE_ELECTORAL,
        "period_start": today,
        "period_end": today + datetime.timedelta(days=200),
    }
    params.update(overrides)
    return params


def amend_params(**overrides):
    """An amendment of assist_params()'s decision: the same assistance, for a longer period."""
    today = timezone.localdate()
    params = {
        "assistance_types": [assistance_type()],
        "period_start": today,
        "period_end": today + datetime.timedelta(days=300),
        "reason": "The electoral calendar moved: polling day is three months later.",
    }
    params.update(overrides)
    return params


def action_params(action_name):
    """What each service needs besides actor and case, filled in validly."""
    today = timezone.localdate()
    return {
        "recommend": {"method": AssessmentMethod.DESK_REVIEW, "comment": "The request is in order."},
        "accept_emb_request": {"comment": "Accepted: the electoral commission is mandated by the constitution."},
        "start_assessment": {"method": AssessmentMethod.DESK_REVIEW},
        "decline_request": {"comment": "The request does not come from the government."},
        "record_decision": assist_params(),
        "amend_decision": amend_params(),
        "start_implementation": {
            "modality": ImplementationModality.UNDP_PROJECT,
            "ends_on": today + datetime.timedelta(days=180),
        },
        "withdraw": {"comment": "Note verbale of the Permanent Mission withdrawing the request."},
    }.get(action_name, {})


def attach_mission_report(case, *, actor, final=True):
    return document_services.attach_document(
        actor=actor, case=case, kind=DocumentKind.MISSION_REPORT, upload=pdf_upload(), is_complete=final
    )


# The usual road of a case, one step per stage it leads to.
HAPPY_PATH = MAIN_ROAD


def recommend(case, *, actor, method=AssessmentMethod.DESK_REVIEW, accept=True, grounds="The request is in order."):
    """The officer's recommendation to the focal point (to accept an electoral body's request, and how to assess)."""
    asks = case.authority_type == AuthorityType.ELECTORAL_BODY and case.emb_request_accepted_at is None
    return services.recommend(
        actor=actor, case=case, accept_emb_request=accept if asks else None, method=method, comment=grounds
    )


def advance_to(case, stage, *, actor, method):
    if stage == Stage.UNDER_REVIEW:
        return services.start_review(actor=actor, case=case)
    if stage == Stage.NEEDS_ASSESSMENT:
        case = recommend(case, actor=actor, method=method)
        if case.authority_type == AuthorityType.ELECTORAL_BODY and case.emb_request_accepted_at is None:
            case = services.accept_emb_request(actor=actor, case=case, comment="Accepted on the government's advice.")
        return services.start_assessment(actor=actor, case=case, method=method)
    if stage == Stage.AWAITING_DECISION:
        complete_assessment(case, method=method)
        return services.submit_assessment(actor=actor, case=case)
    if stage == Stage.DECISION_COMMUNICATED:
        return services.record_decision(actor=actor, case=case, **assist_params())
    if stage == Stage.IN_IMPLEMENTATION:
        return services.start_implementation(actor=actor, case=case, **action_params("start_implementation"))
    if stage == Stage.REPORTING:
        return services.start_reporting(actor=actor, case=case)
    if stage == Stage.CLOSED:
        from tests.factories_evaluation import evaluated

        attach_mission_report(case, actor=actor)
        return services.close_case(actor=actor, case=evaluated(case))
    raise AssertionError(f"no step leads to {stage}")


def case_in_stage(stage, *, actor, method=AssessmentMethod.DESK_REVIEW, **request_fields):
    """A case brought to ``stage`` through the services, as users would bring it there."""
    case = new_request(actor=actor, **request_fields)
    if stage == Stage.WITHDRAWN:
        return services.withdraw(actor=actor, case=case, **action_params("withdraw"))
    if stage == Stage.DECLINED:
        return services.decline_request(actor=actor, case=case, **action_params("decline_request"))
    for next_stage in HAPPY_PATH[1 : HAPPY_PATH.index(stage) + 1]:
        if next_stage == Stage.UNDER_REVIEW and case.is_mandate:
            continue  # a mandate skips the eligibility review
        case = advance_to(case, next_stage, actor=actor, method=method)
    assert case.stage == stage
    return case


def case_snapshot(case):
    """Everything an action could change on a case, read again from the database."""
    from requests_app.cases.models import AssistanceRequest, Decision, NeedsAssessment
    from requests_app.documents.models import CaseDocument

    fresh = AssistanceRequest.objects.get(pk=case.pk)
    assessment = NeedsAssessment.objects.filter(case=fresh).values().first()
    return {
        "stage": fresh.stage,
        "stage_entered_at": fresh.stage_entered_at,
        "stage_due_at": fresh.stage_due_at,
        "emb_request_accepted_at": fresh.emb_request_accepted_at,
        "implementation_modality": fresh.implementation_modality,
        "implementation_ends_on": fresh.implementation_ends_on,
        "events": list(fresh.events.order_by("id").values_list("id", "action", "from_stage", "to_stage")),
        "decisions": list(Decision.objects.filter(case=fresh).values_list("id", flat=True)),
        "assessment": assessment,
        "documents": list(CaseDocument.objects.filter(case=fresh).values_list("id", "is_complete")),
    }


# Who may ask, as the intake desk records it (para 2). A party, civil society or a person cannot: their
# letters are filed in the correspondence register as not considered (tests/correspondence).
REQUESTERS = {
    "government": {},
    "electoral_body": {
        "origin": Origin.ELECTORAL_BODY,
        "authority_type": AuthorityType.ELECTORAL_BODY,
        "requesting_authority": "Chair, Independent Electoral Commission",
    },
    # A mandate alone: nobody requested; the mandate is recorded first.
    "security_council": {"mandate": "security_council"},
    "general_assembly": {"mandate": "general_assembly"},
}


def intake_clerk():
    """A user who may register requests and nothing more."""
    from django.contrib.auth.models import Permission

    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="add_assistancerequest"))
    return type(user).objects.get(pk=user.pk)


# Helpers for the deadline and reminder tests -----------------------------------------------------


def team_lead_of(state="GHA", **fields):
    """A user made team lead of the regional desk that works ``state``'s cases."""
    from requests_app.cases.models import RegionalDesk

    lead = UserFactory(is_staff=True, **fields)
    RegionalDesk.objects.filter(regional_group=member_state(state).regional_group).update(team_lead=lead)
    return lead


def set_due(case, due_at):
    """Move a case's deadline without time travel (for code that runs in other threads)."""
    AssistanceRequest.objects.filter(pk=case.pk).update(stage_due_at=due_at)
    case.refresh_from_db()
    return case


# Helpers for the Trust Fund tests --------------------------------------------------------------


def member_of(role, **fields):
    """A staff user in one of the six roles (the groups migrations 0007 and 0011 grant)."""
    from django.contrib.auth.models import Group

    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    return type(user).objects.get(pk=user.pk)  # fresh, without a stale permission cache


def exchange_rate(currency, day, usd_per_unit, *, actor=None):
    """A rate as finance enters it, through the service."""
    from decimal import Decimal

    from requests_app.core import roles
    from requests_app.fund import services as trust_fund

    return trust_fund.enter_rate(
        actor=actor or member_of(roles.FINANCE), currency=currency, day=day, usd_per_unit=Decimal(str(usd_per_unit))
    )


def approved_case(*, actor, stage=None, **request_fields):
    """A case with a decision to assist, in a stage that may receive Trust Fund money."""
    return case_in_stage(stage or Stage.DECISION_COMMUNICATED, actor=actor, **request_fields)


# The roster of experts (paras 8-9) ------------------------------------------------------------


class ExpertFactory(factory.django.DjangoModelFactory):
    """An expert on the roster; ``expertise`` and ``languages`` take codes: ExpertFactory(languages=["fr"])."""

    class Meta:
        model = "requests_app.Expert"
        skip_postgeneration_save = True

    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"expert{n}@roster.example.org")
    gender = "female"
    nationality = factory.LazyFunction(lambda: member_state("SEN"))

    @factory.post_generation
    def expertise(self, create, codes, **kwargs):
        if create:
            self.expertise.set(AssistanceType.objects.filter(code__in=codes or ["legal-framework"]))

    @factory.post_generation
    def languages(self, create, codes, **kwargs):
        from requests_app.roster.models import Language

        if create:
            self.languages.set(Language.objects.filter(code__in=codes or ["fr", "en"]))


class DeploymentFactory(factory.django.DjangoModelFactory):
    """A deployment row written directly, for reading tests; bookings under test go through
    requests_app.roster.services.deploy_expert."""

    class Meta:
        model = "requests_app.Deployment"

    expert = factory.SubFactory(ExpertFactory)
    role = "Legal adviser"
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyAttribute(lambda d: d.starts_on + datetime.timedelta(days=20))
    recorded_by = factory.SubFactory(UserFactory)
