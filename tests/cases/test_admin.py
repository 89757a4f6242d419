"""The admin as the intake desk, used end to end through the Django test client."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.documents.models import CaseDocument
from requests_app.reference.models import MemberState
from tests.admin_forms import change_form_data, intake_data
from tests.cases.helpers import cases_of_kits
from tests.factories import PDF_BYTES, assistance_type, complete_assessment, new_request, recommend

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:requests_app_assistancerequest_add")
LIST_URL = reverse("admin:requests_app_assistancerequest_changelist")


def change_url(case):
    return reverse("admin:requests_app_assistancerequest_change", args=[case.pk])


def act_url(case, action):
    return reverse("admin:requests_app_assistancerequest_act", args=[case.pk, action])


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_a_new_user_logs_a_request_and_moves_it_to_closed_through_the_buttons(client, officer):
    client.force_login(officer)

    response = client.post(ADD_URL, intake_data(), follow=True)
    assert response.status_code == 200
    case = AssistanceRequest.objects.get()
    assert case.stage == Stage.RECEIVED
    assert case.reference.startswith("EAS-")
    assert case.elections.count() == 1
    assert set(case.requested_types.values_list("code", flat=True)) == {"voter-registration", "training"}

    page = client.get(change_url(case))
    assert page.status_code == 200
    assert "Acknowledge and start review" in page.content.decode()

    def act(action, **data):
        data = {f"{action}-{key}": value for key, value in data.items()}
        return client.post(act_url(case, action), data, follow=True)

    response = act("start_review", comment="Acknowledged to the Permanent Mission.")
    assert "done" in " ".join(messages_of(response))
    act("recommend", method="mission", comment="A mission: the legal framework changed since the last elections.")
    act("start_assessment", method="mission", comment="NAM proposed.")
    case.refresh_from_db()
    assert case.stage == Stage.NEEDS_ASSESSMENT

    # Refused while the assessment is blank: the page says what is missing, nothing moves.
    response = act("submit_assessment")
    assert any("not complete" in m for m in messages_of(response))
    case.refresh_from_db()
    assert case.stage == Stage.NEEDS_ASSESSMENT

    # The assessment team fills in the assessment on the case page.
    page = client.get(change_url(case))
    data = change_form_data(page)
    today = timezone.localdate()
    data.update(
        {
            "assessment-0-tor_sent_on": (today - datetime.timedelta(days=40)).isoformat(),
            "assessment-0-host_clearance_on": (today - datetime.timedelta(days=30)).isoformat(),
            "assessment-0-deployed_from": (today - datetime.timedelta(days=20)).isoformat(),
            "assessment-0-deployed_until": (today - datetime.timedelta(days=12)).isoformat(),
            "assessment-0-report_submitted_on": (today - datetime.timedelta(days=5)).isoformat(),
            "assessment-0-adequate_time": "True",
            "assessment-0-conditions_exist": "True",
        }
    )
    response = client.post(change_url(case), data, follow=True)
    assert response.status_code == 200, response.content
    assert not (response.context.get("errors")), response.context.get("errors")
    case.refresh_from_db()
    assert case.assessment.is_complete

    act("submit_assessment")
    decision_page = client.get(act_url(case, "record_decision"))
    assert decision_page.status_code == 200
    act(
        "record_decision",
        outcome="assist",
        assistance_types=[str(assistance_type("voter-registration").pk)],
        phase="pre_electoral",
        period_start=today.isoformat(),
        period_end=(today + datetime.timedelta(days=400)).isoformat(),
        comment="Approved by the focal point.",
    )
    case.refresh_from_db()
    assert case.stage == Stage.DECISION_COMMUNICATED
    act("start_implementation", modality="undp_project", ends_on=(today + datetime.timedelta(days=300)).isoformat())
    act("start_reporting")

    # Closing is refused until the mission report is attached and final.
    response = act("close")
    assert any("mission report" in m for m in messages_of(response))
    page = client.get(change_url(case))
    data = change_form_data(page)
    data.update(
        {
            "documents-TOTAL_FORMS": "1",
            "documents-0-kind": "mission_report",
            "documents-0-is_complete": "on",
            "documents-0-file": SimpleUploadedFile("Mission report.pdf", PDF_BYTES, "application/pdf"),
        }
    )
    response = client.post(change_url(case), data, follow=True)
    assert response.status_code == 200
    assert CaseDocument.objects.filter(case=case, is_complete=True).exists()

    act(
        "close",
        comment="Results reported to the General Assembly.",
        evaluation_waiver="The Member State asked that the assistance not be evaluated.",
    )
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED

    history = client.get(change_url(case)).content.decode()
    for label in [
        "Request registered",
        "Acknowledge and start review",
        "Start needs assessment",
        "Assessment updated",
        "Submit assessment for decision",
        "Record the decision",
        "Start implementation",
        "Implementation ended: start reporting",
        "Document attached",
        "Close the case",
    ]:
        assert label in history, label
    assert "This case has ended" in history


def test_the_stage_cannot_be_edited_by_hand(client, officer):
    case = new_request(actor=officer)
    client.force_login(officer)
    data = change_form_data(client.get(change_url(case)))
    data["stage"] = Stage.CLOSED
    client.post(change_url(case), data)
    case.refresh_from_db()
    assert case.stage == Stage.RECEIVED


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"letter_date": "2030-01-02", "received_date": "2030-01-01"}, "cannot be in the future"),
        (
            {
                "letter_date": (timezone.localdate()).isoformat(),
                "received_date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            },
            "after the day it was received",
        ),
        ({"elections-0-planned_date": "2001-01-01"}, "before the date of the request letter"),
        ({"origin": ""}, "A case rests on a request, a mandate or both"),
        ({"mandate_symbols": "S/RES/1 (2020)"}, "No mandate S/RES/1 (2020) is recorded for Malawi"),
        ({"mandate_symbols": "resolution 2734"}, "is not a resolution"),
        ({"origin": "", "requesting_authority": "", "authority_type": ""}, "rests on a request, a mandate or both"),
        # A letter from a party, civil society or a person is no request: neither is offered.
        ({"origin": "other_body", "authority_type": "political_party"}, "Select a valid choice"),
        ({"authority_type": "civil_society"}, "Select a valid choice"),
        ({"elections-0-planned_date": "", "elections-0-election_type": ""}, "at least one election"),
        # Chosen from the form's lists, which the model does not read again: a key of none is refused.
        ({"member_state": "999999"}, "Select a valid choice"),
        ({"officer": "999999"}, "Select a valid choice"),
        ({"follows": "999999"}, "Select a valid choice"),
    ],
)
def test_intake_refuses_inconsistent_requests_with_a_clear_message(client, officer, overrides, message):
    client.force_login(officer)
    response = client.post(ADD_URL, intake_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AssistanceRequest.objects.exists()


def test_a_refused_action_changes_nothing_and_says_why(client, officer):
    case = new_request(
        actor=officer,
        authority_type="electoral_body",
        origin="electoral_body",
        requesting_authority="Chair, Independent Electoral Commission",
    )
    client.force_login(officer)
    client.post(act_url(case, "start_review"), {}, follow=True)
    response = client.post(act_url(case, "start_assessment"), {"start_assessment-method": "desk_review"}, follow=True)
    assert any("records its explicit acceptance first" in m for m in messages_of(response))
    case.refresh_from_db()
    assert case.stage == Stage.UNDER_REVIEW
    # what the user typed is still on the page
    assert response.context["form"]["method"].value() == "desk_review"


def test_an_action_not_possible_in_the_stage_is_refused(client, officer):
    case = new_request(actor=officer)
    client.force_login(officer)
    response = client.post(act_url(case, "close"), {}, follow=True)
    assert any("not possible while the case is received" in m for m in messages_of(response))
    case.refresh_from_db()
    assert case.stage == Stage.RECEIVED


def test_unknown_action_or_case_answers_404(client, officer):
    case = new_request(actor=officer)
    client.force_login(officer)
    assert client.get(act_url(case, "teleport")).status_code == 404
    assert client.get(reverse("admin:requests_app_assistancerequest_act", args=[999999, "close"])).status_code == 404
    assert client.get("/admin/requests_app/assistancerequest/not-a-number/change/").status_code in (302, 404)


def test_a_clerk_sees_no_buttons_and_cannot_move_a_case(client, clerk):
    case = new_request(actor=clerk)
    client.force_login(clerk)
    page = client.get(change_url(case)).content.decode()
    assert act_url(case, "start_review") not in page
    assert "Who acts next" in page
    response = client.post(act_url(case, "start_review"), {}, follow=True)
    assert any("permission" in m for m in messages_of(response))
    case.refresh_from_db()
    assert case.stage == Stage.RECEIVED


def test_documents_download_only_through_the_admin(client, officer):
    from requests_app.documents.services import attach_document

    case = new_request(actor=officer)
    document = attach_document(
        actor=officer, case=case, kind="request_letter", upload=SimpleUploadedFile("Letter to SG.pdf", PDF_BYTES)
    )
    url = reverse("admin:requests_app_assistancerequest_document", args=[case.pk, document.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "Letter to SG.pdf" in response["Content-Disposition"]


def test_a_disguised_upload_is_refused_on_the_page(client, officer):
    case = new_request(actor=officer)
    client.force_login(officer)
    data = change_form_data(client.get(change_url(case)))
    data.update(
        {
            "documents-TOTAL_FORMS": "1",
            "documents-0-kind": "request_letter",
            "documents-0-file": SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 this is a program", "application/pdf"),
        }
    )
    response = client.post(change_url(case), data)
    assert response.status_code == 200
    assert "does not contain what its name says" in response.content.decode()
    assert not CaseDocument.objects.exists()


def test_history_cannot_be_edited_or_deleted_in_the_admin(admin_client, officer):
    case = new_request(actor=officer)
    event = case.events.get()
    assert admin_client.get(reverse("admin:requests_app_caseevent_change", args=[event.pk])).status_code == 200
    admin_client.post(reverse("admin:requests_app_caseevent_delete", args=[event.pk]), {"post": "yes"})
    assert case.events.filter(pk=event.pk).exists()
    assert admin_client.get(reverse("admin:requests_app_assistancerequest_delete", args=[case.pk])).status_code == 403


def _cases(n, actor):
    return [
        new_request(actor=actor, state=iso)
        for iso, _ in zip(MemberState.objects.values_list("iso3", flat=True), range(n), strict=False)
    ]


def _query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_list_page_costs_the_same_queries_for_1_and_50_cases(client, officer):
    client.force_login(officer)
    _cases(1, officer)
    one = _query_count(client, LIST_URL)
    _cases(49, officer)
    fifty = _query_count(client, LIST_URL + "?stage__exact=received")
    assert _query_count(client, LIST_URL) == one
    assert fifty == one


@pytest.mark.postgres
def test_past_the_bound_the_admin_list_says_about_how_many(client, officer, planner_estimates):
    # No exact COUNT over a million cases in the admin either (core/pagination.py).
    client.force_login(officer)
    _cases(4, officer)
    exact = _query_count(client, LIST_URL)
    planner_estimates(4000, bound=2)
    html = client.get(LIST_URL).content.decode()
    assert "About 4,000 cases match" in html
    assert _query_count(client, LIST_URL) == exact  # the estimate itself is mocked here


def test_the_change_page_costs_the_same_queries_with_a_long_history(client, officer):
    client.force_login(officer)
    short, long = _cases(2, officer)
    baseline = _query_count(client, change_url(short))
    from requests_app.cases import services
    from requests_app.documents.services import attach_document

    long = services.start_review(actor=officer, case=long)
    long = recommend(long, actor=officer)
    long = services.start_assessment(actor=officer, case=long, method="desk_review")
    complete_assessment(long)
    for n in range(50):
        attach_document(actor=officer, case=long, kind="other", upload=SimpleUploadedFile(f"n{n}.pdf", PDF_BYTES))
    short = services.start_review(actor=officer, case=short)
    short = recommend(short, actor=officer)
    short = services.start_assessment(actor=officer, case=short, method="desk_review")
    # The same relations hold rows (core.presence reads only those): one document against fifty.
    attach_document(actor=officer, case=short, kind="other", upload=SimpleUploadedFile("n.pdf", PDF_BYTES))
    assert _query_count(client, change_url(long)) == _query_count(client, change_url(short))
    assert baseline > 0


def test_the_intake_form_finds_member_states_by_typing(client, clerk):
    client.force_login(clerk)
    response = client.get(
        "/admin/autocomplete/",
        {"term": "malaw", "app_label": "requests_app", "model_name": "assistancerequest", "field_name": "member_state"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Malawi"]


@pytest.mark.parametrize(
    "kind, offered, not_offered",
    [
        (
            {"origin": "government"},
            ["Acknowledge and start review"],
            ["Start needs assessment", "Accept the electoral body"],
        ),
        ({"mandate": "security_council"}, ["Start needs assessment"], ["Acknowledge and start review"]),
        ({"mandate": "security_council", "origin": "government"}, ["Start needs assessment"], ["Acknowledge"]),
    ],
)
def test_the_case_page_offers_only_the_actions_that_concern_the_case(client, officer, kind, offered, not_offered):
    case = new_request(actor=officer, **kind)
    client.force_login(officer)
    page = offered_actions(client, case)
    for label in offered:
        assert label in page
    for label in not_offered:
        assert label not in page


def offered_actions(client, case):
    """The labels of the buttons in the case page's action panel."""
    return " | ".join(str(action.label) for action, _, _ in client.get(change_url(case)).context["case_actions"])


