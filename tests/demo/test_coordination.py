"""The demo's coordination (paras 10-11): missions with their members and consultations, the vehicles of
the cases in implementation (a basket fund of donors, a peace operation on its mandate), and the letters
that told of the decisions; seeding again adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from requests_app.coordination.models import (
    Audience,
    Consultation,
    DecisionNotice,
    ImplementationVehicle,
    MissionMember,
    VehicleKind,
)
from requests_app.correspondence.models import Letter

pytestmark = pytest.mark.django_db


def test_the_demo_records_who_took_part_and_who_was_told():
    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert "Coordination: 4 missions with members and consultations" in out.getvalue()
    missions = {member.assessment.case_id for member in MissionMember.objects.select_related("assessment")}
    assert len(missions) == 4
    assert MissionMember.objects.filter(role="leader").count() == 4
    assert Consultation.objects.filter(level="confidential").exists()
    basket = ImplementationVehicle.objects.get(basket_fund=True)
    assert basket.donors.count() == 3 and basket.case.stage == "in_implementation"
    peace = ImplementationVehicle.objects.get(kind=VehicleKind.PEACE_OPERATION)
    assert peace.case.mandates.filter(pk=peace.mandate_id).exists()
    assert ImplementationVehicle.objects.filter(kind=VehicleKind.ROSTER_EXPERTS).exists()
    audiences = set(DecisionNotice.objects.values_list("audience", flat=True))
    assert audiences == {Audience.REQUESTER, Audience.RESIDENT_COORDINATOR, Audience.HEAD_OF_MISSION}
    for notice in DecisionNotice.objects.select_related("letter"):
        assert notice.letter.case_id == notice.case_id and notice.letter.direction == "out"
        assert notice.case.events.filter(action="letter_sent", details__letter=notice.letter_id).exists()

    counts = (MissionMember.objects.count(), ImplementationVehicle.objects.count(), Letter.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (MissionMember.objects.count(), ImplementationVehicle.objects.count(), Letter.objects.count()) == counts
