"""One statement says which of a case's sections hold rows; the page reads only those (core.presence)."""

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app.cases import services
from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.core import presence
from requests_app.documents.models import CaseDocument
from tests.core.helpers import FOCAL, OFFICER, make_team
from tests.factories import UserFactory, attach_mission_report, case_in_stage, new_request

pytestmark = pytest.mark.django_db


def fresh(case):
    return AssistanceRequest.objects.get(pk=case.pk)


def load(case, names):
    """What the case page does before its prefetches, for a case already read."""
    _key, found = presence.ask(AssistanceRequest, names, pk=case.pk)
    presence.remember(case, found)
    return found


def test_one_statement_says_which_relations_hold_rows(officer):
    case = fresh(new_request(actor=officer))
    with CaptureQueriesContext(connection) as captured:
        found = load(case, ["elections", "requested_types", "documents", "mandates", "followed_by"])
    assert len(captured.captured_queries) == 1
    # A new request: its elections and types, no document, mandate nor follow-up.
    assert found == {
        "elections": True,
        "requested_types": True,
        "documents": False,
        "mandates": False,
        "followed_by": False,
    }
    assert not presence.holds(case, "documents")
    assert presence.holds(case, "elections")
    assert presence.holds(case, "letters")  # not asked: the reader queries as before


def test_an_empty_relation_is_read_as_empty_without_a_query_the_others_are_prefetched(officer):
    case = fresh(case_in_stage(Stage.IN_IMPLEMENTATION, actor=officer))
    report = attach_mission_report(case, actor=officer)
    load(case, ["documents", "mandates", "events", "followed_by"])
    with CaptureQueriesContext(connection) as captured:
        presence.prefetch(
            case,
            Prefetch("documents", queryset=CaseDocument.objects.select_related("uploaded_by")),
            "mandates__renewals",
            Prefetch("events", queryset=case.events.order_by("-id")[:3], to_attr="latest_events"),
            Prefetch("followed_by", to_attr="later_cases"),
        )
    assert len(captured.captured_queries) == 2  # the documents and the latest events, nothing else
    with CaptureQueriesContext(connection) as captured:
        assert list(case.documents.all()) == [report]
        assert list(case.mandates.all()) == []
        assert case.mandates.count() == 0 and not case.mandates.exists()
        assert case.later_cases == []
        assert len(case.latest_events) == 3
    assert captured.captured_queries == []


def test_forget_lets_the_reader_query_again(officer):
    case = fresh(new_request(actor=officer))
    load(case, ["documents"])
    attach_mission_report(case, actor=officer)
    presence.forget(case, "documents")
    assert presence.holds(case, "documents")
    presence.prefetch(case, "documents")
    assert case.documents.count() == 1


def test_only_relations_are_asked(officer):
    case = fresh(new_request(actor=officer))
    with pytest.raises(ValueError, match="summary is not a relation"):
        load(case, ["summary"])


def test_asked_before_the_row_is_read_by_any_field_single_relations_included(officer):
    """Before the case is read, by its reference: its key, whether its foreign keys are set and whether
    a row of another table points at it (one-to-one or many), in one statement."""
    new = new_request(actor=officer)
    assessed = case_in_stage(Stage.NEEDS_ASSESSMENT, actor=officer, officer=officer)
    names = ["member_state", "officer", "follows", "assessment", "evaluation", "events"]
    with CaptureQueriesContext(connection) as captured:
        new_pk, new_found = presence.ask(AssistanceRequest, names, reference=new.reference)
        assessed_pk, assessed_found = presence.ask(AssistanceRequest, names, reference=assessed.reference)
    assert len(captured.captured_queries) == 2
    assert new_pk == new.pk and assessed_pk == assessed.pk
    assert new_found == dict(
        member_state=True, officer=False, follows=False, assessment=False, evaluation=False, events=True
    )
    assert assessed_found["officer"] and assessed_found["assessment"] and not assessed_found["evaluation"]
    assert presence.ask(AssistanceRequest, names, reference="EAS-1999-0001") is None


def test_a_one_to_one_found_absent_reads_as_absent_without_a_query(officer):
    case = fresh(new_request(actor=officer))
    load(case, ["assessment"])
    with CaptureQueriesContext(connection) as captured:
        assert not hasattr(case, "assessment")
    assert captured.captured_queries == []


def test_a_new_request_s_page_reads_none_of_its_empty_sections(client, officer):
    """Registering leads to the new case's page: it costs the user (the session is read from the
    cache), the case, which of its rows it holds, its elections, types, history and letter (the
    register's), nothing more."""
    case = new_request(actor=officer)
    url = reverse("workspace:case-detail", args=[case.reference])
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url)
    assert page.status_code == 200
    assert len(captured.captured_queries) == 7
    assert case.reference in page.content.decode()


def test_the_notes_opened_on_a_page_are_in_its_list_of_openings():
    """The page records the confidential notes it shows, then lists the openings of the case: the one
    it just wrote among them, though the case held none when the page asked which sections hold rows."""
    team = make_team()
    case = case_in_stage(Stage.IN_IMPLEMENTATION, actor=team["registrar"], state="GHA", officer=team[OFFICER])
    services.record_event(
        case=case, actor=team[OFFICER], action="details_updated", comment="Spoke to the army.", level="confidential"
    )
    assert not case.confidential_reads.exists()
    focal = Client()
    focal.force_login(team[FOCAL])
    page = focal.get(reverse("workspace:case-detail", args=[case.reference])).content.decode()
    openings = page[page.index("Openings of confidential documents and notes") :]
    assert team[FOCAL].get_full_name() in openings
    assert "History entry: Details edited" in openings
