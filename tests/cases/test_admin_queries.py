"""The admin's case page and intake form cost a fixed number of queries, whatever the case's history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app.cases import services
from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.reference.models import MemberState
from tests.admin_forms import intake_data
from tests.factories import UserFactory, assistance_type, attach_mission_report, case_in_stage

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:requests_app_assistancerequest_add")

# The figures of `make bench` (README): a page must not cost more as its case's history grows.
CASE_PAGE_QUERIES = 13  # 12, and the mandates the case rests on (issue 13)
# Registering a request (an officer, two permission lookups included; savepoints counted).
ADD_POST_QUERIES = 36


def change_url(case):
    return reverse("admin:requests_app_assistancerequest_change", args=[case.pk])


def queries_of(client, url):
    client.get(url)  # the session and the user's permissions are warm, as on a second page
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response


def case_with_long_history(actor):
    case = case_in_stage(Stage.REPORTING, actor=actor)
    for number in range(30):
        services.record_details_changed(
            actor=actor, case=case, changes={"Summary": [f"draft {number}", f"draft {number + 1}"]}
        )
    for _ in range(4):
        attach_mission_report(case, actor=actor, final=False)
    return case


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.mark.parametrize("who", ["superuser", "officer"])
def test_the_case_page_costs_the_same_queries_with_a_short_and_a_long_history(client, request, who):
    user = request.getfixturevalue(who)
    short = case_in_stage(Stage.REPORTING, actor=request.getfixturevalue("officer"))
    long = case_with_long_history(request.getfixturevalue("officer"))
    assert long.events.count() >= short.events.count() + 34
    client.force_login(user)

    short_queries, _ = queries_of(client, change_url(short))
    long_queries, page = queries_of(client, change_url(long))

    assert long_queries == short_queries
    # The page still shows the whole history and every document.
    content = page.content.decode()
    assert "draft 0" in content and "draft 30" in content
    assert len(page.context["inline_admin_formsets"][-2].formset.forms) == 4
    if who == "superuser":
        assert long_queries <= CASE_PAGE_QUERIES
    else:
        # Two more: the officer's own permissions and their groups', which a superuser does not need.
        assert long_queries <= CASE_PAGE_QUERIES + 2


def test_the_case_page_in_needs_assessment_costs_no_more(client, officer):
    case = case_in_stage(Stage.NEEDS_ASSESSMENT, actor=officer)
    client.force_login(officer)
    queries, page = queries_of(client, change_url(case))
    assert "assessment-0-method" in page.content.decode()  # the assessment is edited on the page
    assert queries <= CASE_PAGE_QUERIES + 2


def add_queries(client, data):
    client.get(ADD_URL)
    before = AssistanceRequest.objects.count()
    with CaptureQueriesContext(connection) as captured:
        response = client.post(ADD_URL, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AssistanceRequest.objects.count() == before + 1
    return len(captured.captured_queries)


def test_registering_a_request_costs_a_fixed_number_of_queries(client, officer):
    client.force_login(officer)
    add_queries(client, intake_data())  # the year's first reference creates its counter: once a year
    two_types = add_queries(client, intake_data())
    four = [
        str(assistance_type(code).pk)
        for code in ("voter-registration", "training", "legal-framework", "civic-education")
    ]
    ghana = str(MemberState.objects.get(iso3="GHA").pk)
    four_types = add_queries(client, intake_data(requested_types=four, member_state=ghana))
    assert four_types == two_types
    assert two_types <= ADD_POST_QUERIES
