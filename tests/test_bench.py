"""`python -m bench`: its options (`--language`: the pages measured in the language asked for;
`--against`: two checkouts in turns), and `make bench` passing them on."""

import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from bench import __main__ as bench_main
from bench import core
from requests_app.accounts.selectors import chosen_language
from requests_app.accounts.services import set_language
from tests.factories import UserFactory
from tests.project import ROOT


def test_the_language_is_one_of_eas(capsys):
    assert bench_main.parse_args(["--language", "ar"]).language == "ar"
    assert bench_main.parse_args([]).language == "en"
    with pytest.raises(SystemExit):
        bench_main.parse_args(["--language", "de"])
    assert "--language must be one of" in capsys.readouterr().err


@pytest.mark.django_db
def test_the_benchmark_user_reads_the_pages_in_the_language_for_the_run_only():
    user = UserFactory(is_staff=True, is_superuser=True)
    set_language(user, "fr")
    with core.language(user, "ar") as reading:
        assert chosen_language(reading) == "ar"
        page = core.Context(reading, language="ar").get("/cases/").content.decode()
        assert '<html lang="ar" dir="rtl">' in page
    user.refresh_from_db()
    assert chosen_language(user) == "fr"


@pytest.mark.django_db
def test_queries_are_counted_after_seeding_filled_the_query_log():
    # Seeding 100,000 cases logs more queries than Django's log keeps: the table then said 0 queries.
    connection.queries_log.extend({"sql": "SELECT 1", "time": "0.000"} for _ in range(connection.queries_limit))
    users = get_user_model().objects
    item = core.Benchmark(name="two queries", function=lambda ctx: (users.count(), users.exists()))
    result = core.measure(item, SimpleNamespace(case_count=0), runs=3, warmup=1)
    assert result.queries == [2, 2, 2]


@pytest.mark.django_db
def test_counting_queries_does_not_log_their_text():
    # Logging a query writes out its text: on PostgreSQL, whose server binds the parameters, that
    # costs more than a simple query itself, and no production server (DEBUG off) pays it.
    users = get_user_model().objects
    connection.queries_log.clear()
    with core.QueryCounter(connection) as counted:
        assert not connection.queries_logged
        users.count()
        list(users.all()[:1])
    assert len(counted) == 2 and not connection.queries_log


@pytest.mark.django_db
def test_on_postgresql_the_runs_start_once_statements_are_prepared():
    # psycopg prepares a statement sent 5 times; the server plans it once after 5 more. Two warm-ups
    # left most of the timed runs planning the case page's query each time.
    assert bench_main.parse_args([]).warmup is None
    assert core.default_warmup() == (10 if connection.vendor == "postgresql" else 2)


def test_make_bench_passes_the_size_and_options_on():
    def plan(*variables):
        done = subprocess.run(
            ["make", "--no-print-directory", "-n", "bench", *variables],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return done.stdout.strip().splitlines()[-1].split()

    assert plan()[-2:] == ["-m", "bench"]  # 100,000 cases, every benchmark
    command = plan("CASES=1000000", "BENCH_ARGS=--only admin --runs 5")
    assert command[-8:] == ["-m", "bench", "--cases", "1000000", "--only", "admin", "--runs", "5"]
    args = bench_main.parse_args(command[command.index("bench") + 1 :])
    assert args.cases == 1_000_000 and args.only == ["admin"] and args.runs == 5


@pytest.mark.django_db
def test_the_registering_benchmark_sends_the_form_as_a_browser_does_and_registers(settings):
    """The intake form holds no file: the browser sends it URL-encoded, and so does the benchmark;
    each run registers a request, lands on its page and takes it out again."""
    from bench import admin_pages
    from requests_app.cases.models import AssistanceRequest

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    ctx = core.Context(UserFactory(is_staff=True, is_superuser=True))
    data = admin_pages._intake_form(ctx)
    assert isinstance(data, str) and "requested_types=" in data and "elections-0-planned_date=" in data
    timed = admin_pages.add_request(ctx, data)
    assert timed.queries > 10 and timed.ms > 0
    assert not AssistanceRequest.objects.exists()


def test_against_another_checkout_both_sides_take_turns_on_the_same_database(tmp_path):
    """`--against DIR`: this checkout and the one in DIR (here the same) serve the benchmark in turns
    against one database; the report gives each side's median and their paired difference."""
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--against", str(ROOT), "--only", "admin changelist, stage", "--runs", "3"]
        + ["--warmup", "1", "--no-seed"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    row = next(line for line in done.stdout.splitlines() if line.startswith("| admin changelist, stage filter |"))
    this, other = (float(cell) for cell in row.split("|")[2:4])
    assert this > 0 and other > 0
    assert row.rstrip().endswith("| 5, 5 |")  # the same queries on both sides: the same code
    assert f"other: {ROOT}" in done.stdout and "3 runs each, in turns, after 1" in done.stdout


def test_against_refuses_a_folder_that_is_no_checkout(tmp_path, capsys):
    with pytest.raises(SystemExit):
        bench_main.parse_args(["--against", str(tmp_path)])
    assert "not a checkout of EAS" in capsys.readouterr().err


def test_the_report_gives_the_machines_pace_beside_the_figures():
    """On a machine whose speed drifts, the reader sees how fast it ran while the figures were taken."""
    text = core.report([], runs=20, warmup=2, paces=[30.0, 45.5, 31.2])

    assert "Pace (a fixed Python workload, lower is faster): 30.0 ms before the first benchmark, 31.2 after" in text
    assert "30.0 to 45.5 between them" in text
    assert 1 < core.pace() < 10_000
