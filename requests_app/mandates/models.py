"""A Security Council or General Assembly mandate: a basis for assistance besides a request (para 2).

A mandate concerns one country, is adopted by a resolution with its symbol, may expire, and may be
renewed by a later resolution, recorded as a mandate of its own that ``renews`` the earlier one.
Its link to cases is declared here (``cases``, related_name "mandates"), so the cases domain reads a
case's mandates without importing this one.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from requests_app.cases.models import AssistanceRequest
from requests_app.core.types import StrOrPromise
from requests_app.reference.models import MemberState


class Organ(models.TextChoices):
    SECURITY_COUNCIL = "security_council", _("Security Council")
    GENERAL_ASSEMBLY = "general_assembly", _("General Assembly")


# S/RES/2734 (2024): Security Council, number and year. A/RES/78/123 (or A/RES/ES-11/1, an
# emergency special session): General Assembly, session and number; the year is not in it.
SC_SYMBOL = re.compile(r"S/RES/(?P<number>\d{1,5}) \((?P<year>(?:19|20)\d{2})\)")
GA_SYMBOL = re.compile(r"A/RES/(?:ES-)?(?P<session>\d{1,3})/(?P<number>\d{1,4})")
SYMBOL_MAX_LENGTH = 40


def normalise_symbol(text: str) -> str:
    """The symbol as the United Nations writes it: capitals, single spaces, "S/RES/2734 (2024)"."""
    symbol = " ".join(str(text).split()).upper()
    symbol = re.sub(r"\s*/\s*", "/", symbol)
    return re.sub(r"\s*\(\s*(\d+)\s*\)$", r" (\1)", symbol)


def organ_of(symbol: str) -> str | None:
    """The organ whose resolution the symbol names, or None when it names neither's."""
    if SC_SYMBOL.fullmatch(symbol):
        return Organ.SECURITY_COUNCIL
    if GA_SYMBOL.fullmatch(symbol):
        return Organ.GENERAL_ASSEMBLY
    return None


def year_of(symbol: str) -> int | None:
    """The year a Security Council symbol carries; a General Assembly symbol carries none."""
    match = SC_SYMBOL.fullmatch(symbol)
    return int(match["year"]) if match else None


def validate_symbol(value: str) -> None:
    if organ_of(normalise_symbol(value)) is None:
        raise ValidationError(
            _(
                "Write the resolution's symbol as the United Nations does: S/RES/2734 (2024) for the "
                "Security Council, A/RES/78/123 for the General Assembly."
            ),
            code="symbol",
        )


