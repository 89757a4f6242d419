"""The load test (issue 16): the demo's staff at work on EAS, as a browser sends it.

Each simulated person is one of the demo's staff (loadtest/pages.py): they log in through the login
form, then browse the case list (pages, filters, searches), open cases and country files, move
cases on through the case page's forms (the intake clerk registers letters received instead), and
export the list as CSV or XLSX, with a few seconds between.
Any HTTP error, error message or form error is a failure; `make load` (loadtest/run.py) fails then.

EAS is reached as behind the TLS proxy of production (README, Production): each request says
`X-Forwarded-Proto: https`, and the site's Secure cookies come back over the loopback.

Environment: LOAD_WAIT ("1,5": seconds between tasks), LOAD_SUMMARY (a JSON file written at the end:
the requests of each kind of task, the actions taken).
"""

import datetime
import itertools
import json
import os
import random
import sys
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from loadtest import pages

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TASK_KINDS = ("login", "dashboard", "list", "search", "case", "country", "act", "export")
REQUESTS: Counter = Counter()  # requests made, by kind of task
ACTED: Counter = Counter()  # actions taken, by name
NOTHING_TO_ACT_ON = Counter()  # act tasks that found no case waiting for this person
CLAIMED: set[str] = set()  # cases someone is acting on: two people never send the same action at once
ACCOUNTS = itertools.cycle(pages.STAFF)
COMMENT = "Load test: reviewed with the desk."


def _wait():
    low, high = (float(part) for part in os.environ.get("LOAD_WAIT", "1,5").split(","))
    return between(low, high)


