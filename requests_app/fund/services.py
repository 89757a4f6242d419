"""Para 7: the Trust Fund for Electoral Assistance, kept as a ledger in US dollars.

What each kind of entry means (the statement page says the same to its readers):

- a *pledge* is a donor's promise. It is tracked (what is still outstanding: the pledge less
  the contributions recorded as paying it) but moves no money, so it leaves the balance as it is;
- a *contribution* is money received: it adds to the balance. It may be earmarked to a country,
  a regional group or a purpose (earmarks.py: who may use it, and in what order);
- an *allocation* is money given to a case for a purpose: it subtracts. An assessment or a panel
  may be paid for before the decision to assist, anything else after it (limits.py);
- *programme support costs* are charged on each allocation at the rate in force (TrustFundSettings),
  on a line of their own that subtracts; the allocation keeps the rate it was charged at;
- a *refund* is unspent allocation money a case gives back: it adds, and never more than the
  case was allocated net of its earlier refunds; its share of the support costs comes back with it,
  on a line of its own, and both go back to the money the case drew on.

Every entry is converted to US dollars at the rate finance entered for its currency on its value
date (USD is 1), rounded half up to the cent, and keeps the rate it used: a rate entered or
corrected later never changes the ledger. Entries are never edited or deleted; a mistake is put
right by a new entry.

Every write runs in one transaction that first locks the single TrustFundSettings row, so the
writes happen one after the other: two allocations at once cannot both see money (earmarked or not)
that only one of them may take, and two balance checks cannot both open an alert. Amounts are ``Decimal``.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from requests_app.cases import selectors
from requests_app.cases.models import AssistanceRequest
from requests_app.cases.services import record_event
from requests_app.core.errors import ActionRefused
from requests_app.core.types import StrOrPromise, User
from requests_app.fund import earmarks
from requests_app.fund.alerts import check_balance
from requests_app.fund.earmarks import Takes
from requests_app.fund.limits import (
    CaseMoney,
    Charge,
    draws_or_refuse,
    refuse_beyond_outstanding,
    refuse_beyond_refundable,
    refuse_unless_fundable,
    support_share,
)
from requests_app.fund.models import ExchangeRate, LedgerEntry, TrustFundSettings
from requests_app.fund.money import (
    MAX_AMOUNT,
    USD,
    AmountInput,
    _amount,
    _currency,
    _value_date,
    day_text,
    earmark_fields,
    money,
    percent_text,
    purpose_value,
    rate_text,
    rate_value,
    setting_number,
    support_cost,
    to_usd,
)
from requests_app.fund.selectors import (
    Kind,
    _settings_row,
    usd_rate,
)
from requests_app.reference.models import MemberState

RECORD_PERMISSION = "requests_app.add_ledgerentry"
ALLOCATE_PERMISSION = "requests_app.record_allocation"
RATE_PERMISSION = "requests_app.add_exchangerate"
STATEMENT_PERMISSION = "requests_app.view_trust_fund_statement"


def _require(actor: User | None, permission: str, message: StrOrPromise) -> User:
    """The actor, if it may act; a refusal with ``message`` if not."""
    if actor is None or not actor.is_active or not actor.has_perm(permission):
        raise ActionRefused(message)
    return actor


def _convert(amount: Decimal, currency: str, day: date) -> tuple[Decimal, Decimal]:
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


# Writing the ledger --------------------------------------------------------------------------


def _entry(
    *,
    actor: User,
    kind: str,
    amount: Decimal,
    currency: str,
    value_date: date,
    rate: Decimal,
    amount_usd: Decimal,
    description: str = "",
    donor: str = "",
    case: AssistanceRequest | None = None,
    pledge: LedgerEntry | None = None,
    **extra: object,
) -> LedgerEntry:
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
        **extra,
    )


def _support_entry(*, actor: User, kind: str, on: LedgerEntry, amount_usd: Decimal) -> LedgerEntry:
    """The programme support costs charged on an allocation, or given back with a refund: in US dollars."""
    return _entry(
        actor=actor,
        kind=kind,
        case=on.case,
        amount=amount_usd,
        currency=USD,
        value_date=on.value_date,
        rate=Decimal(1),
        amount_usd=amount_usd,
        charged_on=on,
    )


def _donor(value: str | None) -> str:
    donor = " ".join((value or "").split())
    if not donor:
        raise ActionRefused(_("Name the donor."))
    if len(donor) > cast(int, LedgerEntry._meta.get_field("donor").max_length):
        raise ActionRefused(_("The donor's name is too long."))
    return donor


def enter_rate(*, actor: User | None, currency: str, day: date | None, usd_per_unit: AmountInput) -> ExchangeRate:
    """Finance enters what one unit of a currency was worth in US dollars on a day.

    A rate may be corrected (entered again for the same day) as long as no entry has used it:
    entries keep the rate they were converted at, and the rates table must show that rate.
    """
    actor = _require(actor, RATE_PERMISSION, _("You do not have permission to enter exchange rates."))
    currency = _currency(currency)
    if currency == USD:
        raise ActionRefused(_("The fund keeps its books in US dollars: a US dollar is always 1."))
    day = _value_date(day)
    rate = rate_value(usd_per_unit)
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
                _(
                    "The %(currency)s rate for %(day)s is already %(rate)s, and %(count)d entries were converted at "
                    "it: it can no longer change. Record a correcting entry instead."
                )
                % {"currency": currency, "day": day_text(day), "rate": rate_text(existing.usd_per_unit), "count": used}
            )
        existing.usd_per_unit, existing.entered_by, existing.entered_at = rate, actor, timezone.now()
        existing.save(update_fields=["usd_per_unit", "entered_by", "entered_at"])
        return existing


def record_pledge(
    *,
    actor: User | None,
    donor: str,
    amount: AmountInput,
    currency: str,
    value_date: date | None,
    description: str = "",
) -> LedgerEntry:
    """A donor's promise: tracked until paid, no change to the balance."""
    actor = _require(actor, RECORD_PERMISSION, _("You do not have permission to record pledges."))
    donor, amount, currency, value_date = _donor(donor), _amount(amount), _currency(currency), _value_date(value_date)
    with transaction.atomic():
        _settings_row()
        rate, amount_usd = _convert(amount, currency, value_date)
        return _entry(
            actor=actor,
            kind=Kind.PLEDGE,
            donor=donor,
            amount=amount,
            currency=currency,
            value_date=value_date,
            rate=rate,
            amount_usd=amount_usd,
            description=description,
        )


