"""Each reminder digest is written in its recipient's language: their preference, else English."""

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext, ngettext

from requests_app.accounts.services import set_language
from requests_app.core.written_dates import short_date
from tests.reminders.helpers import DAY, FOCAL_POINT, assigned_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_focal_point")]

CLOSING = "Each case's page says what it waits for and who acts next."


def subject_in(language, count=1, overdue=1):
    with translation.override(language):
        subject = ngettext(
            "[EAS] %(count)d case needs your attention", "[EAS] %(count)d cases need your attention", count
        ) % {"count": count}
        return subject + " " + ngettext("(%(n)d overdue)", "(%(n)d overdue)", overdue) % {"n": overdue}


def to(address):
    [message] = [message for message in mail.outbox if message.to == [address]]
    return message


def test_each_recipient_gets_the_digest_in_their_own_language(officer, lead, frozen, run_sweep):
    set_language(officer, "fr")
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + 8 * DAY, tick=False)

    run_sweep()

    # One digest per recipient, each in their language: the officer's French, the team lead's and
    # the focal point's office's English (the lead chose none; an office's address is nobody's).
    assert sorted(m.to[0] for m in mail.outbox) == sorted([officer.email, lead.email, *FOCAL_POINT])
    french, english = to(officer.email), to(lead.email)
    assert subject_in("fr") != subject_in("en"), "the French catalogue does not translate the digest's subject"
    assert french.subject == subject_in("fr")
    assert english.subject == subject_in("en") == "[EAS] 1 case needs your attention (1 overdue)"
    with translation.override("fr"):
        closing = gettext(CLOSING)
    assert closing != CLOSING and closing in french.body and CLOSING not in french.body
    assert CLOSING in english.body and closing not in english.body
    # The day it was due, written in French: "23 juin 2025 …".
    due = case.stage_due_at.date()
    assert short_date(due, "fr") in french.body and short_date(due, "en") in english.body
    assert french.extra_headers["Content-Language"] == "fr"
    assert to(FOCAL_POINT[0]).subject == subject_in("en")


def test_an_arabic_digest_reads_right_to_left(officer, frozen, run_sweep):
    set_language(officer, "ar")
    case = assigned_case(officer)
    frozen.move_to(case.stage_due_at + DAY, tick=False)

    run_sweep()

    message = to(officer.email)
    html, _mimetype = message.alternatives[0]
    assert '<html lang="ar" dir="rtl">' in html
    assert message.subject == subject_in("ar") != subject_in("en")
