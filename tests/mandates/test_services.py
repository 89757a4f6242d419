"""Mandates recorded, renewed and linked to cases, each write in the history of the cases it concerns."""

import datetime

import pytest

from requests_app.cases import services as case_services
from requests_app.cases.choices import Basis, Stage
from requests_app.core.errors import ActionRefused
from requests_app.mandates import services
from requests_app.mandates.models import Mandate, Organ
from tests.factories import UserFactory, case_in_stage, member_state, new_mandate, new_request, recommend
from tests.mandates.conftest import TODAY

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def events(case, action):
    return list(case.events.filter(action=action).values_list("details", flat=True))


def renewal_of(mandate, symbol, **fields):
    return Mandate(
        organ=mandate.organ,
        symbol=symbol,
        adopted_on=fields.pop("adopted_on", TODAY - DAY),
        expires_on=fields.pop("expires_on", TODAY + 365 * DAY),
        **fields,
    )


# Recording -------------------------------------------------------------------------------------------


def test_recording_a_mandate_needs_the_permission(frozen):
    mandate = Mandate(member_state=member_state("HTI"), organ=Organ.SECURITY_COUNCIL, symbol="S/RES/2734 (2024)")
    with pytest.raises(ActionRefused, match="permission to record mandates"):
        services.record_mandate(actor=UserFactory(is_staff=True), mandate=mandate)
    assert not Mandate.objects.exists()


def test_a_mandate_is_recorded_with_who_recorded_it_and_the_cases_it_links(recorder, officer, frozen):
    case = new_request(actor=recorder, state="HTI")
    mandate = Mandate(
        member_state=member_state("HTI"),
        organ=Organ.SECURITY_COUNCIL,
        symbol="s/res/2734(2024)",
        adopted_on=datetime.date(2024, 5, 10),
    )
    mandate = services.record_mandate(actor=officer_with_mandates(officer), mandate=mandate, cases=[case])
    assert (mandate.symbol, mandate.recorded_by) == ("S/RES/2734 (2024)", officer)
    assert events(case, "mandate_linked") == [
        {"mandate": "S/RES/2734 (2024)", "organ": "security_council", "expires_on": None, "basis": "both"}
    ]


def officer_with_mandates(officer):
    from django.contrib.auth.models import Permission

    officer.user_permissions.add(Permission.objects.get(codename="add_mandate"))
    return type(officer).objects.get(pk=officer.pk)


def test_an_invalid_mandate_is_refused_with_its_reasons_and_nothing_is_stored(recorder, frozen):
    mandate = Mandate(member_state=member_state("HTI"), organ=Organ.GENERAL_ASSEMBLY, symbol="S/RES/2734 (2024)")
    with pytest.raises(ActionRefused) as refused:
        services.record_mandate(actor=recorder, mandate=mandate)
    assert any("resolution of the Security Council" in message for message in refused.value.messages)
    assert not Mandate.objects.exists()


# Renewals --------------------------------------------------------------------------------------------


def test_a_renewal_is_a_mandate_of_its_own_on_which_the_open_cases_now_rest(recorder, officer, frozen):
    first = new_mandate(state="HTI", symbol="S/RES/2700 (2025)", adopted_on=TODAY - 300 * DAY, actor=recorder)
    open_case = new_request(actor=recorder, state="HTI", mandate=first)
    closed_case = case_in_stage(Stage.CLOSED, actor=officer, state="HTI", mandate=first)

    renewal = services.record_renewal(
        actor=recorder, renewed=first, renewal=renewal_of(first, "S/RES/2770 (2026)", expires_on=TODAY + 200 * DAY)
    )

    assert (renewal.renews, renewal.member_state, renewal.symbol) == (first, first.member_state, "S/RES/2770 (2026)")
    assert set(open_case.mandates.all()) == {first, renewal}
    assert set(closed_case.mandates.all()) == {first}, "an ended case keeps the mandate it rested on"
    assert events(open_case, "mandate_renewed") == [
        {
            "mandate": "S/RES/2700 (2025)",
            "renewal": "S/RES/2770 (2026)",
            "organ": "security_council",
            "expires_on": (TODAY + 200 * DAY).isoformat(),
        }
    ]
    assert events(closed_case, "mandate_renewed") == []


def test_a_mandate_is_renewed_once_then_its_renewal_is(recorder, frozen):
    first = new_mandate(state="HTI", symbol="S/RES/2700 (2025)", adopted_on=TODAY - 300 * DAY, actor=recorder)
    second = services.record_renewal(actor=recorder, renewed=first, renewal=renewal_of(first, "S/RES/2770 (2026)"))
    with pytest.raises(ActionRefused, match="already been renewed: record the renewal of its latest"):
        services.record_renewal(actor=recorder, renewed=first, renewal=renewal_of(first, "S/RES/2780 (2026)"))
    third = services.record_renewal(actor=recorder, renewed=second, renewal=renewal_of(second, "S/RES/2780 (2026)"))
    assert third.renews == second
    assert Mandate.objects.count() == 3


