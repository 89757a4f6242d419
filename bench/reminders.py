"""The reminder sweep over 100,000 open cases, about 10% of them due soon or overdue.

The seeded database is mostly closed cases, as a real one is. For this benchmark every case
is made open for the length of one run, inside a transaction that is rolled back: the other
benchmarks see the data untouched, and each run starts with nothing claimed.
"""

import resource
import time
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.db.models.functions import Mod
from django.test.utils import override_settings
from django.utils import timezone

from bench.core import QueryCounter, Timed, benchmark
from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.reminders import services as reminders


class Rollback(Exception):
    pass


def _open_every_case(now):
    """Every case open; by id, 3% due within the warning window, 7% overdue at every level."""
    open_stages = Stage.open_stages()
    bucket = Mod(F("id"), 100)
    AssistanceRequest.objects.annotate(bucket=bucket, spread=Mod(F("id"), len(open_stages))).update(
        stage=Case(*[When(spread=i, then=Value(stage.value)) for i, stage in enumerate(open_stages)]),
        stage_entered_at=now - timedelta(days=20),
        stage_due_at=Case(
            When(bucket__lt=3, then=Value(now + timedelta(days=1))),
            When(bucket__lt=6, then=Value(now - timedelta(days=1))),
            When(bucket__lt=8, then=Value(now - timedelta(days=4))),
            When(bucket__lt=10, then=Value(now - timedelta(days=9))),
            default=Value(now + timedelta(days=40)),
        ),
    )


@benchmark("reminder sweep, 100,000 open cases (10% due)", runs=5)
def sweep(ctx):
    now = timezone.now()
    try:
        with transaction.atomic(), override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            _open_every_case(now)
            # The sweep is what beat runs: find what is due, claim it, queue one digest per person.
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            with QueryCounter(connection) as captured:
                started, cpu = time.perf_counter(), time.process_time()
                result = reminders.sweep(now=now, send=lambda claim, recipient: None)
                swept, cpu = time.perf_counter() - started, time.process_time() - cpu
            grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
            # The digests go out from the workers after commit; here, in the same transaction.
            started = time.perf_counter()
            listed = sum(reminders.send_digest(claim=result.claim, recipient=r, now=now) for r in result.digests)
            sent = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            due = AssistanceRequest.objects.filter(stage_due_at__lte=now + timedelta(days=2)).count()
            raise Rollback
    except Rollback:
        pass
    ctx.note(
        f"Sweep: {due:,} of {ctx.case_count:,} open cases due or overdue, {result.claimed:,} reminders claimed "
        f"in {swept:.2f} s ({len(captured)} queries, peak memory up {grown / 1024:.0f} MiB); "
        f"then {len(result.digests)} digests listing {listed:,} cases "
        f"sent in {sent:.2f} s; peak memory of the process {peak / 2**20:.0f} MiB."
    )
    return Timed(ms=swept * 1000, queries=len(captured), cpu_ms=cpu * 1000)
