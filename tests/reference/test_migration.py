"""Migration 0021_reference13 maps the types the United Nations does not have, and loses nothing either way.

Its data functions run here on today's models (they take an app registry, as a migration gives
them), over a case, a decision and an expert that still name "Election situation room"."""

import importlib

import pytest
from django.apps import apps

from requests_app.cases.choices import Origin
from requests_app.cases.models import Decision
from requests_app.history.models import CaseEvent
from requests_app.reference.models import AssistanceType, MemberState
from tests.factories import ExpertFactory, approved_case, assistance_type, new_request

pytestmark = pytest.mark.django_db

migration = importlib.import_module("requests_app.migrations.0021_reference13")


@pytest.fixture
def situation_room(db):
    """The type as 0002 loaded it before the typology changed."""
    return AssistanceType.objects.create(
        code="situation-room", name="Election situation room", category="situation_room", position=14
    )


def mapped_events(case):
    return list(CaseEvent.objects.filter(case=case, action="assistance_type_mapped"))


def test_every_request_decision_and_expert_naming_it_names_the_closest_un_type(situation_room, officer):
    domestic = assistance_type("national-observers")
    requested = new_request(actor=officer, state="KEN")
    requested.requested_types.add(situation_room)
    decided = approved_case(actor=officer, state="NGA")
    decision = Decision.objects.get(case=decided)
    decision.assistance_types.add(situation_room, domestic)  # the domestic observers already there
    expert = ExpertFactory(expertise=["results-management"], notes="Led the 2019 results centre.")
    expert.expertise.add(situation_room)

    migration.adopt_typology(apps, None)

    assert not AssistanceType.objects.filter(code="situation-room").exists()
    assert set(requested.requested_types.values_list("code", flat=True)) == {"voter-registration", "national-observers"}
    assert set(decision.assistance_types.values_list("code", flat=True)) == {"voter-registration", "national-observers"}
    assert set(expert.expertise.values_list("code", flat=True)) == {"results-management", "national-observers"}
    expert.refresh_from_db()
    assert expert.notes.splitlines() == [
        "Led the 2019 results centre.",
        "EAS: “Election situation room” is not a United Nations type of assistance; "
        "recorded as “Support to domestic observers”.",
    ]
    (event,) = mapped_events(requested)
    assert event.actor is None
    assert event.comment.startswith(
        "“Election situation room” is not a type of assistance in the United Nations' typology: the request now "
        "names “Support to domestic observers” in its place."
    )
    assert event.details_text == (
        "type of assistance named: Election situation room; now recorded as: Support to domestic observers"
    )
    (event,) = mapped_events(decided)
    assert "the decision of " in event.comment and "the request" not in event.comment


def test_running_it_again_changes_nothing(situation_room, officer):
    case = new_request(actor=officer)
    case.requested_types.add(situation_room)
    migration.adopt_typology(apps, None)
    before = (list(case.requested_types.all()), CaseEvent.objects.count(), AssistanceType.objects.count())
    migration.adopt_typology(apps, None)
    assert (list(case.requested_types.all()), CaseEvent.objects.count(), AssistanceType.objects.count()) == before


def test_reversed_it_puts_every_link_back_as_it_was(situation_room, officer):
    case = new_request(actor=officer, state="KEN")
    case.requested_types.add(situation_room)
    decided = approved_case(actor=officer, state="NGA")
    decision = Decision.objects.get(case=decided)
    decision.assistance_types.set([situation_room])
    expert = ExpertFactory(expertise=["civic-education"])
    expert.expertise.add(situation_room)
    migration.adopt_typology(apps, None)

    migration.restore_types(apps, None)

    assert set(case.requested_types.values_list("code", flat=True)) == {"voter-registration", "situation-room"}
    assert list(decision.assistance_types.values_list("code", flat=True)) == ["situation-room"]
    assert set(expert.expertise.values_list("code", flat=True)) == {"civic-education", "situation-room"}
    expert.refresh_from_db()
    assert expert.notes == ""
    assert mapped_events(case) == [] and mapped_events(decided) == []
    assert AssistanceType.objects.get(code="training").name == "Training of electoral staff"
    assert not AssistanceType.objects.filter(code="media").exists()  # new, and named by nothing


def test_the_countries_it_added_cannot_be_taken_away_while_a_case_names_one(officer):
    from django.db.models import ProtectedError

    new_request(actor=officer, state="NCL", origin=Origin.GOVERNMENT)
    with pytest.raises(ProtectedError):
        migration.remove_countries(apps, None)
    assert MemberState.objects.filter(iso3="NCL").exists()
