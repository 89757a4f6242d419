"""A reminder: claimed once per case, stage entry, level and recipient, then sent."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.correspondence.models import Letter


class Reminder(models.Model):
    """One reminder to one person about one stage of one case (or a reply due), claimed before it is sent.

    The unique constraint is the claim: two sweeps at once, a retry or a redelivered task
    cannot both insert it. A reminder is committed as "sending" before its email goes to the
    mail server and as "sent" after: one left "sending" (its sender died in between) may have
    reached its recipient, so it is shown as "delivery uncertain" and only a person resends it.
    """

    class Level(models.TextChoices):
        WARNING = "warning", _("Due soon")
        OVERDUE = "overdue", _("Overdue")
        TEAM_LEAD = "team_lead", _("Escalated to the team lead")
        FOCAL_POINT = "focal_point", _("Escalated to the focal point")
        MANDATE_EXPIRY = "mandate_expiry", _("Mandate about to expire")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        UNCERTAIN = "uncertain", _("Delivery uncertain")
        FAILED = "failed", _("Failed, to be retried")
        GAVE_UP = "gave_up", _("Failed, retries exhausted")
        CANCELLED = "cancelled", _("Not sent: the case moved on")

    case = models.ForeignKey(
        AssistanceRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("case"),
    )
    # A reminder is about a stage of a case, or about a letter whose reply is due (then without a
    # stage, and with the letter's case when it has one).
    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders", verbose_name=_("letter")
    )
    stage = models.CharField(_("stage"), max_length=24, choices=Stage.choices, blank=True)
    stage_entered_at = models.DateTimeField(_("stage entered"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"))
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    recipient = models.EmailField(_("recipient"))
    # A reminder that a mandate the case rests on expires soon: claimed once per case, mandate,
    # threshold (days before the expiry) and recipient, whatever stage the case is in.
    mandate = models.ForeignKey(
        "requests_app.Mandate",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("mandate"),
    )
    days_before = models.PositiveSmallIntegerField(_("days before the expiry"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    claim = models.UUIDField(_("claimed by sweep"), default=uuid.uuid4, db_index=True)
    claimed_at = models.DateTimeField(_("claimed"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sending_at = models.DateTimeField(
        _("last handed to the mail server"),
        null=True,
        blank=True,
        help_text=_("When the last attempt began; committed before the email went to the mail server."),
    )
    message_id = models.CharField(
        _("Message-ID"),
        max_length=255,
        blank=True,
        help_text=_("Of the last digest it was in: the same reminders always give the same Message-ID."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "stage_entered_at", "level", "recipient"],
                condition=Q(mandate__isnull=True),
                name="reminder_claimed_once",
            ),
            models.UniqueConstraint(
                fields=["case", "mandate", "days_before", "recipient"],
                condition=Q(mandate__isnull=False),
                name="mandate_reminder_claimed_once",
            ),
            # A reply due: once per letter, day due (a later day is a new deadline), level and recipient.
            models.UniqueConstraint(
                fields=["letter", "due_at", "level", "recipient"],
                condition=Q(letter__isnull=False),
                name="reminder_letter_claimed_once",
            ),
            models.CheckConstraint(
                condition=Q(letter__isnull=False) | (Q(case__isnull=False) & Q(stage_entered_at__isnull=False)),
                name="reminder_of_a_stage_or_a_letter",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="reminder_status_idx")]

    def __str__(self):
        return f"{self.get_level_display()} — {self.recipient}"
