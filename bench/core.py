"""The benchmark registry, the measuring loop and the report.

A benchmark is a function taking a ``Context`` (and, if it has a setup, what the setup
returned) that does one operation: one page request, one query. It is registered with

    @benchmark("admin changelist")
    def changelist(ctx):
        ctx.get("/admin/requests_app/assistancerequest/")

and may need a setup run once, untimed, before it:

    @benchmark("admin case page", setup=lambda ctx: ctx.case_with_longest_history())
    def case_page(ctx, case):
        ctx.get(f"/admin/requests_app/assistancerequest/{case.pk}/change/")
"""

import contextlib
import importlib
import math
import os
import pkgutil
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

REGISTRY = {}

# Modules of the package that hold no benchmarks.
_NOT_BENCHMARKS = {"core", "__main__", "paired"}


@dataclass
class Benchmark:
    name: str
    function: Callable
    setup: Callable | None = None
    module: str = ""
    runs: int | None = None  # at most this many timed runs (a slow benchmark)


@dataclass
class Timed:
    """What a benchmark returns when it times only part of its work (not its preparation)."""

    ms: float
    queries: int
    cpu_ms: float | None = None  # the process's processor time over the same part, when measured


def benchmark(name, *, setup=None, runs=None):
    """Register the decorated function as the benchmark ``name``."""

    def register(function):
        if name in REGISTRY and REGISTRY[name].function is not function:
            raise ValueError(f"Two benchmarks are named {name!r}: {REGISTRY[name].module} and {function.__module__}.")
        REGISTRY[name] = Benchmark(name=name, function=function, setup=setup, module=function.__module__, runs=runs)
        return function

    return register


def discover():
    """Import every module of the package, so their benchmarks register."""
    package = importlib.import_module(__package__)
    for module in pkgutil.iter_modules(package.__path__):
        if module.name not in _NOT_BENCHMARKS:
            importlib.import_module(f"{__package__}.{module.name}")
    return REGISTRY


class PageError(AssertionError):
    pass


@contextlib.contextmanager
def language(user, code):
    """The benchmark user reads EAS in ``code`` for the run (their preference), as before after it."""
    from requests_app.accounts.selectors import chosen_language
    from requests_app.accounts.services import set_language

    before = chosen_language(user)
    set_language(user, code)
    try:
        yield user
    finally:
        set_language(user, before)


class Context:
    """What benchmarks share: a logged-in test client (asking for ``language``), and notes for the report."""

    def __init__(self, user, language="en"):
        from django.test import Client

        self.user = user
        self.client = Client(headers={"accept-language": language})
        self.client.force_login(user)  # the session holds the user's language from here (accounts.receivers)
        self.notes = []

    def get(self, url, status=200):
        response = self.client.get(url)
        if response.status_code != status:
            raise PageError(f"GET {url} answered {response.status_code}, not {status}.")
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        return response

    def note(self, text):
        self.notes.append(text)

    @cached_property
    def case_count(self):
        from requests_app.cases.models import AssistanceRequest

        return AssistanceRequest.objects.count()

    def case_with_longest_history(self):
        """The case with the most history entries (the latest such case), as a page shows it at its heaviest."""
        from django.db.models import Count

        from requests_app.cases.models import AssistanceRequest
        from requests_app.history.models import CaseEvent

        row = CaseEvent.objects.values("case").annotate(entries=Count("id")).order_by("-entries", "-case").first()
        if row is None:
            raise PageError("No case has a history: seed the database first.")
        return AssistanceRequest.objects.get(pk=row["case"]), row["entries"]


@dataclass
class Result:
    name: str
    cases: int
    timings_ms: list = field(default_factory=list)
    queries: list = field(default_factory=list)
    cpu_ms: list = field(default_factory=list)  # None for a run whose part alone was not measured

    @property
    def median_ms(self):
        return statistics.median(self.timings_ms)

    @property
    def median_cpu_text(self):
        measured = [ms for ms in self.cpu_ms if ms is not None]
        return f"{statistics.median(measured):.1f}" if measured else "—"

    @property
    def p95_ms(self):
        # Nearest rank: of 20 runs, the 19th fastest.
        ordered = sorted(self.timings_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def queries_text(self):
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}–{high}"


def default_warmup():
    """Untimed runs before the timed ones: 2; on PostgreSQL with prepared statements, enough for each
    repeated statement to be prepared (psycopg's prepare_threshold) and for the server to settle on
    one plan for it (after five executions), as on a server that has been answering for a while."""
    from django.db import connection

    threshold = connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold")
    return 2 if connection.vendor != "postgresql" or threshold is None else threshold + 5


class QueryCounter:
    """Counts the statements sent to the database (every execute and executemany) while it is open.

    Not Django's CaptureQueriesContext: it turns the debug cursor on, which writes out the text of
    each query to log it, and on PostgreSQL, whose parameters the server binds (with_prepared_statements),
    composing that text costs this process 70-150 µs a query, which no production server (DEBUG off)
    pays. BEGIN and COMMIT, which Django's log lists, are not statements a view sends: not counted."""

    def __init__(self, connection):
        self.connection = connection
        self.count = 0
        self._wrapping = None

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapping = self.connection.execute_wrapper(self)
        self._wrapping.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapping.__exit__(*exc)

    def __len__(self):
        return self.count


