"""A letter's level (issue 14): its default by kind, chosen when it is registered, changed later with a
comment written in its history and its case's (correspondence.services), and who reads it (selectors)."""

import pytest

from requests_app.cases.choices import Stage
from requests_app.core import roles
from requests_app.core.confidentiality import Level
from requests_app.core.errors import ActionRefused
from requests_app.correspondence import selectors, services
from requests_app.correspondence.models import Letter, LetterEvent, Purpose, default_level
from requests_app.history.models import CaseEvent
from tests.correspondence.helpers import details, file_not_considered, in_role, party_reply, reply_details
from tests.factories import case_in_stage, member_state, new_request, pdf_upload, user_with_perms

pytestmark = pytest.mark.django_db


def refused(call, **kwargs):
    """The call must refuse and change nothing (letters, their levels, both histories); the refusal's text."""
    before = (
        list(Letter.objects.values_list("pk", "level")),
        CaseEvent.objects.count(),
        LetterEvent.objects.count(),
    )
    with pytest.raises(ActionRefused) as refusal:
        call(**kwargs)
    after = (list(Letter.objects.values_list("pk", "level")), CaseEvent.objects.count(), LetterEvent.objects.count())
    assert after == before
    return " ".join(refusal.value.messages)


# Levels at registration -----------------------------------------------------------------------------


def test_every_kind_of_letter_is_internal_unless_its_registrar_chooses(officer, ghana_officer, clerk_role):
    case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=officer, state="GHA", officer=ghana_officer)
    case_letters = Letter.objects.filter(case=case)
    assert {letter.purpose for letter in case_letters} == {Purpose.REQUEST, Purpose.ACKNOWLEDGEMENT, Purpose.DECISION}
    assert {letter.level for letter in case_letters} == {Level.INTERNAL}
    received = services.register_incoming(actor=ghana_officer, case=case, details=details())
    sent = services.register_outgoing(actor=ghana_officer, details=reply_details(), in_reply_to=received)
    party, reply = file_not_considered(clerk_role)
    assert [letter.level for letter in (received, sent, party, reply)] == [Level.INTERNAL] * 4
    assert default_level("in", Purpose.REQUEST) == default_level("out", Purpose.DECISION) == Level.INTERNAL


def test_a_letter_registered_confidential_writes_its_case_entry_at_that_level(ghana_officer):
    case = new_request(officer=ghana_officer, state="GHA")
    letter = services.register_incoming(
        actor=ghana_officer,
        case=case,
        details=details(level=Level.CONFIDENTIAL, upload=pdf_upload("opposition-leader.pdf")),
        comment="The minister's private view.",
    )
    assert Letter.objects.get(pk=letter.pk).level == Level.CONFIDENTIAL
    entry = case.events.latest("id")
    assert (entry.action, entry.level) == ("letter_received", Level.CONFIDENTIAL)


def test_a_letter_not_considered_and_its_reply_share_the_level_chosen(clerk_role):
    letter, reply = file_not_considered(clerk_role, level=Level.PUBLIC)
    assert (letter.level, reply.level) == (Level.PUBLIC, Level.PUBLIC)
    reply_own = services.register_not_considered(
        actor=clerk_role,
        country=member_state("GHA"),
        letter=details(sender_kind="person", sender="A. Citizen", subject="A complaint"),
        reply=party_reply(level=Level.INTERNAL),
    )[1]
    assert reply_own.level == Level.INTERNAL


def test_an_unknown_level_or_one_below_the_default_by_someone_who_may_not_read_it_is_refused(ghana_officer):
    case = new_request(officer=ghana_officer, state="GHA")
    text = refused(services.register_incoming, actor=ghana_officer, case=case, details=details(level="secret"))
    assert "Choose the level of the letter" in text
    # Someone who registers letters but reads nothing above public cannot make one public.
    registrar = user_with_perms("add_letter", "view_letter", "view_all_cases", "view_assistancerequest")
    text = refused(services.register_incoming, actor=registrar, case=case, details=details(level=Level.PUBLIC))
    assert "only someone who may read internal letters may file it as public" in text


# Changing a letter's level ---------------------------------------------------------------------------


@pytest.fixture
def registered(ghana_officer):
    """A note verbale on an officer's case, internal, with its entry in the case's history."""
    case = new_request(officer=ghana_officer, state="GHA")
    letter = services.register_incoming(
        actor=ghana_officer, case=case, details=details(subject="Armed groups near the capital"), comment="Urgent."
    )
    return case, letter


def test_raising_a_level_writes_why_in_the_letters_and_the_cases_history(registered, focal_point):
    case, letter = registered
    services.change_level(
        actor=focal_point, letter=letter, level=Level.STRICTLY_CONFIDENTIAL, comment="Names the mission's sources."
    )
    letter.refresh_from_db()
    assert letter.level == Level.STRICTLY_CONFIDENTIAL
    [entry] = LetterEvent.objects.filter(letter=letter)
    assert (entry.action, entry.actor, entry.comment, entry.level) == (
        "level_changed",
        focal_point,
        "Names the mission's sources.",
        Level.STRICTLY_CONFIDENTIAL,
    )
    assert entry.details["changes"] == {"level": ["Internal", "Strictly confidential"]}
    event = case.events.latest("id")
    assert (event.action, event.comment, event.level) == (
        "letter_level_changed",
        "Names the mission's sources.",
        Level.STRICTLY_CONFIDENTIAL,
    )
    assert "level was: Internal" in event.details_text and "level now: Strictly confidential" in event.details_text
    # The entry that named the letter's subject when it was received is read at its new level.
    received = case.events.get(action="letter_received")
    assert received.level == Level.STRICTLY_CONFIDENTIAL


