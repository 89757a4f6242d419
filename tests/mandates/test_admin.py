"""Mandates in the admin, and the intake form that rests a case on a request, a mandate or both."""

import datetime

import pytest
from django.urls import reverse

from requests_app.cases.choices import Basis, Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.mandates.models import Mandate
from tests.admin_forms import change_form_data, intake_data
from tests.factories import UserFactory, case_in_stage, member_state, new_mandate, new_request
from tests.mandates.conftest import TODAY

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
LIST_URL = reverse("admin:requests_app_mandate_changelist")
ADD_URL = reverse("admin:requests_app_mandate_add")
CASE_ADD_URL = reverse("admin:requests_app_assistancerequest_add")


def change_url(mandate):
    return reverse("admin:requests_app_mandate_change", args=[mandate.pk])


def mandate_form(**fields):
    data = {
        "member_state": str(member_state("HTI").pk),
        "organ": "security_council",
        "symbol": "S/RES/2734 (2024)",
        "adopted_on": "2024-05-10",
        "expires_on": "",
        "electoral_tasks": "Support to the electoral council.",
    }
    return {**data, **fields}


def test_staff_record_a_mandate_then_its_renewal(client, recorder, frozen):
    client.force_login(recorder)
    response = client.post(ADD_URL, mandate_form(symbol="s/res/2734(2024)", expires_on="2025-05-10"), follow=True)
    assert response.status_code == 200
    first = Mandate.objects.get()
    assert (first.symbol, first.recorded_by, first.expires_on) == (
        "S/RES/2734 (2024)",
        recorder,
        datetime.date(2025, 5, 10),
    )

    page = client.get(change_url(first)).content.decode()
    renew_link = f"{ADD_URL}?renews={first.pk}&amp;member_state={first.member_state_id}&amp;organ=security_council"
    assert renew_link in page
    form = client.get(renew_link.replace("&amp;", "&")).context["adminform"].form
    assert (form.initial["renews"], form.initial["organ"]) == (str(first.pk), "security_council")

    response = client.post(
        ADD_URL,
        mandate_form(
            symbol="S/RES/2780 (2025)", adopted_on="2025-05-01", expires_on="2026-05-01", renews=str(first.pk)
        ),
        follow=True,
    )
    renewal = Mandate.objects.get(symbol="S/RES/2780 (2025)")
    assert renewal.renews == first
    assert f"?renews={first.pk}" not in client.get(change_url(first)).content.decode(), "renewed: once"
    page = client.get(change_url(renewal)).content.decode()
    chain = page[page.index("Renewal chain, first to latest") :]
    assert chain.index("S/RES/2734 (2024)") < chain.index("S/RES/2780 (2025)")


