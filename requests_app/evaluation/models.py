"""The post-electoral phase (paras 5 and 9): a case's evaluation, its lessons learned, and the
recorded reason when a case closes without an evaluation."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.cases.models import AssistanceRequest
from requests_app.reference.models import AssistanceType

# How the history names the events this domain writes (registered by RequestsAppConfig.ready).
EVENT_LABELS = {
    "evaluation_recorded": _("Evaluation recorded"),
    "evaluation_updated": _("Evaluation edited"),
    "evaluation_waived": _("Evaluation waived"),
    "lesson_added": _("Lesson learned added"),
    "lesson_updated": _("Lesson learned edited"),
}


class Evaluation(models.Model):
    """What the assistance to one case achieved, written after the election: one per case."""

    case = models.OneToOneField(
        AssistanceRequest, on_delete=models.PROTECT, related_name="evaluation", verbose_name=_("case")
    )
    what_worked = models.TextField(_("what worked"))
    what_did_not_work = models.TextField(_("what did not work"))
    recommendations = models.TextField(_("recommendations"))
    evaluated_on = models.DateField(_("evaluated on"))
    evaluated_by = models.CharField(
        _("evaluated by"),
        max_length=200,
        help_text=_("Who carried out the evaluation, e.g. the Division with the UNDP country office."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    updated_at = models.DateTimeField(_("last edited"), default=timezone.now)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self):
        return str(_("Evaluation of %(case)s") % {"case": self.case.reference if self.case_id else "—"})


class EvaluationWaiver(models.Model):
    """Why a case closed without an evaluation: written with the closing, by the one who closed it."""

    case = models.OneToOneField(
        AssistanceRequest, on_delete=models.PROTECT, related_name="evaluation_waiver", verbose_name=_("case")
    )
    reason = models.TextField(_("reason"))
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("waived by")
    )
    waived_at = models.DateTimeField(_("waived"), default=timezone.now)

    class Meta:
        verbose_name = _("waived evaluation")
        verbose_name_plural = _("waived evaluations")

    def __str__(self):
        return str(_("Evaluation of %(case)s waived") % {"case": self.case.reference if self.case_id else "—"})


class LessonLearned(models.Model):
    """One lesson drawn from a case, for the cases to come (institutional memory, para 9)."""

    case = models.ForeignKey(
        AssistanceRequest, on_delete=models.PROTECT, related_name="lessons", verbose_name=_("case")
    )
    title = models.CharField(_("title"), max_length=200)
    lesson = models.TextField(_("lesson"))
    areas = models.ManyToManyField(
        AssistanceType,
        blank=True,
        related_name="lessons",
        verbose_name=_("areas of assistance"),
        help_text=_("The types of assistance the lesson concerns."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    updated_at = models.DateTimeField(_("last edited"), default=timezone.now)

    # Not a field: whether the reader may open the case, set by evaluation.selectors for the pages.
    case_visible: bool

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")
        indexes = [models.Index(fields=["-recorded_at", "-id"], name="lesson_recorded_idx")]

    def __str__(self):
        return self.title
