"""GET /api/v1/cases/<reference>/history/: the case's timeline, its notes read under the confidentiality rules."""

import pytest
from django.urls import reverse

from requests_app.cases import services
from requests_app.core.confidentiality import Level
from requests_app.documents.models import ConfidentialRead
from tests.api.conftest import token_client
from tests.factories import new_request

pytestmark = pytest.mark.django_db


def history(client, case, query=""):
    response = client.get(reverse("api:case-history", kwargs={"reference": case.reference}) + query)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_history_is_read_oldest_first_with_who_and_what(african_lead):
    case = new_request(state="GHA")
    services.start_review(actor=african_lead, case=case, comment="In order.")
    entries = history(token_client(african_lead), case)["results"]
    assert [entry["action"] for entry in entries] == ["registered", "start_review"]
    review = entries[1]
    assert review["action_label"] == "Acknowledge and start review"
    assert (review["from_stage"], review["to_stage"]) == ("received", "under_review")
    assert review["actor"]["username"] == "lead-africa"
    assert (review["withheld"], review["comment"], review["level"]) == (False, "In order.", "internal")
    assert entries[0]["details"]["basis"] == "request"
    assert entries[0]["details_text"]


def test_a_note_above_the_readers_level_is_withheld_and_a_confidential_one_shown_is_recorded(
    african_officer, focal_point
):
    case = new_request(state="GHA")
    services.record_event(
        case=case, actor=focal_point, action="details_updated", comment="Spoke to the army.", level=Level.CONFIDENTIAL
    )
    services.record_event(
        case=case,
        actor=focal_point,
        action="details_updated",
        comment="Source: the minister.",
        level=Level.STRICTLY_CONFIDENTIAL,
        details={"changes": {"summary": ["a", "b"]}},
    )
    entries = history(token_client(african_officer), case)["results"]
    confidential, strict = entries[-2], entries[-1]
    assert (confidential["withheld"], confidential["comment"]) == (False, "Spoke to the army.")
    assert strict["withheld"] is True
    assert (strict["comment"], strict["details"], strict["details_text"]) == (None, None, None)
    assert strict["level"] == "strictly_confidential"
    assert strict["action_label"] == "Details edited"  # what happened and who did it stay readable
    [opening] = ConfidentialRead.objects.all()
    assert (opening.reader, opening.place, opening.level) == (african_officer, "api", "confidential")
    assert opening.subject.startswith("History entry: Details edited, ")
    # The focal point reads both, and each reading is recorded.
    assert history(token_client(focal_point), case)["results"][-1]["comment"] == "Source: the minister."
    assert ConfidentialRead.objects.filter(reader=focal_point).count() == 2


def test_the_history_is_paged_by_a_cursor(focal_point):
    case = new_request(state="GHA")
    for number in range(4):
        services.record_event(case=case, actor=focal_point, action="details_updated", comment=f"Edit {number}")
    client = token_client(focal_point)
    first = history(client, case, "?page_size=3")
    second = client.get(first["next"]).json()
    assert [e["comment"] for e in first["results"] + second["results"]] == ["", "Edit 0", "Edit 1", "Edit 2", "Edit 3"]
    assert second["next"] is None


def test_the_history_of_a_case_of_another_desk_answers_404(african_officer):
    brazil = new_request(state="BRA")
    response = token_client(african_officer).get(reverse("api:case-history", kwargs={"reference": brazil.reference}))
    assert response.status_code == 404
