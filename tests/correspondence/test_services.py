"""Registering letters (requests_app/correspondence/services.py): in, out, replies, letters not considered."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from requests_app.cases.models import AssistanceRequest
from requests_app.core.errors import ActionRefused
from requests_app.correspondence import services
from requests_app.correspondence.models import Direction, Letter, LetterStatus, SenderKind
from requests_app.history.models import CaseEvent
from tests.correspondence.helpers import (
    days,
    details,
    file_not_considered,
    party_letter,
    party_reply,
    reply_details,
)
from tests.factories import PDF_BYTES, member_state, new_request, pdf_upload

pytestmark = pytest.mark.django_db


def refused(call, **kwargs):
    """The call must refuse and change nothing; the refusal's text."""
    letters, events = Letter.objects.count(), CaseEvent.objects.count()
    with pytest.raises(ActionRefused) as refusal:
        call(**kwargs)
    assert (Letter.objects.count(), CaseEvent.objects.count()) == (letters, events)
    return " ".join(refusal.value.messages)


# Letters of a case ---------------------------------------------------------------------------------


def test_a_note_verbale_received_on_a_case_is_filed_with_the_case_and_written_in_its_history(ghana_officer):
    case = new_request(officer=ghana_officer, state="GHA")
    letter = services.register_incoming(
        actor=ghana_officer,
        case=case,
        details=details(reply_due_on=days(10), upload=pdf_upload("calendar.pdf")),
        comment="The calendar we asked for.",
    )
    letter.refresh_from_db()
    assert (letter.direction, letter.case, letter.country) == (Direction.IN, case, member_state("GHA"))
    assert letter.awaits_reply and letter.reply_due_on == days(10)
    assert letter.original_name == "calendar.pdf" and letter.file.read(5) == b"%PDF-"
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert (event.action, event.actor, event.comment) == (
        "letter_received",
        ghana_officer,
        "The calendar we asked for.",
    )
    assert event.action_label == "Letter received"
    text = event.details_text
    assert "kind: Note verbale" in text and "channel: Permanent Mission" in text
    assert "subject: Transmission of the electoral calendar" in text and "reply due:" in text
    assert "letter:" not in text  # its id identifies the letter; the line says what it is


def test_a_reply_sent_marks_the_letter_replied(ghana_officer):
    case = new_request(officer=ghana_officer, state="GHA")
    received = services.register_incoming(actor=ghana_officer, case=case, details=details(reply_due_on=days(10)))
    reply = services.register_outgoing(actor=ghana_officer, details=reply_details(), in_reply_to=received)
    received.refresh_from_db()
    assert received.replied_on == days(-1) and not received.awaits_reply
    assert reply.case == case, "a reply concerns the case of the letter it answers"
    assert [e.action for e in CaseEvent.objects.filter(case=case).order_by("id")][-2:] == [
        "letter_received",
        "letter_sent",
    ]


def test_a_letter_of_a_case_concerns_the_case_country(ghana_officer, focal_point):
    case = new_request(state="GHA")
    message = refused(
        services.register_incoming, actor=focal_point, case=case, country=member_state("PER"), details=details()
    )
    assert "concerns Ghana" in message


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"date": days(1)}, "cannot be dated after today"),
        ({"received_on": days(-9)}, "cannot be received before the date it bears"),
        ({"received_on": days(2), "date": days(-1)}, "cannot be in the future"),
        ({"reply_due_on": days(-4)}, "cannot be due before the letter arrived"),
        ({"subject": "  "}, "Give the letter's subject"),
        ({"sender": "Mission\nof Ghana"}, "control characters"),
        ({"subject": "x" * 301}, "at most 300 characters"),
        ({"kind": "telegram"}, "Choose the kind of letter"),
        ({"upload": SimpleUploadedFile("calendar.pdf", b"%PDF-1.4 not really")}, "does not contain what its name says"),
        ({"upload": SimpleUploadedFile("calendar.exe", PDF_BYTES)}, "not accepted"),
    ],
)
def test_a_letter_that_cannot_be_right_is_refused_with_what_to_correct(focal_point, overrides, message):
    case = new_request(state="GHA")
    assert message in refused(services.register_incoming, actor=focal_point, case=case, details=details(**overrides))


def test_only_a_letter_received_has_a_reply_due(focal_point):
    message = refused(
        services.register_outgoing,
        actor=focal_point,
        country=member_state("GHA"),
        details=reply_details(reply_due_on=days(4)),
    )
    assert "Only a letter received" in message


