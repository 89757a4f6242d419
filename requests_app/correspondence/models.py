"""The correspondence register: every letter or note verbale in or out, and what it concerns.

A request arrives as a letter: its entry is the first of its case. Acknowledgements and decision
letters are entries out, in reply to it. A letter from a political party, civil society or a person
is no request: it is filed here as "not considered", with the reply sent, and never becomes a case.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from requests_app.cases.models import AssistanceRequest
from requests_app.core.confidentiality import LEVEL_MAX_LENGTH, Level
from requests_app.core.validators import validate_single_line
from requests_app.documents.models import CaseDocument
from requests_app.reference.models import MemberState, UnLanguage


class LetterKind(models.TextChoices):
    LETTER = "letter", _("Letter")
    NOTE_VERBALE = "note_verbale", _("Note verbale")
    EMAIL = "email", _("Email")
    OTHER = "other", _("Other")


class Direction(models.TextChoices):
    IN = "in", _("In (received)")
    OUT = "out", _("Out (sent)")


class Channel(models.TextChoices):
    PERMANENT_MISSION = "permanent_mission", _("Permanent Mission")
    RESIDENT_COORDINATOR = "resident_coordinator", _("Resident Coordinator")
    DIRECT = "direct", _("Direct")


class Purpose(models.TextChoices):
    """What a letter is in a case's life; the register makes the first three from the case's own steps."""

    REQUEST = "request", _("Request for assistance")
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    DECISION = "decision", _("Decision letter")
    OTHER = "other", _("Other correspondence")


class LetterStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    NOT_CONSIDERED = "not_considered", _("Not considered: not a request")


class SenderKind(models.TextChoices):
    """Who wrote an incoming letter. Only a state organ can ask for assistance (para 2)."""

    STATE = "state", _("State authority")
    ELECTORAL_BODY = "electoral_body", _("Electoral management body")
    UNITED_NATIONS = "united_nations", _("United Nations")
    POLITICAL_PARTY = "political_party", _("Political party")
    CIVIL_SOCIETY = "civil_society", _("Civil society organisation")
    PERSON = "person", _("Private person")
    OTHER = "other", _("Other body")

    @classmethod
    def cannot_request(cls):
        """Those whose letters are never requests: filed as not considered, answered."""
        return [cls.POLITICAL_PARTY, cls.CIVIL_SOCIETY, cls.PERSON, cls.OTHER]


# Who writes the unit's letters, as the register names the sender of a letter sent.
FOCAL_POINT = _("Focal point for electoral assistance")

# The Division's rule for a letter's own level, unless the one who registers it chooses another: a
# request letter or an incoming note verbale, a letter not considered, an acknowledgement or a decision
# letter sent are all internal; so is any other letter. (Its file, when a case's document holds it, is
# also read at the document's level: selectors.file_level.)
DEFAULT_LEVELS: dict[tuple[str, str], str] = {
    (Direction.IN, Purpose.REQUEST): Level.INTERNAL,
    (Direction.IN, Purpose.OTHER): Level.INTERNAL,
    (Direction.OUT, Purpose.ACKNOWLEDGEMENT): Level.INTERNAL,
    (Direction.OUT, Purpose.DECISION): Level.INTERNAL,
    (Direction.OUT, Purpose.OTHER): Level.INTERNAL,
}
NOT_CONSIDERED_LEVEL = Level.INTERNAL


def default_level(direction: str, purpose: str, status: str = LetterStatus.FILED) -> str:
    """The level a letter is registered at unless its registrar chooses another."""
    if status == LetterStatus.NOT_CONSIDERED:
        return NOT_CONSIDERED_LEVEL
    return DEFAULT_LEVELS.get((direction, purpose), Level.INTERNAL)


def letter_path(instance, filename):
    # Stored under a generated name, as a case's documents are: the sender's file name never reaches the disk.
    return f"correspondence/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Letter(models.Model):
    """One entry of the correspondence register: a letter, note verbale or email, in or out."""

    kind = models.CharField(_("kind"), max_length=20, choices=LetterKind.choices, default=LetterKind.LETTER)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.OTHER)
    status = models.CharField(_("status"), max_length=20, choices=LetterStatus.choices, default=LetterStatus.FILED)
    date = models.DateField(_("date of the letter"))
    received_on = models.DateField(_("received on"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=24, choices=Channel.choices, default=Channel.DIRECT)
    sender = models.CharField(pgettext_lazy("letter", "from"), max_length=200, validators=[validate_single_line])
    sender_kind = models.CharField(_("sender is"), max_length=20, choices=SenderKind.choices, blank=True)
    recipient = models.CharField(
        pgettext_lazy("letter", "to"), max_length=200, blank=True, validators=[validate_single_line]
    )
    subject = models.CharField(_("subject"), max_length=300, validators=[validate_single_line])
    notes = models.TextField(_("notes"), blank=True)
    # Who may read its subject, notes and file (README "Security", confidentiality): the others see
    # that it exists (its date, direction, kind, correspondent, country and case).
    level = models.CharField(
        _("level"),
        max_length=LEVEL_MAX_LENGTH,
        choices=Level.choices,
        default=Level.INTERNAL,
        help_text=_("Who may read its subject, notes and file (README, Security)."),
    )
    language = models.CharField(_("language"), max_length=8, choices=UnLanguage.choices, default=UnLanguage.ENGLISH)

    file = models.FileField(_("file"), upload_to=letter_path, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0, editable=False)
    # Should a case ever be deleted from the database (the application never does), its letters
    # stay in the register as letters of its country.
    document = models.ForeignKey(
        CaseDocument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("document of the case"),
        help_text=_("The case's document that holds this letter's file."),
    )

    case = models.ForeignKey(
        AssistanceRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("case"),
    )
    country = models.ForeignKey(
        MemberState, on_delete=models.PROTECT, related_name="letters", verbose_name=_("country")
    )
    reply_due_on = models.DateField(_("reply due on"), null=True, blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True, editable=False)
    in_reply_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    # A letter from another body that was registered as a case before the register existed
    # (migration 0020_letters13): the case row is kept, out of every count, for its history and documents.
    former_case = models.OneToOneField(
        AssistanceRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="former_letter",
        verbose_name=_("formerly registered as case"),
    )

    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("letter")
        verbose_name_plural = _("correspondence")
        indexes = [
            models.Index(fields=["country", "-date", "-id"], name="letter_country_date_idx"),
            models.Index(fields=["-date", "-id"], name="letter_date_idx"),
            models.Index(fields=["reply_due_on"], name="letter_reply_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction=Direction.IN) | (Q(reply_due_on__isnull=True) & Q(received_on__isnull=True)),
                name="letter_only_incoming_awaits_reply",
                violation_error_message=_("Only a letter received has a date of receipt or a reply due."),
            ),
            models.CheckConstraint(
                condition=Q(direction=Direction.IN) | ~Q(status=LetterStatus.NOT_CONSIDERED),
                name="letter_only_incoming_not_considered",
                violation_error_message=_("Only a letter received can be filed as not considered."),
            ),
            models.CheckConstraint(
                condition=Q(received_on__isnull=True) | Q(received_on__gte=F("date")),
                name="letter_not_received_before_dated",
                violation_error_message=_("A letter cannot be received before the date it bears."),
            ),
        ]

    def __str__(self):
        # Never the subject: this is what the admin's pages, the reminders and the auditor's lists
        # show to readers who may not read the letter (a subject can say what it holds).
        return describe_letter(self)

    @property
    def is_incoming(self):
        return self.direction == Direction.IN

    @property
    def is_not_considered(self):
        return self.status == LetterStatus.NOT_CONSIDERED

    @property
    def awaits_reply(self):
        return self.is_incoming and self.reply_due_on is not None and self.replied_on is None

    @property
    def is_reply_overdue(self):
        return bool(self.awaits_reply and self.reply_due_on is not None and self.reply_due_on < timezone.localdate())

    @property
    def file_name(self):
        """The name the file is downloaded under: its own, or that of the case's document holding it."""
        if self.file:
            return self.original_name
        if self.document is not None:
            return self.document.original_name
        return ""

    @property
    def correspondent(self):
        """Who the letter is with: its sender when received, its recipient when sent."""
        return self.sender if self.is_incoming else (self.recipient or gettext("—"))


