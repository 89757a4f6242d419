"""A document of a case: a letter, an assessment, a report."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from requests_app.cases.models import AssistanceRequest


class DocumentKind(models.TextChoices):
    REQUEST_LETTER = "request_letter", _("Request letter")
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement letter")
    TERMS_OF_REFERENCE = "terms_of_reference", _("Terms of reference")
    ASSESSMENT_REPORT = "assessment_report", _("Needs assessment report")
    DECISION_LETTER = "decision_letter", _("Decision letter")
    MISSION_REPORT = "mission_report", _("Mission report")
    OTHER = "other", _("Other")


def document_path(instance, filename):
    # Stored under a generated name: the uploader's file name never reaches the disk.
    suffix = PurePath(filename).suffix.lower()
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}{suffix}"


class CaseDocument(models.Model):
    case = models.ForeignKey(
        AssistanceRequest, on_delete=models.CASCADE, related_name="documents", verbose_name=_("case")
    )
    kind = models.CharField(_("type"), max_length=24, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0, editable=False)
    is_complete = models.BooleanField(
        _("final and complete"),
        default=False,
        help_text=_("Tick when this is the final version; a mission report must be final before the case can close."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"
