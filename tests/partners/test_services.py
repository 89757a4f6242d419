"""Para 6: partner organisations and what each brings to a case, recorded through the service."""

from decimal import Decimal

import pytest

from requests_app.cases.choices import Stage
from requests_app.core import roles
from requests_app.core.errors import ActionRefused
from requests_app.history.models import CaseEvent
from requests_app.partners.models import PartnerContribution
from tests.factories import UserFactory, case_in_stage, new_request
from tests.partners.helpers import Kind, contribute, in_role

pytestmark = pytest.mark.django_db


# The service -------------------------------------------------------------------------------------


def test_each_kind_of_contribution_is_recorded_with_its_history_line(focal_point, partners):
    case = new_request()
    contribute(focal_point, case, partners["eu"], Kind.OBSERVERS, people=40, description="Long-term observers")
    contribute(focal_point, case, partners["eu"], Kind.FUNDS, amount=Decimal("250000.00"), currency="eur")
    contribute(focal_point, case, partners["ifes"], Kind.TECHNICAL_EXPERTS, people=3)
    contribute(focal_point, case, partners["ifes"], Kind.IN_KIND, description="Ballot boxes, 2,000")

    funds = PartnerContribution.objects.get(kind=Kind.FUNDS)
    assert (funds.amount, funds.currency, funds.people) == (Decimal("250000.00"), "EUR", None)
    events = list(CaseEvent.objects.filter(case=case, action="partner_contribution").order_by("id"))
    assert len(events) == 4
    assert all(event.actor == focal_point for event in events)
    assert events[0].details_text == "partner: European Union (EU); contribution: Observers; people: 40"
    assert events[0].comment == "Long-term observers"
    assert events[1].details["amount"] == "250,000.00 EUR"
    assert str(events[0].action_label) == "Partner contribution recorded"


@pytest.mark.parametrize(
    "kind, fields, message",
    [
        (Kind.OBSERVERS, {}, "number of observers or experts"),
        (Kind.TECHNICAL_EXPERTS, {"people": 0}, "number of observers or experts"),
        (Kind.FUNDS, {"currency": "USD"}, "amount of the funds"),
        (Kind.FUNDS, {"amount": Decimal("10"), "currency": "dollars"}, "three-letter code"),
        (Kind.FUNDS, {"amount": Decimal("-5"), "currency": "USD"}, "more than zero"),
        (Kind.OBSERVERS, {"people": 5, "amount": Decimal("10")}, "Only a contribution of funds has an amount"),
        (Kind.IN_KIND, {"description": "   "}, "Describe what the partner provides"),
        (Kind.OBSERVERS, {"people": 5, "starts_on": "2026-05-02", "ends_on": "2026-05-01"}, "cannot end before"),
        ("donation", {}, "Choose what the partner contributes"),
    ],
)
def test_an_incomplete_contribution_is_refused_and_nothing_is_written(focal_point, partners, kind, fields, message):
    import datetime

    for key in ("starts_on", "ends_on"):
        if key in fields:
            fields[key] = datetime.date.fromisoformat(fields[key])
    case = new_request()
    with pytest.raises(ActionRefused) as refusal:
        contribute(focal_point, case, partners["eu"], kind, **fields)
    assert message in str(refusal.value)
    assert not PartnerContribution.objects.exists()
    assert not CaseEvent.objects.filter(action="partner_contribution").exists()


def test_an_inactive_partner_cannot_contribute(focal_point, partners):
    with pytest.raises(ActionRefused, match="no longer an active partner"):
        contribute(focal_point, new_request(), partners["old"], Kind.OBSERVERS, people=2)


@pytest.mark.parametrize("stage", [Stage.WITHDRAWN, Stage.DECLINED])
def test_nothing_is_contributed_to_a_withdrawn_or_declined_case(officer, focal_point, partners, stage):
    case = case_in_stage(stage, actor=officer)
    with pytest.raises(ActionRefused, match="nothing to contribute to"):
        contribute(focal_point, case, partners["eu"], Kind.OBSERVERS, people=2)
    assert not PartnerContribution.objects.exists()


def test_officers_record_contributions_on_their_own_cases_only(partners):
    officer = in_role(roles.ELECTORAL_OFFICER)
    mine = new_request(officer=officer)
    someone_elses = new_request(officer=UserFactory(is_staff=True))
    contribute(officer, mine, partners["eu"], Kind.OBSERVERS, people=2)
    with pytest.raises(ActionRefused, match="not assigned to you"):
        contribute(officer, someone_elses, partners["eu"], Kind.OBSERVERS, people=2)


@pytest.mark.parametrize("role", [roles.INTAKE_CLERK, roles.FINANCE, roles.AUDITOR])
def test_roles_that_only_read_cannot_record(partners, role):
    with pytest.raises(ActionRefused, match="permission"):
        contribute(in_role(role), new_request(), partners["eu"], Kind.OBSERVERS, people=2)