def describe_letter(letter: "Letter") -> str:
    """A letter as someone who may not read it sees it: "Note verbale received of 3 Mar 2026, Ghana (no. 12)"."""
    kind = dict(LetterKind.choices).get(letter.kind, letter.kind)
    if letter.date is None:
        return str(kind)
    values = {"kind": kind, "day": formats.date_format(letter.date), "number": letter.pk}
    if letter.direction == Direction.IN:
        return gettext("%(kind)s received, dated %(day)s (no. %(number)s)") % values
    return gettext("%(kind)s sent, dated %(day)s (no. %(number)s)") % values


class LetterEvent(models.Model):
    """One line of a letter's own history: its level changed, by whom, when and why.

    A letter of a case is also in the case's history; a letter that concerns no case has only this.
    Written by services only; never edited. Its comment is read at its ``level``."""

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="events", verbose_name=_("letter"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=40)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    level = models.CharField(
        _("level of the comment"), max_length=LEVEL_MAX_LENGTH, choices=Level.choices, default=Level.INTERNAL
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("history entry of a letter")
        verbose_name_plural = _("history of letters")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {LETTER_ACTIONS.get(self.action, self.action)}"

    @property
    def action_label(self):
        return LETTER_ACTIONS.get(self.action, self.action)


LETTER_ACTIONS = {"level_changed": _("Level changed")}


class LetterTemplate(models.Model):
    """The wording of a letter EAS drafts from a case, in one language, as an administrator edits it.

    Subject and body are Django template text, rendered with autoescape off and only these
    placeholders (plain text, nothing else reachable): {{ state }} (the State's name),
    {{ requesting_authority }}, {{ reference }} (the case), {{ letter_date }}, {{ received_date }},
    {{ today }}, {{ outcome }}, {{ assistance_types }}, {{ period_start }}, {{ period_end }},
    {{ scope }}, {{ reason }} (the decision's), {{ signatory }}.
    """

    purpose = models.CharField(
        _("letter"),
        max_length=20,
        choices=[(Purpose.ACKNOWLEDGEMENT, Purpose.ACKNOWLEDGEMENT.label), (Purpose.DECISION, Purpose.DECISION.label)],
    )
    language = models.CharField(_("language"), max_length=8, choices=UnLanguage.choices, default=UnLanguage.ENGLISH)
    subject = models.CharField(_("subject"), max_length=300, validators=[validate_single_line])
    body = models.TextField(
        _("body"),
        help_text=_(
            "Placeholders: {{ state }}, {{ requesting_authority }}, {{ reference }}, {{ letter_date }}, "
            "{{ received_date }}, {{ today }}, {{ outcome }}, {{ assistance_types }}, {{ period_start }}, "
            "{{ period_end }}, {{ scope }}, {{ reason }}, {{ signatory }}."
        ),
    )

    class Meta:
        ordering = ["purpose", "language"]
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        constraints = [
            models.UniqueConstraint(fields=["purpose", "language"], name="letter_template_one_per_language"),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} ({self.language})"


# How the events the register writes on a case read in its history (registered by the app's ready()).
HISTORY_ACTIONS = {
    "letter_received": _("Letter received"),
    "letter_sent": _("Letter sent"),
    "letter_replied": _("Letter marked replied"),
    "letter_level_changed": _("Level of a letter changed"),
}
HISTORY_DETAILS = {
    "letter_kind": _("kind"),
    "channel": _("channel"),
    "sender": pgettext_lazy("letter", "from"),
    "recipient": pgettext_lazy("letter", "to"),
    "subject": _("subject"),
    "reply_due": _("reply due"),
    "replied_on": _("replied on"),
    "signatory": _("signed by"),
    "language": _("language"),
    "level_was": _("level was"),
    "level_now": _("level now"),
}