def test_a_second_renewal_of_the_same_mandate_is_refused_on_the_form(client, recorder, frozen):
    first = new_mandate(state="HTI", symbol="S/RES/2734 (2024)", adopted_on=datetime.date(2024, 5, 10), actor=recorder)
    client.force_login(recorder)
    for symbol in ("S/RES/2780 (2025)", "S/RES/2790 (2025)"):
        response = client.post(ADD_URL, mandate_form(symbol=symbol, adopted_on="2025-05-01", renews=str(first.pk)))
    assert response.status_code == 200
    assert "already been renewed" in response.content.decode()
    assert Mandate.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"symbol": "resolution 2734"}, "Write the resolution"),
        ({"organ": "general_assembly"}, "resolution of the Security Council"),
        ({"expires_on": "2024-01-01"}, "cannot expire before"),
        ({"adopted_on": ""}, "This field is required"),
        ({"adopted_on": "2031-01-01"}, "cannot be in the future"),
    ],
)
def test_the_mandate_form_refuses_what_cannot_be_and_says_why(client, recorder, frozen, fields, message):
    client.force_login(recorder)
    response = client.post(ADD_URL, mandate_form(**fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Mandate.objects.exists()


def test_the_list_shows_country_organ_expiry_and_renewals_and_finds_by_symbol(client, recorder, frozen):
    first = new_mandate(state="HTI", symbol="S/RES/2700 (2025)", adopted_on=TODAY - 300 * DAY, actor=recorder)
    client.force_login(recorder)
    client.post(
        ADD_URL,
        mandate_form(
            symbol="S/RES/2780 (2026)",
            adopted_on=(TODAY - 10 * DAY).isoformat(),
            expires_on=(TODAY + 45 * DAY).isoformat(),
            renews=str(first.pk),
        ),
    )
    new_mandate(state="MLI", organ="general_assembly", symbol="A/RES/80/12", actor=recorder)
    page = client.get(LIST_URL).content.decode()
    for text in ("Haiti", "Mali", "Security Council", "General Assembly", "expires in 45 days", "no expiry"):
        assert text in page
    assert "renewed by S/RES/2780 (2026)" in page and "renews S/RES/2700 (2025)" in page

    found = client.get(LIST_URL, {"q": "2780"}).context["cl"].result_list
    assert [m.symbol for m in found] == ["S/RES/2780 (2026)"]
    soon = client.get(LIST_URL, {"expiry": "soon"}).context["cl"].result_list
    assert [m.symbol for m in soon] == ["S/RES/2780 (2026)"]


def test_a_mandate_is_never_deleted_and_unknown_addresses_are_not_found(client, recorder, frozen):
    mandate = new_mandate(state="HTI", actor=recorder)
    client.force_login(recorder)
    assert client.get(reverse("admin:requests_app_mandate_delete", args=[mandate.pk])).status_code == 403
    for junk in ("abc", "99999999999999999999999", "-1", "1.5"):
        assert client.get(f"/admin/requests_app/mandate/{junk}/change/").status_code in (302, 404)


def test_staff_without_the_right_see_no_mandates_in_the_admin(client, frozen):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(LIST_URL).status_code == 403


# The intake form --------------------------------------------------------------------------------------


def test_the_intake_form_opens_a_case_on_both_a_request_and_a_mandate(client, recorder, frozen):
    mandate = new_mandate(
        state="MWI", symbol="S/RES/2734 (2024)", adopted_on=datetime.date(2024, 5, 10), actor=recorder
    )
    client.force_login(recorder)
    response = client.post(CASE_ADD_URL, intake_data(mandate_symbols="s/res/2734(2024)"), follow=True)
    assert response.status_code == 200
    case = AssistanceRequest.objects.get()
    assert (case.basis, list(case.mandates.all()), case.origin) == (Basis.BOTH, [mandate], "government")
    registered = case.events.get(action="registered").details
    assert (registered["basis"], registered["mandates"]) == ("both", ["S/RES/2734 (2024)"])


def test_the_intake_form_opens_a_case_on_a_mandate_alone(client, recorder, frozen):
    new_mandate(state="MWI", symbol="A/RES/80/12", organ="general_assembly", actor=recorder)
    client.force_login(recorder)
    data = intake_data(
        origin="", requesting_authority="", authority_type="", letter_date="", mandate_symbols="A/RES/80/12"
    )
    client.post(CASE_ADD_URL, data, follow=True)
    case = AssistanceRequest.objects.get()
    assert (case.basis, case.requesting_authority, case.letter_date) == (Basis.MANDATE, "", None)


def test_a_mandate_of_another_country_is_not_found_for_the_case(client, recorder, frozen):
    new_mandate(state="HTI", symbol="S/RES/2734 (2024)", adopted_on=datetime.date(2024, 5, 10), actor=recorder)
    client.force_login(recorder)
    response = client.post(CASE_ADD_URL, intake_data(mandate_symbols="S/RES/2734 (2024)"))
    assert "No mandate S/RES/2734 (2024) is recorded for Malawi" in response.content.decode()
    assert not AssistanceRequest.objects.exists()


def test_the_case_form_links_and_unlinks_mandates_each_in_the_history(client, officer, recorder, frozen):
    case = new_request(actor=recorder, state="HTI")
    mandate = new_mandate(state="HTI", actor=recorder)
    client.force_login(officer)
    url = reverse("admin:requests_app_assistancerequest_change", args=[case.pk])
    page = client.get(url)
    client.post(url, {**change_form_data(page), "mandate_symbols": mandate.symbol}, follow=True)
    assert case.basis == Basis.BOTH
    client.post(url, {**change_form_data(client.get(url)), "mandate_symbols": ""}, follow=True)
    assert case.basis == Basis.REQUEST
    assert list(case.events.filter(action__startswith="mandate_").values_list("action", flat=True)) == [
        "mandate_linked",
        "mandate_unlinked",
    ]
    assert not case.events.filter(action="details_updated").exists(), "the links are their own events"


def test_removing_the_request_of_a_case_without_a_mandate_is_refused(client, officer, recorder, frozen):
    case = new_request(actor=recorder, state="HTI")
    client.force_login(officer)
    url = reverse("admin:requests_app_assistancerequest_change", args=[case.pk])
    data = {**change_form_data(client.get(url)), "origin": "", "requesting_authority": "", "authority_type": ""}
    response = client.post(url, data)
    assert "A case rests on a request, a mandate or both" in response.content.decode()
    case.refresh_from_db()
    assert case.origin == "government"


def test_the_case_pages_show_what_the_case_rests_on(client, officer, recorder, frozen):
    mandate = new_mandate(
        state="HTI", symbol="S/RES/2734 (2024)", adopted_on=datetime.date(2024, 5, 10), actor=recorder
    )
    mandate.expires_on = TODAY + 30 * DAY
    mandate.save()
    case = case_in_stage(Stage.NEEDS_ASSESSMENT, actor=officer, state="HTI", origin="government", mandate=mandate)
    client.force_login(officer)
    page = client.get(reverse("workspace:case-detail", args=[case.reference])).content.decode()
    assert "A request and a mandate" in page
    assert "S/RES/2734 (2024)" in page and "expires in 30 days" in page
    assert "Signed by" in page
    admin_page = client.get(reverse("admin:requests_app_assistancerequest_change", args=[case.pk])).content.decode()
    assert "S/RES/2734 (2024)" in admin_page


def test_who_may_only_read_a_case_reads_its_mandates(client, recorder, frozen):
    from tests.factories import user_with_perms

    case = new_request(actor=recorder, state="HTI", mandate="security_council")
    auditor = user_with_perms("view_assistancerequest", "view_all_cases", "view_mandate", is_staff=True)
    client.force_login(auditor)
    page = client.get(reverse("admin:requests_app_assistancerequest_change", args=[case.pk]))
    assert page.status_code == 200
    assert case.mandates.get().symbol in page.content.decode()
    assert client.get(change_url(case.mandates.get())).status_code == 200
    assert client.post(ADD_URL, mandate_form()).status_code == 403
