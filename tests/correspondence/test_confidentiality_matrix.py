"""Confidentiality of letters: every role × level × place a letter's subject, notes or file can be seen
(README "Security"), by the same rule and the same table as the documents' matrix
(tests/documents/test_confidentiality_matrix.py: ``READS``).

One letter on a case of the officer's (Ghana, the African desk the team lead leads) is registered at
the level under test, with a subject, notes and a file name each holding a word found nowhere else.
Each cell asks every place as the role's user and says what they saw:

- read: the subject (and, where the place shows them, the notes and the file's name) are there; a
  download: the file itself;
- exists: the letter is there (a link to its page, its level), never a word of what it says;
- refused: 403 (a download; the history export for those who may not export);
- found / not found: a search of the register and of the admin for a word of the subject;
- email: the reminder of a reply due names the subject of a public or internal letter only, whoever
  receives it (an email leaves the system).

A confidential or strictly confidential one that is read on its page, in the admin or downloaded is
recorded as opened (", recorded").
"""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_app.cases.choices import Stage
from requests_app.core.confidentiality import RECORDED, Level
from requests_app.correspondence import services
from requests_app.documents.models import ConfidentialRead
from requests_app.reminders.digests import digest
from requests_app.reminders.models import Reminder
from tests.core.helpers import AUDITOR, CLERK, FINANCE, FOCAL, LEAD, OFFICER, SUPERUSER, admin_url, body_of, role_user
from tests.correspondence.helpers import days, details
from tests.documents.test_confidentiality_matrix import EXPORTS_HISTORY, GRANTED, LEVELS, READS, ROLES
from tests.factories import PDF_BYTES, case_in_stage, pdf_upload

pytestmark = pytest.mark.django_db

PLACES = ["register", "letter page", "case page", "country file", "admin", "download", "search", "export", "email"]


def reads(role, level):
    return READS[role][LEVELS.index(level)] == "R"


def expected(role, level):
    """What each place shows ``role`` of a letter at ``level``."""
    seen = "read" if reads(role, level) else "exists"
    recorded = ", recorded" if reads(role, level) and level in RECORDED else ""
    return {
        "register": seen,
        "letter page": seen + recorded,
        "case page": seen,
        "country file": seen,
        "admin": seen + recorded,
        "download": ("read" if reads(role, level) else "refused") + recorded,
        "search": "found" if reads(role, level) else "not found",
        "export": seen if role in EXPORTS_HISTORY else "refused",
        "email": "absent" if level in RECORDED else "subject",
    }


def test_the_matrix_covers_every_role_level_and_place():
    assert set(expected(CLERK, Level.PUBLIC)) == set(PLACES)
    assert len(ROLES) * len(LEVELS) * len(PLACES) == 288


class World:
    """The team, and a letter received on the officer's case at ``level``."""

    def __init__(self, level):
        self.level = level
        team = {role: role_user(role) for role in [CLERK, OFFICER, LEAD, FOCAL, FINANCE, AUDITOR, SUPERUSER]}
        granted = role_user(AUDITOR)
        granted.user_permissions.add(Permission.objects.get(codename="read_confidential_content"))
        team[GRANTED] = type(granted).objects.get(pk=granted.pk)
        self.team = team
        self._desk()
        tag = level.replace("_", "")
        self.subject_word, self.notes_word, self.file_name = f"Zebra{tag}", f"Wombat{tag}", f"Quokka{tag} plan.pdf"
        self.case = case_in_stage(Stage.UNDER_REVIEW, actor=team[SUPERUSER], state="GHA", officer=team[OFFICER])
        self.letter = services.register_incoming(
            actor=team[SUPERUSER],
            case=self.case,
            details=details(
                subject=f"The {self.subject_word} succession",
                notes=f"The minister told us: {self.notes_word}.",
                level=level,
                upload=pdf_upload(self.file_name),
                reply_due_on=days(3),
            ),
        )

    def _desk(self):
        from requests_app.cases.models import RegionalDesk
        from requests_app.reference.models import RegionalGroup

        african = RegionalDesk.objects.get(regional_group=RegionalGroup.AFRICAN)
        african.team_lead = self.team[LEAD]
        african.save()
        african.members.add(self.team[OFFICER])

    def client_of(self, role):
        client = Client()
        client.force_login(self.team[role])
        return client

    def openings(self, role, place):
        return ConfidentialRead.objects.filter(reader=self.team[role], place=place).count()

    def verdict(self, html, *, words=None, recorded=0):
        """read / exists from what a page showed; anything else names what leaked."""
        words = words or [self.subject_word]
        shown = [word for word in words if word in html]
        if shown == words:
            seen = "read"
        elif not shown:
            exists = f"/correspondence/{self.letter.pk}/" in html or f"/letter/{self.letter.pk}/" in html
            seen = "exists" if exists else "absent"
        else:
            seen = f"partly: {shown}"
        return seen + (", recorded" if recorded else "")


