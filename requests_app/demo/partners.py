"""Demo partners (para 6) and what they bring to the demo cases, recorded through the service."""

import random
from decimal import Decimal
from typing import Any

from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.partners import services as partner_services
from requests_app.partners.models import Partner, PartnerContribution
from requests_app.reference.models import MemberState

Kind = PartnerContribution.Kind

PARTNERS = [
    ("European Union", "EU", Partner.Kind.REGIONAL, None),
    ("African Union Commission", "AUC", Partner.Kind.REGIONAL, None),
    ("Organization of American States", "OAS", Partner.Kind.REGIONAL, None),
    ("OSCE Office for Democratic Institutions and Human Rights", "ODIHR", Partner.Kind.REGIONAL, None),
    ("Economic Community of West African States", "ECOWAS", Partner.Kind.REGIONAL, None),
    ("Commonwealth Secretariat", "", Partner.Kind.INTERNATIONAL, None),
    (
        "International Institute for Democracy and Electoral Assistance",
        "International IDEA",
        Partner.Kind.INTERNATIONAL,
        None,
    ),
    ("Norwegian Agency for Development Cooperation", "Norad", Partner.Kind.GOVERNMENTAL, "NOR"),
    ("Japan International Cooperation Agency", "JICA", Partner.Kind.GOVERNMENTAL, "JPN"),
    ("International Foundation for Electoral Systems", "IFES", Partner.Kind.NON_GOVERNMENTAL, None),
    ("The Carter Center", "", Partner.Kind.NON_GOVERNMENTAL, None),
]

ASSISTED = [Stage.DECISION_COMMUNICATED, Stage.IN_IMPLEMENTATION, Stage.REPORTING, Stage.CLOSED]


def seed_partners(*, focal_point, seed):
    """The partners, once; then two or three contributions to each assisted demo case that has none."""
    partners = _partners()
    rng = random.Random(f"{seed}/partners")
    added = 0
    cases = AssistanceRequest.objects.filter(stage__in=ASSISTED, contributions__isnull=True).order_by("reference")
    for case in cases.select_related("member_state"):
        for partner in rng.sample(partners, rng.randint(1, 3)):
            kind = rng.choice(list(Kind))
            fields = _contribution(rng, kind, partner)
            partner_services.record_contribution(actor=focal_point, case=case, partner=partner, kind=kind, **fields)
            added += 1
    return len(partners), added


def _partners():
    """The demo's partners, created the first time."""
    states = {state.iso3: state for state in MemberState.objects.filter(iso3__in=["NOR", "JPN"])}
    partners = []
    for name, acronym, partner_kind, country in PARTNERS:
        partner, _created = Partner.objects.get_or_create(
            name=name,
            defaults={"acronym": acronym, "kind": partner_kind, "country": states.get(country) if country else None},
        )
        partners.append(partner)
    return partners


def _contribution(rng: random.Random, kind: str, partner: Partner) -> dict[str, Any]:
    """What the partner brings of this kind (people, money or things): the service's other arguments."""
    if kind == Kind.OBSERVERS:
        return {
            "people": rng.choice([8, 12, 20, 40, 60]),
            "description": f"Observers from {partner.acronym or partner.name} for election day.",
        }
    if kind == Kind.TECHNICAL_EXPERTS:
        return {"people": rng.randint(1, 4), "description": "Advisers to the electoral management body."}
    if kind == Kind.FUNDS:
        return {
            "amount": Decimal(rng.choice([50, 120, 250, 400, 750])) * 1000,
            "currency": rng.choice(["USD", "EUR", "NOK", "JPY"] if partner.country else ["USD", "EUR"]),
        }
    return {
        "description": rng.choice(
            [
                "Printing of voter education material.",
                "Vehicles for the distribution of electoral material.",
                "Training venue and interpretation.",
                "Ballot boxes and polling kits.",
            ]
        )
    }
