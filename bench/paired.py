"""Paired measurement (`python -m bench --against DIR`): this checkout and another, taking turns.

On a machine whose speed drifts from one minute to the next (README, Benchmarks), two runs of
`make bench` made minutes apart compare the minutes more than the code. Here two processes, one
running this checkout's code and one the other's (a git worktree of the commit before a change),
serve the same benchmark against the same database, one run each in turn, so both sides meet the
same moments; the report gives each side's median and the median of the paired differences.

Each side runs this file as a script from its own checkout (so `bench` and the application are that
checkout's): it reads a benchmark's name on its command line, sets it up, and answers one timed run,
as a JSON line [ms, CPU ms, queries], each time it reads a line.
"""

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve()


def serve(name, language):
    """One side: the benchmark ``name`` of the checkout this process runs in, a run per line read."""
    import time

    answers, sys.stdout = sys.stdout, sys.stderr  # the answers alone on stdout; what else is printed, on stderr
    sys.path.insert(0, os.getcwd())
    from bench.__main__ import setup_django, superuser

    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings

    from bench import core

    item = core.discover()[name]
    with (
        override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]),
        core.language(superuser(), language) as user,
    ):
        ctx = core.Context(user, language=language)
        args = (item.setup(ctx),) if item.setup is not None else ()
        print(json.dumps("ready"), file=answers, flush=True)
        for _ in sys.stdin:
            with core.QueryCounter(connection) as captured:
                started, cpu = time.perf_counter(), time.process_time()
                timed = item.function(ctx, *args)
                elapsed, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
            if isinstance(timed, core.Timed):
                elapsed, cpu, queries = timed.ms, timed.cpu_ms, timed.queries
            else:
                queries = len(captured)
            print(json.dumps([elapsed, cpu, queries]), file=answers, flush=True)


class Side:
    def __init__(self, checkout, name, language):
        self.checkout = checkout
        self.process = subprocess.Popen(
            [sys.executable, str(HERE), name, language],
            cwd=checkout,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.runs = []
        self._answer()  # set up

    def _answer(self):
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"The side in {self.checkout} stopped (its error is above).")
        return json.loads(line)

    def run(self):
        self.process.stdin.write("run\n")
        self.process.stdin.flush()
        return self._answer()

    def close(self):
        self.process.stdin.close()
        self.process.wait(30)


def compare(name, checkouts, *, runs, warmup, language):
    """Each checkout's runs of benchmark ``name``, taken in turns (the first side first on even turns)."""
    sides = [Side(checkout, name, language) for checkout in checkouts]
    try:
        for _ in range(warmup):
            for side in sides:
                side.run()
        for turn in range(runs):
            for side in sides if turn % 2 == 0 else reversed(sides):
                side.runs.append(side.run())
    finally:
        for side in sides:
            side.close()
    return [side.runs for side in sides]


def report(results):
    """A Markdown table: each side's medians, and the median of the paired differences (this minus other)."""
    lines = [
        "| benchmark | this ms | other ms | difference ms | this CPU ms | other CPU ms | queries (this, other) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, (this, other) in results:
        difference = statistics.median(a[0] - b[0] for a, b in zip(this, other, strict=True))
        lines.append(
            f"| {name} | {_median(this, 0):.1f} | {_median(other, 0):.1f} | {difference:+.1f} "
            f"| {_median(this, 1):.1f} | {_median(other, 1):.1f} | {this[-1][2]}, {other[-1][2]} |"
        )
    return "\n".join(lines)


def _median(runs, index):
    return statistics.median(run[index] for run in runs)


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2])
