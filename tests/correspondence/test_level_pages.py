"""A letter's level on the pages (issue 14): the register, a letter's page, its file, its level changed
from its page, the admin, the reminders' emails and the auditor's export. A reader below the level sees
that the letter exists, never its subject, notes or file; a confidential one read is recorded."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from requests_app.core.confidentiality import Level
from requests_app.core.errors import ActionRefused
from requests_app.correspondence import services
from requests_app.correspondence.models import Letter, LetterEvent
from requests_app.documents.models import ConfidentialRead
from requests_app.reminders.replies import reply_item
from tests.core.helpers import body_of
from tests.correspondence.helpers import days, details, in_role
from tests.factories import PDF_BYTES, member_state, new_request, pdf_upload

pytestmark = pytest.mark.django_db

LIST = reverse("workspace:letter-list")
SUBJECT = "Armed groups near the capital"
NOTES = "The minister fears for the Wombatvale polling stations."
FILE = "security-assessment-wombatvale.pdf"


@pytest.fixture
def auditor(db):
    from requests_app.core import roles

    return in_role(roles.AUDITOR)


@pytest.fixture
def confidential(ghana_officer):
    """A confidential note verbale with a file on the officer's case, and one on no case (Ghana's file)."""
    case = new_request(officer=ghana_officer, state="GHA")
    letter = services.register_incoming(
        actor=ghana_officer,
        case=case,
        details=details(subject=SUBJECT, notes=NOTES, level=Level.CONFIDENTIAL, upload=pdf_upload(FILE)),
    )
    country_letter = services.register_incoming(
        actor=ghana_officer,
        country=member_state("GHA"),
        details=details(subject="Opposition leader's private letter", level=Level.CONFIDENTIAL, upload=pdf_upload()),
    )
    return letter, country_letter


def page_of(client, letter):
    return client.get(reverse("workspace:letter-detail", args=[letter.pk]))


def test_a_reader_below_the_level_sees_that_the_letter_exists_and_nothing_it_says(client, confidential, auditor):
    letter, _country_letter = confidential
    client.force_login(auditor)
    listed = client.get(LIST).content.decode()
    assert f'href="/correspondence/{letter.pk}/"' in listed and "Confidential: not yours to read" in listed
    assert SUBJECT not in listed
    page = page_of(client, letter)
    html = page.content.decode()
    assert page.status_code == 200
    assert "your role may see that this letter exists, not its subject, notes or file" in html
    assert "Permanent Mission of Ghana" in html  # who wrote it: the letter exists
    assert SUBJECT not in html and "Wombatvale" not in html and FILE not in html
    assert "A file: not yours to open" in html
    case_page = client.get(reverse("workspace:case-detail", args=[letter.case.reference])).content.decode()
    assert SUBJECT not in case_page and "Confidential: not yours to read" in case_page
    country = client.get(reverse("workspace:country-file", args=["GHA"])).content.decode()
    assert SUBJECT not in country and "Opposition leader" not in country
    assert not ConfidentialRead.objects.filter(reader=auditor).exists()


def test_a_reader_of_the_level_reads_it_and_the_opening_is_recorded(client, confidential, ghana_officer):
    letter, _country_letter = confidential
    client.force_login(ghana_officer)
    html = page_of(client, letter).content.decode()
    assert SUBJECT in html and NOTES in html and FILE in html
    [read] = ConfidentialRead.objects.filter(reader=ghana_officer)
    assert (read.case, read.level, read.place) == (letter.case, Level.CONFIDENTIAL, "letter_page")
    assert read.subject.startswith("Letter: Note verbale received, dated") and SUBJECT not in read.subject


def test_the_file_is_refused_below_its_level_with_the_sites_page_and_served_and_recorded_above(
    client, confidential, auditor, ghana_officer
):
    letter, country_letter = confidential
    client.force_login(auditor)
    refused = client.get(reverse("workspace:letter-file", args=[letter.pk]))
    assert refused.status_code == 403
    assert "is confidential: your role may see that it exists, not open it" in refused.content.decode()
    assert FILE not in refused.content.decode()
    client.force_login(ghana_officer)
    for each in (letter, country_letter):
        served = client.get(reverse("workspace:letter-file", args=[each.pk]))
        assert served.status_code == 200 and body_of(served) == PDF_BYTES
    downloads = ConfidentialRead.objects.filter(reader=ghana_officer, place="letter_download").order_by("id")
    assert [read.case for read in downloads] == [letter.case, None]  # a letter of no case: its country names it
    assert downloads[1].subject.endswith(", Ghana")


def test_a_subject_is_searched_only_among_the_letters_the_reader_may_read(client, confidential, auditor, focal_point):
    client.force_login(auditor)
    found = client.get(LIST, {"q": "Armed groups"}).context["page"].object_list
    assert list(found) == []
    by_sender = client.get(LIST, {"q": "Permanent Mission of Ghana"}).context["page"].object_list
    assert confidential[0] in list(by_sender)
    client.force_login(focal_point)
    assert list(client.get(LIST, {"q": "Armed groups"}).context["page"].object_list) == [confidential[0]]
    levels = client.get(LIST, {"level": "confidential"}).context["page"].object_list
    assert set(levels) == set(confidential)


def test_the_focal_point_changes_the_level_from_the_letters_page_saying_why(client, confidential, focal_point):
    letter, _ = confidential
    client.force_login(focal_point)
    url = reverse("workspace:letter-level", args=[letter.pk])
    assert 'action="' + url + '"' in page_of(client, letter).content.decode()
    missing = client.post(url, {"level": "strictly_confidential", "comment": ""})
    assert missing.status_code == 400 and "This field is required" in missing.content.decode()
    assert Letter.objects.get(pk=letter.pk).level == Level.CONFIDENTIAL
    changed = client.post(
        url, {"level": "strictly_confidential", "comment": "It names the sources of the mission."}, follow=True
    )
    html = changed.content.decode()
    assert "The letter is now strictly confidential." in html
    assert "Level changed" in html and "It names the sources of the mission." in html
    assert Letter.objects.get(pk=letter.pk).level == Level.STRICTLY_CONFIDENTIAL


def test_a_reader_below_the_level_has_no_form_and_a_forged_change_is_refused(client, confidential, clerk_role):
    letter, _ = confidential
    client.force_login(clerk_role)
    assert "Change the level" not in page_of(client, letter).content.decode()
    forged = client.post(reverse("workspace:letter-level", args=[letter.pk]), {"level": "public", "comment": "x"})
    assert forged.status_code == 400 and "only those who may read it may change its level" in forged.content.decode()
    assert Letter.objects.get(pk=letter.pk).level == Level.CONFIDENTIAL and not LetterEvent.objects.exists()


def test_the_letters_history_withholds_a_comment_above_the_reader(client, confidential, focal_point, ghana_officer):
    letter, _ = confidential
    services.change_level(
        actor=focal_point, letter=letter, level=Level.STRICTLY_CONFIDENTIAL, comment="Sources: Quokka."
    )
    services.change_level(actor=focal_point, letter=letter, level=Level.CONFIDENTIAL, comment="Sources removed.")
    client.force_login(ghana_officer)
    html = page_of(client, letter).content.decode()
    assert "Quokka" not in html and "Sources removed" not in html
    assert "Strictly confidential: comment and details not shown to your role." in html
    history = client.get(reverse("workspace:case-detail", args=[letter.case.reference])).content.decode()
    assert "Level of a letter changed" in history and "Quokka" not in history


def test_the_admin_shows_and_searches_a_subject_only_to_its_readers(client, confidential, auditor, focal_point):
    letter, _ = confidential
    changelist = reverse("admin:requests_app_letter_changelist")
    change = reverse("admin:requests_app_letter_change", args=[letter.pk])
    client.force_login(auditor)
    listed = client.get(changelist).content.decode()
    assert f"/letter/{letter.pk}/change/" in listed and SUBJECT not in listed and "not yours to read" in listed
    assert f"/letter/{letter.pk}/change/" not in client.get(changelist, {"q": "Armed"}).content.decode()
    page = client.get(change).content.decode()
    assert SUBJECT not in page and "Wombatvale" not in page and "Confidential" in page
    client.force_login(focal_point)
    assert f"/letter/{letter.pk}/change/" in client.get(changelist, {"q": "Armed"}).content.decode()
    page = client.get(change).content.decode()
    assert SUBJECT in page and NOTES in page
    assert ConfidentialRead.objects.filter(reader=focal_point, place="admin_page").count() == 1
    assert not ConfidentialRead.objects.filter(reader=auditor).exists()


def test_a_reminders_email_never_carries_the_subject_of_a_confidential_letter(ghana_officer, focal_point):
    case = new_request(officer=ghana_officer, state="GHA")
    internal = services.register_incoming(
        actor=focal_point, case=case, details=details(subject="Calendar", reply_due_on=days(3))
    )
    secret = services.register_incoming(
        actor=focal_point, case=case, details=details(subject=SUBJECT, level=Level.CONFIDENTIAL, reply_due_on=days(3))
    )
    from django.utils import timezone

    from requests_app.reminders.models import Reminder

    labels = dict(Reminder.Level.choices)
    lines = {}
    for letter in (internal, secret):
        reminder = Reminder(
            case=case, letter=letter, due_at=timezone.now(), level=Reminder.Level.WARNING, recipient="x@example.org"
        )
        lines[letter.subject] = reply_item(reminder, timezone.now(), labels)["stage"]
    assert lines["Calendar"] == "Reply due: Calendar"
    assert SUBJECT not in lines[SUBJECT] and lines[SUBJECT].startswith("Reply due: Note verbale received, dated")
    assert not mail.outbox


def test_the_auditors_export_lists_the_openings_of_letters_of_no_case(client, confidential, ghana_officer, auditor):
    _letter, country_letter = confidential
    client.force_login(ghana_officer)
    client.get(reverse("workspace:letter-file", args=[country_letter.pk]))
    client.force_login(auditor)
    period = {"from": days(-1).isoformat(), "to": days(0).isoformat()}
    content = body_of(client.get(reverse("workspace:audit-history-csv"), period)).decode("utf-8-sig")
    rows = [row for row in csv.reader(io.StringIO(content)) if row[3] == "Opened: confidential"]
    assert [row[1:3] for row in rows] == [["", ""]]  # no case, no Member State: the letter's subject names it
    assert "downloaded from the correspondence register" in rows[0][8] and "Opposition" not in content
    assert ", Ghana;" in rows[0][8]


def test_a_letter_above_the_reader_is_neither_answered_nor_marked_replied_by_them(client, ghana_officer, clerk_role):
    case = new_request(officer=ghana_officer, state="GHA")
    letter = services.register_incoming(
        actor=ghana_officer, case=case, details=details(subject=SUBJECT, level=Level.CONFIDENTIAL, reply_due_on=days(5))
    )
    client.force_login(clerk_role)
    page = page_of(client, letter).content.decode()
    assert "Register a reply" not in page and "Mark replied" not in page
    form = client.get(reverse("workspace:letter-new"), {"reply_to": letter.pk})
    assert SUBJECT not in form.content.decode() and form.context["answered"] is None
    with pytest.raises(ActionRefused, match="only those who may read it reply to it"):
        services.register_outgoing(
            actor=clerk_role, details=details(received_on=None, subject="Reply"), in_reply_to=letter
        )
    with pytest.raises(ActionRefused, match="only those who may read it mark it replied"):
        services.mark_replied(actor=clerk_role, letter=letter, replied_on=days(0))
    assert Letter.objects.get(pk=letter.pk).replied_on is None