def test_an_electoral_body_request_offers_its_acceptance_once(client, officer):
    from requests_app.cases import services

    case = new_request(
        actor=officer,
        origin="electoral_body",
        authority_type="electoral_body",
        requesting_authority="Chair, Independent Electoral Commission",
    )
    case = services.start_review(actor=officer, case=case)
    case = recommend(case, actor=officer)
    client.force_login(officer)
    assert "Accept the electoral body" in offered_actions(client, case)
    services.accept_emb_request(actor=officer, case=case, comment="Government confirmed by note verbale.")
    assert "Accept the electoral body" not in offered_actions(client, case)


def test_the_admin_search_finds_cases_by_reference_state_and_summary(client, officer):
    ghana = new_request(actor=officer, state="GHA", summary="Biometric kits for the voter register.")
    peru = new_request(actor=officer, state="PER", summary="Results transmission.")
    client.force_login(officer)

    def found(term):
        response = client.get(LIST_URL, {"q": term})
        return {case.reference for case in response.context["cl"].result_list}

    assert found("ghan") == {ghana.reference}
    assert found("transmission") == {peru.reference}
    assert found(peru.reference.lower()) == {peru.reference}
    assert found("atlantis") == set()


def _admin_search_ignores_accents(client, officer):
    ivory = new_request(actor=officer, state="CIV", summary="Support to the voter register.")
    ghana = new_request(actor=officer, state="GHA", summary="Transmission des résultats.")
    client.force_login(officer)

    def found(term):
        response = client.get(LIST_URL, {"q": term})
        return {case.reference for case in response.context["cl"].result_list}

    assert found("cote d'ivoire") == found("Côte d'Ivoire") == {ivory.reference}
    assert found("resultats") == found("résultats") == {ghana.reference}


