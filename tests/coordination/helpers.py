"""What the coordination tests share: writes through the services with valid values."""

import datetime
from decimal import Decimal

from django.utils import timezone

from requests_app.coordination import services
from requests_app.coordination.models import Counterpart, MemberRole, Organisation, VehicleKind
from requests_app.core.confidentiality import Level
from requests_app.partners.models import Partner
from tests.factories import member_state


def add_member(actor, case, name="Ingrid Solberg", organisation=Organisation.DPPA_EAD, role=MemberRole.LEADER, **more):
    return services.add_member(actor=actor, case=case, name=name, organisation=organisation, role=role, **more)


def consult(actor, case, *, days_ago=1, level=Level.INTERNAL, **overrides):
    values = {
        "counterpart": Counterpart.ELECTORAL_BODY,
        "name": "Electoral Commission of Ghana",
        "held_on": timezone.localdate() - datetime.timedelta(days=days_ago),
        "outcome": "The commission asks for support to voter registration.",
        "level": level,
    }
    values.update(overrides)
    return services.record_consultation(actor=actor, case=case, **values)


def partner(name="European Union", acronym="EU"):
    return Partner.objects.get_or_create(name=name, defaults={"acronym": acronym, "kind": Partner.Kind.REGIONAL})[0]


def basket_fund(**overrides):
    """A UNDP project funded by a basket fund of the European Union and Norway."""
    values = {
        "kind": VehicleKind.UNDP_PROJECT,
        "title": "Support to the Electoral Cycle in Ghana",
        "project_id": "00131872",
        "signed_on": timezone.localdate() - datetime.timedelta(days=1),
        "budget": Decimal("6800000"),
        "currency": "USD",
        "basket_fund": True,
        "donors": [
            services.Pledge(partner=partner(), pledged=Decimal("2500000"), currency="EUR"),
            services.Pledge(member_state=member_state("NOR"), pledged=Decimal("18000000"), currency="NOK"),
        ],
    }
    values.update(overrides)
    return services.VehicleTerms(**values)


def told(case, version, audience, **overrides):
    """A letter telling ``audience`` of ``version`` (a key, "<decision id>:<n>"), dated today."""
    values = {
        "version": version,
        "audience": audience,
        "date": timezone.localdate(),
        "recipient": "Resident Coordinator in Ghana",
        "subject": "For information: decision on the request",
        "channel": "resident_coordinator",
        "kind": "letter",
    }
    values.update(overrides)
    return services.Notice(**values)