def test_a_reply_answers_a_letter_of_its_country_and_comes_after_it(focal_point):
    received = services.register_incoming(actor=focal_point, country=member_state("GHA"), details=details())
    other_country = refused(
        services.register_outgoing,
        actor=focal_point,
        country=member_state("PER"),
        details=reply_details(),
        in_reply_to=received,
    )
    assert "same country" in other_country
    too_early = refused(
        services.register_outgoing, actor=focal_point, details=reply_details(date=days(-6)), in_reply_to=received
    )
    assert "before the letter it answers" in too_early


def test_an_officer_files_letters_of_their_desk_and_of_the_cases_they_work(ghana_officer, finance):
    colleague_case = new_request(state="GHA")  # their desk's, assigned to nobody: a team lead's to move
    own_case = new_request(state="GHA", officer=ghana_officer)
    services.register_incoming(actor=ghana_officer, case=own_case, details=details())
    services.register_incoming(actor=ghana_officer, country=member_state("GHA"), details=details())
    assert "permission" in refused(
        services.register_incoming, actor=ghana_officer, case=colleague_case, details=details()
    )
    assert "permission" in refused(
        services.register_incoming, actor=ghana_officer, country=member_state("PER"), details=details()
    )
    assert "permission" in refused(
        services.register_incoming, actor=finance, country=member_state("GHA"), details=details()
    )


# Replies recorded otherwise ------------------------------------------------------------------------


def test_a_letter_answered_otherwise_is_marked_replied_once(ghana_officer):
    case = new_request(officer=ghana_officer, state="GHA")
    letter = services.register_incoming(actor=ghana_officer, case=case, details=details(reply_due_on=days(3)))
    assert "after today" in refused(services.mark_replied, actor=ghana_officer, letter=letter, replied_on=days(1))
    assert "before the letter" in refused(
        services.mark_replied, actor=ghana_officer, letter=letter, replied_on=days(-7)
    )
    services.mark_replied(actor=ghana_officer, letter=letter, replied_on=days(0), comment="Answered at the meeting.")
    letter.refresh_from_db()
    assert letter.replied_on == days(0)
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert (event.action, event.comment) == ("letter_replied", "Answered at the meeting.")
    assert "already replied" in refused(services.mark_replied, actor=ghana_officer, letter=letter, replied_on=days(0))


def test_a_letter_sent_is_not_replied_to(focal_point):
    sent = services.register_outgoing(actor=focal_point, country=member_state("GHA"), details=reply_details())
    assert "Only a letter received" in refused(
        services.mark_replied, actor=focal_point, letter=sent, replied_on=days(0)
    )


# Letters that are not requests ---------------------------------------------------------------------


def test_a_party_letter_is_filed_not_considered_with_its_reply_and_never_becomes_a_case(clerk_role):
    received, reply = file_not_considered(clerk_role)
    assert received.status == LetterStatus.NOT_CONSIDERED and received.is_incoming
    assert received.case is None and received.country == member_state("GHA")
    assert received.replied_on == days(-2)
    assert (reply.direction, reply.in_reply_to, reply.case) == (Direction.OUT, received, None)
    assert reply.notes.startswith("Only the Government can request")
    assert not AssistanceRequest.objects.exists()
    assert not CaseEvent.objects.exists()


def test_a_state_organ_letter_is_not_filed_as_not_considered(clerk_role):
    message = refused(
        services.register_not_considered,
        actor=clerk_role,
        country=member_state("GHA"),
        letter=party_letter(sender_kind=SenderKind.STATE),
        reply=party_reply(),
    )
    assert "Only a letter from a political party, civil society, a person" in message


def test_the_reply_says_why_the_letter_is_not_considered(clerk_role):
    message = refused(
        services.register_not_considered,
        actor=clerk_role,
        country=member_state("GHA"),
        letter=party_letter(),
        reply=party_reply(notes=" "),
    )
    assert "why the letter is not considered" in message


def test_a_refused_reply_leaves_no_letter_not_considered_behind(clerk_role):
    message = refused(
        services.register_not_considered,
        actor=clerk_role,
        country=member_state("GHA"),
        letter=party_letter(),
        reply=party_reply(date=days(-11)),  # before the letter it answers
    )
    assert "before the letter it answers" in message
