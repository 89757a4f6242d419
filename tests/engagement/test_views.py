"""The country file (/countries/<ISO code>/): summary first, then the timeline, then the sections,
newest first; a fixed number of queries; only what the reader's scope and permissions allow."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app.cases.choices import Stage
from requests_app.core import roles
from requests_app.history.models import CaseEvent
from tests.engagement.conftest import engagement
from tests.factories import case_in_stage, member_of, new_request

pytestmark = pytest.mark.django_db


def url(code="GHA"):
    return reverse("workspace:country-file", args=[code])


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def ghana(officer):
    return engagement(officer, 6)


def test_the_country_file_opens_with_the_summary_then_the_timeline_then_the_sections(client, focal, ghana):
    client.force_login(focal)
    response = client.get(url())

    assert response.status_code == 200
    page = text(response)
    positions = [page.index(marker) for marker in ('id="summary-title"', 'id="timeline-title"', 'id="section-cases"')]
    assert positions == sorted(positions)
    summary = page[positions[0] : positions[1]]
    # Open cases with their stage and deadline, the next election, the last activity.
    assert "6 cases since" in summary and "6 open" in summary
    for case in ghana:
        assert case.reference in summary
    assert "Decision communicated" in summary and "days left" in summary
    from requests_app.cases.models import Election

    election = Election.objects.filter(case__in=ghana, planned_date__gte=timezone.localdate()).earliest("planned_date")
    assert f"{election.get_election_type_display()}</strong>, {election.planned_date:%-d %b %Y}" in summary
    assert f'for <a href="{reverse("workspace:case-detail", args=[election.case.reference])}"' in summary
    last = CaseEvent.objects.filter(case__in=ghana).latest("created_at").created_at
    assert f"Last activity on {timezone.localtime(last):%-d %b %Y}" in summary


def test_every_section_lists_the_countrys_rows_newest_first(client, focal, ghana):
    client.force_login(focal)
    response = client.get(url())

    file = response.context["file"]
    assert [case.reference for case in file.rows("cases")] == [case.reference for case in ghana]
    elections = [election.planned_date for election in file.rows("elections")]
    assert elections == sorted(elections, reverse=True) and len(elections) == 6
    decided = [decision.decided_at for decision in file.rows("decisions")]
    assert decided == sorted(decided, reverse=True) and len(decided) == 2
    assert len(file.rows("deployments")) == len(file.rows("contributions")) == len(file.rows("fund")) == 2
    page = text(response)
    for key in ("cases", "elections", "decisions", "deployments", "contributions", "fund"):
        assert f'id="section-{key}"' in page
    # Newest first on the page too: the cases section lists the latest received first.
    section = page[page.index('id="section-cases"') :]
    assert section.index(ghana[0].reference) < section.index(ghana[-1].reference)


def test_an_unknown_code_is_not_found_and_a_lowercase_one_is_redirected(client, focal, ghana):
    client.force_login(focal)

    for code in ("XXX", "GH", "GHANA", "²", "G" * 300, "%00"):
        assert client.get(url(code)).status_code == 404, code
    response = client.get(url("gha"))
    assert response.status_code == 302 and response["Location"] == url("GHA")


def test_a_country_without_cases_has_a_file_that_says_so(client, focal):
    client.force_login(focal)
    response = client.get(url("NOR"))

    assert response.status_code == 200
    assert "No case of this country that you can see." in text(response)
    assert response.context["timeline"] is None


def test_the_page_needs_a_staff_login(client, ghana):
    response = client.get(url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    not_staff = member_of(roles.FOCAL_POINT)
    type(not_staff).objects.filter(pk=not_staff.pk).update(is_staff=False)
    client.force_login(not_staff)
    assert client.get(url()).status_code == 403
    assert client.get(reverse("workspace:country-list")).status_code == 403


# Scope: what the reader may see -----------------------------------------------------------------


def test_a_user_of_another_desk_sees_none_of_the_countrys_cases(client, other_desk, ghana):
    client.force_login(other_desk)
    response = client.get(url())

    assert response.status_code == 200
    page = text(response)
    assert all(case.reference not in page for case in ghana)
    assert "No case of this country that you can see." in page
    file = response.context["file"]
    for key in ("cases", "elections", "decisions", "deployments", "contributions"):
        assert file.rows(key) == [], key


def test_a_user_of_another_desk_sees_the_case_assigned_to_them_and_its_rows_only(client, other_desk, ghana):
    from requests_app.cases.models import AssistanceRequest

    mine = ghana[0]
    AssistanceRequest.objects.filter(pk=mine.pk).update(officer=other_desk)
    client.force_login(other_desk)
    response = client.get(url())

    file = response.context["file"]
    assert [case.pk for case in file.rows("cases")] == [mine.pk]
    assert {
        row.case_id for key in ("elections", "decisions", "deployments", "contributions") for row in file.rows(key)
    } == {mine.pk}
    assert ghana[5].reference not in text(response)


def test_the_desks_officer_sees_every_case_but_not_the_trust_fund(client, desk_officer, ghana):
    client.force_login(desk_officer)
    response = client.get(url())

    file = response.context["file"]
    assert len(file.rows("cases")) == 6
    assert len(file.rows("deployments")) == 2
    # The Trust Fund follows its own permission (view_trust_fund_statement): officers have none.
    assert next(section for section in file.sections if section.source.key == "fund").rows is None
    assert 'id="section-fund"' not in text(response)


def test_the_roster_and_the_partners_rows_follow_their_permissions(client, ghana):
    from tests.factories import user_with_perms

    reader = user_with_perms("view_assistancerequest", "view_all_cases", is_staff=True)
    client.force_login(reader)
    response = client.get(url())

    assert len(response.context["file"].rows("cases")) == 6
    page = text(response)
    for key in ("deployments", "contributions", "fund", "vehicles"):
        assert f'id="section-{key}"' not in page, key


def test_the_vehicles_of_implementation_are_listed_with_their_case_and_donors(client, focal, officer):
    from decimal import Decimal

    from requests_app.coordination import services as coordination
    from requests_app.reference.models import MemberState

    case = case_in_stage(Stage.IN_IMPLEMENTATION, actor=officer, state="GHA")
    terms = coordination.VehicleTerms(
        kind="undp_project",
        title="Support to the Electoral Cycle in Ghana",
        budget=Decimal("6800000"),
        currency="USD",
        basket_fund=True,
        donors=[
            coordination.Pledge(member_state=MemberState.objects.get(iso3="NOR"), pledged=Decimal(5), currency="NOK")
        ],
    )
    coordination.record_vehicle(actor=focal, case=case, terms=terms)
    client.force_login(focal)
    response = client.get(url())

    [vehicle] = response.context["file"].rows("vehicles")
    assert vehicle.case.reference == case.reference
    page = text(response)
    section = page[page.index('id="section-vehicles"') :]
    assert "Vehicles of implementation" in page
    assert "Support to the Electoral Cycle in Ghana" in section and "6,800,000.00 USD" in section
    assert "Norway" in section


# Speed ---------------------------------------------------------------------------------------------

# The user (the session is read from the cache), the user's permissions and their groups', the
# country, the cases and their elections, the elections, the decisions and their types, deployments,
# contributions, the last activity; then the Trust Fund's entries for the focal point, the desks (the
# scope) for the officer.
# With the mandates, the correspondence and the vehicles of implementation (one query each when the
# country has none; the vehicles' donors are a second query once there are vehicles).
QUERIES = {"focal": 16, "desk_officer": 16}


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("reader", ["focal", "desk_officer"])
def test_the_page_costs_the_same_queries_for_3_cases_or_30(
    client, officer, count, reader, request, django_assert_num_queries
):
    engagement(officer, count)
    client.force_login(request.getfixturevalue(reader))

    with django_assert_num_queries(QUERIES[reader]):
        response = client.get(url())

    assert response.status_code == 200
    assert len(response.context["file"].rows("cases")) == count
    assert text(response).count('class="lane"') == count


# Links to the country file --------------------------------------------------------------------------


def test_the_case_page_and_the_case_list_link_the_country_file(client, focal, ghana):
    client.force_login(focal)
    link = f'href="{url()}"'

    assert link in client.get(reverse("workspace:case-detail", args=[ghana[0].reference])).content.decode()
    assert link in client.get(reverse("workspace:case-list")).content.decode()
    action = reverse("workspace:case-action", args=[ghana[1].reference, "start_review"])
    assert link in client.get(action).content.decode()


def test_the_admins_case_list_and_case_page_link_the_country_file(client, ghana):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    link = f'href="{url()}"'

    assert link in client.get(reverse("admin:requests_app_assistancerequest_changelist")).content.decode()
    change = reverse("admin:requests_app_assistancerequest_change", args=[ghana[0].pk])
    assert link in client.get(change).content.decode()


def test_an_ended_case_shows_on_the_timeline_until_it_ended(client, focal, officer):
    from requests_app.cases import services

    case = new_request(actor=officer, received_days_ago=400)
    services.withdraw(actor=officer, case=case, comment="Note verbale: the elections were postponed.")
    client.force_login(focal)
    response = client.get(url())

    lane = next(lane for lane in response.context["timeline"].lanes if lane.case is not None)
    assert lane.case.stage == Stage.WITHDRAWN
    assert any("stopped" in cell.classes for cell in lane.cells)
    assert "withdrawn on" in lane.text


def test_what_users_typed_is_escaped_on_the_timeline(client, focal, officer):
    from tests.factories import DeploymentFactory

    case = new_request(actor=officer)
    DeploymentFactory(case=case, recorded_by=officer, role='Adviser "<script>alert(1)</script>" & co')
    client.force_login(focal)

    page = client.get(url()).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;" in page and "&amp; co" in page


def test_the_mandates_and_the_letters_of_the_country_are_sections_and_in_the_summary(client, focal, ghana):
    from tests.correspondence.helpers import file_not_considered
    from tests.factories import new_mandate

    mandate = new_mandate(state="GHA", symbol="S/RES/2791 (2026)")
    file_not_considered(focal, state="GHA", subject="Observation of the elections by the Union")
    new_mandate(state="KEN", symbol="S/RES/2792 (2026)")  # another country's: not in this file
    client.force_login(focal)
    page = text(client.get(url()))

    summary = page[page.index('id="summary-title"') : page.index('id="timeline-title"')]
    assert "Mandates in force" in summary and mandate.symbol in summary
    assert "Last letter" in summary
    mandates = page[page.index('id="section-mandates"') :]
    assert mandate.symbol in mandates and "S/RES/2792 (2026)" not in page
    letters = page[page.index('id="section-letters"') :]
    assert "Observation of the elections by the Union" in letters
