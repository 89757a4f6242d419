"""Who took part on the case's pages: the section "Coordination", its forms (a refused form keeps what was
typed and says why), the removals, who was told, and who sees and may do what."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app.cases.choices import Stage
from requests_app.coordination import selectors, services
from requests_app.coordination.models import (
    Consultation,
    DecisionNotice,
    ImplementationVehicle,
    MissionMember,
    VehicleKind,
)
from requests_app.core import roles
from requests_app.core.confidentiality import Level
from requests_app.correspondence.models import Letter
from requests_app.documents.models import ConfidentialRead
from tests.coordination.helpers import add_member, basket_fund, consult, partner
from tests.factories import ExpertFactory, case_in_stage, member_of, member_state

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def url(name, case, *args):
    return reverse(f"workspace:{name}", args=[case.reference, *args])


def section(client, case):
    """The section "Coordination" of the case page, as HTML ("" when the page has none)."""
    response = client.get(url("case-detail", case))
    assert response.status_code == 200
    html = response.content.decode()
    if 'id="coordination"' not in html:
        return ""
    start = html.index('id="coordination"')
    return html[start : html.index("</section>", start)]


# The section on the case page ------------------------------------------------------------------------


def test_the_officer_sees_the_section_with_the_links_to_record_on_a_mission(client, mission, desk_officer):
    client.force_login(desk_officer)
    html = section(client, mission)

    assert "Members of the needs assessment mission" in html and "No member of the mission recorded yet." in html
    assert f'href="{url("member-new", mission)}"' in html
    assert f'href="{url("consultation-new", mission)}"' in html
    assert "Vehicle of implementation" not in html  # not before implementation
    assert "Who was told of the decision" not in html  # no decision yet


def test_a_desk_review_says_it_has_no_members(client, desk_review, desk_officer):
    client.force_login(desk_officer)
    html = section(client, desk_review)

    assert "The needs are assessed by a desk review: no mission, so no members." in html
    assert url("member-new", desk_review) not in html


def test_a_case_not_yet_assessed_has_no_section(client, registrar, desk_officer):
    case = case_in_stage(Stage.UNDER_REVIEW, actor=registrar, officer=desk_officer)
    client.force_login(desk_officer)
    assert section(client, case) == ""


def test_a_colleague_reads_the_section_without_the_links_to_write(client, mission, desk_officer, colleague):
    add_member(desk_officer, mission)
    client.force_login(colleague)
    html = section(client, mission)

    assert "Ingrid Solberg" in html and "DPPA Electoral Assistance Division" in html and "Team leader" in html
    assert url("member-new", mission) not in html and "Remove…" not in html


def test_an_outcome_the_reader_may_not_read_shows_as_existing_and_one_shown_is_recorded(
    client, mission, desk_officer, focal
):
    consult(focal, mission, level=Level.STRICTLY_CONFIDENTIAL, outcome="What the minister said in private.")
    consult(desk_officer, mission, level=Level.CONFIDENTIAL, outcome="Two parties would boycott.")

    client.force_login(desk_officer)
    html = section(client, mission)
    assert "What the minister said in private." not in html
    assert "Strictly confidential: the outcome is not shown to your role." in html
    assert "Two parties would boycott." in html
    read = ConfidentialRead.objects.get(reader=desk_officer, subject_type__model="consultation")
    assert (read.level, read.place) == (Level.CONFIDENTIAL, ConfidentialRead.Place.CASE_PAGE)
    assert read.subject == "Outcome of the consultation with Electoral Commission of Ghana"


def test_the_section_shows_the_vehicle_its_donors_and_who_was_told(client, implementing, desk_officer, focal):
    services.record_vehicle(actor=desk_officer, case=implementing, terms=basket_fund())
    client.force_login(focal)
    html = section(client, implementing)

    assert "Support to the Electoral Cycle in Ghana" in html and "6,800,000.00 USD" in html
    assert "European Union (EU)" in html and "2,500,000.00 EUR" in html and "Norway" in html
    assert "The requester, through the Permanent Mission:" in html and "the decision letter" in html
    [version] = selectors.who_was_told(implementing)
    key = version.key.replace(":", "%3A")
    told_link = f"{url('told-new', implementing)}?version={key}&amp;audience=resident_coordinator"
    assert told_link in html and "not yet told" in html


# Members --------------------------------------------------------------------------------------------------


def test_the_officer_adds_a_member_from_the_form(client, mission, desk_officer):
    client.force_login(desk_officer)
    form_page = client.get(url("member-new", mission))
    assert form_page.status_code == 200 and not form_page.context["refusals"]

    response = client.post(
        url("member-new", mission),
        {"name": "Fatou Ndiaye", "organisation": "regional", "organisation_name": "African Union", "role": "member"},
    )

    assert response.status_code == 302 and response["Location"].endswith("#coordination")
    member = MissionMember.objects.get()
    assert (member.name, member.organisation_label) == ("Fatou Ndiaye", "African Union")
    page = client.get(response["Location"]).content.decode()
    assert "Fatou Ndiaye is recorded as a member of the mission." in page
    assert "Mission member added" in page  # the timeline


def test_a_member_may_be_an_expert_of_the_roster(client, mission, desk_officer):
    expert = ExpertFactory(given_name="Hamza", family_name="Abdi")
    client.force_login(desk_officer)

    client.post(url("member-new", mission), {"expert": expert.pk, "organisation": "dppa_ead", "role": "member"})

    assert MissionMember.objects.get().expert == expert
    assert f'href="{reverse("workspace:expert-detail", args=[expert.pk])}"' in section(client, mission)


def test_a_refused_member_keeps_what_was_typed_and_says_why(client, desk_review, desk_officer):
    client.force_login(desk_officer)
    response = client.post(
        url("member-new", desk_review), {"name": "Kwame Asante", "organisation": "undp", "role": "member"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "a desk review sends no mission, so it has no members" in html
    assert 'value="Kwame Asante"' in html
    assert not MissionMember.objects.exists()


def test_a_member_without_name_or_expert_is_asked_for_one(client, mission, desk_officer):
    client.force_login(desk_officer)
    response = client.post(url("member-new", mission), {"name": "", "organisation": "other", "role": "member"})

    assert response.status_code == 400
    assert "Give the member&#x27;s name, or choose the expert of the roster." in response.content.decode()


def test_a_member_is_removed_from_the_case_page(client, mission, desk_officer):
    member = add_member(desk_officer, mission, name="Kwame Asante", organisation="undp")
    client.force_login(desk_officer)
    assert url("member-remove", mission, member.pk) in section(client, mission)

    confirm = client.get(url("member-remove", mission, member.pk))
    assert confirm.status_code == 200 and "Kwame Asante" in confirm.content.decode()
    response = client.post(url("member-remove", mission, member.pk))

    assert response.status_code == 302 and not MissionMember.objects.exists()
    assert "Kwame Asante is no longer recorded on the mission." in client.get(response["Location"]).content.decode()


def test_a_removal_refused_says_why_and_keeps_the_member(client, mission, desk_officer, colleague):
    member = add_member(desk_officer, mission)
    client.force_login(colleague)

    response = client.post(url("member-remove", mission, member.pk))

    assert response.status_code == 400 and "This case is not assigned to you" in response.content.decode()
    assert MissionMember.objects.count() == 1


def test_a_member_of_another_case_is_not_found(client, mission, desk_review, desk_officer):
    member = add_member(desk_officer, mission)
    client.force_login(desk_officer)
    assert client.get(url("member-remove", desk_review, member.pk)).status_code == 404
    assert client.post(url("member-remove", desk_review, member.pk)).status_code == 404
    assert MissionMember.objects.count() == 1


# Consultations ------------------------------------------------------------------------------------------------


def test_the_officer_records_a_consultation_from_the_form(client, mission, desk_officer):
    client.force_login(desk_officer)
    response = client.post(
        url("consultation-new", mission),
        {
            "counterpart": "civil_society",
            "name": "Coalition of Domestic Observers",
            "held_on": TODAY().isoformat(),
            "outcome": "The coalition will deploy 2,000 observers.",
            "level": "internal",
        },
    )

    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert (consultation.counterpart, consultation.held_on) == ("civil_society", TODAY())
    html = section(client, mission)
    assert "Civil society" in html and "The coalition will deploy 2,000 observers." in html


def test_a_consultation_in_the_future_is_refused_with_what_was_typed(client, mission, desk_officer):
    client.force_login(desk_officer)
    tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        url("consultation-new", mission),
        {
            "counterpart": "government",
            "name": "Ministry of the Interior",
            "held_on": tomorrow,
            "outcome": "Security plan",
            "level": "internal",
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "The consultation cannot have been held after today." in html
    assert 'value="Ministry of the Interior"' in html and f'value="{tomorrow}"' in html and "Security plan" in html
    assert not Consultation.objects.exists()


def test_a_consultation_is_removed(client, mission, desk_officer):
    consultation = consult(desk_officer, mission)
    client.force_login(desk_officer)

    response = client.post(url("consultation-remove", mission, consultation.pk))

    assert response.status_code == 302 and not Consultation.objects.exists()


# Vehicles -----------------------------------------------------------------------------------------------------


def vehicle_data(**overrides):
    data = {
        "kind": "undp_project",
        "title": "Support to the Electoral Cycle in Ghana",
        "project_id": "00131872",
        "signed_on": TODAY().isoformat(),
        "budget": "6800000",
        "currency": "usd",
        "basket_fund": "on",
        "mandate": "",
        "donors-TOTAL_FORMS": "3",
        "donors-INITIAL_FORMS": "0",
        "donors-MIN_NUM_FORMS": "0",
        "donors-MAX_NUM_FORMS": "30",
        "donors-0-donor": f"partner:{partner().pk}",
        "donors-0-pledged": "2500000",
        "donors-0-currency": "EUR",
        "donors-1-donor": "state:NOR",
        "donors-1-pledged": "18000000",
        "donors-1-currency": "nok",
        "donors-2-donor": "",
        "donors-2-pledged": "",
        "donors-2-currency": "",
    }
    data.update(overrides)
    return data


def test_the_officer_records_a_undp_project_with_a_basket_fund_of_two_donors(client, implementing, desk_officer):
    client.force_login(desk_officer)
    form = client.get(url("vehicle-new", implementing))
    assert form.status_code == 200 and len(form.context["donors"].forms) == 3

    response = client.post(url("vehicle-new", implementing), vehicle_data())

    assert response.status_code == 302
    vehicle = ImplementationVehicle.objects.get()
    assert (vehicle.budget, vehicle.currency, vehicle.basket_fund) == (Decimal("6800000.00"), "USD", True)
    assert sorted((str(d.donor), d.currency) for d in vehicle.donors.all()) == [
        ("European Union (EU)", "EUR"),
        ("Norway", "NOK"),
    ]


def test_a_refused_vehicle_keeps_the_donors_typed(client, on_mandate, desk_officer):
    client.force_login(desk_officer)
    response = client.post(url("vehicle-new", on_mandate), vehicle_data(kind="peace_operation"))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Only a UNDP project has a project ID" in html
    assert 'value="18000000"' in html and 'value="state:NOR" selected' in html
    assert not ImplementationVehicle.objects.exists()


def test_a_donor_row_without_its_donor_is_pointed_at(client, implementing, desk_officer):
    client.force_login(desk_officer)
    response = client.post(url("vehicle-new", implementing), vehicle_data(**{"donors-2-pledged": "40000"}))

    assert response.status_code == 400
    assert "Choose the donor, or empty the row." in response.content.decode()


def test_a_peace_operation_on_a_mandate_the_case_does_not_rest_on_is_refused(client, on_mandate, desk_officer):
    from tests.factories import new_mandate

    other = new_mandate(state="GHA", symbol="S/RES/2999 (2026)")
    client.force_login(desk_officer)
    form = client.get(url("vehicle-new", on_mandate)).context["form"]
    assert list(form.fields["mandate"].queryset) == [on_mandate.mandates.get(), other]

    data = {"kind": "peace_operation", "title": "UNMIG", "mandate": other.pk, "donors-TOTAL_FORMS": "0"}
    data |= {"donors-INITIAL_FORMS": "0", "donors-MIN_NUM_FORMS": "0", "donors-MAX_NUM_FORMS": "30"}
    response = client.post(url("vehicle-new", on_mandate), data)

    assert response.status_code == 400
    assert "The case does not rest on S/RES/2999 (2026)" in response.content.decode()
    data["mandate"] = on_mandate.mandates.get().pk
    assert client.post(url("vehicle-new", on_mandate), data).status_code == 302
    assert ImplementationVehicle.objects.get().kind == VehicleKind.PEACE_OPERATION


def test_the_edit_form_starts_from_the_vehicle_and_its_donors(client, implementing, desk_officer):
    vehicle = services.record_vehicle(actor=desk_officer, case=implementing, terms=basket_fund())
    client.force_login(desk_officer)
    response = client.get(url("vehicle-edit", implementing, vehicle.pk))

    assert response.context["form"].initial["title"] == "Support to the Electoral Cycle in Ghana"
    rows = response.context["donors"].forms
    assert [row.initial.get("donor") for row in rows[:2]] == [f"partner:{partner().pk}", "state:NOR"]
    assert len(rows) == 5  # the two donors and three empty rows

    # As the page posts it: the two donors' rows first (Norway's emptied, to take it off), then the empty ones.
    data = vehicle_data(**{"donors-1-donor": "", "donors-1-pledged": "", "donors-1-currency": "", "budget": "7000000"})
    data |= {"donors-INITIAL_FORMS": "2", "donors-TOTAL_FORMS": "5"}
    assert client.post(url("vehicle-edit", implementing, vehicle.pk), data).status_code == 302
    vehicle.refresh_from_db()
    assert vehicle.budget == Decimal("7000000.00") and [str(d.donor) for d in vehicle.donors.all()] == [
        "European Union (EU)"
    ]


def test_before_implementation_the_vehicle_form_says_when_it_is_recorded(client, registrar, desk_officer):
    decided = case_in_stage(Stage.DECISION_COMMUNICATED, actor=registrar, officer=desk_officer)
    client.force_login(desk_officer)

    response = client.get(url("vehicle-new", decided))

    assert "recorded while the assistance is implemented or reported on" in response.content.decode()


# Who was told --------------------------------------------------------------------------------------------------


def test_the_focal_point_records_who_was_told_from_the_link_on_the_case_page(client, implementing, focal):
    [version] = selectors.who_was_told(implementing)
    client.force_login(focal)
    link = f"{url('told-new', implementing)}?version={version.key}&audience=resident_coordinator"

    form = client.get(link).context["form"]
    assert form.initial["audience"] == "resident_coordinator"
    assert form.initial["recipient"] == "Resident Coordinator in Ghana"
    assert form.initial["date"] == TODAY()
    data = {name: form.initial[name] for name in ("version", "audience", "recipient", "subject", "channel", "kind")}
    response = client.post(url("told-new", implementing), data | {"date": TODAY().isoformat(), "notes": ""})

    assert response.status_code == 302
    notice = DecisionNotice.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Recorded: The Resident Coordinator was told, by the letter to Resident Coordinator in Ghana." in page
    assert f'href="{reverse("workspace:letter-detail", args=[notice.letter.pk])}"' in page
    register = client.get(reverse("workspace:letter-list") + f"?case={implementing.reference}").content.decode()
    assert "For information: Decision on the request: Assist" in register


def test_a_told_letter_refused_keeps_what_was_typed(client, implementing, focal):
    [version] = selectors.who_was_told(implementing)
    client.force_login(focal)
    data = {
        "version": version.key,
        "audience": "resident_coordinator",
        "date": (version.day - datetime.timedelta(days=1)).isoformat(),
        "recipient": "Ms Amina Diallo, Resident Coordinator",
        "subject": "Decision",
        "channel": "resident_coordinator",
        "kind": "email",
    }

    response = client.post(url("told-new", implementing), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "A letter cannot tell of a decision before it was taken" in html
    assert 'value="Ms Amina Diallo, Resident Coordinator"' in html
    assert not DecisionNotice.objects.exists()


def test_the_officer_reads_who_was_told_but_is_refused_to_record_it(client, implementing, desk_officer):
    client.force_login(desk_officer)
    assert "Record who was told" not in section(client, implementing)

    response = client.get(url("told-new", implementing))
    assert "Only the focal point records who was told of a decision." in response.content.decode()


def test_once_everyone_is_told_the_page_says_so(client, implementing, focal):
    [version] = selectors.who_was_told(implementing)
    from tests.coordination.helpers import told

    services.record_told(actor=focal, case=implementing, notice=told(implementing, version.key, "resident_coordinator"))
    client.force_login(focal)

    html = client.get(url("told-new", implementing)).content.decode()
    assert "Everyone who must know has been told of every decision and amendment of this case." in html
    assert "not yet told" not in section(client, implementing)
    assert Letter.objects.filter(decision_notice__isnull=False).count() == 1


# Who may open the pages ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["member-new", "consultation-new", "vehicle-new", "told-new"])
def test_pages_of_a_case_outside_the_readers_scope_do_not_exist(client, implementing, name):
    from requests_app.cases.models import RegionalDesk
    from requests_app.reference.models import RegionalGroup

    outsider = member_of(roles.ELECTORAL_OFFICER)
    RegionalDesk.objects.get(regional_group=RegionalGroup.ASIA_PACIFIC).members.add(outsider)
    client.force_login(outsider)
    assert client.get(url(name, implementing)).status_code == 404


def test_a_user_without_the_right_to_read_them_is_refused(client, implementing):
    from tests.factories import user_with_perms

    client.force_login(user_with_perms("view_assistancerequest", "view_all_cases", is_staff=True))
    assert client.get(url("vehicle-new", implementing)).status_code == 403
    assert section(client, implementing) == ""


def test_a_basket_fund_donor_is_a_member_state_or_a_partner_in_the_form(client, implementing, desk_officer):
    client.force_login(desk_officer)
    html = client.get(url("vehicle-new", implementing)).content.decode()
    assert '<optgroup label="Partner organisations">' in html and '<optgroup label="Member States">' in html
    assert f'value="state:{member_state("NOR").iso3}"' in html
    assert 'value="state:PSE"' not in html  # an observer State is no Member State
