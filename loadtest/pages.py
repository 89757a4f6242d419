"""What the simulated staff of the load test know of EAS: who they are, the pages they visit, and how
they read those pages (links, forms, errors). Plain Python, no locust: the tests import it.
"""

import random
import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlencode

# The demo's staff (requests_app/demo/staff.py, made by `manage.py seed_demo`) and its password.
PASSWORD = "eas-demo-2026"


@dataclass(frozen=True)
class Staff:
    username: str
    role: str
    # The case list's filters that find the cases this person works on (None: they move no case on).
    works_on: dict | None = None


STAFF = [
    Staff("hlindqvist", "Focal point", works_on={}),
    Staff("aokafor", "Team lead", works_on={"region": "AFRICAN"}),
    Staff("therrera", "Team lead", works_on={"region": "LATIN_AMERICAN_CARIBBEAN"}),
    Staff("mtanaka", "Team lead", works_on={"region": "ASIA_PACIFIC"}),
    Staff("lhaddad", "Electoral officer", works_on={"officer": "me"}),
    Staff("pnair", "Intake clerk"),
]

# The next steps the staff take, through the case page's forms: those that need no more than a
# comment and a choice. The stages they are taken from, to find cases that wait for them.
ACTIONS = ("start_review", "recommend", "accept_emb_request", "start_assessment", "start_reporting")
ACTING_STAGES = ("received", "under_review", "in_implementation")

# The case list's filters, as a person sets them (values of requests_app.cases.filters.CaseFilter).
STAGES = (
    "received",
    "under_review",
    "needs_assessment",
    "awaiting_decision",
    "decision_communicated",
    "in_implementation",
    "reporting",
    "closed",
)
REGIONS = ("AFRICAN", "ASIA_PACIFIC", "EASTERN_EUROPEAN", "LATIN_AMERICAN_CARIBBEAN", "WESTERN_EUROPEAN_OTHERS")
SORTS = ("reference", "state", "region", "stage", "officer", "due", "received")
SEARCHES = ("Kenya", "Mali", "Haïti", "cote d'ivoire", "Nepal", "Bolivia", "EAS-2026", "election", "referendum")


def random_filters(rng: random.Random) -> dict:
    """One or two filters of the case list, and sometimes a sort."""
    choices = [
        {"stage": rng.choice(STAGES)},
        {"region": rng.choice(REGIONS)},
        {"status": rng.choice(("member_state", "observer_state", "territory"))},
        {"basis": rng.choice(("request", "mandate", "both"))},
        {"origin": rng.choice(("government", "electoral_body"))},
        {"deadline": "overdue"},
        {"officer": rng.choice(("me", "none"))},
        {"received_from": f"{rng.randint(2010, 2026)}-01-01"},
    ]
    filters: dict = {}
    for choice in rng.sample(choices, rng.randint(1, 2)):
        filters.update(choice)
    if rng.random() < 0.5:
        filters["sort"] = rng.choice(("", "-")) + rng.choice(SORTS)
    return filters


# Addresses (requests_app/urls.py, eas/urls.py) --------------------------------------------------

LOGIN = "/accounts/login/"
DASHBOARD = "/"
CASE_LIST = "/cases/"
CASE_EXPORT_CSV = "/cases/export.csv"
CASE_EXPORT_XLSX = "/cases/export.xlsx"
LETTER_NEW = "/correspondence/new/"
LETTER_REGISTERED = re.compile(r"^/correspondence/\d+/$")


def with_query(path: str, query: dict | None = None) -> str:
    return f"{path}?{urlencode(query, doseq=True)}" if query else path


def case_page(reference: str) -> str:
    return f"/cases/{reference}/"


def case_action(reference: str, action: str) -> str:
    return f"/cases/{reference}/act/{action}/"


def country_file(code: str) -> str:
    return f"/countries/{code}/"


# Reading pages ---------------------------------------------------------------------------------

CASE_LINK = re.compile(r'href="/cases/([A-Z]+-\d{4}-\d+)/"')
COUNTRY_LINK = re.compile(r'href="/countries/([A-Z]{3})/"')
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ERROR_MESSAGE = re.compile(r'<li class="message error">(.*?)</li>', re.DOTALL)
FIELD_ERROR = re.compile(r'<p class="error">(.*?)</p>', re.DOTALL)
LOGIN_FORM = 'name="password"'
PAGE_LINK = re.compile(r'href="\?(?:[^"]*&amp;)?page=(\d+)')


