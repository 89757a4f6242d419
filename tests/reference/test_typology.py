"""The types of assistance are the United Nations' typology, grouped as forms offer them."""

import pytest

from requests_app.cases.forms import DecisionForm
from requests_app.cases.workflow import ACTIONS
from requests_app.reference.forms import AssistanceTypesField
from requests_app.reference.models import AssistanceType
from requests_app.reference.selectors import type_choices

pytestmark = pytest.mark.django_db

C = AssistanceType.Category
TYPOLOGY = [
    ("Electoral administration and planning", C.TECHNICAL),
    ("Legal framework", C.TECHNICAL),
    ("Boundary delimitation", C.TECHNICAL),
    ("Voter registration", C.TECHNICAL),
    ("Budgeting and procurement", C.TECHNICAL),
    ("Electoral technology", C.TECHNICAL),
    ("Voting and counting operations", C.TECHNICAL),
    ("Results management", C.TECHNICAL),
    ("Voter and civic education", C.TECHNICAL),
    ("Training", C.TECHNICAL),
    ("Electoral dispute resolution", C.TECHNICAL),
    ("Electoral security", C.TECHNICAL),
    ("Women's participation and inclusion", C.TECHNICAL),
    ("Media", C.TECHNICAL),
    ("Donor coordination", C.TECHNICAL),
    ("Support to domestic observers", C.DOMESTIC_OBSERVERS),
    ("Coordination of international observers", C.INTERNATIONAL_OBSERVERS),
    ("Expert panels", C.EXPERT_PANEL),
    ("Organization and conduct of elections", C.MANDATED),
    ("Supervision", C.MANDATED),
    ("Certification", C.MANDATED),
    ("Observation", C.MANDATED),
]
ONLY_ON_A_MANDATE = {"Organization and conduct of elections", "Supervision", "Certification", "Observation"}


def test_the_types_are_the_united_nations_typology_in_its_order():
    assert list(AssistanceType.objects.values_list("name", "category")) == TYPOLOGY
    mandated = set(AssistanceType.objects.filter(requires_mandate=True).values_list("name", flat=True))
    assert mandated == ONLY_ON_A_MANDATE


def test_no_type_outside_the_typology_is_left():
    names = set(AssistanceType.objects.values_list("name", flat=True))
    assert "Election situation room" not in names and "Electoral logistics" not in names
    assert set(AssistanceType.objects.values_list("category", flat=True)) == set(C.values)


def test_the_choices_group_the_technical_areas_and_the_mandated_types_under_their_headings():
    choices = type_choices()
    headings = [label for label, value in choices if isinstance(value, list)]
    assert [str(h) for h in headings] == [
        "Technical assistance",
        "Only on a Security Council or General Assembly mandate",
    ]
    technical, *single, mandated = choices
    assert [name for _code, name in technical[1]] == [name for name, category in TYPOLOGY if category == C.TECHNICAL]
    assert [name for _code, name in single] == [
        "Support to domestic observers",
        "Coordination of international observers",
        "Expert panels",
    ]
    assert {name for _code, name in mandated[1]} == ONLY_ON_A_MANDATE


def test_the_intake_field_draws_the_groups_and_takes_the_ticked_types():
    field = AssistanceTypesField()
    html = field.widget.render("requested_types", [], {"id": "id_requested_types"})
    assert html.index("Technical assistance") < html.index("Media") < html.index("Expert panels")
    chosen = AssistanceType.objects.filter(code__in=["media", "observation"])
    assert set(field.clean([str(t.pk) for t in chosen])) == set(chosen)


def test_the_decision_form_offers_no_mandated_type_to_a_request(officer):
    from tests.factories import new_request

    case = new_request(actor=officer)
    form = DecisionForm(action=ACTIONS["record_decision"], case=case)
    names = [label for _value, label in _flat(form.fields["assistance_types"].choices)]
    assert "Observation" not in names and "Organization and conduct of elections" not in names
    assert "Voter registration" in names and "Expert panels" in names
    headings = [str(label) for label, value in form.fields["assistance_types"].choices if isinstance(value, list)]
    assert headings == ["Technical assistance"]  # no heading over nothing


def _flat(choices):
    for value, label in choices:
        if isinstance(label, list):
            yield from label
        else:
            yield value, label