def record_contribution(
    *,
    actor: User | None,
    donor: str = "",
    amount: AmountInput,
    currency: str,
    value_date: date | None,
    description: str = "",
    pledge: LedgerEntry | int | None = None,
    earmark_country: MemberState | None = None,
    earmark_region: str = "",
    earmark_purpose: str = "",
) -> LedgerEntry:
    """Money received from a donor; ``pledge`` when it pays (part of) a pledge. Earmarked to one of
    a country, a regional group or a purpose, or (all empty) unearmarked: earmarks.py says who may use it."""
    actor = _require(actor, RECORD_PERMISSION, _("You do not have permission to record contributions."))
    amount, currency, value_date = _amount(amount), _currency(currency), _value_date(value_date)
    earmark_country, earmark_region, earmark_purpose = earmark_fields(earmark_country, earmark_region, earmark_purpose)
    donor = (donor or "").strip()
    with transaction.atomic():
        _settings_row()
        if pledge is not None:
            pledge, donor = _paid_pledge(pledge, donor=donor, amount=amount, currency=currency, value_date=value_date)
        donor = _donor(donor)
        rate, amount_usd = _convert(amount, currency, value_date)
        entry = _entry(
            actor=actor,
            kind=Kind.CONTRIBUTION,
            donor=donor,
            amount=amount,
            currency=currency,
            value_date=value_date,
            rate=rate,
            amount_usd=amount_usd,
            description=description,
            pledge=pledge,
            earmark_country=earmark_country,
            earmark_region=earmark_region,
            earmark_purpose=earmark_purpose,
        )
        check_balance()
        return entry


def _paid_pledge(
    pledge: LedgerEntry | int, *, donor: str, amount: Decimal, currency: str, value_date: date
) -> tuple[LedgerEntry, str]:
    """The pledge a contribution pays and its donor, spelt as the pledge has it; refused if the payment does not fit.

    A payment comes from the pledge's donor (``donor`` blank means them), in the pledge's currency, no
    earlier than the pledge, and for no more than is still outstanding.
    """
    found = LedgerEntry.objects.filter(pk=getattr(pledge, "pk", pledge), kind=Kind.PLEDGE).first()
    if found is None:
        raise ActionRefused(_("The pledge this contribution pays is not in the ledger."))
    donor = donor or found.donor
    if " ".join(donor.split()).casefold() != found.donor.casefold():
        raise ActionRefused(
            _("This pledge was made by %(pledger)s, not by %(donor)s.") % {"pledger": found.donor, "donor": donor}
        )
    if currency != found.currency:
        raise ActionRefused(
            _(
                "The pledge is in %(currency)s: record its payment in %(currency)s too, so what remains "
                "outstanding is counted in the currency promised."
            )
            % {"currency": found.currency}
        )
    if value_date < found.value_date:
        raise ActionRefused(
            _("The pledge was made on %(pledged)s: a payment of it cannot be dated earlier.")
            % {"pledged": day_text(found.value_date)}
        )
    refuse_beyond_outstanding(found, amount)
    return found, found.donor


