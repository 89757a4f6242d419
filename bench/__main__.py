"""python -m bench: make sure the database holds enough cases, run the benchmarks, print the table."""

import argparse
import fnmatch
import os
import sys
import time
from pathlib import Path

DEFAULT_CASES = 100_000
# The languages of EAS (settings.LANGUAGES), known before Django is set up.
LANGUAGES = ("ar", "zh-hans", "en", "fr", "ru", "es")


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each benchmark (default 20)")
    parser.add_argument(
        "--warmup",
        type=int,
        default=None,
        help="untimed runs before them (default 2; 10 on PostgreSQL, where a statement is prepared after "
        "5 runs and planned once after 5 more, as on a server that has been answering for a while)",
    )
    parser.add_argument(
        "--cases",
        type=int,
        default=DEFAULT_CASES,
        help=f"cases the database must hold; fewer are topped up with seed_demo --cases (default {DEFAULT_CASES:,})",
    )
    parser.add_argument("--no-seed", action="store_true", help="measure the database as it is")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="PATTERN",
        help="run the benchmarks whose name contains PATTERN (or matches it as a glob); repeatable",
    )
    parser.add_argument(
        "--language",
        default="en",
        metavar="CODE",
        help="the language the pages are asked in (ar, zh-hans, en, fr, ru, es): the benchmark user's "
        "preference for the run, and the browser's Accept-Language (default en)",
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    parser.add_argument(
        "--against",
        metavar="DIR",
        type=Path,
        help="measure this checkout and the one in DIR (a git worktree of another commit) in turns, "
        "against the same database, and report the paired differences (bench/paired.py)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or (args.warmup is not None and args.warmup < 0):
        parser.error("--runs must be at least 1 and --warmup at least 0")
    if args.language not in LANGUAGES:
        parser.error(f"--language must be one of {', '.join(LANGUAGES)}")
    if args.against is not None and not (args.against / "bench" / "core.py").is_file():
        parser.error(f"--against {args.against}: not a checkout of EAS with its benchmarks")
    return args


def setup_django():
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    # Local settings by default, so a benchmark sees what a developer sees; DATABASE_URL,
    # read by the settings, points it at PostgreSQL. The 100,000 cases go to a database of
    # their own, so `make run` keeps its demo data.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eas.settings.local")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{root / 'var' / 'bench.sqlite3'}")
    # Connections kept between requests, as production keeps them (eas/settings/production.py):
    # otherwise each PostgreSQL page would also pay for a new server process, which no user does.
    os.environ.setdefault("CONN_MAX_AGE", "60")
    # Pages served as production serves them: without the debug cursor that logs every query's text
    # (on PostgreSQL, composed client-side: 70-150 µs a query) and templates' debug information.
    os.environ.setdefault("DEBUG", "false")
    (root / "var").mkdir(exist_ok=True)
    import django

    django.setup()


def migrate_if_needed():
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        print("Applying migrations…", flush=True)
        call_command("migrate", verbosity=0, interactive=False)


def ensure_cases(target):
    from django.core.management import call_command
    from django.db import connection

    from requests_app.cases.models import AssistanceRequest

    present = AssistanceRequest.objects.count()
    if present >= target:
        print(f"The database holds {present:,} cases.", flush=True)
        return
    # The demo set first: its cases went through the services, with documents and the
    # longest histories, so the case page is measured on the richest case there is.
    print(f"The database holds {present:,} cases: adding the demo set (seed_demo).", flush=True)
    call_command("seed_demo")
    missing = target - AssistanceRequest.objects.count()
    if missing > 0:
        print(f"Seeding {missing:,} more cases with seed_demo --cases {missing}.", flush=True)
        call_command("seed_demo", cases=missing)
    if connection.vendor == "postgresql":
        # Planner statistics and the visibility map (which lets a count read an index alone), as
        # autovacuum keeps them on a database in use.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def superuser():
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        user = User.objects.create_superuser("bench", "bench@example.org", password=None)
        print("Created the superuser 'bench' (no password) for the benchmarks.", flush=True)
    return user


def selected(registry, patterns):
    if not patterns:
        return list(registry.values())
    return [
        item
        for name, item in registry.items()
        if any(p.lower() in name.lower() or fnmatch.fnmatch(name, p) for p in patterns)
    ]


def measure_all(chosen, args):
    """Each chosen benchmark measured as the superuser, in the language asked for: results and notes."""
    from django.conf import settings
    from django.test.utils import override_settings

    from bench import core

    # The test client asks for the host "testserver", which local settings do not list.
    with (
        override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]),
        core.language(superuser(), args.language) as user,
    ):
        ctx = core.Context(user, language=args.language)
        results, paces = [], []
        for item in chosen:
            paces.append(core.pace())
            started = time.monotonic()
            result = core.measure(item, ctx, runs=args.runs, warmup=args.warmup)
            print(
                f"  {item.name}: median {result.median_ms:.1f} ms (CPU {result.median_cpu_text}), "
                f"{result.queries_text} queries "
                f"({time.monotonic() - started:.1f} s)",
                flush=True,
            )
            results.append(result)
        paces.append(core.pace())
    return results, ctx.notes, paces


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup_django()
    from django.conf import settings
    from django.db import connection

    from bench import core

    registry = core.discover()
    chosen = selected(registry, args.only)
    if args.list or not chosen:
        if not chosen:
            print(f"No benchmark matches {', '.join(args.only)}. The benchmarks are:", file=sys.stderr)
        for name, item in registry.items():
            print(f"{name}  ({item.module})")
        return 0 if args.list else 1

    print(
        f"Settings: {settings.SETTINGS_MODULE}; database: {core.database()} {connection.settings_dict['NAME']}",
        flush=True,
    )
    migrate_if_needed()
    if args.warmup is None:
        args.warmup = core.default_warmup()
    if not args.no_seed:
        ensure_cases(args.cases)

    if args.against is not None:
        return measure_against(chosen, args)
    results, notes, paces = measure_all(chosen, args)
    print()
    print(core.report(results, runs=args.runs, warmup=args.warmup, notes=notes, language=args.language, paces=paces))
    return 0


def measure_against(chosen, args):
    """Each chosen benchmark, this checkout and args.against in turns (bench/paired.py)."""
    from django.db import connections

    from bench import core, paired

    connections.close_all()  # the two sides have their own connections; this one waits
    here = Path(__file__).resolve().parent.parent
    results = []
    for item in chosen:
        started = time.monotonic()
        this, other = paired.compare(
            item.name, [here, args.against.resolve()], runs=args.runs, warmup=args.warmup, language=args.language
        )
        results.append((item.name, (this, other)))
        print(f"  {item.name}: {time.monotonic() - started:.1f} s", flush=True)
    print()
    print(f"this: {here}; other: {args.against.resolve()}; {args.runs} runs each, in turns, after {args.warmup}.")
    print(f"Database: {core.database()}. Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.")
    print(paired.report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
