"""How long each stage may take, and why a deadline is what it is."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from requests_app.cases.choices import Stage


class DeadlineReason(models.TextChoices):
    POLICY = "policy", _("the stage deadlines were changed")
    ELECTIONS = "elections", _("the elections changed")
    ASSESSMENT = "assessment", _("the assessment dates changed")


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
        _("counted from"),
        max_length=24,
        choices=Anchor.choices,
        default=Anchor.ENTERED,
        help_text=_("When that date is not known yet, days count from the day the case entered the stage."),
    )
    days_if_no_anchor = models.PositiveSmallIntegerField(
        _("days while the starting point is unknown"),
        null=True,
        blank=True,
        help_text=_("Until that date is known, days from the day the case entered the stage. Empty: the days allowed."),
    )
    warning_days = models.PositiveSmallIntegerField(
        _("warn days before"), default=2, help_text=_("The officer is warned this many days before the deadline.")
    )
    first_escalation_days = models.PositiveSmallIntegerField(
        _("escalate to the team lead after"), default=3, help_text=_("Days overdue before the team lead is told.")
    )
    second_escalation_days = models.PositiveSmallIntegerField(
        _("escalate to the focal point after"),
        default=7,
        help_text=_("Days overdue before the focal point's office is told."),
    )
    election_cutoff_days = models.PositiveSmallIntegerField(
        _("due at the latest, days before election day"),
        null=True,
        blank=True,
        help_text=_(
            "Help that comes later than this before the election comes too late: "
            "the deadline never falls after it. Empty: no such limit."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("updated by"),
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
