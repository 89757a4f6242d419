"""The load test (`make load`, loadtest/): its simulated staff visit real pages and fill real forms, and
a short run of the whole machinery passes, with every kind of task, and leaves no process behind."""

import json
import os
import random
import socket
import subprocess
import sys
from contextlib import suppress
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.urls import resolve

from loadtest import pages, run
from requests_app.cases.choices import Stage
from requests_app.cases.filters import SORTS, CaseFilter
from requests_app.cases.workflow import ACTIONS
from requests_app.core import roles
from requests_app.demo import staff as demo_staff
from tests.factories import case_in_stage, member_of
from tests.ops.helpers import database_url, process_env
from tests.project import ROOT

# What the simulated staff read and send ---------------------------------------------------------


def test_the_locustfile_visits_the_sites_pages():
    visits = {
        pages.LOGIN: "login",
        pages.DASHBOARD: "workspace:dashboard",
        pages.CASE_LIST: "workspace:case-list",
        pages.CASE_EXPORT_CSV: "workspace:case-export-csv",
        pages.CASE_EXPORT_XLSX: "workspace:case-export-xlsx",
        pages.LETTER_NEW: "workspace:letter-new",
        pages.case_page("EAS-2026-0042"): "workspace:case-detail",
        pages.country_file("KEN"): "workspace:country-file",
        **{pages.case_action("EAS-2026-0042", action): "workspace:case-action" for action in pages.ACTIONS},
    }
    for path, view in visits.items():
        assert resolve(path).view_name == view, path
    locustfile = (ROOT / "loadtest" / "locustfile.py").read_text()
    assert '"/' not in locustfile  # every address comes from loadtest/pages.py, checked here


def test_the_simulated_staff_are_the_demos():
    assert pages.PASSWORD == demo_staff.DEMO_PASSWORD
    demo = {member.username: member for member in demo_staff.STAFF}
    assert {person.username for person in pages.STAFF} == set(demo)
    for person in pages.STAFF:
        member = demo[person.username]
        assert person.role == member.role
        region = (person.works_on or {}).get("region")
        assert region is None or region in member.leads  # a team lead acts on the desk they lead
    assert [p.works_on for p in pages.STAFF if p.role == roles.INTAKE_CLERK] == [None]


@pytest.mark.django_db
def test_the_filters_they_set_are_the_case_lists():
    form = CaseFilter(None).form
    assert set(pages.STAGES) <= {value for value, _label in form.fields["stage"].choices}
    assert set(pages.REGIONS) == {value for value, _label in form.fields["region"].choices if value}
    assert set(pages.SORTS) == set(SORTS)
    for actions_stage in pages.ACTING_STAGES:
        assert any(actions_stage in ACTIONS[action].sources for action in pages.ACTIONS)
    rng = random.Random(16)
    for _ in range(200):
        filters = pages.random_filters(rng)
        filters.pop("sort", None)
        bound = CaseFilter(QueryDict(urlencode(filters)))  # as the URL sends them
        assert bound.is_valid(), (filters, bound.form.errors)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stage", "action", "after"),
    [
        (Stage.RECEIVED, "start_review", Stage.UNDER_REVIEW),
        (Stage.UNDER_REVIEW, "recommend", Stage.UNDER_REVIEW),
        (Stage.IN_IMPLEMENTATION, "start_reporting", Stage.REPORTING),
    ],
)
def test_the_form_they_fill_moves_the_case_on(client, officer, stage, action, after):
    case = case_in_stage(stage, actor=officer)
    events = case.events.count()
    client.force_login(officer)
    html = client.get(pages.case_page(case.reference)).content.decode()

    offered = pages.actions_offered(html, case.reference)
    assert action in offered
    response = client.post(pages.case_action(case.reference, action), offered[action].filled("Checked."))

    assert response.status_code == 302 and response["Location"] == pages.case_page(case.reference)
    case.refresh_from_db()
    assert case.stage == after and case.events.count() == events + 1
    assert case.events.latest("pk").comment == "Checked."
    assert pages.problem(client.get(response["Location"]).content.decode()) is None


