"""Demo data: the users of a demonstration, and cases in every stage with a real history.

    python manage.py seed_demo                 # users, and about forty cases made through the services
    python manage.py seed_demo --if-empty      # the same, but nothing at all when a case exists (``make run``)
    python manage.py seed_demo --cases 100000  # users, and N more cases bulk-inserted (benchmarks)
    python manage.py seed_demo --seed 7        # another random draw; the default draw is always the same

Demo cases go through the services (register_request, start_review, …, attach_document),
with the clock moved back by time-machine, so their history is the one the application
itself writes. Only ``--cases`` writes rows directly: see ``BulkSeeder``.
"""

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from requests_app.cases.choices import (
    Stage,
)
from requests_app.cases.models import (
    AssistanceRequest,
)
from requests_app.demo.bulk import BulkSeeder
from requests_app.demo.cases import DemoSeeder
from requests_app.demo.coordination import seed_coordination
from requests_app.demo.correspondence import seed_correspondence
from requests_app.demo.decisions import seed_decisions
from requests_app.demo.engagement import seed_engagements
from requests_app.demo.fund import seed_trust_fund
from requests_app.demo.mandates import seed_mandates
from requests_app.demo.partners import seed_partners
from requests_app.demo.roster import seed_roster
from requests_app.demo.staff import DEMO_PASSWORD, STAFF, ensure_users
from requests_app.demo.territories import seed_territories

DEFAULT_SEED = 62150  # General Assembly resolution 62/150


# The command -------------------------------------------------------------------------


class Command(BaseCommand):
    help = "Create the demo users and cases in every stage (or, with --cases N, N more cases in bulk)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing at all when the database already holds a case."
        )
        parser.add_argument(
            "--cases",
            type=int,
            metavar="N",
            help="Bulk-insert N more cases with realistic histories instead of the demo set (for benchmarks).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Random seed (default {DEFAULT_SEED}: the same data each time).",
        )
        parser.add_argument("--batch-size", type=int, default=1000, help="Cases written per transaction with --cases.")

    def handle(self, *args, if_empty=False, cases=None, seed=DEFAULT_SEED, batch_size=1000, **options):
        if cases is not None and cases < 0:
            raise CommandError("--cases must be zero or more.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if if_empty and AssistanceRequest.objects.exists():
            self.stdout.write("The database already holds cases: nothing to seed.")
            return
        now = timezone.now()
        team = ensure_users()
        self.stdout.write(
            f"Users: admin (superuser) and {', '.join(m.username for m in STAFF)} (staff); "
            f"those created here have the password {DEMO_PASSWORD}."
        )
        if cases is None:
            self._demo(team=team, seed=seed, now=now)
        else:
            self._bulk(cases, team=team, rng=random.Random(seed), now=now, batch_size=batch_size)

    def _demo(self, *, team, seed, now):
        """The demo: its cases, then what they draw on (paras 6-9), recorded through the services."""
        started = time.monotonic()
        created, skipped = DemoSeeder(seed=seed, team=team, now=now, stdout=self.stdout).run()
        message = f"Demo cases: {created} created"
        if skipped:
            message += f", {skipped} already there"
        self.stdout.write(f"{message} ({time.monotonic() - started:.1f} s).")
        seed_mandates(team=team, now=now, stdout=self.stdout, seed=seed)
        seed_decisions(team=team, now=now, stdout=self.stdout)
        partners, contributions = seed_partners(focal_point=team.focal_point, seed=seed)
        self.stdout.write(f"Partners: {partners}, with {contributions} new contributions to assisted cases.")
        seed_roster(team=team, stdout=self.stdout)
        # Countries with several engagements over the years (issue 13), with the roster's experts.
        seed_engagements(seed=seed, team=team, now=now, stdout=self.stdout)
        seed_trust_fund(team=team, stdout=self.stdout, seed=seed, password=DEMO_PASSWORD)
        seed_territories(team=team, stdout=self.stdout)
        seed_correspondence(team=team, stdout=self.stdout)
        seed_coordination(team=team, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({time.monotonic() - started:.1f} s)."))

    def _bulk(self, cases, *, team, rng, now, batch_size):
        """``cases`` benchmark cases, written in bulk, and what was written."""
        seeder = BulkSeeder(rng=rng, team=team, now=now, stdout=self.stdout, batch_size=batch_size)
        elapsed = seeder.run(cases) if cases else 0.0
        rows = ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in seeder.rows.items())
        stages = ", ".join(f"{stage} {seeder.stages[stage]:,}" for stage in Stage.values if seeder.stages[stage])
        self.stdout.write(f"Rows: {rows or 'none'}.")
        self.stdout.write(f"Stages: {stages or '—'}; {seeder.overdue:,} overdue.")
        self.stdout.write(self.style.SUCCESS(f"{cases:,} cases created in {elapsed:.1f} s."))
