"""Thin Celery tasks: ids in, a service call, safe to run twice."""

import logging

from celery import shared_task

from .services import reminders


@shared_task(name="requests_app.sweep_reminders", ignore_result=True)
def sweep_reminders():
    """Beat runs this on a schedule (settings.EAS_REMINDER_SWEEP_MINUTES)."""
    result = reminders.sweep()
    return {"claimed": result.claimed, "recipients": len(result.digests)}


@shared_task(
    bind=True,
    name="requests_app.send_reminder_digest",
    ignore_result=True,
    max_retries=3,
    default_retry_delay=30,
)
def send_reminder_digest(self, claim, recipient):
    final = self.request.retries >= self.max_retries or self.request.is_eager
    try:
        return reminders.send_digest(claim=claim, recipient=recipient, final_attempt=final)
    except Exception as error:  # a transport failure: the rows say so; try again shortly
        raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from error


# The Trust Fund's balance alert (para 7) ---------------------------------------------------------


@shared_task(name="requests_app.check_trust_fund_balance", ignore_result=True)
def check_trust_fund_balance():
    """Beat runs this (settings.EAS_TRUST_FUND_CHECK_MINUTES); every write of the fund checks too."""
    from .services import trust_fund

    alert = trust_fund.check_balance()
    return {"alert": alert.pk if alert else None}


@shared_task(
    bind=True,
    name="requests_app.send_balance_alert",
    ignore_result=True,
    max_retries=5,
    default_retry_delay=60,
)
def send_balance_alert(self, alert_id):
    """One alert's email; sends nothing if it already left (the alert records when)."""
    from .services import trust_fund

    try:
        return trust_fund.send_alert(alert_id)
    except Exception as error:  # a transport failure: sent_at stays empty; try again shortly
        if self.request.is_eager:
            # Inline (tests, or no broker): no retry to wait for; the periodic check sends it again.
            logging.getLogger(__name__).warning("Trust Fund alert %s could not be sent: %s", alert_id, error)
            return False
        raise self.retry(exc=error, countdown=60 * 2**self.request.retries) from error