def measure(item, ctx, *, runs, warmup):
    """Run a benchmark ``warmup`` times untimed, then ``runs`` times timed, counting its SQL queries."""
    from django.db import connection

    args = ()
    if item.setup is not None:
        args = (item.setup(ctx),)
    for _ in range(min(warmup, item.runs or warmup)):  # a slow benchmark warms up as often as it runs
        item.function(ctx, *args)
    result = Result(name=item.name, cases=ctx.case_count)
    for _ in range(min(runs, item.runs or runs)):
        with QueryCounter(connection) as captured:
            started, cpu = time.perf_counter(), time.process_time()
            timed = item.function(ctx, *args)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        if isinstance(timed, Timed):
            result.timings_ms.append(timed.ms)
            result.queries.append(timed.queries)
            result.cpu_ms.append(timed.cpu_ms)
        else:
            result.timings_ms.append(elapsed * 1000)
            result.queries.append(len(captured))
            result.cpu_ms.append(cpu * 1000)
    return result


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores"


def load():
    """The machine's load averages over 1, 5 and 15 minutes: how many processes wanted its cores."""
    try:
        return ", ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def database():
    from django.db import connection

    if connection.vendor == "sqlite":
        version = connection.Database.sqlite_version
    elif connection.vendor == "postgresql":
        number = connection.pg_version
        version = f"{number // 10000}.{number % 10000}"
    else:
        version = ""
    kept = connection.settings_dict.get("CONN_MAX_AGE") or 0
    reuse = f", connections kept {kept} s" if connection.vendor != "sqlite" and kept else ""
    return f"{connection.vendor} {version}".strip() + reuse


def pace():
    """The milliseconds a fixed piece of pure Python takes (median of 5): the machine's pace at the
    moment. On a shared machine it drifts (up to twice as slow within an hour, README, Benchmarks),
    and every benchmark drifts with it; the report gives it beside the figures."""
    times = []
    for _ in range(5):
        started = time.perf_counter()
        sorted(str(number * 7919 % 100_003) for number in range(100_000))
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def report(results, *, runs, warmup, notes=(), language="en", paces=()):
    import django
    from django.utils import timezone

    lines = [
        "| benchmark | cases | median ms | p95 ms | CPU ms | queries |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        lines.append(
            f"| {result.name} | {result.cases:,} | {result.median_ms:.1f} | {result.p95_ms:.1f} "
            f"| {result.median_cpu_text} | {result.queries_text} |"
        )
    lines += [
        "",
        f"Database: {database()}. Date: {timezone.localtime():%Y-%m-%d %H:%M %Z}. Machine: {machine()}, load {load()}.",
        f"Python {platform.python_version()}, Django {django.get_version()}; "
        f"{runs} timed runs after {warmup} warm-ups each (a slow benchmark: as many as its runs); "
        f"pages in {language}. CPU ms: the median processor time of this process (not of a database server), "
        "what a run costs without waiting for a processor on a busy machine.",
    ]
    if paces:
        lines.append(
            f"Pace (a fixed Python workload, lower is faster): {paces[0]:.1f} ms before the first benchmark, "
            f"{paces[-1]:.1f} after the last, {min(paces):.1f} to {max(paces):.1f} between them."
        )
    lines += [f"- {note}" for note in notes]
    return "\n".join(lines)


def as_in_use(ctx):
    """On PostgreSQL, the tables as autovacuum would keep them: few dead rows, fresh statistics, a
    visibility map. Production runs autovacuum; this server does not, and benchmarks write: the
    reminder sweep updates every case in a transaction it rolls back (100,000 dead row versions a
    run, which leave the case table and its indexes several times their size), registering adds and
    removes cases. The planner then reads stale statistics: the admin's search took 76 ms instead of
    38 after one `make bench`. A freshly seeded table has no visibility map either, so counting its
    rows cannot use an index-only scan.

    Each table past autovacuum's default thresholds is vacuumed and analysed (the case table
    compacted first, VACUUM FULL, if dead rows bloat it): before each benchmark that reads what the
    others write, untimed, said in the report."""
    from django.db import connection

    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return  # VACUUM cannot run in a transaction: a test's, whose tables are its own
    from requests_app.cases.models import AssistanceRequest

    cases = AssistanceRequest._meta.db_table
    started, done = time.perf_counter(), []
    with connection.cursor() as cursor:
        if connection.pg_version >= 150000:
            # This process's own writes are counted once it has flushed them (PostgreSQL 15: up to
            # 10 s later): flushed when this statement's transaction ends, before the next reads.
            cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute(
            "SELECT relname, n_live_tup, n_dead_tup, n_ins_since_vacuum, n_mod_since_analyze FROM pg_stat_user_tables"
        )
        for table, live, dead, inserted, changed in cursor.fetchall():
            bloated = dead > 50 + 0.2 * live
            if not (bloated or inserted > 1000 + 0.2 * live or changed > 50 + 0.1 * live):
                continue
            if bloated and table == cases:
                cursor.execute(f'VACUUM (FULL) "{table}"')
            cursor.execute(f'VACUUM (ANALYZE) "{table}"')
            written = max(inserted, changed)
            done.append(f"{table} ({dead:,} dead row versions{f', {written:,} rows written' if written else ''})")
    if done:
        ctx.note(
            f"Before a benchmark, as autovacuum would have: vacuumed and analysed {', '.join(done)} "
            f"({time.perf_counter() - started:.1f} s, untimed)."
        )
