"""Deadlines and reminders: how long each stage may take, and who is told when it slips."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .case import AssistanceRequest
from .choices import RegionalGroup, Stage


class StagePolicy(models.Model):
    """The deadline of one stage. No standard fixes these; the defaults are the project's (README)."""

    class Anchor(models.TextChoices):
        ENTERED = "entered", _("the day the case entered the stage")
        MISSION_RETURNED = "mission_returned", _("the day the assessment mission returned")
        REPORT_SUBMITTED = "report_submitted", _("the day the assessment report was submitted")
        IMPLEMENTATION_ENDS = "implementation_ends", _("the planned end of implementation")

    stage = models.CharField(_("stage"), max_length=24, choices=Stage.choices, unique=True)
    days = models.PositiveSmallIntegerField(
        _("days allowed"), help_text=_("Days from the starting point below until the stage is due.")
    )
    anchor = models.CharField(
        _("counted from"), max_length=24, choices=Anchor.choices, default=Anchor.ENTERED,
        help_text=_("When that date is not known yet, days count from the day the case entered the stage."),
    )
    days_if_no_anchor = models.PositiveSmallIntegerField(
        _("days while the starting point is unknown"), null=True, blank=True,
        help_text=_("Until that date is known, days from the day the case entered the stage. Empty: the days allowed."),
    )
    warning_days = models.PositiveSmallIntegerField(
        _("warn days before"), default=2, help_text=_("The officer is warned this many days before the deadline.")
    )
    first_escalation_days = models.PositiveSmallIntegerField(
        _("escalate to the team lead after"), default=3, help_text=_("Days overdue before the team lead is told.")
    )
    second_escalation_days = models.PositiveSmallIntegerField(
        _("escalate to the focal point after"), default=7,
        help_text=_("Days overdue before the focal point's office is told."),
    )
    election_cutoff_days = models.PositiveSmallIntegerField(
        _("due at the latest, days before election day"), null=True, blank=True,
        help_text=_("Help that comes later than this before the election comes too late: the deadline never falls after it. Empty: no such limit."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        editable=False, verbose_name=_("updated by"),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("stage deadline")
        verbose_name_plural = _("stage deadlines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(second_escalation_days__gt=models.F("first_escalation_days")),
                name="policy_escalations_in_order",
                violation_error_message=_("The focal point is told after the team lead: give it more days."),
            ),
        ]

    def __str__(self):
        return str(self.get_stage_display())


class RegionalDesk(models.Model):
    """The team that works the cases of one regional group; its lead receives escalations."""

    regional_group = models.CharField(_("regional group"), max_length=32, choices=RegionalGroup.choices, unique=True)
    team_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="led_desks",
        verbose_name=_("team lead"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="desks", verbose_name=_("officers"),
        help_text=_("Officers of the desk see all of its cases; they act on the cases assigned to them."),
    )

    class Meta:
        ordering = ["regional_group"]
        verbose_name = _("regional desk")
        verbose_name_plural = _("regional desks")

    def __str__(self):
        return str(self.get_regional_group_display())


class Reminder(models.Model):
    """One reminder to one person about one stage of one case, claimed before it is sent.

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

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        UNCERTAIN = "uncertain", _("Delivery uncertain")
        FAILED = "failed", _("Failed, to be retried")
        GAVE_UP = "gave_up", _("Failed, retries exhausted")
        CANCELLED = "cancelled", _("Not sent: the case moved on")

    case = models.ForeignKey(AssistanceRequest, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("case"))
    stage = models.CharField(_("stage"), max_length=24, choices=Stage.choices)
    stage_entered_at = models.DateTimeField(_("stage entered"))
    due_at = models.DateTimeField(_("due"))
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    recipient = models.EmailField(_("recipient"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    claim = models.UUIDField(_("claimed by sweep"), default=uuid.uuid4, db_index=True)
    claimed_at = models.DateTimeField(_("claimed"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sending_at = models.DateTimeField(
        _("last handed to the mail server"), null=True, blank=True,
        help_text=_("When the last attempt began; committed before the email went to the mail server."),
    )
    message_id = models.CharField(
        _("Message-ID"), max_length=255, blank=True,
        help_text=_("Of the last digest it was in: the same reminders always give the same Message-ID."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "stage_entered_at", "level", "recipient"], name="reminder_claimed_once"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="reminder_status_idx")]

    def __str__(self):
        return f"{self.get_level_display()} — {self.recipient}"
