"""Para 7: the Trust Fund for Electoral Assistance, as a ledger that is only ever added to."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.cases.models import AssistanceRequest
from requests_app.reference.models import MemberState, RegionalGroup

CENT = Decimal("0.01")

# The United Nations' standard rate of programme support costs on trust funds: 13 per cent of
# expenditure (ST/SGB/188, para. 47: "the standard percentage rate approved by the General
# Assembly"; ST/AI/286, Programme support accounts, section II.A; A/35/544). An administrator may
# set another rate (Trust Fund settings); each allocation keeps the rate it was charged at.
STANDARD_SUPPORT_RATE = Decimal("13.00")


class Purpose(models.TextChoices):
    """What an allocation pays for. An assessment or a panel may be paid for before a decision to assist."""

    NEEDS_ASSESSMENT = "needs_assessment", _("Needs assessment mission")
    EXPERT_PANEL = "expert_panel", _("Expert panel")
    DEPLOYMENT = "deployment", _("Short-term deployment")
    PROJECT_SUPPORT = "project_support", _("Project support")

    @classmethod
    def before_decision(cls) -> frozenset[str]:
        """The purposes that may be funded while the case awaits its decision."""
        return frozenset({cls.NEEDS_ASSESSMENT, cls.EXPERT_PANEL})

    @property
    def phrase(self):
        """The purpose in a sentence, after "for": "for a needs assessment mission"."""
        return PURPOSE_PHRASES[self]

    @property
    def earmark_phrase(self):
        """Money earmarked to the purpose, after "earmarked to": "earmarked to expert panels"."""
        return EARMARK_PHRASES[self]


PURPOSE_PHRASES = {
    Purpose.NEEDS_ASSESSMENT: _("a needs assessment mission"),
    Purpose.EXPERT_PANEL: _("an expert panel"),
    Purpose.DEPLOYMENT: _("a short-term deployment"),
    Purpose.PROJECT_SUPPORT: _("project support"),
}
EARMARK_PHRASES = {
    Purpose.NEEDS_ASSESSMENT: _("needs assessment missions"),
    Purpose.EXPERT_PANEL: _("expert panels"),
    Purpose.DEPLOYMENT: _("short-term deployments"),
    Purpose.PROJECT_SUPPORT: _("project support"),
}


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


NOT_EARMARKED = Q(earmark_country__isnull=True, earmark_region="", earmark_purpose="")
ONE_EARMARK = (
    Q(earmark_country__isnull=False, earmark_region="", earmark_purpose="")
    | (Q(earmark_country__isnull=True, earmark_purpose="") & ~Q(earmark_region=""))
    | (Q(earmark_country__isnull=True, earmark_region="") & ~Q(earmark_purpose=""))
)


class LedgerEntry(models.Model):
    """One line of the Trust Fund's ledger. Entries are never edited or deleted: a mistake is
    put right by a new entry, so the balance on any past day can be read again as it was."""

    class Kind(models.TextChoices):
        PLEDGE = "pledge", _("Pledge")
        CONTRIBUTION = "contribution", _("Contribution")
        ALLOCATION = "allocation", _("Allocation to a case")
        REFUND = "refund", _("Refund to the fund")
        SUPPORT_COST = "support_cost", _("Programme support costs")
        SUPPORT_REFUND = "support_refund", _("Programme support costs returned")

        @classmethod
        def support(cls) -> frozenset[str]:
            return frozenset({cls.SUPPORT_COST, cls.SUPPORT_REFUND})

        @classmethod
        def of_a_case(cls) -> frozenset[str]:
            return frozenset({cls.ALLOCATION, cls.REFUND, cls.SUPPORT_COST, cls.SUPPORT_REFUND})

        @classmethod
        def ins(cls) -> frozenset[str]:
            """What adds to the balance."""
            return frozenset({cls.CONTRIBUTION, cls.REFUND, cls.SUPPORT_REFUND})

        @classmethod
        def outs(cls) -> frozenset[str]:
            """What subtracts from it."""
            return frozenset({cls.ALLOCATION, cls.SUPPORT_COST})

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
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
    # An allocation's purpose, and the rate of programme support costs it was charged at.
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, blank=True)
    support_rate = models.DecimalField(
        _("programme support costs (%)"), max_digits=5, decimal_places=2, null=True, blank=True, editable=False
    )
    # Programme support costs, charged on an allocation or returned with a refund: the entry they go with.
    charged_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_entries",
        verbose_name=_("charged on"),
    )
    # A contribution's earmark: none, or one of a country, a regional group, a purpose.
    earmark_country = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("earmarked to the country"),
    )
    earmark_region = models.CharField(
        _("earmarked to the regional group"), max_length=32, choices=RegionalGroup.choices, blank=True
    )
    earmark_purpose = models.CharField(
        _("earmarked to the purpose"), max_length=20, choices=Purpose.choices, blank=True
    )
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
                condition=~Q(kind__in=["allocation", "refund", "support_cost", "support_refund"])
                | Q(case__isnull=False),
                name="ledger_allocation_has_case",
                violation_error_message=_("An allocation or refund names its case."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="allocation") & ~Q(purpose="")) | (~Q(kind="allocation") & Q(purpose="")),
                name="ledger_allocation_has_purpose",
                violation_error_message=_("An allocation, and only an allocation, has a purpose."),
            ),
            models.CheckConstraint(
                condition=(Q(kind__in=["support_cost", "support_refund"]) & Q(charged_on__isnull=False))
                | (~Q(kind__in=["support_cost", "support_refund"]) & Q(charged_on__isnull=True)),
                name="ledger_support_cost_charged_on",
                violation_error_message=_(
                    "Programme support costs go with the allocation or refund they are charged on."
                ),
            ),
            models.CheckConstraint(
                condition=NOT_EARMARKED | (Q(kind="contribution") & ONE_EARMARK),
                name="ledger_one_earmark_on_contributions",
                violation_error_message=_("Only a contribution is earmarked, and to one thing at most."),
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
        if self.kind in self.Kind.ins():
            return self.amount_usd
        if self.kind in self.Kind.outs():
            return -self.amount_usd
        return Decimal("0.00")

    @property
    def is_earmarked(self) -> bool:
        return bool(self.earmark_country_id or self.earmark_region or self.earmark_purpose)

    @property
    def earmark_text(self) -> str:
        """What the money is earmarked to, as the pages say it ("Ghana", "African States"); "" if nothing."""
        if self.earmark_country_id:
            return str(self.earmark_country)
        if self.earmark_region:
            return str(self.get_earmark_region_display())
        if self.earmark_purpose:
            return str(Purpose(self.earmark_purpose).earmark_phrase)
        return ""


class EarmarkDraw(models.Model):
    """Earmarked money an allocation (or its support costs) took from one contribution, or a refund
    gave back to it. What is not drawn from an earmarked contribution is unearmarked money; with
    these rows, every earmarked contribution's balance on any day can be read again."""

    entry = models.ForeignKey(
        LedgerEntry, on_delete=models.PROTECT, related_name="earmark_draws", verbose_name=_("entry")
    )
    source = models.ForeignKey(
        LedgerEntry,
        on_delete=models.PROTECT,
        related_name="earmark_uses",
        limit_choices_to={"kind": "contribution"},
        verbose_name=_("earmarked contribution"),
    )
    amount_usd = models.DecimalField(_("amount in USD"), max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["id"]
        verbose_name = _("use of earmarked money")
        verbose_name_plural = _("uses of earmarked money")
        constraints = [
            models.UniqueConstraint(fields=["entry", "source"], name="one_draw_per_entry_and_source"),
            models.CheckConstraint(
                condition=Q(amount_usd__gt=0),
                name="earmark_draw_positive",
                violation_error_message=_("An amount must be more than zero."),
            ),
        ]

    def __str__(self):
        return f"{self.amount_usd} USD"


class TrustFundSettings(models.Model):
    """One row: the balance below which finance and the focal point are told, and the rate of
    programme support costs charged on allocations."""

    alert_threshold_usd = models.DecimalField(
        _("alert below (USD)"),
        max_digits=16,
        decimal_places=2,
        default=Decimal("500000.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("When the balance falls below this, finance and the focal point receive one email."),
    )
    support_cost_rate = models.DecimalField(
        _("programme support costs (%)"),
        max_digits=5,
        decimal_places=2,
        default=STANDARD_SUPPORT_RATE,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_(
            "Charged on each allocation when it is made, in percent of its amount; 13 is the United Nations' "
            "standard rate on trust funds. A new rate applies to new allocations only."
        ),
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