@pytest.mark.django_db
@pytest.mark.parametrize("of", ["case", "country", "first country offered"])
def test_the_letter_the_intake_clerk_fills_is_registered(client, officer, of):
    from requests_app.correspondence.models import Letter

    case = case_in_stage(Stage.UNDER_REVIEW, actor=officer)
    client.force_login(member_of(roles.INTAKE_CLERK))
    html = client.get(pages.LETTER_NEW).content.decode()
    reference = case.reference if of == "case" else None
    country = case.member_state.iso3 if of != "first country offered" else None
    data = pages.letter_filled(html, day="2026-11-02", case=reference, country=country)

    response = client.post(pages.LETTER_NEW, data)

    assert response.status_code == 302 and pages.LETTER_REGISTERED.match(response["Location"])
    letter = Letter.objects.get(subject="Request for electoral assistance: follow-up")
    assert letter.case == (case if of == "case" else None)
    assert letter.country is not None
    if of != "first country offered":
        assert letter.country == case.member_state
    assert letter.direction == "in" and str(letter.received_on) == "2026-11-02"
    assert pages.problem(client.get(response["Location"]).content.decode()) is None


@pytest.mark.django_db
def test_a_refused_form_is_a_failure_they_see(client, officer):
    case = case_in_stage(Stage.UNDER_REVIEW, actor=officer)
    client.force_login(officer)
    form = pages.actions_offered(client.get(pages.case_page(case.reference)).content.decode(), case.reference)
    response = client.post(pages.case_action(case.reference, "recommend"), form["recommend"].filled(""))
    assert response.status_code == 400
    assert pages.problem(response.content.decode())  # the grounds are required: said on the page
    client.logout()
    assert pages.problem(client.get(pages.CASE_LIST, follow=True).content.decode())  # the login form


def test_it_stays_on_the_loopback(tmp_path, capsys):
    environ = {"DATABASE_URL": "postgres://eas@db.example.org/eas", "LOAD_OUT": str(tmp_path)}
    assert run.main(environ) == 1
    assert "DATABASE_URL must be on the loopback" in capsys.readouterr().err
    assert not (tmp_path / "web.log").exists()  # nothing was started
    environ = {"CACHE_URL": "redis://cache.example.org:6379/1", "LOAD_OUT": str(tmp_path)}
    assert run.main(environ) == 1
    assert "CACHE_URL must be on the loopback" in capsys.readouterr().err
    assert run.seconds("5m") == 300 and run.seconds("1h30m") == 5400 and run.seconds("15s") == 15


# A short run of `make load` ---------------------------------------------------------------------


def free_load_port():
    """A free port among those the load test may use (8100-8199)."""
    for port in range(8150, 8200):
        with socket.socket() as sock, suppress(OSError):
            sock.bind(("127.0.0.1", port))
            return port
    pytest.skip("no free port in 8150-8199")


def running(pgids):
    """Processes still running in these process groups."""
    alive = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with suppress(OSError):
                if os.getpgid(int(entry)) in pgids:
                    alive.append(int(entry))
    return alive


def test_make_load_runs_and_its_machinery_is_what_make_runs():
    plan = subprocess.run(
        ["make", "--no-print-directory", "-n", "load"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert plan.stdout.strip().splitlines()[-1].endswith("-m loadtest.run")


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_short_load_test_passes_and_stops_everything(tmp_path, redis_url):
    url, _client, prefix = redis_url
    out = tmp_path / "load"
    env = process_env(
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL=url,
        CACHE_URL=url,
        CELERY_TASK_DEFAULT_QUEUE=f"{prefix}-queue",
        EAS_BEAT_LOCK_NAME=f"{prefix}-beat",
        LOAD_OUT=out,
        LOAD_PORT=free_load_port(),
        LOAD_TIME="15s",
        LOAD_USERS=5,
        LOAD_CASES=0,
        LOAD_WAIT="0.05,0.2",
    )
    done = subprocess.run(
        [sys.executable, "-m", "loadtest.run"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "[load] passed: no failure" in done.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["failures"] == 0 and summary["requests"] > 50
    assert all(summary["requests_by_task"].values()), summary["requests_by_task"]
    assert sum(summary["actions_taken"].values()) > 0  # cases were moved on
    assert {row["name"] for row in summary["stats"]} >= {"POST login", "GET case", "GET cases export.csv", "TOTAL"}
    assert "p95 ms" in done.stdout
    assert (out / "stats_stats.csv").exists() and (out / "report.html").exists()
    started = json.loads((out / "processes.json").read_text())
    assert set(started) == {"web", "worker1", "worker2", "beat", "locust"}
    assert running(set(started.values())) == []
