"""The register's pages: the list and its filters, a letter's page, the forms, the case page's section."""

import pytest
from django.urls import reverse

from requests_app.cases.models import AssistanceRequest
from requests_app.correspondence import services
from requests_app.correspondence.models import Letter, LetterStatus
from tests.correspondence.helpers import days, details, file_not_considered, reply_details
from tests.factories import PDF_BYTES, member_state, new_request, pdf_upload

pytestmark = pytest.mark.django_db

LIST = reverse("workspace:letter-list")
NEW = reverse("workspace:letter-new")
NOT_CONSIDERED = reverse("workspace:letter-not-considered")


def subjects(response):
    return [letter.subject for letter in response.context["page"].object_list]


@pytest.fixture
def register(focal_point, clerk_role):
    """A case's note verbale in (reply due), a reply out, a party's letter not considered, a Peru letter."""
    case = new_request(state="GHA")
    received = services.register_incoming(
        actor=focal_point, case=case, details=details(subject="Electoral calendar", reply_due_on=days(5))
    )
    services.register_outgoing(
        actor=focal_point, details=reply_details(subject="Thanks for the calendar", date=days(-2)), in_reply_to=received
    )
    file_not_considered(clerk_role)
    services.register_incoming(
        actor=focal_point,
        country=member_state("PER"),
        details=details(subject="Invitation to observe", sender="Jurado Nacional de Elecciones", channel="direct"),
    )
    return case


def test_the_register_lists_every_letter_and_filters_them(client, focal_point, register):
    client.force_login(focal_point)
    everything = subjects(client.get(LIST))
    assert "Electoral calendar" in everything and "Invitation to observe" in everything
    assert "Request for electoral assistance" in everything  # the case's first letter
    assert subjects(client.get(LIST, {"country": "PER"})) == ["Invitation to observe"]
    assert "Thanks for the calendar" in subjects(client.get(LIST, {"direction": "out"}))
    assert "Electoral calendar" not in subjects(client.get(LIST, {"direction": "out"}))
    assert subjects(client.get(LIST, {"channel": "direct", "direction": "in", "country": "PER"})) == [
        "Invitation to observe"
    ]
    assert set(subjects(client.get(LIST, {"case": register.reference}))) == {
        "Request for electoral assistance",
        "Electoral calendar",
        "Thanks for the calendar",
    }
    assert subjects(client.get(LIST, {"q": "jurado"})) == ["Invitation to observe"]
    assert subjects(client.get(LIST, {"status": "not_considered"})) == [
        "Request that the United Nations observe the elections"
    ]
    recent = subjects(client.get(LIST, {"date_from": days(-2).isoformat(), "date_to": days(-2).isoformat()}))
    assert set(recent) == {"Thanks for the calendar", "Reply: observation of the elections"}


def test_a_filter_that_is_no_date_is_said_and_ignored(client, focal_point, register):
    client.force_login(focal_point)
    response = client.get(LIST, {"date_from": "2026-02-31"})
    assert response.status_code == 200
    assert "This filter was ignored" in response.content.decode()
    assert len(subjects(response)) == Letter.objects.count()


def test_the_case_page_shows_its_letters_and_links_to_register_one(client, focal_point, register):
    client.force_login(focal_point)
    page = client.get(reverse("workspace:case-detail", args=[register.reference])).content.decode()
    assert "Correspondence" in page and "Electoral calendar" in page and "reply due" in page
    assert f"{NEW}?case={register.reference}" in page


def test_a_letter_page_shows_its_replies_and_file(client, focal_point, register):
    letter = Letter.objects.get(subject="Electoral calendar")
    client.force_login(focal_point)
    page = client.get(reverse("workspace:letter-detail", args=[letter.pk])).content.decode()
    assert "Thanks for the calendar" in page and register.reference in page


