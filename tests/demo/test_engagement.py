"""The demo's countries with several engagements (issue 13): several cases over the years and
elections, with decisions, deployed experts and partners' contributions, each made by the services."""

from io import StringIO

import pytest
from django.core.management import call_command

from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.demo.engagement import ENGAGEMENTS
from requests_app.history.models import CaseEvent
from requests_app.partners.models import PartnerContribution
from requests_app.roster.models import Deployment
from tests.demo.test_seed_demo import assert_history_matches_stage

pytestmark = pytest.mark.django_db


def test_the_demo_has_countries_with_several_engagements_over_the_years():
    call_command("seed_demo", stdout=StringIO())

    assert len(ENGAGEMENTS) >= 2
    for iso3 in ENGAGEMENTS:
        cases = list(
            AssistanceRequest.objects.filter(member_state__iso3=iso3)
            .prefetch_related("events", "elections", "decisions")
            .order_by("received_date")
        )
        assert len(cases) >= 3, iso3
        years = {case.received_date.year for case in cases}
        assert max(years) - min(years) >= 5, (iso3, years)
        elections = {election.planned_date for case in cases for election in case.elections.all()}
        assert len(elections) >= 3, iso3
        assert any(case.is_open for case in cases) and any(case.stage == Stage.CLOSED for case in cases), iso3
        assert sum(bool(case.decisions.all()) for case in cases) >= 2, iso3
        for case in cases:
            assert_history_matches_stage(case)
        # Deployed and contributed while each assisted case was in implementation, in its history.
        for deployment in Deployment.objects.filter(case__in=cases):
            event = CaseEvent.objects.get(action="expert_deployed", details__deployment=deployment.pk)
            assert event.created_at.date() < deployment.starts_on
        assert Deployment.objects.filter(case__in=cases).count() >= 4, iso3
        assert PartnerContribution.objects.filter(case__in=cases).count() >= 4, iso3
        assert CaseEvent.objects.filter(case__in=cases, action="partner_contribution").count() >= 4, iso3


def test_seeding_the_engagements_again_adds_nothing():
    call_command("seed_demo", stdout=StringIO())
    counts = (AssistanceRequest.objects.count(), Deployment.objects.count(), PartnerContribution.objects.count())

    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert (
        AssistanceRequest.objects.count(),
        Deployment.objects.count(),
        PartnerContribution.objects.count(),
    ) == counts
    assert "already there" in out.getvalue()