def on_register(world, client, role):
    return world.verdict(client.get(reverse("workspace:letter-list")).content.decode())


def on_letter_page(world, client, role):
    answer = client.get(reverse("workspace:letter-detail", args=[world.letter.pk]))
    assert answer.status_code == 200
    html = answer.content.decode()
    if "your role may see that this letter exists" in html:
        html += f"/correspondence/{world.letter.pk}/"  # its own page: it exists
    words = [world.subject_word, world.notes_word, world.file_name]
    return world.verdict(html, words=words, recorded=world.openings(role, ConfidentialRead.Place.LETTER_PAGE))


def on_case_page(world, client, role):
    return world.verdict(client.get(reverse("workspace:case-detail", args=[world.case.reference])).content.decode())


def in_country_file(world, client, role):
    return world.verdict(client.get(reverse("workspace:country-file", args=["GHA"])).content.decode())


def in_admin(world, client, role):
    pages = [client.get(admin_url("letter_changelist")), client.get(admin_url("letter_change", world.letter.pk))]
    assert [page.status_code for page in pages] == [200, 200]
    html = "".join(page.content.decode() for page in pages)
    words = [world.subject_word, world.notes_word]
    return world.verdict(html, words=words, recorded=world.openings(role, ConfidentialRead.Place.ADMIN_PAGE))


def by_download(world, client, role):
    answer = client.get(reverse("workspace:letter-file", args=[world.letter.pk]))
    if answer.status_code == 403:
        assert world.file_name not in answer.content.decode()
        return "refused"
    assert answer.status_code == 200 and body_of(answer) == PDF_BYTES
    recorded = world.openings(role, ConfidentialRead.Place.LETTER_DOWNLOAD)
    return "read" + (", recorded" if recorded else "")


def by_search(world, client, role):
    register = client.get(reverse("workspace:letter-list"), {"q": world.subject_word}).context["page"].object_list
    in_register = world.letter in list(register)
    in_admin = (
        f"/letter/{world.letter.pk}/"
        in client.get(admin_url("letter_changelist"), {"q": world.subject_word}).content.decode()
    )
    if in_register and in_admin:
        return "found"
    return "not found" if not (in_register or in_admin) else f"partly: register {in_register}, admin {in_admin}"


def in_export(world, client, role):
    answer = client.get(reverse("workspace:audit-history-csv"), {"case": world.case.reference})
    if answer.status_code == 403:
        return "refused"
    rows = list(csv.reader(io.StringIO(body_of(answer).decode("utf-8-sig"))))
    [received] = [row for row in rows if row[3] == "Letter received"]
    if world.subject_word in received[8]:
        return "read"
    return "exists" if received[7].endswith("not shown to your role") else f"leaked: {received}"


def in_email(world, client, role):
    now = timezone.now()
    reminder = Reminder.objects.create(
        case=world.case,
        letter=world.letter,
        due_at=now,
        level=Reminder.Level.WARNING,
        recipient=world.team[role].email,
    )
    message = digest([reminder], recipient=world.team[role].email, now=now)
    bodies = message.subject + message.body + "".join(content for content, _type in message.alternatives)
    assert f"/correspondence/{world.letter.pk}/" in bodies
    leaked = [word for word in (world.notes_word, world.file_name) if word in bodies]
    assert not leaked, leaked
    return "subject" if world.subject_word in bodies else "absent"


SEEN = {
    "register": on_register,
    "letter page": on_letter_page,
    "case page": on_case_page,
    "country file": in_country_file,
    "admin": in_admin,
    "download": by_download,
    "search": by_search,
    "export": in_export,
    "email": in_email,
}


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("role", ROLES)
def test_letters_confidentiality_matrix(role, level):
    """Every place for one role and one level: the cells that differ from the table are named."""
    world = World(level)
    client = world.client_of(role)
    seen = {place: SEEN[place](world, client, role) for place in PLACES}
    wanted = expected(role, level)
    assert {place: seen[place] for place in PLACES if seen[place] != wanted[place]} == {}, f"{role} × {level}"
