"""Para 7: the Trust Fund for Electoral Assistance, as a ledger that is only ever added to."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.cases.models import AssistanceRequest

CENT = Decimal("0.01")


class ExchangeRate(models.Model):
    """The day's rate of a currency in US dollars, as finance enters it."""

    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217 code, e.g. EUR."))
    day = models.DateField(_("day"))
    usd_per_unit = models.DecimalField(
        _("US dollars for one unit"),
        max_digits=18,
        decimal_places=8,
        validators=[MinValueValidator(Decimal("0.00000001"))],
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-day", "currency"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "day"],
                name="one_rate_per_currency_and_day",
                violation_error_message=_("There is already a rate for this currency on this day."),
            ),
            models.CheckConstraint(
                condition=Q(usd_per_unit__gt=0),
                name="rate_positive",
                violation_error_message=_("A rate must be more than zero."),
            ),
        ]

    def __str__(self):
        return f"{self.currency} {self.day:%Y-%m-%d}: {self.usd_per_unit} USD"


class LedgerEntry(models.Model):
    """One line of the Trust Fund's ledger. Entries are never edited or deleted: a mistake is
    put right by a new entry, so the balance on any past day can be read again as it was."""

    class Kind(models.TextChoices):
        PLEDGE = "pledge", _("Pledge")
        CONTRIBUTION = "contribution", _("Contribution")
        ALLOCATION = "allocation", _("Allocation to a case")
        REFUND = "refund", _("Refund to the fund")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    value_date = models.DateField(_("date"))
    donor = models.CharField(_("donor"), max_length=200, blank=True)
    case = models.ForeignKey(
        AssistanceRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
        verbose_name=_("case"),
    )
    pledge = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        limit_choices_to={"kind": "pledge"},
        verbose_name=_("pays pledge"),
    )
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    usd_per_unit = models.DecimalField(_("rate (USD)"), max_digits=18, decimal_places=8, editable=False)
    amount_usd = models.DecimalField(_("amount in USD"), max_digits=16, decimal_places=2, editable=False)
    description = models.TextField(_("description"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["value_date", "id"]
        verbose_name = _("Trust Fund entry")
        verbose_name_plural = _("Trust Fund ledger")
        permissions = [
            ("record_allocation", _("Can allocate Trust Fund money to a case")),
            ("view_trust_fund_statement", _("Can see the Trust Fund statement")),
        ]
        indexes = [models.Index(fields=["kind", "value_date"], name="ledger_kind_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(amount_usd__gt=0),
                name="ledger_amount_positive",
                violation_error_message=_("An amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["allocation", "refund"]) | Q(case__isnull=False),
                name="ledger_allocation_has_case",
                violation_error_message=_("An allocation or refund names its case."),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["pledge", "contribution"]) | ~Q(donor=""),
                name="ledger_contribution_has_donor",
                violation_error_message=_("A pledge or contribution names its donor."),
            ),
        ]

    def __str__(self):
        if self.value_date is None:  # an unsaved row, as a forged admin form makes one
            return f"{self.get_kind_display()} {self.amount} {self.currency}"
        return f"{self.value_date:%Y-%m-%d} {self.get_kind_display()} {self.amount} {self.currency}"

    @property
    def signed_usd(self):
        """What the entry does to the balance: pledges promise money but do not move it."""
        if self.kind in (self.Kind.CONTRIBUTION, self.Kind.REFUND):
            return self.amount_usd
        if self.kind == self.Kind.ALLOCATION:
            return -self.amount_usd
        return Decimal("0.00")


class TrustFundSettings(models.Model):
    """One row: the balance below which finance and the focal point are told."""

    alert_threshold_usd = models.DecimalField(
        _("alert below (USD)"),
        max_digits=16,
        decimal_places=2,
        default=Decimal("500000.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("When the balance falls below this, finance and the focal point receive one email."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("Trust Fund settings")
        verbose_name_plural = _("Trust Fund settings")

    def __str__(self):
        return str(_("Trust Fund settings"))


class BalanceAlert(models.Model):
    """One fall of the balance below the threshold. A new row only after the balance has
    risen back above it, so the team is told once per crossing, however often the check runs
    (the check locks the settings row, so two checks at once cannot both open a crossing)."""

    crossed_at = models.DateTimeField(_("fell below at"), default=timezone.now)
    balance_usd = models.DecimalField(_("balance (USD)"), max_digits=16, decimal_places=2)
    threshold_usd = models.DecimalField(_("threshold (USD)"), max_digits=16, decimal_places=2)
    sent_at = models.DateTimeField(_("email sent"), null=True, blank=True)
    recovered_at = models.DateTimeField(_("back above at"), null=True, blank=True)

    class Meta:
        ordering = ["-crossed_at", "-id"]
        verbose_name = _("balance alert")
        verbose_name_plural = _("balance alerts")

    def __str__(self):
        return f"{self.crossed_at:%Y-%m-%d}: {self.balance_usd} USD"