def case_references(html: str) -> list[str]:
    return list(dict.fromkeys(CASE_LINK.findall(html)))


def country_codes(html: str) -> list[str]:
    return list(dict.fromkeys(COUNTRY_LINK.findall(html)))


def csrf_token(html: str) -> str | None:
    found = CSRF_TOKEN.search(html)
    return found.group(1) if found else None


def problem(html: str, *, login_page: bool = False) -> str | None:
    """What a page says went wrong (an error message, a field's error, the login form where a page of
    the workspace was asked for), or None."""
    found = ERROR_MESSAGE.search(html) or FIELD_ERROR.search(html)
    if found:
        return re.sub(r"<[^>]+>|\s+", " ", unescape(found.group(1))).strip()
    if LOGIN_FORM in html and not login_page:
        return "the login form: the session was lost"
    return None


@dataclass
class Form:
    action: str
    method: str
    classes: list[str]
    hidden: dict = field(default_factory=dict)
    textareas: list[str] = field(default_factory=list)
    # Radio buttons and selects: name -> (values, the one checked or selected, or None).
    choices: dict = field(default_factory=dict)

    def filled(self, comment: str) -> dict:
        """The form as a person sends it: every text area holds the comment, each choice its
        preselected option or else the first."""
        data = dict(self.hidden)
        for name in self.textareas:
            data[name] = comment
        for name, (values, chosen) in self.choices.items():
            options = [value for value in values if value]
            if chosen is not None or options:
                data[name] = chosen if chosen is not None else options[0]
        return data


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.form = Form(
                action=attributes.get("action", ""),
                method=attributes.get("method", "get").lower(),
                classes=attributes.get("class", "").split(),
            )
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input" and attributes.get("name"):
            self._input(self.form, attributes)
        elif tag == "textarea" and attributes.get("name"):
            self.form.textareas.append(attributes["name"])
        elif tag == "select" and attributes.get("name"):
            self.select = attributes["name"]
            self.form.choices[self.select] = ([], None)
        elif tag == "option" and self.select:
            self._choice(self.form, self.select, attributes, "selected")

    def _input(self, form, attributes):
        kind = attributes.get("type", "text")
        if kind == "hidden":
            form.hidden[attributes["name"]] = attributes.get("value", "")
        elif kind == "radio":
            form.choices.setdefault(attributes["name"], ([], None))
            self._choice(form, attributes["name"], attributes, "checked")

    @staticmethod
    def _choice(form, name, attributes, chosen_by):
        values, chosen = form.choices[name]
        values.append(attributes.get("value", ""))
        if chosen_by in attributes:
            chosen = attributes.get("value", "")
        form.choices[name] = (values, chosen)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None


def forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def actions_offered(html: str, reference: str) -> dict[str, Form]:
    """{action name: its form} of the case page's actions that this test takes and nothing blocks."""
    offered = {}
    for form in forms(html):
        for action in ACTIONS:
            if (
                form.method == "post"
                and form.action == case_action(reference, action)
                and "blocked" not in form.classes
            ):
                offered[action] = form
    return offered


def letter_filled(html: str, *, day: str, case: str | None = None, country: str | None = None) -> dict | None:
    """The correspondence register's form as the intake clerk fills it for a letter received on
    ``day`` (YYYY-MM-DD): of ``case`` (its reference), or else of ``country`` (its code), or else of the
    first country offered; each other choice its preselected option or the first. None: no such form."""
    form = next((form for form in forms(html) if form.method == "post" and "country" in form.choices), None)
    if form is None:
        return None
    data = form.filled("Received by the intake desk and registered.")
    data.update(
        direction="in",
        date=day,
        received_on=day,
        sender="Permanent Mission to the United Nations",
        subject="Request for electoral assistance: follow-up",
        case=case or "",
    )
    offered = [value for value in form.choices["country"][0] if value]
    data["country"] = "" if case else country or (offered[0] if offered else "")
    return data
