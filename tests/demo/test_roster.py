"""The demo's roster: varied experts, and deployments in their cases' histories."""

from io import StringIO

import pytest
from django.core.management import call_command

from requests_app.history.models import CaseEvent
from requests_app.roster.models import Deployment, Expert

pytestmark = pytest.mark.django_db


# Demo data ----------------------------------------------------------------------------------------


def test_the_demo_roster_is_varied_and_its_deployments_are_in_the_cases_histories():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    experts = Expert.objects.all()
    assert 25 <= experts.count() <= 40
    assert set(experts.values_list("gender", flat=True)) >= {"female", "male"}
    assert experts.values("nationality__regional_group").distinct().count() == 5
    assert experts.filter(languages__code="ar").exists() and experts.filter(languages__code="zh").exists()
    deployments = Deployment.objects.all()
    assert deployments.filter(cancelled_at__isnull=True).count() >= 4
    assert deployments.filter(cancelled_at__isnull=False).exists()
    for deployment in deployments:
        assert CaseEvent.objects.filter(
            case=deployment.case, action="expert_deployed", details__deployment=deployment.pk
        ).exists()
    counts = (Expert.objects.count(), Deployment.objects.count(), CaseEvent.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Expert.objects.count(), Deployment.objects.count(), CaseEvent.objects.count()) == counts