def _locked_case(case: AssistanceRequest, actor: User) -> AssistanceRequest:
    """The case, locked, if ``actor`` may see it: money moves only on cases in one's scope."""
    case = AssistanceRequest.objects.select_for_update().select_related("member_state").get(pk=case.pk)
    if not selectors.may_see(actor, case):
        raise ActionRefused(_("This case is outside your scope."))
    return case


def _earmarks_text(takes: Takes) -> str:
    """ "USD 40,000.00 earmarked to Kenya (Government of Norway, 1 Feb 2026)", one per contribution."""
    return "; ".join(
        _("USD %(amount)s earmarked to %(earmark)s (%(donor)s, %(day)s)")
        % {
            "amount": money(amount),
            "earmark": source.earmark_text,
            "donor": source.donor,
            "day": day_text(source.value_date),
        }
        for source, amount in takes
        if source is not None
    )


def _case_event(
    *, entry: LedgerEntry, actor: User | None, action: str, support: LedgerEntry | None, takes: Takes
) -> None:
    """The entry in its case's history: amount, day, purpose, support costs, earmarked money moved."""
    assert entry.case is not None  # an allocation or a refund names its case (a constraint)
    details: dict[str, object] = {
        "amount": f"{entry.currency} {money(entry.amount)}",
        "value_date": entry.value_date,
        "ledger_entry": entry.pk,
    }
    if entry.currency != USD:
        details.update(amount_usd=f"USD {money(entry.amount_usd)}", rate=rate_text(entry.usd_per_unit))
    if entry.purpose:
        details["purpose"] = entry.purpose
    if support is not None:
        rate = "" if entry.support_rate is None else f" ({percent_text(entry.support_rate)})"
        details["support_cost"] = f"USD {money(support.amount_usd)}{rate}"
    if earmarked := _earmarks_text(takes):
        details["earmarked" if entry.kind == Kind.ALLOCATION else "earmarked_back"] = earmarked
    record_event(
        case=entry.case, actor=actor, action=action, comment=entry.description, details=details, at=entry.recorded_at
    )


# Writing an allocation or a refund: (actor, the fund's settings, the case's money) -> the entry.
CaseWrite = Callable[[User, TrustFundSettings, CaseMoney], LedgerEntry]


def _case_entry(
    *,
    actor: User | None,
    permission: str,
    refusal: StrOrPromise,
    case: AssistanceRequest,
    amount: AmountInput,
    currency: str,
    value_date: date | None,
    admit: Callable[[AssistanceRequest, date], None] | None = None,
    write: CaseWrite,
) -> LedgerEntry:
    """Money moving between the fund and a case, with the checks allocations and refunds share.

    The actor needs ``permission`` (else ``refusal``); the inputs are read; then, in one transaction
    behind the fund's lock: the case is locked and must be in the actor's scope, ``admit`` may refuse
    the case on the day, the amount is converted, ``write`` checks it against its limits and writes
    the entries with an event in the case's history; then the balance is checked.
    """
    actor = _require(actor, permission, refusal)
    amount, currency, value_date = _amount(amount), _currency(currency), _value_date(value_date)
    with transaction.atomic():
        row = _settings_row()
        case = _locked_case(case, actor)
        if admit is not None:
            admit(case, value_date)
        rate, amount_usd = _convert(amount, currency, value_date)
        entry = write(actor, row, CaseMoney(case, amount, currency, value_date, rate, amount_usd))
        check_balance()
        return entry


def _case_money_entry(
    actor: User,
    kind: str,
    moved: CaseMoney,
    description: str,
    purpose: str = "",
    support_rate: Decimal | None = None,
) -> LedgerEntry:
    return _entry(
        actor=actor,
        kind=kind,
        case=moved.case,
        amount=moved.amount,
        currency=moved.currency,
        value_date=moved.value_date,
        rate=moved.rate,
        amount_usd=moved.amount_usd,
        description=description,
        purpose=purpose,
        support_rate=support_rate,
    )