def test_the_admin_search_ignores_accents(client, officer):
    _admin_search_ignores_accents(client, officer)


@pytest.mark.postgres
def test_the_admin_search_ignores_accents_on_postgresql(client, officer):
    _admin_search_ignores_accents(client, officer)


@pytest.mark.parametrize("column", ["", "1", "-1", "2", "-2", "3", "-3", "4", "-4", "5", "-5", "6", "-6"])
def test_an_admin_search_with_few_matches_lists_as_any_other(client, officer, column, monkeypatch):
    # A search matching few cases is sorted after it is found (EstimatedPaginator, CaseChangeList):
    # by every column, both ways, on several pages and on one, it must read as when the database
    # walks an index.
    from requests_app.core.pagination import EstimatedPaginator

    cases_of_kits(officer, 7, states=("GHA", "PER", "GHA", "NPL", "FRA", "PER", "GHA"), days=3, every=2, due_days=4)
    client.force_login(officer)

    def listed(per_page):
        """The pages' references, and whether the rows of the last were sorted by COALESCE (found first)."""
        monkeypatch.setattr("requests_app.cases.admin.AssistanceRequestAdmin.list_per_page", per_page)
        pages = []
        for number in (1, 2, 3):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(LIST_URL, {"q": "kits", "o": column, "p": number})
            if response.status_code != 200 or number > response.context["cl"].paginator.num_pages:
                break
            pages.append([case.reference for case in response.context["cl"].result_list])
            rows = [query["sql"] for query in queries.captured_queries if "ORDER BY" in query["sql"]][-1]
        return pages, "COALESCE" in rows.rpartition("ORDER BY")[2]

    (found_first,), sorted_after = listed(50)
    assert len(found_first) == 7 and sorted_after  # found, then sorted
    assert listed(3)[0] == [found_first[:3], found_first[3:6], found_first[6:]]
    monkeypatch.setattr(EstimatedPaginator, "sorted_after_finding_up_to", -1)
    (walked,), sorted_after = listed(50)
    assert walked == found_first and not sorted_after
    assert listed(3)[0] == [walked[:3], walked[3:6], walked[6:]]


