"""`make run` as a developer meets it: Ctrl-C stops the site, the worker and beat, quickly and quietly.

The test runs `make serve`, the very command `make run` ends with (Makefile: PROCESSES), without the
install, migrations and demo data that come before it, on a free port with its own var/ folder.
Ctrl-C in a terminal sends SIGINT to the foreground process group: the test does the same.
"""

import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What the environment of the test run would change in the started processes: they must use the
# developer settings (eas.settings.local) with their embedded defaults, and a make of their own.
NOT_INHERITED = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "ALLOWED_HOSTS")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except (urllib.error.URLError, OSError):
        return None


def group_is_alive(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def test_ctrl_c_stops_web_worker_and_beat_within_seconds_in_a_few_lines(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED and not k.startswith(("MAKE", "MFLAGS"))}
    env.update(EAS_VAR_DIR=str(tmp_path / "var"), PYTHONUNBUFFERED="1")
    lines = []  # (seconds since start, line)
    signalled_at = None
    started = time.monotonic()
    make = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )

    def read():
        for line in make.stdout:
            lines.append((time.monotonic() - started, line.rstrip("\n")))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()

    def output():
        return "\n".join(line for _, line in lines)

    groups = []
    try:
        # Started means: the web answers, the worker is ready and beat runs.
        deadline = started + 30
        while time.monotonic() < deadline:
            if (
                re.search(r"celery@\S+ ready", output())
                and "beat: Starting" in output()
                and answers(f"http://127.0.0.1:{port}/accounts/login/") == 200
            ):
                break
            assert make.poll() is None, "make serve ended before it started:\n" + output()
            time.sleep(0.3)
        else:
            raise AssertionError("web, worker and beat did not all start within 30 s:\n" + output())
        groups = [int(pid) for pid in re.findall(r"started \(pid=(\d+)\)", output())]
        assert len(groups) == 3, output()

        time.sleep(1)  # let the start-up output settle
        count_before = len(lines)
        signalled_at = time.monotonic()
        os.killpg(make.pid, signal.SIGINT)
        make.wait(timeout=15)
        stopped_in = time.monotonic() - signalled_at
        reader.join(timeout=5)
        left_running = [pgid for pgid in groups if group_is_alive(pgid)]
    finally:
        for pgid in [make.pid, *groups]:
            if group_is_alive(pgid):
                os.killpg(pgid, signal.SIGKILL)

    after = [line for _, line in lines[count_before:]]
    printed = "\n".join(after)
    assert stopped_in < 15
    assert len(after) < 50, printed
    assert printed.count("Warm shutdown") == 1, printed
    for sign_of_trouble in ("Traceback", "RecursionError", "Segmentation fault", "SIGKILL", "ERROR/"):
        assert sign_of_trouble not in printed, printed
    # Every process of web, worker and beat has ended, and the port is free again.
    assert not left_running, printed
    assert answers(f"http://127.0.0.1:{port}/accounts/login/") is None
