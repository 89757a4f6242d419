"""The admin's pages cost a fixed number of queries: the case page whatever its history, the intake
form whatever it registers, the list whatever the cases (issue 10, README "Benchmarks")."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app.cases import services
from requests_app.cases.admin_inlines import HISTORY_SHOWN
from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.core.confidentiality import Level
from requests_app.reference.models import MemberState
from tests.admin_forms import intake_data
from tests.factories import UserFactory, assistance_type, attach_mission_report, case_in_stage, new_request

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:requests_app_assistancerequest_add")
LIST_URL = reverse("admin:requests_app_assistancerequest_changelist")

# The figures of `make bench` (README): a page must not cost more as its case's history grows.
# The session, the user, the case (with its country, officer, assessment, evaluation, the policy of
# its stage and how long its history is), which of its many rows it holds (one statement:
# core.presence), those of them it holds: its elections, requested types, documents, decisions (and
# their types, or the recommendations awaiting a decision), mandates, latest history entries; the
# typology the form offers and the officers it offers.
CASE_PAGE_QUERIES = 12
# An officer's own permissions and their groups', which a superuser does not need.
PERMISSION_QUERIES = 2
# Registering a request: the session and user, an officer's permissions, the form's country and
# types (not read again by the model's validation), the reference (one statement), the stage policy,
# the case, its elections, its types, its history entry and its letter in the register, the admin's
# log, in one transaction (counted). 36 before issue 10.
ADD_POST_QUERIES = 16
# The list: session, user, the typology and the officers its filters offer, the count, the page of cases.
LIST_QUERIES = 6


def change_url(case):
    return reverse("admin:requests_app_assistancerequest_change", args=[case.pk])


def queries_of(client, url):
    client.get(url)  # the session and the user's permissions are warm, as on a second page
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response


def lengthen_history(case, actor, entries):
    for number in range(entries):
        services.record_details_changed(
            actor=actor, case=case, changes={"Summary": [f"draft {number}", f"draft {number + 1}"]}
        )


def case_with_long_history(actor, stage=Stage.REPORTING, entries=45):
    case = case_in_stage(stage, actor=actor)
    lengthen_history(case, actor, entries)
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
    attach_mission_report(short, actor=request.getfixturevalue("officer"), final=False)  # documents, as the long one
    long = case_with_long_history(request.getfixturevalue("officer"), entries=120)
    assert long.events.count() >= short.events.count() + 120
    client.force_login(user)

    short_queries, _ = queries_of(client, change_url(short))
    long_queries, page = queries_of(client, change_url(long))

    assert long_queries == short_queries
    assert long_queries <= CASE_PAGE_QUERIES + (PERMISSION_QUERIES if who == "officer" else 0)
    assert len(page.context["inline_admin_formsets"][-2].formset.forms) == 4  # every document


@pytest.mark.parametrize("stage", list(Stage))
def test_the_case_page_costs_at_most_the_bench_figure_in_every_stage(client, superuser, officer, stage):
    case = case_in_stage(stage, actor=officer)
    lengthen_history(case, officer, HISTORY_SHOWN + 5)
    client.force_login(superuser)
    queries, _ = queries_of(client, change_url(case))
    assert queries <= CASE_PAGE_QUERIES


def test_the_case_page_shows_the_latest_entries_and_links_to_the_whole_history(client, superuser, officer):
    case = case_in_stage(Stage.IN_IMPLEMENTATION, actor=officer)
    lengthen_history(case, officer, 40)
    total = case.events.count()
    client.force_login(superuser)

    page = client.get(change_url(case))
    content = page.content.decode()

    assert "draft 40" in content and "draft 21" in content  # the latest entries, the newest one too
    assert "draft 19" not in content and "Request registered" not in content  # not the earliest
    assert f"The {HISTORY_SHOWN} latest of {total} entries." in content
    whole = reverse("workspace:case-detail", args=[case.reference]) + "#timeline-title"
    assert f'href="{whole}"' in content
    # The workspace's case page, where the link leads, shows the whole history.
    timeline = client.get(whole).content.decode()
    assert "draft 0" in timeline and "draft 40" in timeline


def test_a_short_history_is_shown_whole_without_a_note(client, superuser, officer):
    case = case_in_stage(Stage.UNDER_REVIEW, actor=officer)
    client.force_login(superuser)
    content = client.get(change_url(case)).content.decode()
    assert "Request registered" in content
    assert "latest of" not in content


def test_the_history_rows_send_nothing_back(client, superuser, officer):
    """A history entry is shown, not sent back with the form: the page's size and the save's work
    do not grow with the history."""
    case = case_with_long_history(officer, entries=30)
    client.force_login(superuser)
    content = client.get(change_url(case)).content.decode()
    assert 'name="events-TOTAL_FORMS" value="0"' in content
    assert 'name="events-0-id"' not in content


def test_the_notes_opened_are_those_the_page_shows(client, officer):
    """The record of confidential notes opened names the entries on the page, not the earlier ones."""
    case = case_in_stage(Stage.IN_IMPLEMENTATION, actor=officer)
    services.record_details_changed(
        actor=officer, case=case, changes={"Risks": ["none", "some"]}, comment="An early note", level=Level.CONFIDENTIAL
    )
    lengthen_history(case, officer, HISTORY_SHOWN)
    services.record_details_changed(
        actor=officer, case=case, changes={"Risks": ["some", "many"]}, comment="A late note", level=Level.CONFIDENTIAL
    )
    client.force_login(officer)
    content = client.get(change_url(case)).content.decode()
    assert "A late note" in content and "An early note" not in content
    reads = case.confidential_reads.filter(reader=officer)
    assert [read.subject_id for read in reads] == [case.events.get(comment="A late note").pk]


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
    two_elections = {
        "elections-TOTAL_FORMS": "2",
        "elections-1-election_type": "local",
        "elections-1-planned_date": intake_data()["elections-0-planned_date"],
    }
    four_types = add_queries(client, intake_data(requested_types=four, member_state=ghana, **two_elections))
    assert four_types == two_types
    assert two_types <= ADD_POST_QUERIES


def test_the_list_costs_the_same_queries_whatever_the_cases_and_filters(client, superuser, officer):
    client.force_login(superuser)
    new_request(actor=officer)
    few, _ = queries_of(client, LIST_URL)
    for _ in range(3):
        case_in_stage(Stage.UNDER_REVIEW, actor=officer)
    many, page = queries_of(client, LIST_URL)
    filtered, _ = queries_of(client, f"{LIST_URL}?stage__exact=under_review")
    assert len(page.context["cl"].result_list) == 4
    assert few == many == filtered <= LIST_QUERIES