def test_an_officer_registers_a_note_verbale_with_a_reply_due_on_their_case(client, ghana_officer):
    case = new_request(state="GHA", officer=ghana_officer)
    client.force_login(ghana_officer)
    form = client.get(NEW, {"case": case.reference})
    assert form.context["form"].initial["case"] == case.reference
    response = client.post(
        NEW,
        {
            "direction": "in",
            "kind": "note_verbale",
            "case": case.reference,
            "date": days(-3).isoformat(),
            "received_on": days(-1).isoformat(),
            "channel": "permanent_mission",
            "sender": "Permanent Mission of Ghana",
            "subject": "Revised electoral calendar",
            "reply_due_on": days(7).isoformat(),
            "file": pdf_upload("calendar.pdf"),
        },
    )
    letter = Letter.objects.get(subject="Revised electoral calendar")
    assert response.status_code == 302 and response.url == reverse("workspace:letter-detail", args=[letter.pk])
    assert (letter.case, letter.reply_due_on, letter.registered_by) == (case, days(7), ghana_officer)
    download = client.get(reverse("workspace:letter-file", args=[letter.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_refused_letter_comes_back_with_what_was_typed_and_why(client, ghana_officer):
    client.force_login(ghana_officer)
    data = {
        "direction": "in",
        "kind": "letter",
        "country": "PER",  # not their desk
        "date": days(-1).isoformat(),
        "channel": "direct",
        "sender": "Jurado Nacional de Elecciones",
        "subject": "Invitation",
    }
    response = client.post(NEW, data)
    assert response.status_code == 400
    assert "You do not have permission to register letters" in response.content.decode()
    assert response.context["form"]["subject"].value() == "Invitation"
    unknown = client.post(NEW, {**data, "country": "", "case": "EAS-1999-0001"})
    assert "There is no case EAS-1999-0001 that you can see" in unknown.content.decode()
    fake = client.post(NEW, {**data, "country": "GHA", "file": pdf_upload("x.pdf", b"%PDF-not")})
    assert "does not contain what its name says" in fake.content.decode()
    assert not Letter.objects.filter(subject="Invitation").exists()


def test_a_reply_is_registered_from_the_letter_it_answers(client, focal_point, register):
    letter = Letter.objects.get(subject="Electoral calendar")
    client.force_login(focal_point)
    form = client.get(NEW, {"reply_to": letter.pk}).context["form"]
    assert form.initial["in_reply_to"] == str(letter.pk) and form.initial["direction"] == "out"
    response = client.post(
        NEW,
        {
            "direction": "out",
            "kind": "letter",
            "in_reply_to": str(letter.pk),
            "date": days(0).isoformat(),
            "channel": "permanent_mission",
            "sender": "Focal point",
            "recipient": "Permanent Mission of Ghana",
            "subject": "Second reply",
        },
    )
    assert response.status_code == 302
    reply = Letter.objects.get(subject="Second reply")
    assert (reply.in_reply_to, reply.case, reply.country) == (letter, register, register.member_state)


def test_a_letter_is_marked_replied_from_its_page(client, focal_point, register):
    letter = Letter.objects.get(subject="Invitation to observe")
    client.force_login(focal_point)
    url = reverse("workspace:letter-replied", args=[letter.pk])
    refused = client.post(url, {"replied_on": days(3).isoformat()})
    assert refused.status_code == 400 and "cannot be dated after today" in refused.content.decode()
    assert client.post(url, {"replied_on": days(0).isoformat()}).status_code == 302
    letter.refresh_from_db()
    assert letter.replied_on == days(0)


def test_the_clerk_files_a_party_letter_as_not_considered(client, clerk_role):
    client.force_login(clerk_role)
    assert client.get(NOT_CONSIDERED).status_code == 200
    response = client.post(
        NOT_CONSIDERED,
        {
            "country": "GHA",
            "kind": "letter",
            "sender": "Secretary-General, Democratic Alliance",
            "sender_kind": "political_party",
            "date": days(-8).isoformat(),
            "received_on": days(-6).isoformat(),
            "channel": "direct",
            "subject": "Observe our primaries",
            "file": pdf_upload("party.pdf"),
            "reply_date": days(0).isoformat(),
            "reply_kind": "letter",
            "reply_channel": "direct",
            "reply_text": "Only the Government can request electoral assistance.",
        },
    )
    letter = Letter.objects.get(subject="Observe our primaries")
    assert response.status_code == 302
    assert letter.status == LetterStatus.NOT_CONSIDERED and letter.replied_on == days(0)
    [reply] = letter.replies.all()
    assert (reply.recipient, reply.notes) == (
        "Secretary-General, Democratic Alliance",
        "Only the Government can request electoral assistance.",
    )
    assert not AssistanceRequest.objects.exists()


def test_the_not_considered_form_offers_only_those_who_cannot_request(client, clerk_role):
    client.force_login(clerk_role)
    response = client.post(NOT_CONSIDERED, {"sender_kind": "state", "country": "GHA"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Letter.objects.exists()


@pytest.mark.parametrize("url", [LIST, NEW, NOT_CONSIDERED])
def test_finance_reads_the_register_and_registers_nothing(client, finance, url):
    client.force_login(finance)
    assert client.get(url).status_code == (200 if url == LIST else 403)


def test_a_letter_outside_the_reader_desk_does_not_exist_for_them(client, focal_point, peru_officer, register):
    letter = Letter.objects.get(subject="Electoral calendar")
    client.force_login(peru_officer)
    assert client.get(reverse("workspace:letter-detail", args=[letter.pk])).status_code == 404
    assert client.get(reverse("workspace:letter-file", args=[letter.pk])).status_code == 404
    assert "Electoral calendar" not in subjects(client.get(LIST))


def test_the_intake_form_points_to_the_letters_not_considered(client, clerk_role):
    client.force_login(clerk_role)
    page = client.get(reverse("admin:requests_app_assistancerequest_add")).content.decode()
    assert NOT_CONSIDERED in page
    assert 'value="other_body"' not in page and 'value="political_party"' not in page


def test_the_admin_lists_the_register_read_only(client, focal_point, register):
    client.force_login(focal_point)
    changelist = client.get(reverse("admin:requests_app_letter_changelist"), {"q": "calendar"})
    assert changelist.status_code == 200 and "Electoral calendar" in changelist.content.decode()
    assert client.get(reverse("admin:requests_app_letter_add")).status_code == 403
    letter = Letter.objects.get(subject="Electoral calendar")
    page = client.get(reverse("admin:requests_app_letter_change", args=[letter.pk]))
    assert page.status_code == 200 and reverse("workspace:letter-detail", args=[letter.pk]) in page.content.decode()


def test_a_file_that_is_no_pdf_is_refused_by_the_not_considered_form_too(client, clerk_role):
    client.force_login(clerk_role)
    response = client.post(NOT_CONSIDERED, {"file": pdf_upload("letter.pdf", PDF_BYTES[:20])})
    assert "does not contain what its name says" in response.content.decode()


def test_the_register_and_the_case_page_cost_the_same_queries_with_more_letters(client, focal_point):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = new_request(state="GHA")

    def queries(url):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.force_login(focal_point)
    page = reverse("workspace:case-detail", args=[case.reference])
    few = (queries(LIST), queries(page))
    for number in range(12):
        received = services.register_incoming(
            actor=focal_point, case=case, details=details(subject=f"Letter {number}", reply_due_on=days(3))
        )
        services.register_outgoing(
            actor=focal_point, details=reply_details(subject=f"Reply {number}"), in_reply_to=received
        )
    assert (queries(LIST), queries(page)) == few
