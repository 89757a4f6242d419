"""Confidentiality: every role × level × place a document or a note can be seen (README "Security").

One case of the officer's (Ghana, the African desk the team lead leads) holds, at the level under
test, a document whose file name tells what it is, a comment in its history and the notes of its
needs assessment, each with a word found nowhere else. Each cell asks the place as the role's user
and says what they saw:

- read: the name, the comment and the notes are there (a download: the file itself);
- exists: the document is there (its kind, date, level), its name and the notes are not;
- refused: 403 (a download; the auditor's export for those who may not export);
- absent: the place never carries a document or a note, whatever the level (feeds, emails, the
  case lists' exports: they name the case, which leads to its page, where the rule applies);
- found / not found: a search for a word of the name or of a comment.

A confidential or strictly confidential one that is read is recorded as opened (", recorded").
"""

import io

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from requests_app.calendar.services import token_for
from requests_app.cases import services
from requests_app.cases.choices import Stage
from requests_app.cases.models import NeedsAssessment
from requests_app.core.confidentiality import RECORDED, Level
from requests_app.documents import services as document_services
from requests_app.documents.models import ConfidentialRead, DocumentKind
from requests_app.reminders.digests import digest
from requests_app.reminders.models import Reminder
from tests.core.helpers import AUDITOR, CLERK, FINANCE, FOCAL, LEAD, OFFICER, SUPERUSER, admin_url, body_of, role_user
from tests.factories import PDF_BYTES, case_in_stage, pdf_upload

pytestmark = pytest.mark.django_db

GRANTED = "auditor, granted"  # an auditor given read_confidential_content in the admin
ROLES = [CLERK, OFFICER, LEAD, FOCAL, FINANCE, AUDITOR, GRANTED, SUPERUSER]
LEVELS = [Level.PUBLIC, Level.INTERNAL, Level.CONFIDENTIAL, Level.STRICTLY_CONFIDENTIAL]

# Who reads each level (R) and who sees only that a document exists (e): public, internal,
# confidential, strictly confidential. The rule of README "Security" → "Confidentiality".
READS = {
    CLERK: "RRee",
    OFFICER: "RRRe",
    LEAD: "RRRe",
    FOCAL: "RRRR",
    FINANCE: "RRee",
    AUDITOR: "RRee",
    GRANTED: "RRRe",
    SUPERUSER: "RRRR",
}
EXPORTS_HISTORY = {AUDITOR, GRANTED, SUPERUSER}


def reads(role, level):
    return READS[role][LEVELS.index(level)] == "R"


def _recorded(role, level):
    return ", recorded" if reads(role, level) and level in RECORDED else ""


# What each place shows, by role and level.
EXPECTED = {
    "page": lambda role, level: ("read" if reads(role, level) else "exists") + _recorded(role, level),
    "admin": lambda role, level: ("read" if reads(role, level) else "exists") + _recorded(role, level),
    "download": lambda role, level: ("read" if reads(role, level) else "refused") + _recorded(role, level),
    "export": lambda role, level: (
        "case lists absent; history "
        + (("read" if reads(role, level) else "exists") if role in EXPORTS_HISTORY else "refused")
    ),
    "feed": lambda role, level: "absent",
    "email": lambda role, level: "absent",
    "search": lambda role, level: "found" if reads(role, level) else "not found",
}
PLACES = list(EXPECTED)


def test_the_matrix_covers_every_role_and_level():
    assert all(len(row) == len(LEVELS) for row in READS.values()) and set(READS) == set(ROLES)
    assert len(ROLES) * len(LEVELS) * len(PLACES) == 224


# The case -----------------------------------------------------------------------------------------


class World:
    """The team, and the case holding a document, a comment and assessment notes at ``level``."""

    def __init__(self, level):
        self.level = level
        self.team = {role: role_user(role) for role in [CLERK, OFFICER, LEAD, FOCAL, FINANCE, AUDITOR, SUPERUSER]}
        granted = role_user(AUDITOR)
        granted.user_permissions.add(Permission.objects.get(codename="read_confidential_content"))
        self.team[GRANTED] = type(granted).objects.get(pk=granted.pk)
        self._desk()
        registrar = role_user(SUPERUSER)
        tag = level.replace("_", "")
        self.name = f"Zebra{tag} succession plan.pdf"  # a name that tells what the file holds
        self.comment_word = f"Quokka{tag}"
        self.notes_word = f"Wombat{tag}"
        self.case = case_in_stage(Stage.NEEDS_ASSESSMENT, actor=registrar, state="GHA", officer=self.team[OFFICER])
        self.document = document_services.attach_document(
            actor=registrar, case=self.case, kind=DocumentKind.OTHER, upload=pdf_upload(self.name), level=level
        )
        self.event = services.record_event(
            case=self.case,
            actor=registrar,
            action="details_updated",
            comment=f"The minister told us: {self.comment_word}.",
            level=level,
        )
        NeedsAssessment.objects.filter(case=self.case).update(level=level, risks=f"Risk of {self.notes_word}.")

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
        return ConfidentialRead.objects.filter(reader=self.team[role], case=self.case, place=place).count()


def verdict(exists, shown, *, recorded=0):
    """read / exists / absent from what a page showed; anything else names what leaked."""
    if all(shown.values()):
        seen = "read"
    elif not any(shown.values()):
        seen = "exists" if exists else "absent"
    else:
        seen = "partly: " + ", ".join(name for name, value in shown.items() if value)
    return seen + (", recorded" if recorded else "")


# The places -------------------------------------------------------------------------------------


