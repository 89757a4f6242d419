"""Paras 8-9: the roster of electoral experts, and their deployments to cases."""

from babel import Locale
from babel.core import UnknownLocaleError
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from requests_app.cases.models import AssistanceRequest
from requests_app.reference.models import AssistanceType, MemberState


class Language(models.Model):
    """A language an expert works in; the six official languages of the United Nations are marked."""

    code = models.CharField(_("code"), max_length=12, unique=True, help_text=_("ISO 639 code, e.g. fr, pt, sw."))
    name = models.CharField(_("name"), max_length=60, unique=True)
    is_un_official = models.BooleanField(_("official UN language"), default=False)

    class Meta:
        ordering = ["-is_un_official", "name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self):
        return self.local_name

    @property
    def local_name(self):
        """The language named in the reader's language, by its ISO code (the Unicode CLDR, through
        babel): "arabe" on a French page. Its own name when the CLDR knows no such code."""
        from requests_app.core.numbers import babel_locale

        try:
            name = Locale.parse(babel_locale()).languages.get(self.code.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            name = None
        return capfirst(name) if name else self.name


class Expert(models.Model):
    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Another gender")
        UNDISCLOSED = "undisclosed", _("Prefers not to say")

    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    email = models.EmailField(_("email"), unique=True)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices)
    nationality = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        related_name="experts",
        verbose_name=_("nationality"),
        help_text=_("The regional group follows from the nationality."),
    )
    expertise = models.ManyToManyField(AssistanceType, related_name="experts", verbose_name=_("areas of expertise"))
    languages = models.ManyToManyField(Language, related_name="experts", verbose_name=_("languages"))
    available_from = models.DateField(_("available from"), null=True, blank=True, help_text=_("Empty: available now."))
    available_until = models.DateField(_("available until"), null=True, blank=True, help_text=_("Empty: no end date."))
    is_active = models.BooleanField(
        _("on the roster"), default=True, help_text=_("Experts taken off the roster keep their past deployments.")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    # Not fields: what roster.selectors attaches for the pages (roster(), mark_deployments()).
    upcoming_deployments: list["Deployment"]
    current_deployment: "Deployment | None"
    next_deployment: "Deployment | None"

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        constraints = [
            models.CheckConstraint(
                condition=Q(available_until__isnull=True)
                | Q(available_from__isnull=True)
                | Q(available_until__gte=models.F("available_from")),
                name="expert_availability_in_order",
                violation_error_message=_("Availability cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.given_name} {self.family_name}"

    @property
    def regional_group(self):
        return self.nationality.regional_group


class Deployment(models.Model):
    """An expert on a case for a period. No expert is booked twice for overlapping dates."""

    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="deployments", verbose_name=_("expert"))
    case = models.ForeignKey(
        AssistanceRequest, on_delete=models.PROTECT, related_name="deployments", verbose_name=_("case")
    )
    role = models.CharField(_("role"), max_length=120, help_text=_("e.g. Legal adviser, Chief electoral adviser."))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    cancel_reason = models.TextField(_("why it was cancelled"), blank=True)

    # Not fields: whether the reader may open the case, set by roster.selectors for the pages; the
    # deployment's status (roster.selectors.deployment_status) and whether the reader may cancel it,
    # set by the pages that list deployments (roster.views, the case page's template tag).
    case_visible: bool
    status: str
    status_label: str
    may_cancel: bool

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("deployment")
        verbose_name_plural = _("deployments")
        indexes = [models.Index(fields=["expert", "starts_on", "ends_on"], name="deployment_expert_dates_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="deployment_dates_in_order",
                violation_error_message=_("A deployment cannot end before it starts."),
            ),
        ]

    def __str__(self):
        if None in (self.starts_on, self.ends_on, self.expert_id):  # an unsaved row, as a forged form makes one
            return str(self.role)
        return f"{self.expert} — {self.role} ({date_format(self.starts_on)} – {date_format(self.ends_on)})"

    @property
    def is_cancelled(self):
        return self.cancelled_at is not None