class Mandate(models.Model):
    member_state = models.ForeignKey(
        MemberState, on_delete=models.PROTECT, related_name="mandates", verbose_name=_("country")
    )
    organ = models.CharField(_("organ"), max_length=20, choices=Organ.choices)
    symbol = models.CharField(
        _("resolution"),
        max_length=SYMBOL_MAX_LENGTH,
        validators=[validate_symbol],
        help_text=_("The symbol of the resolution, e.g. S/RES/2734 (2024) or A/RES/78/123."),
    )
    # Null only for mandates carried over from the cases of before (migration 0019_mandates): their day of
    # adoption was never recorded. A Security Council symbol gives the year: the date is then
    # 1 January of it, marked as the year alone.
    adopted_on = models.DateField(_("adopted on"), null=True)
    adopted_on_year_only = models.BooleanField(_("only the year of adoption is known"), default=False, editable=False)
    expires_on = models.DateField(
        _("expires on"), null=True, blank=True, help_text=_("Leave empty when the resolution sets no end.")
    )
    electoral_tasks = models.TextField(
        _("electoral tasks"), blank=True, help_text=_("What the resolution asks of the United Nations for elections.")
    )
    renews = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name=_("renews"),
        help_text=_("The earlier mandate this resolution renews."),
    )
    cases = models.ManyToManyField(
        AssistanceRequest, blank=True, related_name="mandates", verbose_name=_("cases resting on it")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = [F("adopted_on").desc(nulls_last=True), "-id"]
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        constraints = [
            # One resolution may concern several countries: it is recorded once for each.
            models.UniqueConstraint(
                fields=["member_state", "symbol"],
                name="mandate_symbol_once_per_country",
                violation_error_message=_("This resolution is already recorded as a mandate for this country."),
            ),
            models.UniqueConstraint(
                fields=["renews"],
                name="mandate_renewed_once",
                violation_error_message=_("This mandate has already been renewed: renew its latest renewal."),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(adopted_on__isnull=True) | Q(expires_on__gte=F("adopted_on")),
                name="mandate_expires_after_adoption",
                violation_error_message=_("A mandate cannot expire before it was adopted."),
            ),
            models.CheckConstraint(condition=Q(organ__in=Organ.values), name="mandate_organ_known"),
        ]
        indexes = [models.Index(fields=["expires_on"], name="mandate_expiry_idx")]

    def __str__(self):
        return self.symbol

    def clean(self):
        self.symbol = normalise_symbol(self.symbol or "")
        errors: dict[str, StrOrPromise] = {}
        organ = organ_of(self.symbol)
        if organ and self.organ and organ != self.organ:
            errors["organ"] = _("The symbol %(symbol)s is that of a resolution of the %(organ)s.") % {
                "symbol": self.symbol,
                "organ": Organ(organ).label,
            }
        if self.adopted_on and self.adopted_on > timezone.localdate():
            errors["adopted_on"] = _("A mandate is recorded once adopted: the date cannot be in the future.")
        if self.adopted_on and self.expires_on and self.expires_on < self.adopted_on:
            errors["expires_on"] = _("A mandate cannot expire before it was adopted.")
        errors.update(self._renewal_errors())
        if errors:
            raise ValidationError(errors)

    def _renewal_errors(self):
        earlier = self.renews if self.renews_id is not None else None
        if earlier is None:
            return {}
        if self.pk is not None and earlier.pk == self.pk:
            return {"renews": _("A mandate cannot renew itself.")}
        if self.member_state_id is not None and earlier.member_state_id != self.member_state_id:
            return {
                "renews": _("A renewal concerns the same country as the mandate it renews (%(country)s).")
                % {"country": earlier.member_state}
            }
        before = earlier.adopted_on
        if self.adopted_on is None or before is None:
            return {}
        too_early = self.adopted_on.year < before.year if earlier.adopted_on_year_only else self.adopted_on < before
        if too_early:
            return {
                "adopted_on": _("A renewal cannot be adopted before the mandate it renews (%(day)s).")
                % {"day": earlier.adopted_text()}
            }
        return {}

    @property
    def symbol_year(self):
        return year_of(self.symbol)

    def adopted_text(self):
        """The day of adoption as the pages show it, or the year alone, or that it was not recorded."""
        if self.adopted_on is None:
            return gettext("not recorded")
        if self.adopted_on_year_only:
            return gettext("in %(year)d (day not recorded)") % {"year": self.adopted_on.year}
        return date_format(self.adopted_on, "DATE_FORMAT")

    def expiry_text(self, today=None):
        """ "expires in 12 days", "expired 3 days ago", "no expiry": as the list and the case page say it."""
        days = self.days_to_expiry(today)
        if days is None:
            return gettext("no expiry")
        if days > 0:
            return ngettext("expires in %(days)d day", "expires in %(days)d days", days) % {"days": days}
        if days == 0:
            return gettext("expires today")
        return ngettext("expired %(days)d day ago", "expired %(days)d days ago", -days) % {"days": -days}

    def days_to_expiry(self, today=None):
        """Days until the mandate expires (negative once it has), None when it sets no end."""
        if self.expires_on is None:
            return None
        return (self.expires_on - (today or timezone.localdate())).days
