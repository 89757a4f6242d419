"""The Trust Fund's records in the admin: read here, written through the fund's pages."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app.fund import alerts, money
from requests_app.fund import selectors as fund_selectors
from requests_app.fund import services as fund_services
from requests_app.fund.models import BalanceAlert, EarmarkDraw, ExchangeRate, LedgerEntry, TrustFundSettings
from requests_app.reference.admin import CountrySearchMixin

# The Trust Fund (para 7) -----------------------------------------------------------------------
#
# The ledger, its rates and its alerts are records: read here, written only through the Trust
# Fund's pages and their services (which convert, check the balance and write the case's history).
# The one settings row is changed by an administrator only, through the service, since a new
# threshold may itself put the balance below it (or back above).


class FundRecordAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: corrections are new entries."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _money_column(field, description):
    """A column (and read-only field) showing money as everywhere else: 1,234,567.89."""

    @admin.display(description=description, ordering=field)
    def column(self, obj):
        return money.money(getattr(obj, field))

    return column


@admin.display(description=_("rate (USD)"), ordering="usd_per_unit")
def _rate_column(self, obj):
    return money.rate_text(obj.usd_per_unit)


class EarmarkDrawInline(admin.TabularInline):
    """The earmarked money an entry took from (or gave back to) each contribution: read only."""

    model = EarmarkDraw
    fk_name = "entry"
    fields = readonly_fields = ("source", "amount_usd_shown")
    extra = 0
    can_delete = False
    verbose_name = _("earmarked money moved")
    verbose_name_plural = _("earmarked money moved (the rest is unearmarked)")
    amount_usd_shown = _money_column("amount_usd", _("amount in USD"))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("requests_app.view_ledgerentry")


@admin.display(description=_("earmark"))
def _earmark_column(self, obj):
    return obj.earmark_text or "—"


@admin.display(description=_("programme support costs (%)"), ordering="support_rate")
def _support_rate_column(self, obj):
    return "—" if obj.support_rate is None else money.percent_text(obj.support_rate)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(CountrySearchMixin, FundRecordAdmin):
    list_display = [
        "value_date",
        "kind",
        "purpose",
        "donor",
        "earmark_shown",
        "case",
        "amount_shown",
        "currency",
        "rate_shown",
        "amount_usd_shown",
        "recorded_by",
        "recorded_at",
    ]
    list_filter = ["kind", "purpose", "currency", "earmark_region", "earmark_purpose"]
    list_select_related = ["case", "recorded_by", "earmark_country"]
    search_fields = ["donor", "case__reference", "description"]
    country_search = "earmark_country"
    date_hierarchy = "value_date"
    ordering = ["-value_date", "-id"]
    readonly_fields = (
        "kind",
        "value_date",
        "donor",
        "case",
        "pledge",
        "purpose",
        "earmark_shown",
        "amount_shown",
        "currency",
        "rate_shown",
        "amount_usd_shown",
        "support_rate_shown",
        "charged_on",
        "description",
        "recorded_by",
        "recorded_at",
    )
    fields = readonly_fields
    inlines = [EarmarkDrawInline]
    amount_shown = _money_column("amount", _("amount"))
    amount_usd_shown = _money_column("amount_usd", _("amount in USD"))
    rate_shown = _rate_column
    earmark_shown = _earmark_column
    support_rate_shown = _support_rate_column


@admin.register(ExchangeRate)
class ExchangeRateAdmin(FundRecordAdmin):
    list_display = ["day", "currency", "rate_shown", "entered_by", "entered_at"]
    list_filter = ["currency"]
    list_select_related = ["entered_by"]
    date_hierarchy = "day"
    readonly_fields = ("currency", "day", "rate_shown", "entered_by", "entered_at")
    fields = readonly_fields
    rate_shown = _rate_column


@admin.register(BalanceAlert)
class BalanceAlertAdmin(FundRecordAdmin):
    list_display = ("crossed_at", "balance_shown", "threshold_shown", "sent_at", "recovered_at")
    readonly_fields = list_display
    fields = list_display
    balance_shown = _money_column("balance_usd", _("balance (USD)"))
    threshold_shown = _money_column("threshold_usd", _("threshold (USD)"))


@admin.register(TrustFundSettings)
class TrustFundSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "alert_threshold_usd", "support_cost_rate", "updated_at"]
    fields = ["alert_threshold_usd", "support_cost_rate", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request):
        return False  # one row, made by migration 0011

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return bool(request.user.is_active and request.user.is_superuser)

    def save_model(self, request, obj, form, change):
        from requests_app.core.errors import ActionRefused

        try:
            if "support_cost_rate" in form.changed_data:
                fund_services.set_support_rate(actor=request.user, rate=obj.support_cost_rate)
            fund_services.set_threshold(actor=request.user, threshold=obj.alert_threshold_usd)
        except ActionRefused as refusal:  # the form has checked the figure; only a lost right ends here
            raise PermissionDenied(" ".join(refusal.messages)) from None
        alert = alerts.open_alert()
        if alert is not None:
            self.message_user(
                request,
                gettext(
                    "The balance (%(balance)s USD) is below the threshold: finance and the focal point are "
                    "emailed once for this fall, and again only after it has risen back above."
                )
                % {"balance": money.money(fund_selectors.balance())},
                messages.WARNING,
            )
