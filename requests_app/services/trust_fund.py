"""Para 7: the Trust Fund for Electoral Assistance, kept as a ledger in US dollars.

What each kind of entry means (the statement page says the same to its readers):

- a *pledge* is a donor's promise. It is tracked (what is still outstanding: the pledge less
  the contributions recorded as paying it) but moves no money, so it leaves the balance as it is;
- a *contribution* is money received: it adds to the balance;
- an *allocation* is money given to an approved case: it subtracts;
- a *refund* is unspent allocation money a case gives back: it adds, and never more than the
  case was allocated net of its earlier refunds.

Every entry is converted to US dollars at the rate finance entered for its currency on its value
date (USD is 1), rounded half up to the cent, and keeps the rate it used: a rate entered or
corrected later never changes the ledger. Entries are never edited or deleted; a mistake is put
right by a new entry.

Every write runs in one transaction that first locks the single TrustFundSettings row, so the
writes happen one after the other: two allocations at once cannot both see money that only one
of them may take, and two balance checks cannot both open an alert. Amounts are ``Decimal``.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .. import roles, selectors
from ..exceptions import ActionRefused
from ..models import (
    AssistanceRequest,
    BalanceAlert,
    DecisionOutcome,
    ExchangeRate,
    LedgerEntry,
    Stage,
    TrustFundSettings,
)
from .workflow import record_event

Kind = LedgerEntry.Kind
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
USD = "USD"
# The ledger's columns hold 16 digits, two of them cents; the rates 18, eight of them decimals.
MAX_AMOUNT = Decimal("1e14")
MAX_RATE = Decimal("1e10")
RATE_PLACES = Decimal("1e-8")
CURRENCY_CODE = re.compile(r"[A-Z]{3}")

# A case may receive money once the focal point has decided to assist it and until it reports.
FUNDABLE_STAGES = (Stage.DECISION_COMMUNICATED, Stage.IN_IMPLEMENTATION, Stage.REPORTING)

RECORD_PERMISSION = "requests_app.add_ledgerentry"
ALLOCATE_PERMISSION = "requests_app.record_allocation"
RATE_PERMISSION = "requests_app.add_exchangerate"
STATEMENT_PERMISSION = "requests_app.view_trust_fund_statement"

# An alert whose email has not left this long after the fall is sent again by the periodic check
# (its own task's retries have run out by then); the send locks the alert, so never twice.
UNSENT_ALERT_RETRY = timedelta(minutes=30)


# Formatting: the same figures in messages, pages, emails and exports --------------------------


def money(value):
    """120000 -> "120,000.00": two decimals and the thousands separators of the language."""
    return formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def rate_text(rate):
    """A rate with at least four decimals and no trailing zeros beyond: 1.08700000 -> "1.0870"."""
    whole, _dot, decimals = format(Decimal(rate).normalize(), "f").partition(".")
    return f"{whole}.{decimals.ljust(4, '0')}"


def day_text(day):
    return formats.date_format(day, "j M Y")


def converted_text(entry_or_amount, currency=None, rate=None):
    """" (EUR 138,000.00 at 1.0870)" for an amount in another currency, "" for US dollars."""
    if currency is None:
        entry = entry_or_amount
        amount, currency, rate = entry.amount, entry.currency, entry.usd_per_unit
    else:
        amount = entry_or_amount
    if currency == USD:
        return ""
    return " " + _("(%(currency)s %(amount)s at %(rate)s)") % {
        "currency": currency, "amount": money(amount), "rate": rate_text(rate),
    }


# Checks of what a user typed -----------------------------------------------------------------


def _amount(value):
    """The amount as a Decimal of cents, or a refusal that says what is wrong with it."""
    if isinstance(value, float):
        # A float cannot hold most cents exactly: a caller passing one has a bug, not a typo.
        raise TypeError("Trust Fund amounts are Decimal, never float.")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ActionRefused(_("The amount is not a number.")) from None
    if not amount.is_finite():
        raise ActionRefused(_("The amount is not a number."))
    if amount <= 0:
        raise ActionRefused(_("The amount must be more than zero."))
    if amount >= MAX_AMOUNT:
        raise ActionRefused(_("The amount is too large for the ledger."))
    if amount != amount.quantize(CENT):
        raise ActionRefused(_("Give the amount to the cent at most (two decimals)."))
    return amount.quantize(CENT)


def _currency(value):
    currency = (value or "").strip().upper()
    if not CURRENCY_CODE.fullmatch(currency):
        raise ActionRefused(
            _("“%(currency)s” is not a currency code: give its three letters (ISO 4217), for example EUR.")
            % {"currency": value or ""}
        )
    return currency


def _value_date(value):
    if isinstance(value, datetime):
        raise TypeError("A value date is a date, not a moment.")  # a caller's bug: which day would it be?
    if not isinstance(value, date):
        raise ActionRefused(_("Give the date of the entry."))
    today = timezone.localdate()
    if value > today:
        raise ActionRefused(
            _("The date %(day)s is in the future: record an entry on or after the day it happens.")
            % {"day": day_text(value)}
        )
    return value


def _require(actor, permission, message):
    if actor is None or not actor.is_active or not actor.has_perm(permission):
        raise ActionRefused(message)


def _settings_row():
    """The settings row, locked until the transaction ends: every write of the fund waits here.

    Migration 0011 makes the row; should it be gone, it is made again (with pk 1, so two writers
    that both find none end up with one row, the second reading the first's).
    """
    row = TrustFundSettings.objects.select_for_update().order_by("pk").first()
    if row is None:
        TrustFundSettings.objects.get_or_create(pk=1)
        row = TrustFundSettings.objects.select_for_update().get(pk=1)
    return row


def settings_row():
    """The settings, read without a lock (pages)."""
    return TrustFundSettings.objects.order_by("pk").first() or TrustFundSettings()


def usd_rate(currency, day):
    """US dollars for one unit of ``currency`` on ``day``; a refusal when finance has not entered it."""
    if currency == USD:
        return Decimal(1)
    rate = ExchangeRate.objects.filter(currency=currency, day=day).values_list("usd_per_unit", flat=True).first()
    if rate is None:
        raise ActionRefused(
            _("There is no %(currency)s rate for %(day)s. Finance enters the day's rate first (Trust Fund → "
              "Exchange rates); then record the entry again.") % {"currency": currency, "day": day_text(day)}
        )
    return rate


def to_usd(amount, rate):
    """The amount in US dollars, rounded half up to the cent (never half to even: an accountant's rounding)."""
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def _convert(amount, currency, day):
    rate = usd_rate(currency, day)
    amount_usd = to_usd(amount, rate)
    if amount_usd <= 0:
        raise ActionRefused(
            _("%(currency)s %(amount)s is less than a cent in US dollars: the ledger cannot hold it.")
            % {"currency": currency, "amount": money(amount)}
        )
    if amount_usd >= MAX_AMOUNT:
        raise ActionRefused(_("The amount is too large for the ledger."))
    return rate, amount_usd


# Reading the ledger --------------------------------------------------------------------------

_ADDS = Q(kind__in=[Kind.CONTRIBUTION, Kind.REFUND])
_SUBTRACTS = Q(kind=Kind.ALLOCATION)


def cents(value):
    """A sum read from the database, to the cent. SQLite adds decimal columns as floats and hands
    back as many digits as it likes (440000.0000000); PostgreSQL's numeric is exact already."""
    return (value or ZERO).quantize(CENT, rounding=ROUND_HALF_UP)


def _sum(queryset, condition):
    return cents(queryset.aggregate(total=Sum("amount_usd", filter=condition))["total"])


def balance(on=None):
    """The fund's balance in US dollars at the end of ``on`` (today by default). Pledges do not count."""
    on = on or timezone.localdate()
    entries = LedgerEntry.objects.filter(value_date__lte=on)
    totals = entries.aggregate(adds=Sum("amount_usd", filter=_ADDS), subtracts=Sum("amount_usd", filter=_SUBTRACTS))
    return cents(totals["adds"]) - cents(totals["subtracts"])


def _lowest_from(day, start_value, later_changes):
    """(lowest value, day it is reached) of a running total that is ``start_value`` at the end of
    ``day`` and then moves by ``later_changes`` ([(day, change)], days after ``day``, in order)."""
    lowest, lowest_day, running = start_value, day, start_value
    for change_day, change in later_changes:
        running += change
        if running < lowest:
            lowest, lowest_day = running, change_day
    return lowest, lowest_day


def available(on):
    """What an allocation dated ``on`` may take: the lowest balance from that day onward.

    A back-dated allocation lowers every later day's balance too, so it may take no more than the
    lowest of them: otherwise some day between ``on`` and today would go below zero.
    Returns (amount, balance on ``on``, day of the lowest balance).
    """
    start = balance(on)
    later = (
        LedgerEntry.objects.filter(value_date__gt=on)
        .exclude(kind=Kind.PLEDGE)
        .values("value_date")
        .annotate(adds=Sum("amount_usd", filter=_ADDS), subtracts=Sum("amount_usd", filter=_SUBTRACTS))
        .order_by("value_date")
    )
    changes = [(row["value_date"], cents(row["adds"]) - cents(row["subtracts"])) for row in later]
    lowest, lowest_day = _lowest_from(on, start, changes)
    return lowest, start, lowest_day


def _case_net_changes(case, condition):
    rows = (
        LedgerEntry.objects.filter(case=case)
        .filter(condition)
        .values("value_date")
        .annotate(allocated=Sum("amount_usd", filter=_SUBTRACTS), refunded=Sum("amount_usd", filter=Q(kind=Kind.REFUND)))
        .order_by("value_date")
    )
    return [(row["value_date"], cents(row["allocated"]) - cents(row["refunded"])) for row in rows]


def refundable(case, on):
    """What a refund dated ``on`` may give back: the case's allocations net of refunds, at its lowest
    from that day onward (a back-dated refund may not make any later day's net negative)."""
    up_to = sum((change for _day, change in _case_net_changes(case, Q(value_date__lte=on))), ZERO)
    lowest, _day = _lowest_from(on, up_to, _case_net_changes(case, Q(value_date__gt=on)))
    return lowest


def case_funding(case):
    """(allocated, refunded, net) in US dollars: what the case received from the fund."""
    entries = LedgerEntry.objects.filter(case=case)
    allocated = _sum(entries, Q(kind=Kind.ALLOCATION))
    refunded = _sum(entries, Q(kind=Kind.REFUND))
    return allocated, refunded, allocated - refunded


def outstanding(pledge, on=None):
    """What is still to come of a pledge, in the pledge's currency, as of the end of ``on``."""
    payments = pledge.payments.all()
    if on is not None:
        payments = payments.filter(value_date__lte=on)
    return pledge.amount - cents(payments.aggregate(total=Sum("amount"))["total"])


def fundable_cases(user=None):
    """Cases approved for assistance (an assist or narrow decision) that may still receive money."""
    cases = AssistanceRequest.objects.filter(
        stage__in=FUNDABLE_STAGES, decisions__outcome__in=DecisionOutcome.assisting()
    ).distinct()
    if user is not None:
        cases = selectors.visible_cases(user, cases)
    return cases.select_related("member_state").order_by("reference")


def funded_cases(user=None):
    """Cases that received an allocation: those that may give money back."""
    cases = AssistanceRequest.objects.filter(ledger_entries__kind=Kind.ALLOCATION).distinct()
    if user is not None:
        cases = selectors.visible_cases(user, cases)
    return cases.select_related("member_state").order_by("reference")


def open_pledges():
    """Pledges with something still outstanding, oldest first, each with ``paid`` annotated."""
    pledges = (
        LedgerEntry.objects.filter(kind=Kind.PLEDGE)
        .annotate(paid=Sum("payments__amount"))
        .order_by("value_date", "id")
    )
    for pledge in pledges:
        pledge.paid = cents(pledge.paid)
    return [pledge for pledge in pledges if pledge.amount - pledge.paid > 0]


# Writing the ledger --------------------------------------------------------------------------


def _entry(*, actor, kind, amount, currency, value_date, rate, amount_usd, description="", donor="", case=None,
           pledge=None):
    return LedgerEntry.objects.create(
        kind=kind,
        value_date=value_date,
        donor=donor,
        case=case,
        pledge=pledge,
        amount=amount,
        currency=currency,
        usd_per_unit=rate,
        amount_usd=amount_usd,
        description=(description or "").strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )


def _donor(value):
    donor = " ".join((value or "").split())
    if not donor:
        raise ActionRefused(_("Name the donor."))
    if len(donor) > LedgerEntry._meta.get_field("donor").max_length:
        raise ActionRefused(_("The donor's name is too long."))
    return donor


def enter_rate(*, actor, currency, day, usd_per_unit):
    """Finance enters what one unit of a currency was worth in US dollars on a day.

    A rate may be corrected (entered again for the same day) as long as no entry has used it:
    entries keep the rate they were converted at, and the rates table must show that rate.
    """
    _require(actor, RATE_PERMISSION, _("You do not have permission to enter exchange rates."))
    currency = _currency(currency)
    if currency == USD:
        raise ActionRefused(_("The fund keeps its books in US dollars: a US dollar is always 1."))
    day = _value_date(day)
    if isinstance(usd_per_unit, float):
        raise TypeError("Exchange rates are Decimal, never float.")
    try:
        rate = Decimal(str(usd_per_unit).strip())
    except (InvalidOperation, ValueError):
        raise ActionRefused(_("The rate is not a number.")) from None
    if not rate.is_finite() or rate <= 0:
        raise ActionRefused(_("A rate must be more than zero."))
    if rate >= MAX_RATE or rate != rate.quantize(RATE_PLACES):
        raise ActionRefused(_("Give the rate with at most eight decimals."))
    with transaction.atomic():
        _settings_row()
        existing = ExchangeRate.objects.filter(currency=currency, day=day).first()
        if existing is None:
            return ExchangeRate.objects.create(
                currency=currency, day=day, usd_per_unit=rate, entered_by=actor, entered_at=timezone.now()
            )
        if existing.usd_per_unit == rate:
            return existing
        used = LedgerEntry.objects.filter(currency=currency, value_date=day).count()
        if used:
            raise ActionRefused(
                _("The %(currency)s rate for %(day)s is already %(rate)s, and %(count)d entries were converted at "
                  "it: it can no longer change. Record a correcting entry instead.")
                % {"currency": currency, "day": day_text(day), "rate": rate_text(existing.usd_per_unit), "count": used}
            )
        existing.usd_per_unit, existing.entered_by, existing.entered_at = rate, actor, timezone.now()
        existing.save(update_fields=["usd_per_unit", "entered_by", "entered_at"])
        return existing


def record_pledge(*, actor, donor, amount, currency, value_date, description=""):
    """A donor's promise: tracked until paid, no change to the balance."""
    _require(actor, RECORD_PERMISSION, _("You do not have permission to record pledges."))
    donor, amount, currency, value_date = _donor(donor), _amount(amount), _currency(currency), _value_date(value_date)
    with transaction.atomic():
        _settings_row()
        rate, amount_usd = _convert(amount, currency, value_date)
        return _entry(actor=actor, kind=Kind.PLEDGE, donor=donor, amount=amount, currency=currency,
                      value_date=value_date, rate=rate, amount_usd=amount_usd, description=description)


def record_contribution(*, actor, donor="", amount, currency, value_date, description="", pledge=None):
    """Money received from a donor; ``pledge`` when it pays (part of) a pledge."""
    _require(actor, RECORD_PERMISSION, _("You do not have permission to record contributions."))
    amount, currency, value_date = _amount(amount), _currency(currency), _value_date(value_date)
    donor = (donor or "").strip()
    with transaction.atomic():
        _settings_row()
        if pledge is not None:
            pledge = LedgerEntry.objects.filter(pk=getattr(pledge, "pk", pledge), kind=Kind.PLEDGE).first()
            if pledge is None:
                raise ActionRefused(_("The pledge this contribution pays is not in the ledger."))
            donor = donor or pledge.donor
            if " ".join(donor.split()).casefold() != pledge.donor.casefold():
                raise ActionRefused(
                    _("This pledge was made by %(pledger)s, not by %(donor)s.") % {"pledger": pledge.donor, "donor": donor}
                )
            donor = pledge.donor
            if currency != pledge.currency:
                raise ActionRefused(
                    _("The pledge is in %(currency)s: record its payment in %(currency)s too, so what remains "
                      "outstanding is counted in the currency promised.") % {"currency": pledge.currency}
                )
            if value_date < pledge.value_date:
                raise ActionRefused(
                    _("The pledge was made on %(pledged)s: a payment of it cannot be dated earlier.")
                    % {"pledged": day_text(pledge.value_date)}
                )
            left = outstanding(pledge)
            if amount > left:
                raise ActionRefused(
                    _("Only %(currency)s %(left)s of this pledge is outstanding (%(currency)s %(pledged)s pledged); "
                      "this contribution is %(currency)s %(amount)s. Record the rest as a contribution without "
                      "a pledge.") % {"currency": currency, "left": money(left), "pledged": money(pledge.amount),
                                      "amount": money(amount)}
                )
        donor = _donor(donor)
        rate, amount_usd = _convert(amount, currency, value_date)
        entry = _entry(actor=actor, kind=Kind.CONTRIBUTION, donor=donor, amount=amount, currency=currency,
                       value_date=value_date, rate=rate, amount_usd=amount_usd, description=description, pledge=pledge)
        check_balance()
        return entry


def _case_approval_day(case):
    """The day the case was approved for assistance, or None if it is not (now) approved."""
    if case.stage not in FUNDABLE_STAGES:
        return None
    decision = case.decisions.filter(outcome__in=DecisionOutcome.assisting()).order_by("-decided_at").first()
    return timezone.localdate(decision.decided_at) if decision else None


def _locked_case(case, actor):
    """The case, locked, if ``actor`` may see it: money moves only on cases in one's scope."""
    case = AssistanceRequest.objects.select_for_update().select_related("member_state").get(pk=case.pk)
    if not selectors.may_see(actor, case):
        raise ActionRefused(_("This case is outside your scope."))
    return case


def _case_event(*, entry, actor, action):
    details = {"amount": f"{entry.currency} {money(entry.amount)}", "value_date": entry.value_date,
               "ledger_entry": entry.pk}
    if entry.currency != USD:
        details.update(amount_usd=f"USD {money(entry.amount_usd)}", rate=rate_text(entry.usd_per_unit))
    record_event(case=entry.case, actor=actor, action=action, comment=entry.description, details=details,
                 at=entry.recorded_at)


def allocate(*, actor, case, amount, currency, value_date, description=""):
    """Money from the fund to an approved case. Refused, with the figures, beyond what the fund holds."""
    _require(actor, ALLOCATE_PERMISSION, _("You do not have permission to allocate Trust Fund money."))
    amount, currency, value_date = _amount(amount), _currency(currency), _value_date(value_date)
    with transaction.atomic():
        _settings_row()
        case = _locked_case(case, actor)
        approved_on = _case_approval_day(case)
        if approved_on is None:
            raise ActionRefused(
                _("%(reference)s is %(stage)s: only a case approved for assistance (an assist or narrowed decision, "
                  "until it reports) receives Trust Fund money.")
                % {"reference": case.reference, "stage": case.stage_phrase}
            )
        if value_date < approved_on:
            raise ActionRefused(
                _("%(reference)s was approved on %(approved)s: an allocation to it cannot be dated earlier.")
                % {"reference": case.reference, "approved": day_text(approved_on)}
            )
        rate, amount_usd = _convert(amount, currency, value_date)
        can_take, on_day, lowest_day = available(value_date)
        if amount_usd > can_take:
            figures = {
                "held": money(on_day), "day": day_text(value_date), "lowest": money(max(can_take, ZERO)),
                "lowest_day": day_text(lowest_day), "amount": money(amount_usd),
                "converted": converted_text(amount, currency, rate),
            }
            if lowest_day == value_date:
                message = _("The fund holds %(held)s USD on %(day)s; this allocation is %(amount)s USD%(converted)s.")
            else:
                message = _(
                    "The fund holds %(held)s USD on %(day)s, but entries after that day bring it down to %(lowest)s "
                    "USD on %(lowest_day)s, and no day may go below zero; this allocation is %(amount)s "
                    "USD%(converted)s."
                )
            raise ActionRefused(message % figures)
        entry = _entry(actor=actor, kind=Kind.ALLOCATION, case=case, amount=amount, currency=currency,
                       value_date=value_date, rate=rate, amount_usd=amount_usd, description=description)
        _case_event(entry=entry, actor=actor, action="fund_allocation")
        check_balance()
        return entry


def record_refund(*, actor, case, amount, currency, value_date, description=""):
    """Unspent allocation money a case returns to the fund: never more than it was given, net."""
    _require(actor, RECORD_PERMISSION, _("You do not have permission to record refunds."))
    amount, currency, value_date = _amount(amount), _currency(currency), _value_date(value_date)
    with transaction.atomic():
        _settings_row()
        case = _locked_case(case, actor)
        rate, amount_usd = _convert(amount, currency, value_date)
        limit = refundable(case, value_date)
        if amount_usd > limit:
            allocated, refunded, _net = case_funding(case)
            if not allocated:
                message = _("%(reference)s has received no allocation from the fund: it has nothing to give back.")
            else:
                message = _(
                    "%(reference)s may give back at most %(limit)s USD on %(day)s (allocated %(allocated)s USD, "
                    "already refunded %(refunded)s USD); this refund is %(amount)s USD%(converted)s."
                )
            raise ActionRefused(message % {
                "reference": case.reference, "limit": money(max(limit, ZERO)), "day": day_text(value_date),
                "allocated": money(allocated), "refunded": money(refunded), "amount": money(amount_usd),
                "converted": converted_text(amount, currency, rate),
            })
        entry = _entry(actor=actor, kind=Kind.REFUND, case=case, amount=amount, currency=currency,
                       value_date=value_date, rate=rate, amount_usd=amount_usd, description=description)
        _case_event(entry=entry, actor=actor, action="fund_refund")
        check_balance()
        return entry


def set_threshold(*, actor, threshold):
    """Only an administrator moves the alert threshold; a move may itself cross it."""
    if actor is None or not (actor.is_active and actor.is_superuser):
        raise ActionRefused(_("Only an administrator changes the Trust Fund's alert threshold."))
    if isinstance(threshold, float):
        raise TypeError("The threshold is Decimal, never float.")
    try:
        threshold = Decimal(str(threshold))
    except (InvalidOperation, ValueError):
        raise ActionRefused(_("The threshold is not a number.")) from None
    if not threshold.is_finite() or threshold < 0 or threshold >= MAX_AMOUNT or threshold != threshold.quantize(CENT):
        raise ActionRefused(_("Give the threshold in US dollars and cents, zero or more."))
    with transaction.atomic():
        row = _settings_row()
        row.alert_threshold_usd = threshold
        row.save()
        check_balance()
        return row


# The alert: once per fall below the threshold ------------------------------------------------


def open_alert():
    return BalanceAlert.objects.filter(recovered_at__isnull=True).order_by("-crossed_at", "-id").first()


def check_balance(*, now=None):
    """Open an alert when the balance has fallen below the threshold, close it when it is back.

    An alert is opened only when none is open, so its one email goes once per crossing however
    often this runs (after each write, and from beat). Runs under the settings-row lock (a writer
    calling it already holds it: taking it again in the same transaction costs nothing).
    Returns the open alert, if any.
    """
    now = now or timezone.now()
    with transaction.atomic():
        row = _settings_row()
        current = balance(timezone.localdate(now))
        alert = open_alert()
        # An empty ledger is a fund whose books are not kept here yet (a new installation): telling
        # finance it holds nothing would be noise, not news.
        in_use = alert is not None or LedgerEntry.objects.exists()
        if in_use and current < row.alert_threshold_usd:
            if alert is None:
                alert = BalanceAlert.objects.create(
                    crossed_at=now, balance_usd=current, threshold_usd=row.alert_threshold_usd
                )
                _send_after_commit(alert)
            elif alert.sent_at is None and alert.crossed_at < now - UNSENT_ALERT_RETRY:
                _send_after_commit(alert)
            return alert
        if alert is not None:
            BalanceAlert.objects.filter(recovered_at__isnull=True).update(recovered_at=now)
        return None


def _send_after_commit(alert):
    from ..tasks import send_balance_alert

    transaction.on_commit(lambda: send_balance_alert.delay(alert.pk))


def alert_recipients():
    """Every active member of Finance and of the focal point's team with an address; the focal
    point's office when there is none, so a fall is never told to nobody."""
    users = (
        get_user_model().objects.filter(is_active=True, groups__name__in=[roles.FINANCE, roles.FOCAL_POINT])
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )
    return list(dict.fromkeys(users)) or list(settings.EAS_FOCAL_POINT_EMAILS)


def fund_url():
    return settings.SITE_URL.rstrip("/") + reverse("workspace:trust-fund")


def send_alert(alert_id, *, now=None):
    """Email the alert to finance and the focal point. Safe to run twice: sends nothing once sent.

    The alert row stays locked while the email leaves, so a second delivery of the task waits and
    then finds it sent. A fall that is over before its email left is not told any more.
    """
    now = now or timezone.now()
    with transaction.atomic():
        alert = BalanceAlert.objects.select_for_update().filter(pk=alert_id).first()
        if alert is None or alert.sent_at is not None or alert.recovered_at is not None:
            return False
        recipients = alert_recipients()
        latest = list(
            LedgerEntry.objects.filter(kind=Kind.ALLOCATION, recorded_at__lte=alert.crossed_at)
            .select_related("case__member_state")
            .order_by("-recorded_at", "-id")[:5]
        )
        context = {
            "alert": alert,
            "balance": money(alert.balance_usd),
            "threshold": money(alert.threshold_usd),
            "shortfall": money(alert.threshold_usd - alert.balance_usd),
            "crossed": timezone.localtime(alert.crossed_at),
            "now_balance": money(balance(timezone.localdate(now))),
            "allocations": [
                {
                    "day": day_text(entry.value_date),
                    "case": entry.case.reference,
                    "state": entry.case.member_state.name,
                    "usd": money(entry.amount_usd),
                    "converted": converted_text(entry),
                    "url": settings.SITE_URL.rstrip("/") + reverse("workspace:case-detail", args=[entry.case.reference]),
                }
                for entry in latest
            ],
            "outstanding_pledges": money(sum((pledge_usd(p) for p in open_pledges()), ZERO)),
            "url": fund_url(),
            "site_url": settings.SITE_URL,
        }
        message = EmailMultiAlternatives(
            subject=_("[EAS] The Trust Fund is below its threshold: %(balance)s USD") % {"balance": context["balance"]},
            body=render_to_string("emails/trust_fund_alert.txt", context),
            to=recipients,
        )
        message.attach_alternative(render_to_string("emails/trust_fund_alert.html", context), "text/html")
        message.send()  # a failure leaves sent_at empty, for the task to try again
        alert.sent_at = now
        alert.save(update_fields=["sent_at"])
        return True


def pledge_usd(pledge, left=None):
    """What is outstanding of a pledge, in US dollars at the pledge's own rate."""
    left = outstanding(pledge) if left is None else left
    return to_usd(left, pledge.usd_per_unit)


# The statement ---------------------------------------------------------------------------------


@dataclass
class StatementLine:
    entry: LedgerEntry
    change: Decimal
    running: Decimal


@dataclass
class OutstandingPledge:
    pledge: LedgerEntry
    paid: Decimal
    left: Decimal
    left_usd: Decimal


@dataclass
class Statement:
    start: date
    end: date
    opening: Decimal
    closing: Decimal
    lines: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)  # kind -> USD
    counts: dict = field(default_factory=dict)  # kind -> entries
    pledges: list = field(default_factory=list)  # OutstandingPledge, as of the end
    donors: list = field(default_factory=list)  # (donor, outstanding USD, [OutstandingPledge])

    @property
    def outstanding_usd(self):
        return sum((item.left_usd for item in self.pledges), ZERO)

    @property
    def movement(self):
        return self.closing - self.opening


def statement(start, end):
    """The fund over a period (both days included): opening balance, each entry with the balance
    after it, totals per kind, closing balance, and the pledges still outstanding at its end."""
    if end < start:
        raise ActionRefused(_("The period ends before it starts."))
    opening = balance(start - timedelta(days=1)) if start > date.min else ZERO
    entries = (
        LedgerEntry.objects.filter(value_date__gte=start, value_date__lte=end)
        .select_related("case__member_state", "recorded_by", "pledge")
        .order_by("value_date", "id")
    )
    result = Statement(start=start, end=end, opening=opening, closing=opening)
    result.totals = {kind: ZERO for kind in Kind.values}
    result.counts = {kind: 0 for kind in Kind.values}
    running = opening
    for entry in entries:
        change = entry.signed_usd
        running += change
        result.lines.append(StatementLine(entry=entry, change=change, running=running))
        result.totals[entry.kind] += entry.amount_usd
        result.counts[entry.kind] += 1
    result.closing = running

    pledges = LedgerEntry.objects.filter(kind=Kind.PLEDGE, value_date__lte=end).annotate(
        paid_by_end=Sum("payments__amount", filter=Q(payments__value_date__lte=end))
    ).order_by("donor", "value_date", "id")
    by_donor = defaultdict(list)
    for pledge in pledges:
        paid = cents(pledge.paid_by_end)
        left = pledge.amount - paid
        if left > 0:
            item = OutstandingPledge(pledge=pledge, paid=paid, left=left, left_usd=pledge_usd(pledge, left))
            result.pledges.append(item)
            by_donor[pledge.donor].append(item)
    result.donors = sorted(
        ((donor, sum((i.left_usd for i in items), ZERO), items) for donor, items in by_donor.items()),
        key=lambda row: (-row[1], row[0]),
    )
    return result
