"""Run one reminder sweep now, in this process, and say what it sent."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from requests_app.cases.models import AssistanceRequest
from requests_app.reminders import services as reminders


class Command(BaseCommand):
    help = "Run one reminder sweep and print what it sent (--dry-run: list what it would send)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the reminders due without sending them.")

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        sent = {}

        def send_now(claim, recipient):
            sent[recipient] = reminders.send_digest(claim=claim, recipient=recipient, final_attempt=True, now=now)

        result = reminders.sweep(now=now, dry_run=dry_run, send=send_now)
        if dry_run:
            references = AssistanceRequest.objects.in_bulk({r.case_id for r in result.planned})
            for reminder in result.planned:
                case = references.get(reminder.case_id)
                # A reply due of a letter that concerns no case is named by the letter.
                about = case.reference if case is not None else f"letter {reminder.letter_id}"
                self.stdout.write(
                    f"{about}  {reminder.get_level_display():<30} {reminder.recipient:<40} "
                    f"due {timezone.localtime(reminder.due_at):%Y-%m-%d %H:%M}"
                )
            self.stdout.write(f"{len(result.planned)} reminder(s) due; nothing sent (dry run).")
            return
        for recipient, cases in sorted(sent.items()):
            if cases:
                self.stdout.write(f"sent to {recipient}: {cases} case(s)")
            else:
                self.stdout.write(self.style.WARNING(f"not sent to {recipient}: see the reminders in the admin"))
        if result.uncertain:
            self.stdout.write(
                self.style.WARNING(
                    f"{result.uncertain} reminder(s) of uncertain delivery: check, then resend them from the admin"
                )
            )
        total = sum(1 for n in sent.values() if n)
        self.stdout.write(self.style.SUCCESS(f"{total} digest(s) sent, {result.claimed} reminder(s) claimed."))
