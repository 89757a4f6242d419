"""The periodic sweep and the sending of each digest."""

from celery import shared_task

from requests_app.reminders import services as reminders


@shared_task(name="requests_app.sweep_reminders", ignore_result=True)
def sweep_reminders():
    """Beat runs this on a schedule (settings.EAS_REMINDER_SWEEP_MINUTES)."""
    result = reminders.sweep()
    return {"claimed": result.claimed, "recipients": len(result.digests)}


@shared_task(
    bind=True,
    name=reminders.SEND_DIGEST_TASK,
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