def test_a_renewal_for_another_country_is_refused(recorder, frozen):
    first = new_mandate(state="HTI", symbol="S/RES/2700 (2025)", adopted_on=TODAY - 300 * DAY, actor=recorder)
    renewal = renewal_of(first, "S/RES/2770 (2026)", member_state=member_state("MLI"))
    with pytest.raises(ActionRefused, match="same country"):
        services.record_renewal(actor=recorder, renewed=first, renewal=renewal)
    assert not first.renewals.exists()


# Linking cases ---------------------------------------------------------------------------------------


def test_a_case_on_a_request_comes_to_rest_on_a_mandate_too(recorder, officer, frozen):
    case = new_request(actor=recorder, state="HTI")
    assert case.basis == Basis.REQUEST
    mandate = new_mandate(state="HTI", actor=recorder)
    assert services.link_case(actor=officer, mandate=mandate, case=case) is True
    assert services.link_case(actor=officer, mandate=mandate, case=case) is False  # linked already: nothing new
    case.refresh_from_db()
    assert case.basis == Basis.BOTH
    [linked] = events(case, "mandate_linked")
    assert (linked["mandate"], linked["basis"]) == (mandate.symbol, "both")

    assert services.unlink_case(actor=officer, mandate=mandate, case=case) is True
    assert case.basis == Basis.REQUEST
    [unlinked] = events(case, "mandate_unlinked")
    assert (unlinked["mandate"], unlinked["basis"]) == (mandate.symbol, "request")


def test_a_case_rests_only_on_mandates_for_its_own_country(recorder, officer, frozen):
    case = new_request(actor=recorder, state="HTI")
    mandate = new_mandate(state="MLI", actor=recorder)
    with pytest.raises(ActionRefused, match="concerns Mali, not Haiti"):
        services.link_case(actor=officer, mandate=mandate, case=case)
    assert not case.mandates.exists()


def test_the_last_mandate_of_a_case_without_a_request_stays_until_another_replaces_it(recorder, officer, frozen):
    case = new_request(actor=recorder, state="HTI", mandate="security_council")
    [first] = case.mandates.all()
    with pytest.raises(ActionRefused, match="rests on .* alone"):
        services.unlink_case(actor=officer, mandate=first, case=case)
    replacement = new_mandate(state="HTI", actor=recorder)
    services.set_case_mandates(actor=officer, case=case, mandates=[replacement])
    assert list(case.mandates.all()) == [replacement]
    assert [e["mandate"] for e in events(case, "mandate_linked")] == [replacement.symbol]
    assert [e["mandate"] for e in events(case, "mandate_unlinked")] == [first.symbol]


def test_linking_needs_the_right_to_edit_the_case(recorder, frozen):
    case = new_request(actor=recorder, state="HTI")
    mandate = new_mandate(state="HTI", actor=recorder)
    with pytest.raises(ActionRefused, match="permission to change what a case rests on"):
        services.link_case(actor=UserFactory(is_staff=True), mandate=mandate, case=case)
    assert not case.mandates.exists()


def test_correcting_a_mandate_tells_its_cases(recorder, frozen):
    case = new_request(actor=recorder, state="HTI", mandate="security_council")
    [mandate] = case.mandates.all()
    mandate.expires_on = TODAY + 90 * DAY
    services.update_mandate(actor=recorder, mandate=mandate, changes={"expires on": ["", "8 Jun 2026"]})
    assert events(case, "mandate_updated") == [
        {"mandate": mandate.symbol, "changes": {"expires on": ["", "8 Jun 2026"]}}
    ]


# The case's basis and the rules that rest on it -------------------------------------------------------


def test_a_case_on_both_a_request_and_a_mandate_skips_the_eligibility_review(recorder, officer, frozen):
    case = new_request(actor=recorder, state="HTI", origin="government", mandate="security_council")
    assert case.basis == Basis.BOTH
    [registered] = events(case, "registered")
    assert registered["basis"] == "both" and registered["mandates"] == [case.mandates.get().symbol]
    with pytest.raises(ActionRefused, match="skips the eligibility review"):
        case_services.start_review(actor=officer, case=case)
    case = recommend(case, actor=officer)  # from "received": no review for a case on a mandate
    case = case_services.start_assessment(actor=officer, case=case, method="desk_review")
    assert case.stage == Stage.NEEDS_ASSESSMENT


@pytest.mark.parametrize(
    ("fields", "allowed"),
    [
        ({}, False),
        ({"mandate": "security_council"}, True),
        ({"mandate": "general_assembly", "origin": "government"}, True),
    ],
    ids=["request", "mandate", "both"],
)
def test_observation_is_decided_only_for_a_case_that_rests_on_a_mandate(officer, fields, allowed):
    from tests.factories import assist_params, assistance_type

    case = case_in_stage(Stage.AWAITING_DECISION, actor=officer, **fields)
    params = assist_params(assistance_types=[assistance_type("observation")])
    if allowed:
        case = case_services.record_decision(actor=officer, case=case, **params)
        assert case.stage == Stage.DECISION_COMMUNICATED
    else:
        with pytest.raises(ActionRefused, match="only be provided on a Security Council or General Assembly mandate"):
            case_services.record_decision(actor=officer, case=case, **params)
