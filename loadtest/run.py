"""`make load`: EAS as production runs it, on the loopback, under the load test of loadtest/locustfile.py.

Migrates the database, seeds the demo (and bulk cases up to LOAD_CASES), collects the static files,
starts gunicorn (4 workers), 2 Celery workers and one beat with the Procfile's commands and
production's settings, runs locust headless, prints p50/p95 per request, and stops every process it
started, also on Ctrl-C, on an error or when a step overruns its time. Exits non-zero on any failure:
a failed request, a kind of task that made no request, an error in a log, a process that died.

Environment (defaults): DATABASE_URL (postgres://postgres@127.0.0.1:5432/eas_load), CELERY_BROKER_URL
(redis://127.0.0.1:6379/5), CACHE_URL (redis://127.0.0.1:6379/6), LOAD_TIME (5m), LOAD_USERS (50),
LOAD_SPAWN_RATE (5 a second), LOAD_CASES (5000: bulk cases added while the database holds fewer),
LOAD_PORT (8100), LOAD_WEB_WORKERS (4),
LOAD_CELERY_WORKERS (2), LOAD_OUT (var/load: the CSV statistics, the HTML report, the processes' logs),
LOAD_STATIC_ROOT (var/load/static), LOAD_WAIT (seconds between a person's tasks: "1,5"),
CELERY_TASK_DEFAULT_QUEUE (eas-load), EAS_BEAT_LOCK_NAME (eas-load-beat), CELERY_WORKER_CONCURRENCY (1).
"""

import hashlib
import json
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class LoadTestFailed(Exception):
    pass


class Interrupted(Exception):
    pass


def settings_from(environ):
    out = Path(environ.get("LOAD_OUT", ROOT / "var" / "load")).resolve()
    return {
        "database": environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/eas_load"),
        "broker": environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/5"),
        "cache": environ.get("CACHE_URL", "redis://127.0.0.1:6379/6"),
        "time": environ.get("LOAD_TIME", "5m"),
        "users": int(environ.get("LOAD_USERS", "50")),
        "spawn_rate": float(environ.get("LOAD_SPAWN_RATE", "5")),
        "cases": int(environ.get("LOAD_CASES", "5000")),
        "port": int(environ.get("LOAD_PORT", "8100")),
        "web_workers": int(environ.get("LOAD_WEB_WORKERS", "4")),
        "celery_workers": int(environ.get("LOAD_CELERY_WORKERS", "2")),
        "out": out,
        "static_root": Path(environ.get("LOAD_STATIC_ROOT", ROOT / "var" / "load" / "static")).resolve(),
    }


def seconds(duration):
    """Locust's run time ("90", "30s", "5m", "1h30m") in seconds."""
    parts = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?", duration.strip())
    if not parts or not duration.strip():
        raise LoadTestFailed(f"LOAD_TIME={duration!r}: say 90s, 5m or 1h30m")
    hours, minutes, secs = (int(part or 0) for part in parts.groups())
    return hours * 3600 + minutes * 60 + secs


def loopback_only(url, what):
    host = urlsplit(url).hostname
    if host not in LOOPBACK:
        raise LoadTestFailed(f"{what} must be on the loopback (127.0.0.1), not {host!r}: the load test stays local")


def procfile():
    """{name: argv} of the Procfile, less its `exec`."""
    commands = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line and not line.startswith("#"):
            name, command = line.split(":", 1)
            argv = shlex.split(command)
            commands[name.strip()] = argv[1:] if argv[0] == "exec" else argv
    return commands