def test_the_admin_list_links_each_case_and_country_as_django_would(client, officer):
    # The rows' links are composed once for the page (CaseChangeList): the same addresses as Django's
    # link column, the list's search kept to come back to after Save.
    from django.contrib.admin.templatetags.admin_urls import add_preserved_filters

    ghana = new_request(actor=officer, state="GHA", summary="Kits for the register.")
    client.force_login(officer)
    html = client.get(LIST_URL, {"q": "kits"}).content.decode()
    expected = add_preserved_filters(
        {"preserved_filters": "_changelist_filters=q%3Dkits", "opts": AssistanceRequest._meta}, change_url(ghana)
    )
    assert f'<a href="{expected.replace("&", "&amp;")}">{ghana.reference}</a>' in html
    assert f'<a href="{reverse("workspace:country-file", args=["GHA"])}">Ghana</a>' in html
    # Chosen in a popup, a click picks the case, as Django's own link does.
    popup = client.get(LIST_URL, {"q": "kits", "_popup": "1"}).content.decode()
    assert f'data-popup-opener="{ghana.pk}"' in popup


def test_the_admin_case_page_says_who_acts_next_when_the_user_cannot(client, clerk, officer):
    from django.contrib.auth.models import Group

    from requests_app.core import roles
    from tests.factories import UserFactory, case_in_stage

    focal = UserFactory(is_staff=True, first_name="Helena", last_name="Lindqvist")
    focal.groups.add(Group.objects.get(name=roles.FOCAL_POINT))
    case = case_in_stage(Stage.AWAITING_DECISION, actor=officer)
    client.force_login(clerk)
    page = client.get(change_url(case)).content.decode()
    assert "Who acts next" in page
    assert "The focal point, Helena Lindqvist: Record the decision" in page


@pytest.mark.postgres
def test_past_the_bound_an_admin_search_says_more_than_the_bound(client, officer, planner_estimates):
    client.force_login(officer)
    _cases(4, officer)
    planner_estimates(4000, bound=2)
    html = client.get(LIST_URL).content.decode()
    assert html.count("About 4,000 cases match") == 2  # by the search box and under the list
    html = client.get(LIST_URL + "?q=EAS").content.decode()
    assert html.count("More than 2 cases match") == 2 and "About" not in html


@pytest.mark.postgres
def test_a_page_past_a_high_estimate_is_the_admins_real_last_page(client, officer, planner_estimates, monkeypatch):
    client.force_login(officer)
    _cases(4, officer)
    planner_estimates(4000, bound=2)
    monkeypatch.setattr("requests_app.cases.admin.AssistanceRequestAdmin.list_per_page", 3)
    response = client.get(LIST_URL + "?p=1000")  # a link of the estimate's page numbers
    assert response.status_code == 200
    assert "4 assistance requests" in response.content.decode()
    assert len(response.context["cl"].result_list) == 1  # the fourth case, alone on the real last page
