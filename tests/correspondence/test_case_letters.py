"""The letters a case's steps make: the request letter first, the acknowledgement and the decision letter
out, a letter's file joining its entry (requests_app/correspondence/services.py: file_from_case_event)."""

import datetime

import pytest
from django.utils import timezone

from requests_app.cases import services as cases
from requests_app.cases.choices import AuthorityType, DecisionOutcome, Stage
from requests_app.correspondence.models import Channel, Direction, Letter, LetterKind, Purpose, SenderKind
from requests_app.documents import services as documents
from requests_app.documents.models import DocumentKind
from tests.factories import REQUESTERS, assist_params, case_in_stage, new_request, pdf_upload

pytestmark = pytest.mark.django_db


def letters_of(case):
    return list(Letter.objects.filter(case=case).order_by("id"))


def test_registering_a_request_files_its_letter_first(officer):
    case = new_request(actor=officer, received_days_ago=4, summary="Support to voter registration.")
    [letter] = letters_of(case)
    assert (letter.direction, letter.purpose, letter.kind) == (Direction.IN, Purpose.REQUEST, LetterKind.LETTER)
    assert (letter.date, letter.received_on) == (case.letter_date, case.received_date)
    assert (letter.sender, letter.sender_kind) == ("Minister for Foreign Affairs", SenderKind.STATE)
    assert letter.country == case.member_state and letter.notes == "Support to voter registration."
    assert letter.registered_by == officer
    # The registration's own event records it: no second line in the history.
    assert [e.action for e in case.events.all()] == ["registered"]


def test_a_permanent_mission_writes_a_note_verbale_through_the_mission(officer):
    case = new_request(actor=officer, authority_type=AuthorityType.PERMANENT_MISSION)
    [letter] = letters_of(case)
    assert (letter.kind, letter.channel) == (LetterKind.NOTE_VERBALE, Channel.PERMANENT_MISSION)


def test_a_mandate_has_no_request_letter(officer):
    case = new_request(actor=officer, **REQUESTERS["security_council"])
    assert letters_of(case) == []


def test_the_acknowledgement_goes_out_in_reply_to_the_request(officer):
    case = new_request(actor=officer)
    cases.start_review(actor=officer, case=case, comment="Acknowledged by letter.")
    request, acknowledgement = letters_of(case)
    today = timezone.localdate()
    assert (acknowledgement.direction, acknowledgement.purpose) == (Direction.OUT, Purpose.ACKNOWLEDGEMENT)
    assert (acknowledgement.in_reply_to, acknowledgement.date, acknowledgement.notes) == (
        request,
        today,
        "Acknowledged by letter.",
    )
    assert acknowledgement.recipient == case.requesting_authority
    request.refresh_from_db()
    assert request.replied_on == today


def test_a_decision_communicated_is_a_decision_letter_dated_when_it_was_sent(officer):
    case = case_in_stage(Stage.AWAITING_DECISION, actor=officer)
    sent_on = timezone.localdate() - datetime.timedelta(days=1)
    cases.record_decision(actor=officer, case=case, communicated_on=sent_on, **assist_params())
    decision = letters_of(case)[-1]
    assert (decision.purpose, decision.direction, decision.date) == (Purpose.DECISION, Direction.OUT, sent_on)
    assert decision.subject == "Decision on the request: Assist"


def test_a_deferral_sends_no_decision_letter_yet(officer):
    case = case_in_stage(Stage.AWAITING_DECISION, actor=officer)
    before = len(letters_of(case))
    cases.record_decision(
        actor=officer,
        case=case,
        outcome=DecisionOutcome.DEFER,
        reason="The calendar is not adopted.",
        revisit_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    assert len(letters_of(case)) == before


def test_a_decline_at_review_is_a_reply_with_its_reason(officer):
    case = case_in_stage(Stage.UNDER_REVIEW, actor=officer)
    cases.decline_request(actor=officer, case=case, comment="The signatory cannot bind the State.")
    reply = letters_of(case)[-1]
    assert (reply.purpose, reply.notes) == (Purpose.DECISION, "The signatory cannot bind the State.")


def test_a_letter_file_joins_its_entry_and_a_second_one_is_an_entry_of_its_own(officer):
    case = new_request(actor=officer)
    request_letter = documents.attach_document(
        actor=officer, case=case, kind=DocumentKind.REQUEST_LETTER, upload=pdf_upload("request.pdf")
    )
    [request] = letters_of(case)
    assert request.document == request_letter and request.file_name == "request.pdf"
    cases.start_review(actor=officer, case=case)
    acknowledgement = documents.attach_document(
        actor=officer, case=case, kind=DocumentKind.ACKNOWLEDGEMENT, upload=pdf_upload("ack.pdf")
    )
    assert letters_of(case)[1].document == acknowledgement
    # A further request letter (a corrected copy) is a letter of its own, received.
    documents.attach_document(actor=officer, case=case, kind=DocumentKind.REQUEST_LETTER, upload=pdf_upload("v2.pdf"))
    third = letters_of(case)[2]
    assert (third.direction, third.purpose, third.file_name) == (Direction.IN, Purpose.REQUEST, "v2.pdf")
    # Other documents are not letters.
    documents.attach_document(actor=officer, case=case, kind=DocumentKind.TERMS_OF_REFERENCE, upload=pdf_upload())
    assert len(letters_of(case)) == 3


def test_a_letter_that_cannot_be_filed_undoes_its_step(officer, monkeypatch):
    """The letter is filed in the step's transaction: the step and its letter happen together, or neither."""
    case = new_request(actor=officer)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("requests_app.correspondence.services._answer", broken)
    with pytest.raises(RuntimeError):
        cases.start_review(actor=officer, case=case)
    case.refresh_from_db()
    assert case.stage == Stage.RECEIVED
    assert [e.action for e in case.events.all()] == ["registered"]
    assert [letter.purpose for letter in letters_of(case)] == [Purpose.REQUEST]