def allocate(
    *,
    actor: User | None,
    case: AssistanceRequest,
    amount: AmountInput,
    currency: str,
    value_date: date | None,
    purpose: str | None,
    description: str = "",
) -> LedgerEntry:
    """Money from the fund to a case, for a purpose, with its programme support costs at the fund's rate.

    An assessment or a panel may be paid for before the decision, anything else once the case is
    approved for assistance (limits.refuse_unless_fundable). Refused, with the figures, beyond the
    money the allocation may use (limits.draws_or_refuse; earmarks.py says which and in what order).
    """
    chosen = purpose_value(purpose)

    def write(actor: User, row: TrustFundSettings, allocation: CaseMoney) -> LedgerEntry:
        rate = row.support_cost_rate
        charge = Charge(chosen, rate, support_cost(allocation.amount_usd, rate))
        takes = draws_or_refuse(allocation, charge)
        entry = _case_money_entry(actor, Kind.ALLOCATION, allocation, description, purpose=chosen, support_rate=rate)
        for_allocation, for_support = earmarks.split(takes, allocation.amount_usd)
        earmarks.record_draws(entry, for_allocation)
        support = None
        if charge.support:
            support = _support_entry(actor=actor, kind=Kind.SUPPORT_COST, on=entry, amount_usd=charge.support)
            earmarks.record_draws(support, for_support)
        _case_event(entry=entry, actor=actor, action="fund_allocation", support=support, takes=takes)
        return entry

    return _case_entry(
        actor=actor,
        permission=ALLOCATE_PERMISSION,
        refusal=_("You do not have permission to allocate Trust Fund money."),
        case=case,
        amount=amount,
        currency=currency,
        value_date=value_date,
        admit=lambda case, day: refuse_unless_fundable(case, chosen, day),
        write=write,
    )


def record_refund(
    *,
    actor: User | None,
    case: AssistanceRequest,
    amount: AmountInput,
    currency: str,
    value_date: date | None,
    description: str = "",
) -> LedgerEntry:
    """Unspent allocation money a case returns to the fund: never more than it was given, net. Its
    share of the programme support costs comes back with it (limits.support_share), and both go
    back to the money the case drew on (earmarks.returns)."""

    def write(actor: User, row: TrustFundSettings, refund: CaseMoney) -> LedgerEntry:
        refuse_beyond_refundable(refund)
        share = support_share(refund)
        back = earmarks.returns(refund.case, refund.value_date, refund.amount_usd + share)
        entry = _case_money_entry(actor, Kind.REFUND, refund, description)
        for_refund, for_support = earmarks.split(back, refund.amount_usd)
        earmarks.record_draws(entry, for_refund)
        support = None
        if share:
            support = _support_entry(actor=actor, kind=Kind.SUPPORT_REFUND, on=entry, amount_usd=share)
            earmarks.record_draws(support, for_support)
        _case_event(entry=entry, actor=actor, action="fund_refund", support=support, takes=back)
        return entry

    return _case_entry(
        actor=actor,
        permission=RECORD_PERMISSION,
        refusal=_("You do not have permission to record refunds."),
        case=case,
        amount=amount,
        currency=currency,
        value_date=value_date,
        write=write,
    )


def set_threshold(*, actor: User | None, threshold: AmountInput) -> TrustFundSettings:
    """Only an administrator moves the alert threshold; a move may itself cross it."""
    _require_administrator(actor, _("Only an administrator changes the Trust Fund's alert threshold."))
    threshold = setting_number(threshold, _("Give the threshold in US dollars and cents, zero or more."))
    with transaction.atomic():
        row = _settings_row()
        row.alert_threshold_usd = threshold
        row.save()
        check_balance()
        return row


def set_support_rate(*, actor: User | None, rate: AmountInput) -> TrustFundSettings:
    """Only an administrator sets the rate of programme support costs. It applies to allocations made
    from now on: each allocation keeps the rate it was charged at, so the ledger's past does not change."""
    _require_administrator(actor, _("Only an administrator changes the rate of programme support costs."))
    rate = setting_number(rate, _("Give the rate in per cent, from 0 to 100, with at most two decimals."))
    if rate > 100:
        raise ActionRefused(_("Give the rate in per cent, from 0 to 100, with at most two decimals."))
    with transaction.atomic():
        row = _settings_row()
        row.support_cost_rate = rate
        row.save()
        return row


def _require_administrator(actor: User | None, message: StrOrPromise) -> None:
    if actor is None or not (actor.is_active and actor.is_superuser):
        raise ActionRefused(message)