def test_lowering_a_level_leaves_the_earlier_entries_as_they_were_written(registered, focal_point):
    case, letter = registered
    services.change_level(actor=focal_point, letter=letter, level=Level.CONFIDENTIAL, comment="Names sources.")
    services.change_level(actor=focal_point, letter=letter, level=Level.PUBLIC, comment="Published by the State.")
    assert Letter.objects.get(pk=letter.pk).level == Level.PUBLIC
    assert case.events.get(action="letter_received").level == Level.CONFIDENTIAL
    lowered = LetterEvent.objects.filter(letter=letter).latest("id")
    assert lowered.level == Level.CONFIDENTIAL  # the higher of before and after: its comment may say what it held


def test_a_letter_of_no_case_has_its_own_history(ghana_officer, focal_point):
    letter = services.register_incoming(actor=ghana_officer, country=member_state("GHA"), details=details())
    events = CaseEvent.objects.count()
    services.change_level(actor=focal_point, letter=letter, level=Level.CONFIDENTIAL, comment="Why: sources.")
    assert CaseEvent.objects.count() == events
    assert [event.comment for event in selectors.letter_history(focal_point, letter)] == ["Why: sources."]


def test_a_change_says_why_changes_something_and_is_made_by_someone_allowed(registered, focal_point, finance):
    case, letter = registered
    assert "Say why the level changes" in refused(
        services.change_level, actor=focal_point, letter=letter, level=Level.CONFIDENTIAL, comment=" "
    )
    assert "already internal" in refused(
        services.change_level, actor=focal_point, letter=letter, level=Level.INTERNAL, comment="No change."
    )
    assert "Choose the level" in refused(
        services.change_level, actor=focal_point, letter=letter, level="top_secret", comment="x"
    )
    assert "permission" in refused(
        services.change_level, actor=finance, letter=letter, level=Level.CONFIDENTIAL, comment="x"
    )
    peru_lead = in_role(roles.TEAM_LEAD, desk_of="PER")
    assert "permission" in refused(
        services.change_level, actor=peru_lead, letter=letter, level=Level.CONFIDENTIAL, comment="x"
    )
    services.change_level(actor=focal_point, letter=letter, level=Level.STRICTLY_CONFIDENTIAL, comment="Sources.")
    # The officer of the case reads confidential letters, not strictly confidential ones: he cannot lower it.
    assert "only those who may read it may change its level" in refused(
        services.change_level, actor=case.officer, letter=letter, level=Level.INTERNAL, comment="Not secret."
    )


# Who reads a letter --------------------------------------------------------------------------------


def test_reading_is_the_one_rule_of_the_levels_and_a_file_is_read_at_its_document_level_too(
    ghana_officer, clerk_role, focal_point
):
    case = new_request(officer=ghana_officer, state="GHA")
    letter = services.register_incoming(actor=ghana_officer, case=case, details=details(level=Level.CONFIDENTIAL))
    assert selectors.may_read_letter(ghana_officer, letter) and not selectors.may_read_letter(clerk_role, letter)
    everything = Letter.objects.filter(case=case)
    assert letter not in selectors.readable_letters(clerk_role, everything)
    assert letter in selectors.readable_letters(ghana_officer, everything)
    # A request letter held by a strictly confidential document of the case: the letter is internal, its file is not.
    from requests_app.documents import services as documents

    document = documents.attach_document(
        actor=focal_point,
        case=case,
        kind="request_letter",
        upload=pdf_upload("request.pdf"),
        level=Level.STRICTLY_CONFIDENTIAL,
    )
    request = Letter.objects.get(case=case, purpose=Purpose.REQUEST)
    assert request.document == document and request.level == Level.INTERNAL
    assert selectors.file_level(request) == Level.STRICTLY_CONFIDENTIAL
    assert selectors.may_read_letter(ghana_officer, request) and not selectors.may_open_file(ghana_officer, request)
    assert selectors.may_open_file(focal_point, request)


def test_the_pdf_of_a_letter_whose_entry_is_above_the_sender_is_refused(officer, ghana_officer, focal_point):
    from requests_app.correspondence import exports

    case = case_in_stage(Stage.DECISION_COMMUNICATED, actor=officer, state="GHA", officer=ghana_officer)
    entry = Letter.objects.get(case=case, purpose=Purpose.DECISION)
    services.change_level(actor=focal_point, letter=entry, level=Level.STRICTLY_CONFIDENTIAL, comment="Sensitive.")
    pdf = exports.letter_pdf(subject="Decision", body="Text.", signatory="A. Person", place_and_date="x")
    drafted = services.DraftedLetter(purpose=Purpose.DECISION, subject="Decision", signatory="A. Person", pdf=pdf)
    text = refused(services.file_drafted, actor=ghana_officer, case=case, drafted=drafted)
    assert "only those who may read it file its PDF" in text
    assert not Letter.objects.get(pk=entry.pk).file
    assert services.file_drafted(actor=focal_point, case=case, drafted=drafted).pk == entry.pk