class Run:
    def __init__(self, settings, environ):
        self.settings = settings
        self.out = settings["out"]
        self.started = []  # (name, Popen, log path)
        self.env = {
            key: value
            for key, value in environ.items()
            if not key.startswith(("DJANGO_", "SENTRY_", "MAKE", "MFLAGS", "EAS_BEAT_", "CELERY_"))
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="eas.settings.production",
            SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL=settings["database"],
            CELERY_BROKER_URL=settings["broker"],
            CACHE_URL=settings["cache"],
            CELERY_TASK_DEFAULT_QUEUE=environ.get("CELERY_TASK_DEFAULT_QUEUE", "eas-load"),
            EAS_BEAT_LOCK_NAME=environ.get("EAS_BEAT_LOCK_NAME", "eas-load-beat"),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SITE_URL=f"http://127.0.0.1:{settings['port']}",
            HOST="127.0.0.1",
            PORT=str(settings["port"]),
            WEB_CONCURRENCY=str(settings["web_workers"]),
            CELERY_WORKER_CONCURRENCY=environ.get("CELERY_WORKER_CONCURRENCY", "1"),
            STATIC_ROOT=str(settings["static_root"]),
            EAS_VAR_DIR=str(self.out / "var"),
            MEDIA_ROOT=str(self.out / "var" / "media"),
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(self.out / "var" / "mail"),
            PYTHONUNBUFFERED="1",
            PATH=f"{BIN}:{environ.get('PATH', '')}",
        )

    # Steps ------------------------------------------------------------------------------------

    def manage(self, *args, timeout=600):
        self.step(f"manage.py {' '.join(args)}")
        return self.check_run([sys.executable, "manage.py", *args], timeout=timeout)

    def check_run(self, argv, *, timeout):
        try:
            done = subprocess.run(argv, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as overrun:
            raise LoadTestFailed(f"{' '.join(argv)}: not done within {timeout} s") from overrun
        if done.returncode:
            raise LoadTestFailed(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        return done.stdout

    def step(self, text):
        print(f"[load] {text}", flush=True)

    def prepare(self):
        self.manage("migrate", "--noinput")
        self.manage("seed_demo", "--if-empty")
        count = int(
            self.django("from requests_app.cases.models import AssistanceRequest as A; print(A.objects.count())")
        )
        if count < self.settings["cases"]:
            self.manage("seed_demo", "--cases", str(self.settings["cases"] - count), timeout=1800)
        self.collect_static()

    def django(self, code):
        """What a line of Python prints, run with Django set up (production settings)."""
        script = f"import django; django.setup(); {code}"
        return self.check_run([sys.executable, "-c", script], timeout=120).strip().splitlines()[-1]

    def collect_static(self):
        """collectstatic, when the static files changed since the last run: compressing them all takes
        most of a minute."""
        listing = (
            "from django.contrib.staticfiles.finders import get_finders; import hashlib, os; h = hashlib.sha256(); "
            "[h.update(f'{p}|{os.stat(s.path(p)).st_mtime_ns}|{os.stat(s.path(p)).st_size}'.encode()) "
            "for f in get_finders() for p, s in sorted(f.list([]), key=lambda x: x[0])]; print(h.hexdigest())"
        )
        fingerprint = hashlib.sha256(self.django(listing).encode()).hexdigest()
        stamp = self.settings["static_root"] / ".load-fingerprint"
        manifest = self.settings["static_root"] / "staticfiles.json"
        if manifest.exists() and stamp.exists() and stamp.read_text() == fingerprint:
            self.step(f"static files unchanged in {self.settings['static_root']}")
            return
        self.manage("collectstatic", "--noinput", "-v0")
        stamp.write_text(fingerprint)

    def start(self, name, argv):
        log = self.out / f"{name}.log"
        process = subprocess.Popen(
            argv, cwd=ROOT, env=self.env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
        )
        self.started.append((name, process, log))
        # Each process leads its own group (its pid): what `stop` ends, and the tests check.
        pids = {started: process.pid for started, process, _log in self.started}
        (self.out / "processes.json").write_text(json.dumps(pids) + "\n")
        return process

    def start_site(self):
        commands = procfile()
        self.step(f"web: {shlex.join(commands['web'])} ({self.settings['web_workers']} workers)")
        self.start("web", commands["web"])
        for number in range(1, self.settings["celery_workers"] + 1):
            self.start(f"worker{number}", [*commands["worker"], "--hostname", f"load{number}@%h"])
        self.step(f"{self.settings['celery_workers']} Celery workers and one beat: {shlex.join(commands['worker'])}")
        self.start("beat", commands["beat"])
        self.wait_ready(90)

    def wait_ready(self, limit):
        url = f"http://127.0.0.1:{self.settings['port']}/readyz"
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            self.check_alive()
            with suppress(urllib.error.URLError, OSError), urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    self.step(f"ready: {url}")
                    return
            time.sleep(0.5)
        raise LoadTestFailed(f"{url} did not say ready within {limit} s (logs in {self.out})")

    def check_alive(self):
        for name, process, log in self.started:
            if process.poll() is not None and name != "locust":
                tail = "".join(log.read_text().splitlines(keepends=True)[-20:])
                raise LoadTestFailed(f"{name} stopped ({process.returncode}):\n{tail}")

    def run_locust(self):
        settings = self.settings
        run_time = seconds(settings["time"])
        self.env["LOAD_SUMMARY"] = str(self.out / "summary.json")
        argv = [
            str(BIN / "locust"),
            "--locustfile",
            str(ROOT / "loadtest" / "locustfile.py"),
            "--headless",
            "--host",
            f"http://127.0.0.1:{settings['port']}",
            "--users",
            str(settings["users"]),
            "--spawn-rate",
            str(settings["spawn_rate"]),
            "--run-time",
            settings["time"],
            "--stop-timeout",
            "10",
            "--csv",
            str(self.out / "stats"),
            "--html",
            str(self.out / "report.html"),
            "--only-summary",
            "--exit-code-on-error",
            "1",
        ]
        self.step(f"locust: {settings['users']} users for {settings['time']} ({self.out / 'locust.log'})")
        locust = self.start("locust", argv)
        deadline = time.monotonic() + run_time + 120
        while locust.poll() is None:
            self.check_alive()
            if time.monotonic() > deadline:
                raise LoadTestFailed(f"locust still running {run_time + 120} s after it began")
            time.sleep(1)
        return locust.returncode

    def stop(self):
        """Every process started, stopped: SIGTERM to its group, SIGKILL after 20 s."""
        for _name, process, _log in self.started:
            if process.poll() is None:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for _name, process, _log in self.started:
            with suppress(subprocess.TimeoutExpired):
                process.wait(max(0.1, deadline - time.monotonic()))
            # The group too: a gunicorn worker or a Celery child that outlived its parent.
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    # Results ----------------------------------------------------------------------------------

    def logged_errors(self):
        """Lines of level ERROR or worse in the logs of web, workers and beat."""
        errors = []
        for name, _process, log in self.started:
            if name == "locust" or not log.exists():
                continue
            for line in log.read_text(errors="replace").splitlines():
                with suppress(ValueError):
                    if json.loads(line).get("level") in ("ERROR", "CRITICAL"):
                        errors.append(f"{name}: {line[:300]}")
        return errors


def table(summary):
    """The p50/p95 table of the run (a row per request, then the total), from the locustfile's summary."""
    lines = [
        f"{'request':<30} {'count':>7} {'fail':>5} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} {'req/s':>6}"
    ]
    for row in summary["stats"]:
        lines.append(
            f"{row['name']:<30} {row['count']:>7} {row['failures']:>5} {row['p50']:>7.0f} {row['p95']:>7.0f} "
            f"{row['p99']:>7.0f} {row['max']:>7} {row['rps']:>6.1f}"
        )
    return "\n".join(lines)


@contextmanager
def signals_interrupt():
    """Ctrl-C and SIGTERM raise Interrupted, so that what was started is stopped."""

    def interrupted(signum, _frame):
        raise Interrupted(signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, interrupted) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def execute(settings, environ):
    """Run the load test; the problems met (none: it passed)."""
    run = None
    problems = []
    with signals_interrupt():
        try:
            seconds(settings["time"])
            for name, url in (("DATABASE_URL", "database"), ("CELERY_BROKER_URL", "broker"), ("CACHE_URL", "cache")):
                loopback_only(settings[url], name)
            run = Run(settings, environ)
            run.prepare()
            run.start_site()
            if run.run_locust():
                problems.append("locust exited with an error: failed requests, or a kind of task made none")
            run.check_alive()
        except LoadTestFailed as failure:
            problems.append(str(failure))
        except Interrupted as signal_name:
            problems.append(f"interrupted ({signal_name})")
        finally:
            if run is not None:
                # A second Ctrl-C does not cut the stopping short: it ends within 20 s anyway.
                for sig in (signal.SIGINT, signal.SIGTERM):
                    signal.signal(sig, signal.SIG_IGN)
                run.stop()
                problems += run.logged_errors()
    return problems


def report(out, problems):
    summary_file = out / "summary.json"
    if summary_file.exists():
        summary = json.loads(summary_file.read_text())
        print(table(summary))
        for key in ("requests_by_task", "actions_taken", "act_tasks_without_a_case"):
            print(f"[load] {key.replace('_', ' ')}: {json.dumps(summary[key])}")
    print(f"[load] results: {summary_file}, {out / 'stats_stats.csv'}, {out / 'report.html'}, logs {out}/*.log")
    for problem in problems:
        print(f"[load] FAILED: {problem}", file=sys.stderr)
    if not problems:
        print("[load] passed: no failure")


def main(environ=os.environ):
    settings = settings_from(environ)
    out = settings["out"]
    (out / "var" / "mail").mkdir(parents=True, exist_ok=True)
    settings["static_root"].mkdir(parents=True, exist_ok=True)
    for old in [*out.glob("stats_*.csv"), out / "summary.json", out / "report.html", out / "processes.json"]:
        old.unlink(missing_ok=True)
    problems = execute(settings, environ)
    report(out, problems)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
