"""The staff workspace: case list with filters, case page with actions, dashboard."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from requests_app.cases import services
from requests_app.cases.choices import Stage
from requests_app.cases.filters import SORTS
from requests_app.core.pagination import EstimatedPaginator
from tests.cases.helpers import LIST, cases_of_kits, listed
from tests.factories import (
    UserFactory,
    assistance_type,
    case_in_stage,
    new_request,
    recommend,
    set_due,
    user_with_perms,
)

pytestmark = pytest.mark.django_db


def detail(case):
    return reverse("workspace:case-detail", args=[case.reference])


def act(case, action):
    return reverse("workspace:case-action", args=[case.reference, action])


# Access ----------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(client):
    for url in (LIST, reverse("workspace:dashboard")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_user_without_case_permission_is_refused(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(LIST).status_code == 403


def test_logging_in_through_the_login_page_leads_to_the_dashboard(client, officer):
    response = client.post(
        reverse("login"), {"username": officer.username, "password": "correct horse battery staple"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("workspace:dashboard")
    assert "Dashboard" in response.content.decode()


# Filters -------------------------------------------------------------------------------------


@pytest.fixture
def cases(officer, time_machine):
    time_machine.move_to(datetime.datetime(2026, 5, 4, 10, 0, tzinfo=datetime.UTC), tick=False)
    other = UserFactory(is_staff=True)
    ghana = new_request(
        actor=officer, state="GHA", officer=officer, summary="Biometric voter registration kits.", election_in_days=500
    )
    peru = new_request(
        actor=officer, state="PER", received_days_ago=40, election_in_days=200, summary="Results transmission."
    )
    peru = services.start_review(actor=officer, case=peru)
    nepal = new_request(
        actor=officer, state="NPL", mandate="security_council", officer=other, election_in_days=90, received_days_ago=10
    )
    france = new_request(actor=officer, state="FRA", received_days_ago=3)
    france = services.withdraw(actor=officer, case=france, comment="Note verbale of 2 May.")
    set_due(peru, timezone.now() - datetime.timedelta(days=2))
    set_due(nepal, timezone.now() + datetime.timedelta(days=3))
    return {"ghana": ghana, "peru": peru, "nepal": nepal, "france": france, "other": other}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", {"ghana", "peru", "nepal", "france"}),
        ("?stage=under_review", {"peru"}),
        ("?stage=received&stage=withdrawn", {"ghana", "nepal", "france"}),
        ("?member_state=GHA", {"ghana"}),
        ("?region=ASIA_PACIFIC", {"nepal"}),
        ("?region=WESTERN_EUROPEAN_OTHERS", {"france"}),
        ("?basis=mandate", {"nepal"}),
        ("?basis=request", {"ghana", "peru", "france"}),
        ("?basis=both", set()),
        ("?origin=government", {"ghana", "peru", "france"}),
        ("?assistance=voter-registration", {"ghana", "peru", "nepal", "france"}),
        ("?assistance=certification", set()),
        ("?officer=me", {"ghana"}),
        ("?officer=none", {"peru", "france"}),
        ("?deadline=overdue", {"peru"}),
        ("?deadline=due&due_within=5", {"nepal"}),
        ("?deadline=due&due_within=30", {"nepal", "ghana"}),
        ("?election_from=2026-06-01&election_to=2026-09-30", {"nepal"}),
        ("?election_from=2027-01-01", {"ghana", "france"}),
        ("?received_from=2026-03-20&received_until=2026-04-30", {"peru", "nepal"}),
        ("?received_from=2026-04-01", {"nepal", "ghana", "france"}),
        ("?q=biometric", {"ghana"}),
        ("?q=peru", {"peru"}),
    ],
)
def test_each_filter_narrows_the_list(staff_client, cases, query, expected):
    references = {name: case.reference for name, case in cases.items() if name != "other"}
    assert set(listed(staff_client, query)) == {references[name] for name in expected}


def test_the_officer_filter_names_a_colleague(staff_client, cases):
    assert listed(staff_client, f"?officer={cases['other'].pk}") == [cases["nepal"].reference]


def test_a_reference_typed_in_search_finds_the_case(staff_client, cases):
    assert listed(staff_client, f"?q={cases['peru'].reference.lower()}") == [cases["peru"].reference]


@pytest.mark.parametrize(
    "query",
    [
        "?stage=bogus",
        "?due_within=abc",
        "?member_state=XXX",
        "?officer=999999",
        "?election_from=31-31-2026",
        "?received_from=yesterday",
        "?page=zzz",
        "?sort=password",
        "?deadline=soonish",
    ],
)
def test_an_invalid_filter_says_so_and_never_fails(staff_client, cases, query):
    response = staff_client.get(LIST + query)
    assert response.status_code == 200
    if "page" not in query and "sort" not in query:
        assert any("ignored" in str(m) for m in response.context["messages"])


def test_filters_live_in_the_url_and_survive_paging_and_sorting(staff_client, cases):
    response = staff_client.get(LIST + "?region=AFRICAN&sort=due")
    html = response.content.decode()
    assert "region=AFRICAN" in html.split('href="?')[1]  # sort headers keep the filter
    assert 'name="sort" value="due"' in html


# Sorting and paging ---------------------------------------------------------------------------


def test_columns_sort_both_ways(staff_client, cases):
    by_due = listed(staff_client, "?stage=received&stage=under_review&sort=due")
    assert by_due == [cases["peru"].reference, cases["nepal"].reference, cases["ghana"].reference]
    assert listed(staff_client, "?stage=received&stage=under_review&sort=-due") == list(reversed(by_due))
    assert listed(staff_client, "?sort=state") == [
        cases[name].reference for name in ("france", "ghana", "nepal", "peru")
    ]


@pytest.mark.parametrize("sort", sorted(SORTS) + [f"-{key}" for key in sorted(SORTS)])
def test_a_search_with_few_matches_pages_and_sorts_as_any_other_list(staff_client, officer, sort, monkeypatch):
    # A search matching few cases is sorted after it is found (EstimatedPaginator); the pages
    # must read exactly as when the database walks an index.
    cases_of_kits(officer, 60)
    query = f"?q=kits&sort={sort}"
    sorted_after = [listed(staff_client, query), listed(staff_client, query + "&page=2")]
    monkeypatch.setattr(EstimatedPaginator, "sorted_after_finding_up_to", -1)
    walked = [listed(staff_client, query), listed(staff_client, query + "&page=2")]
    assert sorted_after == walked
    assert [len(page) for page in walked] == [50, 10]


def test_the_list_counts_matches_and_pages_by_fifty(staff_client, officer):
    for _ in range(55):
        new_request(actor=officer)
    response = staff_client.get(LIST)
    assert "55 cases match" in response.content.decode()
    assert len(response.context["page"].object_list) == 50
    assert len(listed(staff_client, "?page=2")) == 5


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_each_row_reads_as_the_case_stands(staff_client, officer):
    late = new_request(officer=officer, state="GHA")
    set_due(late, timezone.now() - datetime.timedelta(days=3, hours=1))
    unassigned = new_request(state="PER")
    set_due(unassigned, timezone.now() + datetime.timedelta(days=5, hours=1))
    closed = case_in_stage(Stage.WITHDRAWN, actor=officer, state="NPL")
    html = staff_client.get(LIST).content.decode()
    rows = {
        ref: html[html.index(f">{ref}<") - 200 : html.index("</tr>", html.index(f">{ref}<"))]
        for ref in (late.reference, unassigned.reference, closed.reference)
    }

    assert '<tr class="overdue">' in rows[late.reference]
    assert f'href="{detail(late)}"' in rows[late.reference]
    for text in (
        "Ghana",
        "African States",
        "Received",
        officer.get_full_name(),
        "3 days late",
        f"{late.received_date.day} {late.received_date:%b %Y}",
    ):
        assert text in rows[late.reference], text
    assert '<tr class="overdue">' not in rows[unassigned.reference]
    assert "Unassigned" in rows[unassigned.reference] and "5 days left" in rows[unassigned.reference]
    assert "Withdrawn" in rows[closed.reference] and '<span class="muted">—</span>' in rows[closed.reference]


def test_list_and_case_pages_cost_a_fixed_number_of_queries(staff_client, officer):
    first = case_in_stage(Stage.AWAITING_DECISION, actor=officer)
    # Once per connection, Django asks SQLite whether it has JSON functions (a feature it then
    # remembers): the first page pays for it whichever test runs first, so it is not counted.
    staff_client.get(detail(first))
    few_list = _queries(staff_client, LIST)
    few_case = _queries(staff_client, detail(first))
    for _ in range(30):
        new_request(actor=officer, officer=officer)
    crowded = case_in_stage(Stage.AWAITING_DECISION, actor=officer)
    for _ in range(10):
        services.record_details_changed(actor=officer, case=crowded, changes={"Summary": ["a", "b"]})
    assert _queries(staff_client, LIST) == few_list
    assert _queries(staff_client, LIST + "?region=AFRICAN&sort=due&deadline=overdue") <= few_list + 1
    assert _queries(staff_client, detail(crowded)) == few_case


# The case page ---------------------------------------------------------------------------------


def test_the_case_page_shows_the_case_its_deadline_and_timeline(staff_client, officer):
    case = case_in_stage(Stage.NEEDS_ASSESSMENT, actor=officer)
    set_due(case, timezone.now() - datetime.timedelta(days=3))
    html = staff_client.get(detail(case)).content.decode()
    assert case.reference in html and "Ghana" in html
    assert "3 days late" in html
    for label in ("Request registered", "Acknowledge and start review", "Start needs assessment"):
        assert label in html
    assert "Submit assessment for decision" in html


def test_short_notice_is_flagged_while_the_case_is_open_and_not_once_it_has_ended(staff_client, officer):
    case = new_request(actor=officer, election_in_days=60)
    warning = "short notice: requested less than four months before election day (the Department’s guidance)"
    assert warning in staff_client.get(detail(case)).content.decode()

    services.withdraw(actor=officer, case=case, comment="The state withdrew its request.")

    assert warning not in staff_client.get(detail(case)).content.decode()


def test_an_unknown_reference_answers_404(staff_client):
    assert staff_client.get(reverse("workspace:case-detail", args=["EAS-1999-0001"])).status_code == 404


def test_an_action_from_the_case_page_moves_the_case(staff_client, officer):
    case = new_request(actor=officer)
    response = staff_client.post(act(case, "start_review"), {"start_review-comment": "Acknowledged."}, follow=True)
    assert response.redirect_chain[-1][0] == detail(case)
    assert "done" in " ".join(str(m) for m in response.context["messages"])
    case.refresh_from_db()
    assert case.stage == Stage.UNDER_REVIEW
    assert case.events.last().comment == "Acknowledged."


def test_a_refused_action_says_why_and_keeps_what_was_typed(staff_client, officer):
    case = case_in_stage(Stage.AWAITING_DECISION, actor=officer)
    response = staff_client.post(
        act(case, "record_decision"),
        {
            "record_decision-outcome": "assist",
            "record_decision-scope": "Voter registration only",
        },
    )
    assert response.status_code == 400
    messages = " ".join(str(m) for m in response.context["messages"])
    assert "Name the types of assistance" in messages
    assert "Voter registration only" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == Stage.AWAITING_DECISION


def test_an_action_without_the_permission_is_refused(client, officer):
    case = new_request(actor=officer)
    reader = user_with_perms("view_assistancerequest", "view_all_cases", is_staff=True)
    client.force_login(reader)
    page = client.get(detail(case)).content.decode()
    assert act(case, "start_review") not in page  # no button; the page says who acts instead
    response = client.post(act(case, "start_review"), {})
    assert response.status_code == 400
    assert "permission" in " ".join(str(m) for m in response.context["messages"])
    case.refresh_from_db()
    assert case.stage == Stage.RECEIVED


def test_a_decision_with_its_parameters_from_the_case_page(staff_client, officer):
    case = case_in_stage(Stage.AWAITING_DECISION, actor=officer)
    today = timezone.localdate()
    staff_client.post(
        act(case, "record_decision"),
        {
            "record_decision-outcome": "assist",
            "record_decision-assistance_types": [str(assistance_type("voter-registration").pk)],
            "record_decision-phase": "pre_electoral",
            "record_decision-period_start": today.isoformat(),
            "record_decision-period_end": (today + datetime.timedelta(days=300)).isoformat(),
        },
    )
    case.refresh_from_db()
    assert case.stage == Stage.DECISION_COMMUNICATED
    assert case.decisions.get().decided_by == officer


def test_unknown_action_answers_404(staff_client, officer):
    case = new_request(actor=officer)
    assert staff_client.post(act(case, "teleport"), {}).status_code == 404


def test_documents_download_from_the_case_page(staff_client, officer):
    from tests.factories import attach_mission_report

    case = case_in_stage(Stage.REPORTING, actor=officer)
    document = attach_mission_report(case, actor=officer)
    url = reverse("workspace:case-document", args=[case.reference, document.pk])
    assert url in staff_client.get(detail(case)).content.decode()
    response = staff_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


# The dashboard -----------------------------------------------------------------------------------


def test_the_dashboard_counts_cases_overdue_decisions_and_elections(staff_client, officer, cases):
    response = staff_client.get(reverse("workspace:dashboard"))
    assert response.status_code == 200
    context = response.context
    stages = {row["key"]: row["value"] for row in context["stage_rows"]}
    assert stages["received"] == 2 and stages["under_review"] == 1 and stages["withdrawn"] == 1
    assert {row["label"]: row["value"] for row in context["overdue_rows"]} == {"Unassigned": 1}
    assert [e.case.reference for e in context["elections"]] == [cases["nepal"].reference, cases["peru"].reference]
    assert context["mine"] == {"open": 1, "overdue": 0}
    html = response.content.decode()
    assert "<svg" in html and "http" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org", ""
    )  # charts are drawn inline, no outside resource


def test_the_dashboards_elections_are_those_of_live_cases_only(staff_client, officer):
    live = new_request(actor=officer, state="GHA", election_in_days=60)
    withdrawn = services.withdraw(
        actor=officer,
        case=new_request(actor=officer, state="PER", election_in_days=60),
        comment="Note verbale withdrawing the request.",
    )
    declined = services.decline_request(
        actor=officer,
        case=new_request(actor=officer, state="NPL", election_in_days=60),
        comment="Not a request from the government.",
    )
    response = staff_client.get(reverse("workspace:dashboard"))
    assert [e.case.reference for e in response.context["elections"]] == [live.reference]
    page = response.content.decode()
    assert withdrawn.reference not in page and declined.reference not in page


def test_the_dashboard_costs_a_fixed_number_of_queries(staff_client, officer):
    new_request(actor=officer)
    few = _queries(staff_client, reverse("workspace:dashboard"))
    for _ in range(20):
        case_in_stage(Stage.DECISION_COMMUNICATED, actor=officer)
    assert _queries(staff_client, reverse("workspace:dashboard")) == few


def test_the_decision_has_a_page_of_its_own_offering_only_what_the_case_allows(staff_client, officer):
    case = case_in_stage(Stage.AWAITING_DECISION, actor=officer)
    case_page = staff_client.get(detail(case)).content.decode()
    assert act(case, "record_decision") in case_page  # a link to the page, not the whole form
    assert 'name="record_decision-outcome"' not in case_page
    page = staff_client.get(act(case, "record_decision"))
    assert page.status_code == 200
    offered = {t.code for t in page.context["form"].fields["assistance_types"].queryset}
    assert "voter-registration" in offered and not offered & {"observation", "supervision", "certification"}
    mandate = case_in_stage(Stage.AWAITING_DECISION, actor=officer, mandate="security_council")
    offered = {
        t.code
        for t in staff_client.get(act(mandate, "record_decision")).context["form"].fields["assistance_types"].queryset
    }
    assert "observation" in offered


def test_opening_an_action_address_shows_its_form_instead_of_an_error(staff_client, officer):
    case = new_request(actor=officer)
    response = staff_client.get(act(case, "withdraw"))
    assert response.status_code == 200
    assert 'name="withdraw-comment"' in response.content.decode()


def test_an_unknown_case_gets_the_sites_not_found_page(staff_client):
    response = staff_client.get(reverse("workspace:case-detail", args=["EAS-1999-0001"]))
    assert response.status_code == 404
    assert "Back to the cases" in response.content.decode()


# Who acts next -----------------------------------------------------------------------------------


def next_actor_lines(page):
    """The "Who acts next" lines of a page, as plain text."""
    import re

    block = re.search(r'<div class="next-actors".*?</div>', page, re.S)
    return (
        [] if block is None else [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li>.*?</li>", block.group(0))]
    )


@pytest.fixture
def team():
    """The demo's roles, by their groups: who acts next is read from the groups' permissions."""
    from django.contrib.auth.models import Group

    from requests_app.core import roles
    from tests.factories import member_of, team_lead_of

    lead = team_lead_of("GHA", first_name="Amara", last_name="Okafor")
    lead.groups.add(Group.objects.get(name=roles.TEAM_LEAD))
    return {
        "officer": member_of(roles.ELECTORAL_OFFICER, first_name="Leila", last_name="Haddad"),
        "lead": type(lead).objects.get(pk=lead.pk),
        "focal": member_of(roles.FOCAL_POINT, first_name="Helena", last_name="Lindqvist"),
        "clerk": member_of(roles.INTAKE_CLERK),
    }


def test_a_team_lead_on_a_case_awaiting_decision_is_told_the_focal_point_decides(client, officer, team):
    case = case_in_stage(Stage.AWAITING_DECISION, actor=officer, state="GHA")
    client.force_login(team["lead"])
    page = client.get(detail(case)).content.decode()
    assert next_actor_lines(page) == ["The focal point, Helena Lindqvist: Record the decision"]
    assert act(case, "record_decision") not in page
    assert "no action to take" not in page


def test_the_assigned_officer_is_named_when_the_case_waits_for_them(client, officer, team):
    case = case_in_stage(Stage.NEEDS_ASSESSMENT, actor=officer, state="GHA", officer=team["officer"])
    client.force_login(team["focal"])  # the focal point may act too, and sees the action itself
    assert next_actor_lines(client.get(detail(case)).content.decode()) == []
    client.force_login(team["clerk"])
    assert next_actor_lines(client.get(detail(case)).content.decode()) == [
        "The assigned officer, Leila Haddad: Submit assessment for decision"
    ]


def test_an_unassigned_case_names_the_team_lead_who_assigns_and_the_focal_point_who_may_decline(client, team):
    case = new_request(actor=team["clerk"], state="GHA")
    client.force_login(team["clerk"])
    assert next_actor_lines(client.get(detail(case)).content.decode()) == [
        "An electoral officer, once the team lead, Amara Okafor, assigns one: Acknowledge and start review",
        "The focal point, Helena Lindqvist: Decline as ineligible",
    ]


def test_an_officer_of_the_desk_on_a_colleagues_case_is_offered_nothing_and_told_who_acts(client, officer, team):
    from requests_app.cases.models import RegionalDesk

    colleague = type(officer).objects.get(pk=team["officer"].pk)
    other = UserFactory(is_staff=True, first_name="Tomás", last_name="Herrera")
    other.groups.add(*team["officer"].groups.all())
    RegionalDesk.objects.get(regional_group="AFRICAN").members.add(other)
    case = case_in_stage(Stage.UNDER_REVIEW, actor=officer, state="GHA", officer=colleague)
    client.force_login(other)
    page = client.get(detail(case)).content.decode()
    assert act(case, "start_assessment") not in page  # the service would refuse it
    assert next_actor_lines(page) == [
        "The assigned officer, Leila Haddad: Recommend to the focal point",
        "The focal point, Helena Lindqvist: Decline as ineligible",
    ]


def test_the_next_actor_follows_the_permissions_of_the_roles_not_a_list_per_stage(client, officer, team):
    from django.contrib.auth.models import Group, Permission

    from requests_app.core import roles

    case = case_in_stage(Stage.AWAITING_DECISION, actor=officer, state="GHA")
    Group.objects.get(name=roles.TEAM_LEAD).permissions.add(Permission.objects.get(codename="decide_request"))
    client.force_login(team["clerk"])
    assert next_actor_lines(client.get(detail(case)).content.decode()) == [
        "The team lead, Amara Okafor: Record the decision"
    ]


def test_an_officer_who_may_only_withdraw_is_still_told_who_takes_the_step(client, officer, team):
    case = case_in_stage(Stage.AWAITING_DECISION, actor=officer, state="GHA", officer=team["officer"])
    client.force_login(team["officer"])
    page = client.get(detail(case)).content.decode()
    assert act(case, "withdraw") in page
    assert next_actor_lines(page) == ["The focal point, Helena Lindqvist: Record the decision"]


def test_an_ended_case_names_no_next_actor(client, officer, team):
    case = case_in_stage(Stage.DECLINED, actor=officer, state="GHA")
    client.force_login(team["clerk"])
    page = client.get(detail(case)).content.decode()
    assert next_actor_lines(page) == []
    assert "This case has ended" in page


# Stages in sentences -------------------------------------------------------------------------------


def test_every_stage_reads_in_a_sentence():
    from requests_app.cases.choices import STAGE_PHRASES

    assert set(STAGE_PHRASES) == set(Stage)
    assert Stage.NEEDS_ASSESSMENT.phrase == "in needs assessment"


def test_the_message_after_an_action_puts_the_stage_into_a_sentence(staff_client, officer):
    case = recommend(case_in_stage(Stage.UNDER_REVIEW, actor=officer), actor=officer)
    response = staff_client.post(act(case, "start_assessment"), {"start_assessment-method": "desk_review"}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert "Start needs assessment: done. The case is now in needs assessment." in messages


def test_a_refusal_for_the_wrong_stage_puts_the_stage_into_a_sentence(officer):
    from requests_app.core.errors import ActionRefused

    case = case_in_stage(Stage.NEEDS_ASSESSMENT, actor=officer)
    with pytest.raises(ActionRefused) as refusal:
        services.close_case(actor=officer, case=case)
    assert "“Close the case” is not possible while the case is in needs assessment." in refusal.value.messages


@pytest.fixture
def seven_cases_past_the_bound(officer, planner_estimates, monkeypatch):
    """Seven cases of Ghana, five to a page, counted exactly up to 3; beyond, the planner says 60."""
    planner_estimates(60, bound=3)
    monkeypatch.setattr("requests_app.cases.views.PAGE_SIZE", 5)
    return [new_request(actor=officer, state="GHA") for _ in range(7)]


@pytest.mark.postgres
@pytest.mark.usefixtures("seven_cases_past_the_bound")
def test_past_the_bound_the_list_says_about_how_many_and_still_pages(staff_client):
    # Over a million cases the list does not count them all: past the bound, PostgreSQL's estimate.
    html = staff_client.get(LIST).content.decode()
    assert "About 60 cases match" in html and "Page 1 of about 12" in html
    assert len(listed(staff_client, "?page=2")) == 2
    html = staff_client.get(LIST + "?page=12").content.decode()  # past the real end: the real last page
    assert "Page 2 of 2" in html and "7 cases match" in html


@pytest.mark.postgres
@pytest.mark.usefixtures("seven_cases_past_the_bound")
def test_past_the_bound_a_search_says_more_than_the_bound_not_a_guess(staff_client):
    # The planner cannot tell how many texts hold a word: a search says what it knows.
    html = staff_client.get(LIST + "?q=Ghana").content.decode()
    assert "More than 3 cases match" in html and "About" not in html
    assert "Page 1<" in html and "Page 1 of" not in html
    assert len(listed(staff_client, "?q=Ghana&page=2")) == 2