def seen_on_page(world, role):
    html = world.client_of(role).get(reverse("workspace:case-detail", args=[world.case.reference])).content.decode()
    exists = f'class="document level-{world.level}"' in html
    shown = {"name": world.name in html, "comment": world.comment_word in html}
    return verdict(exists, shown, recorded=world.openings(role, ConfidentialRead.Place.CASE_PAGE))


def seen_in_admin(world, role):
    """The case's page in the intake desk (its documents, assessment and history), the list of
    documents and the history entry's own page."""
    client = world.client_of(role)
    pages = [
        client.get(admin_url("assistancerequest_change", world.case.pk)),
        client.get(admin_url("casedocument_changelist")),
        client.get(admin_url("casedocument_change", world.document.pk)),
        client.get(admin_url("caseevent_change", world.event.pk)),
    ]
    assert [page.status_code for page in pages] == [200] * 4
    html = "".join(page.content.decode() for page in pages)
    exists = str(world.document) in html  # "Other of 29 Nov 2026 (no. 7)": its kind and date, never its name
    assert world.document.file.name not in html  # the stored file is no link for anyone: the download is
    shown = {"name": world.name in html, "comment": world.comment_word in html, "notes": world.notes_word in html}
    return verdict(exists, shown, recorded=world.openings(role, ConfidentialRead.Place.ADMIN_PAGE))


def seen_by_download(world, role):
    client = world.client_of(role)
    answers = [
        client.get(reverse("workspace:case-document", args=[world.case.reference, world.document.pk])),
        client.get(admin_url("assistancerequest_document", world.case.pk, world.document.pk)),
    ]
    statuses = {answer.status_code for answer in answers}
    if statuses == {403}:
        assert all(world.name not in answer.content.decode() for answer in answers)
        return "refused"
    assert statuses == {200}, statuses
    assert all(body_of(answer) == PDF_BYTES for answer in answers)
    places = [ConfidentialRead.Place.DOWNLOAD, ConfidentialRead.Place.ADMIN_DOWNLOAD]
    recorded = [world.openings(role, place) for place in places]
    assert recorded in ([0, 0], [1, 1]), recorded
    return "read" + (", recorded" if recorded == [1, 1] else "")


def _workbook_text(content):
    book = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row if cell)


def seen_in_exports(world, role):
    client = world.client_of(role)
    csv = body_of(client.get(reverse("workspace:case-export-csv"))).decode("utf-8-sig")
    xlsx = _workbook_text(body_of(client.get(reverse("workspace:case-export-xlsx"))))
    assert world.case.reference in csv and world.case.reference in xlsx
    lists = verdict(True, {"name": world.name in csv + xlsx, "words": world.comment_word in csv + xlsx})
    lists = "absent" if lists == "exists" else lists
    answer = client.get(reverse("workspace:audit-history-csv"), {"case": world.case.reference})
    if answer.status_code == 403:
        return f"case lists {lists}; history refused"
    history = body_of(answer).decode("utf-8-sig")
    exists = "Document attached" in history and "Details edited" in history
    shown = {"name": world.name in history, "comment": world.comment_word in history}
    return f"case lists {lists}; history {verdict(exists, shown)}"


def seen_in_feed(world, role):
    user = world.team[role]
    feed = body_of(Client().get(reverse("workspace:calendar-feed", args=[token_for(user).token]))).decode()
    if role == OFFICER:  # the feed carries the officer's own case, and nothing of its documents
        assert world.case.reference in feed
    leaked = [word for word in (world.name, world.comment_word, world.notes_word) if word in feed.replace("\r\n ", "")]
    return "absent" if not leaked else f"leaked: {leaked}"


def seen_in_email(world, role):
    """The reminder digest about the case, sent to the role's user: it names the case, not its documents."""
    now = timezone.now()
    reminder = Reminder.objects.create(
        case=world.case,
        stage=world.case.stage,
        stage_entered_at=world.case.stage_entered_at,
        due_at=now,
        level=Reminder.Level.OVERDUE,
        recipient=world.team[role].email,
    )
    message = digest([reminder], recipient=world.team[role].email, now=now)
    bodies = message.body + "".join(content for content, _type in message.alternatives)
    assert world.case.reference in bodies
    leaked = [word for word in (world.name, world.comment_word, world.notes_word) if word in bodies + message.subject]
    return "absent" if not leaked else f"leaked: {leaked}"


def _listed(client, changelist, query, text):
    return text in client.get(admin_url(changelist), {"q": query}).content.decode()


def seen_by_search(world, role):
    """The history's list searched for a word of the comment, the documents' for a word of the name,
    the workspace's case list for both (it searches the request, never its documents or notes)."""
    client = world.client_of(role)
    tag = world.level.replace("_", "")
    in_history = _listed(client, "caseevent_changelist", world.comment_word, f"/caseevent/{world.event.pk}/")
    in_documents = _listed(client, "casedocument_changelist", f"Zebra{tag}", f"/casedocument/{world.document.pk}/")
    workspace = [
        client.get(reverse("workspace:case-list"), {"q": word}).content.decode()
        for word in (world.comment_word, f"Zebra{tag}")
    ]
    assert all(world.case.reference not in page for page in workspace)
    if in_history and in_documents:
        return "found"
    if in_history or in_documents:
        return f"partly: history {in_history}, documents {in_documents}"
    return "not found"


SEEN = {
    "page": seen_on_page,
    "admin": seen_in_admin,
    "download": seen_by_download,
    "export": seen_in_exports,
    "feed": seen_in_feed,
    "email": seen_in_email,
    "search": seen_by_search,
}


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("role", ROLES)
def test_confidentiality_matrix(role, level, place):
    world = World(level)
    assert SEEN[place](world, role) == EXPECTED[place](role, level), f"{role} × {level} × {place}"
