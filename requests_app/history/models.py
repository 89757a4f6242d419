from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.core.confidentiality import LEVEL_MAX_LENGTH, Level
from requests_app.history import reading


class CaseEvent(models.Model):
    """One line of a case's history. Written by services only; never edited."""

    case = models.ForeignKey(AssistanceRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("case"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=40)
    from_stage = models.CharField(_("from"), max_length=24, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=24, choices=Stage.choices, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    # Who may read the comment and the details (the action, who and when are the case's record,
    # read by whoever sees the case): README "Security", confidentiality.
    level = models.CharField(
        _("level of the comment"), max_length=LEVEL_MAX_LENGTH, choices=Level.choices, default=Level.INTERNAL
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        indexes = [
            models.Index(fields=["case", "created_at"], name="event_case_idx"),
            models.Index(fields=["action", "created_at"], name="event_action_idx"),
        ]

    def __str__(self):
        if self.created_at is None:  # an unsaved row, as a forged admin form makes one
            return str(self.action_label)
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action_label}"

    @property
    def action_label(self):
        return reading.action_label(self.action)

    @property
    def details_text(self):
        """The details as one line a reader of the history understands."""
        return reading.details_text(self.action, self.details)
