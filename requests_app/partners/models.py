"""Para 6: the organisations the United Nations works with, and what each brings to a case."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.cases.models import AssistanceRequest
from requests_app.reference.models import MemberState


class Partner(models.Model):
    class Kind(models.TextChoices):
        INTERNATIONAL = "international", _("International organisation")
        REGIONAL = "regional", _("Regional organisation")
        GOVERNMENTAL = "governmental", _("Governmental organisation")
        NON_GOVERNMENTAL = "non_governmental", _("Non-governmental organisation")

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country"),
        help_text=_("For a governmental or national organisation."),
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class PartnerContribution(models.Model):
    """What one partner brings to one case: observers, technical experts, funds or help in kind."""

    class Kind(models.TextChoices):
        OBSERVERS = "observers", _("Observers")
        TECHNICAL_EXPERTS = "technical_experts", _("Technical experts")
        FUNDS = "funds", _("Funds")
        IN_KIND = "in_kind", _("In kind")

    case = models.ForeignKey(
        AssistanceRequest, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("case")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("partner")
    )
    kind = models.CharField(_("contribution"), max_length=20, choices=Kind.choices)
    people = models.PositiveIntegerField(
        _("number of people"), null=True, blank=True, help_text=_("Observers or experts provided.")
    )
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True, help_text=_("ISO 4217 code, e.g. USD, EUR."))
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["case", "recorded_at", "id"]
        verbose_name = _("partner contribution")
        verbose_name_plural = _("partner contributions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="contribution_dates_in_order",
                violation_error_message=_("A contribution cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="contribution_amount_positive",
                violation_error_message=_("An amount must be more than zero."),
            ),
        ]

    def __str__(self):
        return f"{self.partner}: {self.get_kind_display()}"
