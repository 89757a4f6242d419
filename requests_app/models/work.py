"""What the Division produces on a case: the needs assessment and the decision."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .case import AssistanceRequest
from .choices import AssessmentMethod, DecisionOutcome, ElectoralPhase
from .reference import AssistanceType

YES_NO = [(True, _("Yes")), (False, _("No"))]


class NeedsAssessment(models.Model):
    """Para 4 and 5: no assistance without an assessment of time, conditions and needs."""

    case = models.OneToOneField(
        AssistanceRequest, on_delete=models.CASCADE, related_name="assessment", verbose_name=_("case")
    )
    method = models.CharField(_("method"), max_length=20, choices=AssessmentMethod.choices)
    tor_sent_on = models.DateField(_("terms of reference sent"), null=True, blank=True)
    host_clearance_on = models.DateField(_("host clearance received"), null=True, blank=True)
    deployed_from = models.DateField(_("mission deployed from"), null=True, blank=True)
    deployed_until = models.DateField(_("mission returned"), null=True, blank=True)
    report_submitted_on = models.DateField(_("report submitted"), null=True, blank=True)

    adequate_time = models.BooleanField(
        _("adequate time for an effective mission"), null=True, blank=True, choices=YES_NO
    )
    adequate_time_notes = models.TextField(_("notes on time"), blank=True)
    conditions_exist = models.BooleanField(
        _("conditions exist for a free and fair election"), null=True, blank=True, choices=YES_NO
    )
    conditions_notes = models.TextField(_("notes on conditions"), blank=True)
    context = models.TextField(_("political, legal and institutional context"), blank=True)
    national_capacity = models.TextField(_("national capacity"), blank=True)
    risks = models.TextField(_("risks"), blank=True)
    womens_participation = models.TextField(_("women's participation"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")

    def __str__(self):
        return f"{self.get_method_display()} — {self.case.reference}"

    # Dates that record what happened (none of the assessment's dates is a plan): never after today.
    RECORDED_DATES = ("tor_sent_on", "host_clearance_on", "deployed_from", "deployed_until", "report_submitted_on")

    def future_dates(self, today=None):
        """The labels of the recorded dates that lie after ``today``: they cannot have happened yet."""
        today = today or timezone.localdate()
        return [self._meta.get_field(name).verbose_name for name in self.RECORDED_DATES
                if getattr(self, name) is not None and getattr(self, name) > today]

    def clean(self):
        today = timezone.localdate()
        future = {
            name: _("This records what happened: it cannot be after today (%(today)s).") % {"today": today.isoformat()}
            for name in self.RECORDED_DATES
            if getattr(self, name) is not None and getattr(self, name) > today
        }
        if future:
            raise ValidationError(future)
        if self.deployed_from and self.deployed_until and self.deployed_until < self.deployed_from:
            raise ValidationError(
                {"deployed_until": _("The mission cannot return before it was deployed.")}
            )
        if self.report_submitted_on and self.deployed_until and self.report_submitted_on < self.deployed_until:
            raise ValidationError(
                {"report_submitted_on": _("The report cannot be submitted before the mission returned.")}
            )

    def missing_for_completion(self):
        """What must still be recorded before the assessment counts as complete."""
        missing = []
        if self.method == AssessmentMethod.MISSION:
            for field in ("tor_sent_on", "host_clearance_on", "deployed_from", "deployed_until"):
                if getattr(self, field) is None:
                    missing.append(self._meta.get_field(field).verbose_name)
        for field in ("report_submitted_on", "adequate_time", "conditions_exist"):
            if getattr(self, field) is None:
                missing.append(self._meta.get_field(field).verbose_name)
        return missing

    @property
    def is_complete(self):
        return not self.missing_for_completion()


class Decision(models.Model):
    """The focal point's parameters of assistance (para 4, 5), as communicated."""

    case = models.ForeignKey(
        AssistanceRequest, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("case")
    )
    assessment = models.ForeignKey(
        NeedsAssessment, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("assessment cited")
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=DecisionOutcome.choices)
    assistance_types = models.ManyToManyField(
        AssistanceType, blank=True, related_name="decisions", verbose_name=_("assistance to provide")
    )
    phase = models.CharField(
        _("phase of the electoral cycle"), max_length=20, choices=ElectoralPhase.choices, blank=True
    )
    period_start = models.DateField(_("assistance from"), null=True, blank=True)
    period_end = models.DateField(_("assistance until"), null=True, blank=True)
    scope = models.TextField(_("scope and parameters"), blank=True)
    short_notice_justification = models.TextField(_("justification for short notice"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    revisit_on = models.DateField(_("revisit on"), null=True, blank=True)
    communicated_on = models.DateField(_("letter to the government sent"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        indexes = [models.Index(fields=["outcome", "decided_at"], name="decision_outcome_idx")]

    def __str__(self):
        return f"{self.get_outcome_display()} — {self.decided_at:%d %b %Y}"
