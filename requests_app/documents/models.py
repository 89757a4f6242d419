"""A document of a case: a letter, an assessment, a report; its level; who opened a confidential one."""

import uuid
from datetime import datetime
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from requests_app.cases.models import AssistanceRequest
from requests_app.core.confidentiality import LEVEL_MAX_LENGTH, Level


class DocumentKind(models.TextChoices):
    REQUEST_LETTER = "request_letter", _("Request letter")
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement letter")
    TERMS_OF_REFERENCE = "terms_of_reference", _("Terms of reference")
    ASSESSMENT_REPORT = "assessment_report", _("Needs assessment report")
    DECISION_LETTER = "decision_letter", _("Decision letter")
    MISSION_REPORT = "mission_report", _("Mission report")
    PANEL_REPORT = "panel_report", _("Expert panel report")
    OTHER = "other", _("Other")


# The Division's rule: needs assessment, mission and panel reports are confidential unless the one
# who files them says otherwise; everything else is internal.
CONFIDENTIAL_KINDS = frozenset({DocumentKind.ASSESSMENT_REPORT, DocumentKind.MISSION_REPORT, DocumentKind.PANEL_REPORT})


def default_level(kind: str) -> str:
    """The level a document of ``kind`` is filed at unless its uploader chooses another."""
    return Level.CONFIDENTIAL if kind in CONFIDENTIAL_KINDS else Level.INTERNAL


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
    level = models.CharField(
        _("level"),
        max_length=LEVEL_MAX_LENGTH,
        choices=Level.choices,
        default=Level.INTERNAL,
        help_text=_("Who may open it (README, Security). Needs assessment, mission and panel reports: confidential."),
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        permissions = [
            ("read_internal_content", _("Read internal documents and notes")),
            ("read_confidential_content", _("Read confidential documents and notes")),
            ("read_strictly_confidential_content", _("Read strictly confidential documents and notes")),
        ]

    def __str__(self):
        # Never the file's name: this is what the admin's rows, its log and the auditor's lists
        # show to readers who may not open the document (a name can say what it holds).
        return describe_document(self.kind, self.uploaded_at, self.pk)


def describe_document(kind: str, uploaded_at: datetime | None, pk: int | None) -> str:
    """A document as someone who may not open it reads it: "Needs assessment report of 3 Mar 2026 (no. 12)"."""
    kind_label = dict(DocumentKind.choices).get(kind, kind)
    if uploaded_at is None:
        return str(kind_label)
    day = formats.date_format(timezone.localtime(uploaded_at), "DATE_FORMAT")
    return str(_("%(kind)s of %(day)s (no. %(number)s)") % {"kind": kind_label, "day": day, "number": pk})


class ConfidentialRead(models.Model):
    """One opening of a confidential or strictly confidential document or note: who, when, what, where.

    Written by documents.services.record_reads when a file is served or a note is shown; never
    changed or deleted. The subject is any row with a level (a document, a history entry whose
    comment was shown, an assessment's findings, a letter...), named in ``subject`` as the auditor
    reads it, without a file name."""

    class Place(models.TextChoices):
        DOWNLOAD = "download", _("downloaded from the case page")
        ADMIN_DOWNLOAD = "admin_download", _("downloaded from the intake desk")
        CASE_PAGE = "case_page", _("shown on the case page")
        ADMIN_PAGE = "admin_page", _("shown in the intake desk")
        EXPORT = "export", _("in an export")
        LETTER_DOWNLOAD = "letter_download", _("downloaded from the correspondence register")
        LETTER_PAGE = "letter_page", _("shown in the correspondence register")
        API = "api", _("read through the API")

    # Empty for a letter that concerns no case (a country's correspondence): its subject names the country.
    case = models.ForeignKey(
        AssistanceRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="confidential_reads",
        verbose_name=_("case"),
    )
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("read by")
    )
    read_at = models.DateTimeField(_("when"), default=timezone.now)
    level = models.CharField(_("level"), max_length=LEVEL_MAX_LENGTH, choices=Level.choices)
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind of record")
    )
    subject_id = models.PositiveBigIntegerField(_("record no."))
    subject = models.CharField(_("what"), max_length=200)
    place = models.CharField(_("where"), max_length=20, choices=Place.choices)

    class Meta:
        ordering = ["-read_at", "-id"]
        verbose_name = _("opening of a confidential document or note")
        verbose_name_plural = _("openings of confidential documents and notes")
        indexes = [
            models.Index(fields=["case", "read_at"], name="read_case_idx"),
            models.Index(fields=["reader", "read_at"], name="read_reader_idx"),
            models.Index(fields=["read_at"], name="read_at_idx"),
        ]

    def __str__(self):
        return f"{self.subject} — {self.get_place_display()}"