class Staff(HttpUser):
    wait_time = _wait()

    def on_start(self):
        self.staff = next(ACCOUNTS)
        self.rng = random.Random()
        self.origin = "https://" + urlsplit(self.host).netloc
        # As the proxy sends each request to gunicorn: HTTPS said in a header, and a connection of its
        # own (nginx's default towards its upstream), never one gunicorn may be closing after its
        # keep-alive of 2 s, which would fail a request that the site never saw.
        self.client.headers.update({"X-Forwarded-Proto": "https", "Connection": "close"})
        self.references: list[str] = []
        self.countries: list[str] = []
        self.last_page = 1
        self.log_in()

    # Requests ---------------------------------------------------------------------------------

    @contextmanager
    def request(self, method, path, name, **kwargs):
        """A request as the browser sends it to the proxy, its response to check (catch_response)."""
        with self.client.request(
            method, path, name=name, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            # TLS ends at the proxy: the browser sends the site's Secure cookies back, over the
            # loopback's plain HTTP here (requests keeps a Secure cookie for https:// addresses).
            for cookie in self.client.cookies:
                cookie.secure = False
            yield response

    def page(self, kind, path, name, *, login_page=False):
        """GET a page: a 200 without an error message, or a failure. Returns its HTML ("" on failure)."""
        REQUESTS[kind] += 1
        with self.request("GET", path, name) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} {response.headers.get('Location') or response.error}")
                return ""
            problem = pages.problem(response.text, login_page=login_page)
            if problem:
                response.failure(problem)
                return ""
            return response.text

    def send(self, kind, path, name, data, referer):
        """POST a form as the browser does (its token, Origin and Referer); the response, unread."""
        REQUESTS[kind] += 1
        headers = {"Origin": self.origin, "Referer": self.origin + referer}
        return self.request("POST", path, name, data=data, headers=headers)

    def learn(self, html):
        """The cases and countries a page links to: where this person may go next."""
        self.references = (pages.case_references(html) + self.references)[:200]
        self.countries = (pages.country_codes(html) + self.countries)[:50]

    # Tasks ------------------------------------------------------------------------------------

    def log_in(self):
        html = self.page("login", pages.LOGIN, "login form", login_page=True)
        token = pages.csrf_token(html)
        if not token:
            return
        data = {"csrfmiddlewaretoken": token, "username": self.staff.username, "password": pages.PASSWORD}
        with self.send("login", pages.LOGIN, "login", data, pages.LOGIN) as response:
            if response.status_code != 302 or urlsplit(response.headers.get("Location", "")).path != pages.DASHBOARD:
                problem = pages.problem(response.text, login_page=True)
                response.failure(f"HTTP {response.status_code}: {problem or response.error or 'not logged in'}")

    @task(1)
    def dashboard(self):
        self.learn(self.page("dashboard", pages.DASHBOARD, "dashboard"))

    @task(4)
    def browse_list(self):
        rng = self.rng
        if rng.random() < 0.4:
            path, name = pages.CASE_LIST, "cases"
        elif rng.random() < 0.5:
            page = rng.randint(2, max(2, self.last_page))
            path, name = pages.with_query(pages.CASE_LIST, {"page": page}), "cases ?page"
        else:
            filters = pages.random_filters(rng)
            path, name = pages.with_query(pages.CASE_LIST, filters), "cases ?filters"
        html = self.page("list", path, name)
        self.last_page = max([self.last_page, *(int(n) for n in pages.PAGE_LINK.findall(html))])
        self.learn(html)

    @task(2)
    def search(self):
        query = {"q": self.rng.choice(pages.SEARCHES)}
        if self.rng.random() < 0.3:
            query["page"] = "2"
        self.learn(self.page("search", pages.with_query(pages.CASE_LIST, query), "cases ?q"))

    @task(5)
    def open_case(self):
        if not self.references:
            return self.browse_list()
        self.learn(self.page("case", pages.case_page(self.rng.choice(self.references)), "case"))

    @task(2)
    def open_country_file(self):
        if not self.countries:
            return self.open_case()
        self.page("country", pages.country_file(self.rng.choice(self.countries)), "country file")

    @task(2)
    def act(self):
        """Find a case that waits for this person, and move it on through its page's form."""
        if self.staff.works_on is None:  # the intake clerk moves work on by registering letters
            return self.register_letter()
        query = {**self.staff.works_on, "stage": self.rng.choice(pages.ACTING_STAGES), "sort": "-received"}
        html = self.page("act", pages.with_query(pages.CASE_LIST, query), "cases ?stage (to act)")
        candidates = [reference for reference in pages.case_references(html) if reference not in CLAIMED]
        self.rng.shuffle(candidates)
        for reference in candidates[:3]:
            if reference in CLAIMED:
                continue
            CLAIMED.add(reference)
            try:
                if self.act_on(reference):
                    return
            finally:
                CLAIMED.discard(reference)
        NOTHING_TO_ACT_ON[self.staff.role] += 1

    def register_letter(self):
        """A letter received, registered through the correspondence register's form: of a case seen
        on a page before, or else of a country."""
        html = self.page("act", pages.LETTER_NEW, "letter form")
        case = self.rng.choice(self.references) if self.references and self.rng.random() < 0.7 else None
        country = self.rng.choice(self.countries) if self.countries else None
        day = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
        data = pages.letter_filled(html, day=day, case=case, country=country)
        if data is None:
            return
        with self.send("act", pages.LETTER_NEW, "register a letter", data, pages.LETTER_NEW) as response:
            if response.status_code == 302 and pages.LETTER_REGISTERED.match(
                urlsplit(response.headers.get("Location", "")).path
            ):
                ACTED["register a letter"] += 1
            else:
                problem = pages.problem(response.text) or response.error or "not registered"
                response.failure(f"HTTP {response.status_code}: {problem}")

    def act_on(self, reference):
        path = pages.case_page(reference)
        offered = pages.actions_offered(self.page("act", path, "case (to act)"), reference)
        if not offered:
            return False
        action = self.rng.choice(sorted(offered))
        data = offered[action].filled(COMMENT)
        name = f"act: {action}"
        with self.send("act", pages.case_action(reference, action), name, data, path) as response:
            if response.status_code == 302 and urlsplit(response.headers.get("Location", "")).path == path:
                ACTED[action] += 1
            else:
                problem = pages.problem(response.text) or response.error or "not done"
                response.failure(f"HTTP {response.status_code}: {problem}")
        return True

    @task(1)
    def export(self):
        """The list as a file: CSV, or one time in three the XLSX workbook (a ZIP package)."""
        filters = {} if self.rng.random() < 0.2 else pages.random_filters(self.rng)
        REQUESTS["export"] += 1
        if self.rng.random() < 1 / 3:
            path, name, expected = pages.CASE_EXPORT_XLSX, "cases export.xlsx", XLSX
        else:
            path, name, expected = pages.CASE_EXPORT_CSV, "cases export.csv", "text/csv"
        extension = name.rpartition(".")[2].upper()
        with self.request("GET", pages.with_query(path, filters), name) as response:
            kind = response.headers.get("Content-Type", "")
            whole = response.content.startswith(b"PK") if expected == XLSX else bool(response.text.strip())
            if response.status_code != 200 or not kind.startswith(expected) or not whole:
                response.failure(f"HTTP {response.status_code} {kind or response.error}: not the {extension} file")


@events.quitting.add_listener
def check_and_summarise(environment, **_kwargs):
    """Fail the run on any failure, or when a kind of task made no request; write the summary."""
    total = environment.stats.total
    missing = [kind for kind in TASK_KINDS if not REQUESTS[kind]]
    rows = sorted(environment.stats.entries.values(), key=lambda entry: (entry.name, entry.method))
    summary = {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "stats": [_row(f"{entry.method} {entry.name}", entry) for entry in rows] + [_row("TOTAL", total)],
        "requests_by_task": {kind: REQUESTS[kind] for kind in TASK_KINDS},
        "actions_taken": dict(sorted(ACTED.items())),
        "act_tasks_without_a_case": dict(sorted(NOTHING_TO_ACT_ON.items())),
        "task_kinds_without_requests": missing,
    }
    path = os.environ.get("LOAD_SUMMARY")
    if path:
        Path(path).write_text(json.dumps(summary, indent=2) + "\n")
    if total.num_failures or missing or not total.num_requests:
        environment.process_exit_code = 1


def _row(name, entry):
    """A request's figures: count, failures, percentiles in ms, requests a second."""
    percentiles = {f"p{int(p * 100)}": entry.get_response_time_percentile(p) for p in (0.5, 0.95, 0.99)}
    return {
        "name": name,
        "count": entry.num_requests,
        "failures": entry.num_failures,
        **percentiles,
        "max": round(entry.max_response_time or 0),
        "rps": round(entry.total_rps, 2),
    }
