"""The balance alert: once per fall below the threshold, emailed to Finance and the focal point."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from requests_app.accounts.selectors import by_language
from requests_app.core import roles
from requests_app.core.emails import templated_email
from requests_app.core.queue import enqueue_on_commit
from requests_app.core.urls import absolute_url
from requests_app.core.written_dates import short_date, short_moment
from requests_app.fund.models import BalanceAlert, LedgerEntry
from requests_app.fund.money import ZERO, converted_text, money
from requests_app.fund.selectors import Kind, _settings_row, balance, open_pledges, pledge_usd

# An alert whose email has not left this long after the fall is sent again by the periodic check
# (its own task's retries have run out by then); the send locks the alert, so never twice.
UNSENT_ALERT_RETRY = timedelta(minutes=30)

# The task that emails one alert (requests_app.fund.tasks), queued by its name.
SEND_ALERT_TASK = "requests_app.send_balance_alert"


# The alert: once per fall below the threshold ------------------------------------------------


def open_alert() -> BalanceAlert | None:
    return BalanceAlert.objects.filter(recovered_at__isnull=True).order_by("-crossed_at", "-id").first()


def check_balance(*, now: datetime | None = None) -> BalanceAlert | None:
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


def _send_after_commit(alert: BalanceAlert) -> None:
    enqueue_on_commit(SEND_ALERT_TASK, alert.pk)


def alert_recipients() -> list[str]:
    """Every active member of Finance and of the focal point's team with an address; the focal
    point's office when there is none, so a fall is never told to nobody."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[roles.FINANCE, roles.FOCAL_POINT])
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )
    return list(dict.fromkeys(users)) or list(settings.EAS_FOCAL_POINT_EMAILS)


def fund_url() -> str:
    return absolute_url("workspace:trust-fund")


def send_alert(alert_id: int, *, now: datetime | None = None) -> bool:
    """Email the alert to finance and the focal point, each in the language they read EAS in (one
    email per language). Safe to run twice: sends nothing once sent.

    The alert row stays locked while the emails leave, so a second delivery of the task waits and
    then finds it sent. A fall that is over before its email left is not told any more.
    """
    now = now or timezone.now()
    with transaction.atomic():
        alert = BalanceAlert.objects.select_for_update().filter(pk=alert_id).first()
        if alert is None or alert.sent_at is not None or alert.recovered_at is not None:
            return False
        # A failure leaves sent_at empty, for the task to try again: every language's email is
        # built first, so that a mistake in one sends none.
        messages = [
            _alert_email(alert, to=addresses, language=language, now=now)
            for language, addresses in by_language(alert_recipients()).items()
        ]
        for message in messages:
            message.send()
        alert.sent_at = now
        alert.save(update_fields=["sent_at"])
        return True


def _alert_email(alert: BalanceAlert, *, to: list[str], language: str, now: datetime) -> EmailMultiAlternatives:
    with translation.override(language):
        context = _alert_context(alert, now=now)
        return templated_email(
            "emails/trust_fund_alert",
            context,
            subject=_("[EAS] The Trust Fund is below its threshold: %(balance)s USD") % {"balance": context["balance"]},
            to=to,
        )


def _alert_context(alert: BalanceAlert, *, now: datetime) -> dict[str, Any]:
    """What the alert's email says: the fall, the balance now, the last allocations before the fall, the pledges."""
    latest = list(
        LedgerEntry.objects.filter(kind=Kind.ALLOCATION, recorded_at__lte=alert.crossed_at)
        .select_related("case__member_state")
        .order_by("-recorded_at", "-id")[:5]
    )
    return {
        "alert": alert,
        "balance": money(alert.balance_usd),
        "threshold": money(alert.threshold_usd),
        "shortfall": money(alert.threshold_usd - alert.balance_usd),
        "crossed": timezone.localtime(alert.crossed_at),
        "crossed_text": short_moment(alert.crossed_at),
        "now_balance": money(balance(timezone.localdate(now))),
        "allocations": [_allocation_line(entry) for entry in latest],
        "outstanding_pledges": money(sum((pledge_usd(p) for p in open_pledges()), ZERO)),
        "url": fund_url(),
    }


def _allocation_line(entry: LedgerEntry) -> dict[str, str]:
    """One allocation as the email lists it: day, case, Member State, amount, and a link to the case."""
    case = entry.case
    assert case is not None  # an allocation names its case (constraint ledger_allocation_has_case)
    return {
        "day": short_date(entry.value_date),
        "case": case.reference,
        "state": case.member_state.local_name,
        "usd": money(entry.amount_usd),
        "converted": converted_text(entry),
        "url": absolute_url("workspace:case-detail", case.reference),
    }
