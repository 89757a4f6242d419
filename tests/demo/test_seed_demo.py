import datetime
import itertools
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from requests_app.cases.choices import AuthorityType, Origin, Stage
from requests_app.cases.models import AssistanceRequest, ReferenceCounter
from requests_app.deadlines import services as deadlines
from requests_app.demo.engagement import ENGAGEMENTS
from requests_app.demo.staff import DEMO_PASSWORD, STAFF
from requests_app.documents.models import DocumentKind
from requests_app.history.models import CaseEvent
from tests.factories import new_request

pytestmark = pytest.mark.django_db


def seed(**options):
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def assert_history_matches_stage(case):
    events = list(case.events.all())
    assert events, f"{case.reference} has no history"
    assert events[0].action == "registered", case.reference
    assert events[0].to_stage == Stage.RECEIVED
    # The last entry that records a stage is where the case stands; documents and
    # assessment notes written after it record none.
    staged = [event for event in events if event.to_stage]
    assert staged[-1].to_stage == case.stage, case.reference
    for before, after in itertools.pairwise(staged):
        assert after.from_stage == before.to_stage, case.reference
    # An action may keep the stage (accepting an electoral body's request) or enter it anew (deferring).
    entries = [event.created_at for event in staged if event.to_stage == case.stage]
    assert case.stage_entered_at in entries, case.reference
    assert [event.created_at for event in events] == sorted(event.created_at for event in events)


def test_demo_cases_are_in_every_stage_with_real_histories():
    seed()

    cases = list(AssistanceRequest.objects.select_related("member_state").prefetch_related("events", "documents"))
    assert 30 <= len(cases) <= 60
    assert {case.stage for case in cases} == set(Stage.values)
    for case in cases:
        assert_history_matches_stage(case)
    origins = {case.origin for case in cases}
    assert {Origin.GOVERNMENT, Origin.ELECTORAL_BODY, ""} <= origins  # "": a mandate alone
    # A party's or civil society's letter is never a case: the demo files two as not considered.
    assert Origin.OTHER_BODY not in origins
    assert not any(case.authority_type in AuthorityType.never_eligible() for case in cases)
    # Each case of its own Member State, but in the countries with several engagements (demo/engagement.py)
    # and a follow-up request, which shares its earlier case's.
    single = [case for case in cases if case.member_state.iso3 not in ENGAGEMENTS and case.follows_id is None]
    assert len({case.member_state_id for case in single}) == len(single)
    # Spread over the past months, some of them late.
    assert min(case.received_date for case in cases) < timezone.localdate() - datetime.timedelta(days=150)
    assert sum(case.is_overdue for case in cases) >= 3
    # Every closed case has its final mission report, as closing requires.
    for case in cases:
        if case.stage == Stage.CLOSED:
            assert any(d.kind == DocumentKind.MISSION_REPORT and d.is_complete for d in case.documents.all())
            assert case.documents.first().file.read(5) == b"%PDF-"


def test_the_demo_users_can_log_in(client):
    seed()

    assert client.login(username="admin", password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200
    client.logout()
    username = STAFF[0].username
    assert client.login(username=username, password=DEMO_PASSWORD)
    user = get_user_model().objects.get(username=username)
    assert user.is_staff and not user.is_superuser
    # Demo staff hold their role's rights: a team lead works cases but does not decide them.
    assert user.has_perm("requests_app.conduct_assessment") and user.has_perm("requests_app.change_assistancerequest")
    assert not user.has_perm("requests_app.decide_request")
    focal_point = get_user_model().objects.get(username="hlindqvist")
    assert focal_point.has_perm("requests_app.decide_request")


def test_seeding_again_adds_nothing():
    seed()
    cases, events = AssistanceRequest.objects.count(), CaseEvent.objects.count()

    assert "nothing to seed" in seed(if_empty=True)
    seed()

    assert (AssistanceRequest.objects.count(), CaseEvent.objects.count()) == (cases, events)


def test_bulk_cases_are_realistic_and_leave_references_free(officer):
    existing = new_request(actor=officer)

    output = seed(cases=300)

    assert "300 cases created" in output
    bulk = list(AssistanceRequest.objects.exclude(pk=existing.pk).prefetch_related("events", "elections"))
    assert len(bulk) == 300
    references = [case.reference for case in bulk]
    assert len(set(references)) == 300
    assert all(re.fullmatch(r"EAS-\d{4}-\d{4,}", reference) for reference in references)
    now = timezone.now()
    for case in bulk:
        assert_history_matches_stage(case)
        assert case.elections.all(), case.reference
        if case.stage in Stage.ends():
            assert case.stage_due_at is None
        else:
            assert case.stage_due_at == deadlines.due_at(case, case.stage, case.stage_entered_at)
        assert case.created_at <= now
    stages = {case.stage for case in bulk}
    assert Stage.CLOSED in stages and len(stages) >= 5
    assert sum(case.stage == Stage.CLOSED for case in bulk) > len(bulk) / 3
    assert sum(case.is_open for case in bulk) < len(bulk) / 3
    for year, last_number in ReferenceCounter.objects.values_list("year", "last_number"):
        numbers = [int(r.rsplit("-", 1)[1]) for r in references + [existing.reference] if r.startswith(f"EAS-{year}-")]
        assert max(numbers, default=0) <= last_number

    later = new_request(actor=officer)

    assert later.reference not in references
    assert later.reference != existing.reference


def test_the_demo_fills_the_dashboards_requests_per_year_for_several_years(client):
    from requests_app.cases import selectors

    seed()
    admin = get_user_model().objects.get(username="admin")
    chart = selectors.dashboard(user=admin, today=timezone.localdate())["region_chart"]
    years_with_requests = {
        bar["title"].rsplit(", ", 1)[1].split(":")[0] for bar in chart["bars"] if not bar["title"].endswith(": 0")
    }
    assert len(years_with_requests) >= 5, years_with_requests
    client.force_login(admin)
    from django.urls import reverse

    assert client.get(reverse("workspace:dashboard")).status_code == 200
