"""The Trust Fund's periodic balance check and its alert email."""

import logging

from celery import shared_task

from requests_app.fund import alerts as trust_fund

# The Trust Fund's balance alert (para 7) ---------------------------------------------------------


@shared_task(name="requests_app.check_trust_fund_balance", ignore_result=True)
def check_trust_fund_balance():
    """Beat runs this (settings.EAS_TRUST_FUND_CHECK_MINUTES); every write of the fund checks too."""
    alert = trust_fund.check_balance()
    return {"alert": alert.pk if alert else None}


@shared_task(
    bind=True,
    name=trust_fund.SEND_ALERT_TASK,
    ignore_result=True,
    max_retries=5,
    default_retry_delay=60,
)
def send_balance_alert(self, alert_id):
    """One alert's email; sends nothing if it already left (the alert records when)."""
    try:
        return trust_fund.send_alert(alert_id)
    except Exception as error:  # a transport failure: sent_at stays empty; try again shortly
        if self.request.is_eager:
            # Inline (tests, or no broker): no retry to wait for; the periodic check sends it again.
            # The error's kind only: an SMTP error's text may quote an address (not in the log).
            logging.getLogger(__name__).warning(
                "Trust Fund alert %s could not be sent: %s", alert_id, type(error).__name__
            )
            return False
        raise self.retry(exc=error, countdown=60 * 2**self.request.retries) from error
