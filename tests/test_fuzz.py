"""Nothing a user can send answers 500: a property-based walk over the whole site.

Every URL pattern of the URL conf (the workspace, the admin's index, changelists, add, change,
delete and history pages, autocomplete, login and logout) is requested as each role of the unit
(README "Security"), as a superuser and anonymously, with generated values: real references and
ids found by crawling the demo data, and hostile ones (NUL and control characters, "²" and other
digits int() refuses, 2**63, 5,000 digits, very long and non-ASCII strings, wrong types,
repeated keys). Query parameters come from the page's own GET forms and filter links, POST data
from its own forms (the admin's add and change forms with their inlines, the changelist's
actions, the workspace's forms), each field replaced, repeated or dropped, plus extra inline
forms and unknown inline ids. A response of 500 or more fails, with the request to replay.

The walk is derived from the URL conf and the pages at run time: a new page is covered without
touching this file. It is seeded (derandomize): a failure replays with the same pytest id, e.g.

    pytest 'tests/test_fuzz.py::test_nothing_answers_500[Focal point-workspace:case-detail]'

Profiles (EAS_FUZZ_PROFILE, else "ci" when CI is set, else "dev"): dev sends a few requests per
URL pattern, each as one role drawn; ci sends each request as every role. EAS_FUZZ_EXAMPLES
overrides the number of requests per pattern, for a deeper run.
Every request runs in a savepoint that is rolled back, so each example sees the same data.
"""

import copy
import html.parser
import os
import re
import traceback
import urllib.parse
from dataclasses import dataclass, field

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from requests_app.cases.models import RegionalDesk
from requests_app.core import roles
from requests_app.reference.models import RegionalGroup

_COMMON = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    # No shrinking: the first failing request is the replay, and shrinking would resend hundreds.
    "phases": (Phase.explicit, Phase.generate),
    "suppress_health_check": list(HealthCheck),
    "print_blob": False,
}
settings.register_profile("dev", max_examples=4, **_COMMON)
settings.register_profile("ci", max_examples=3, **_COMMON)
PROFILE = os.environ.get("EAS_FUZZ_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
# In CI each generated request is sent as every role; on a developer's machine as one role, drawn.
EVERY_ROLE = PROFILE == "ci"
EXAMPLES = int(os.environ.get("EAS_FUZZ_EXAMPLES") or settings.get_profile(PROFILE).max_examples)

ANONYMOUS = "anonymous"
SUPERUSER = "superuser"
ROLES = [ANONYMOUS, SUPERUSER, *roles.ALL]


# The URL conf, walked ---------------------------------------------------------------------

ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)")


@dataclass(frozen=True)
class Target:
    """One URL pattern: the pieces of its route, from the root down."""

    name: str
    pieces: tuple  # ("route", text) or ("regex", text)
    params: tuple  # the names of its path parameters, in order

    def path(self, values):
        """The path with `values` (name → str) in its parameters, percent-encoded as a browser would."""
        out = []
        for kind, text in self.pieces:
            if kind == "route":
                text = ROUTE_PARAM.sub(lambda m: urllib.parse.quote(values[m["name"]], safe=""), text)
            else:
                text = REGEX_GROUP.sub(lambda m: urllib.parse.quote(values[m["name"]], safe=""), text)
                text = re.sub(r"^\^|\$$|\\Z$", "", text).replace("\\", "")
            out.append(text)
        return "/" + "".join(out)


def walk(patterns, pieces=(), namespace=""):
    for entry in patterns:
        pattern = entry.pattern
        regex = getattr(pattern, "_regex", None)
        piece = ("regex", regex) if regex is not None else ("route", str(pattern))
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, pieces + (piece,), ns)
        elif isinstance(entry, URLPattern):
            text = "".join(t for _, t in pieces + (piece,))
            names = tuple(m["name"] for m in ROUTE_PARAM.finditer(text)) + tuple(
                m["name"] for m in REGEX_GROUP.finditer(text)
            )
            readable = REGEX_GROUP.sub(lambda m: f"<{m['name']}>", text).replace("^", "").replace("\\Z", "")
            name = f"{namespace}{entry.name}" if entry.name else readable.rstrip("$")
            yield Target(name, pieces + (piece,), names)


TARGETS = list({t.name: t for t in walk(get_resolver().url_patterns)}.values())


# Values a browser, a careless user or an attacker may send --------------------------------

LONG = ["x" * 300, "é" * 5000, "%" * 70000, "a" * 70000]
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\n",
    "\r\nX-Injected: 1",
    "\t",
    "\x1b[2J",
    "\x7f",
    "\u2028",
    "\u202e",
    "²",
    "½",
    "١٢٣",
    "𝟗",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "9" * 5000,
    "-1",
    "0",
    "00",
    "1.5",
    "1e309",
    "NaN",
    "inf",
    "-0",
    "0x10",
    "+1",
    " 1",
    "1,000",
    "true",
    "on",
    "None",
    "null",
    "[]",
    "{}",
    "'",
    '"',
    "\\",
    "%",
    "%00",
    "_",
    "*",
    "' OR '1'='1",
    "<script>alert(1)</script>",
    "=cmd|'/c calc'!A1",
    "../../etc/passwd",
    "🙂",
    "ﷺ",
    "2024-02-30",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "2024-13-01",
    "-2024-01-01",
    "25:61",
    "2024-01-01T25:00",
    "2024-01-01 00:00:00+99:00",
    *LONG,
]
GENERIC_KEYS = [
    "q",
    "o",
    "p",
    "page",
    "all",
    "e",
    "sort",
    "start",
    "end",
    "case",
    "pledge",
    "officer",
    "kind",
    "next",
    "term",
    "app_label",
    "model_name",
    "field_name",
    "_popup",
    "_to_field",
    "_changelist_filters",
    "format",
]
# The values that broke pages before, drawn more often than the rest.
SHARP = ["\x00", "²", "9223372036854775808", "9" * 5000, "abc", "1.5", " ", "", "-1", "\n", "a" * 70000]
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


def scalar(reals=()):
    options = [st.sampled_from(SHARP), st.sampled_from(NASTY), TEXT, st.integers(-(2**70), 2**70).map(str)]
    if reals:
        options.insert(0, st.sampled_from(sorted(reals)))
    return st.one_of(options)


def values(reals=()):
    """One value or several under the same key, as a browser sends them."""
    return st.one_of(scalar(reals).map(lambda v: [v]), st.lists(scalar(reals), min_size=0, max_size=4))


# Pages read as a browser reads them ---------------------------------------------------------


@dataclass
class Form:
    method: str
    action: str
    fields: dict = field(default_factory=dict)  # name → list of values the page sends untouched
    options: dict = field(default_factory=dict)  # name → values the page offers
    files: set = field(default_factory=set)


class PageParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.links, self.words = [], [], set()
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "option":
            self._option(attrs)
            return
        self._links_and_words(attrs)
        if tag == "form":
            self._form = Form((attrs.get("method") or "get").lower(), attrs.get("action") or "")
            self.forms.append(self._form)
            return
        form, name = self._form, attrs.get("name")
        if form is not None and name:
            self._field(form, name, tag, attrs)

    def _links_and_words(self, attrs):
        for key in ("href", "action", "src", "value", "data-href"):
            if attrs.get(key):
                self.links.append(attrs[key])
        for key, value in attrs.items():
            if key.startswith("data-") and value and len(value) < 60:
                self.words.add(value)

    def _field(self, form, name, tag, attrs):
        form.fields.setdefault(name, [])
        if tag == "select":
            self._select = name
        elif tag == "textarea":
            form.fields[name].append("")
        elif tag == "input":
            self._input(form, name, attrs)
        elif tag == "button" and attrs.get("value") is not None:
            form.options.setdefault(name, set()).add(attrs["value"])

    def _option(self, attrs):
        if self._form is not None and self._select:
            value = attrs.get("value", "")
            self._form.options.setdefault(self._select, set()).add(value)
            if "selected" in attrs:
                self._form.fields[self._select].append(value)
            self.words.add(value)

    @staticmethod
    def _input(form, name, attrs):
        kind = (attrs.get("type") or "text").lower()
        value = attrs.get("value") or ""
        if kind == "file":
            form.files.add(name)
        elif kind in ("checkbox", "radio"):
            form.options.setdefault(name, set()).add(value or "on")
            if "checked" in attrs:
                form.fields[name].append(value or "on")
        elif kind not in ("submit", "button", "image", "reset"):
            form.fields[name].append(value)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def read_page(response):
    parser = PageParser()
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        parser.feed(response.content.decode(errors="replace"))
    return parser


def local_path(url, base):
    """The path and query of a link if it points into the site, else None."""
    if not url or url.startswith(("#", "mailto:", "javascript:", "data:")):
        return None
    joined = urllib.parse.urljoin("http://testserver" + base, url)
    parts = urllib.parse.urlsplit(joined)
    ours = {"testserver", urllib.parse.urlsplit(django_settings.SITE_URL).netloc}  # the calendar feed's address
    if parts.netloc not in ours or parts.path.startswith("/static/"):
        return None
    return parts.path, parts.query


# The data, the users, and what a crawl finds in the pages -------------------------------------


@dataclass
class Site:
    clients: dict  # role → a test client logged in as that role
    real: dict  # target name → list of kwargs dicts seen in links
    words: set  # values the pages offer (option values, link query values, data attributes)
    keys: set  # query parameter names the pages use
    link_keys: dict  # target name → query parameter names that links to it carry


def crawl(client, limit=250):
    """Follow the links of the site, keeping a few real kwargs for every URL pattern."""
    real, words, keys, link_keys = {}, set(), set(), {}
    queue, seen, per_name = ["/", "/admin/"], set(), {}
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        page = read_page(response)
        words |= page.words
        for form in page.forms:
            keys |= {k for k in form.fields if form.method == "get"}
            for vals in form.options.values():
                words |= set(vals)
        for link in page.links:
            found = local_path(link, path)
            if not found:
                continue
            link_path, query = found
            for key, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
                keys.add(key)
                words.add(value)
            try:
                match = resolve(link_path)
            except Resolver404:
                continue
            name = match.view_name
            link_keys.setdefault(name, set()).update(k for k, _ in urllib.parse.parse_qsl(query))
            _keep_kwargs(real.setdefault(name, []), match.kwargs)
            if _worth_visiting(link_path, per_name.get(name)):
                per_name[name] = per_name.get(name, 0) + 1
                queue.append(link_path + ("?" + query if query else ""))
    return real, words, keys, link_keys


def _keep_kwargs(known, kwargs):
    """Keep up to six different sets of real kwargs of a URL pattern."""
    kwargs = {k: str(v) for k, v in kwargs.items()}
    if kwargs not in known and len(known) < 6:
        known.append(kwargs)


def _worth_visiting(link_path, visits):
    """One page per URL pattern is read; downloads are not: their links are on the pages already."""
    downloads = (".csv", ".xlsx", ".pdf", ".ics")
    return not visits and not link_path.endswith(downloads) and "/delete/" not in link_path


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The demo data and one user per role, in a transaction rolled back after the module."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with open(os.devnull, "w") as quiet:
                call_command("seed_demo", stdout=quiet)
                call_command("send_reminders", stdout=quiet)  # reminders to list and open in the admin
            User = get_user_model()
            users = {ANONYMOUS: None, SUPERUSER: User.objects.get(username="admin")}
            desk = RegionalDesk.objects.get(regional_group=RegionalGroup.AFRICAN)
            for role in roles.ALL:
                user = User.objects.create_user(f"fuzz-{role}".replace(" ", "-").lower(), is_staff=True)
                user.groups.add(Group.objects.get(name=role))
                desk.members.add(user)
                users[role] = user
            clients = {}
            for role, user in users.items():
                clients[role] = Client(raise_request_exception=False)
                if user is not None:
                    clients[role].force_login(user)
            real, words, keys, link_keys = crawl(clients[SUPERUSER])
            # A pattern no page links to (the admin's delete page of a record, its old-style address)
            # takes the real values of a sibling: the same include, the same parameters.
            for target in TARGETS:
                if target.params and not real.get(target.name):
                    real[target.name] = next(
                        (
                            real[other.name]
                            for other in TARGETS
                            if real.get(other.name)
                            and other.pieces[:-1] == target.pieces[:-1]
                            and other.params == target.params
                        ),
                        [],
                    )
            yield Site(clients, real, words, keys, link_keys)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# The property -----------------------------------------------------------------------------------


def send(site, role, method, path, data, query=None):
    """One request as `role`, in a savepoint rolled back afterwards; the response."""
    client = site.clients[role]
    cookies = client.cookies
    client.cookies = copy.deepcopy(cookies)  # a logout must not log the next request out
    for upload in [v for vals in (data or {}).values() for v in vals if hasattr(v, "seek")]:
        upload.seek(0)  # the same file, sent again as the next role
    with transaction.atomic():
        url = path + ("?" + urllib.parse.urlencode(query, doseq=True) if query else "")
        response = client.post(url, data) if method == "POST" else client.generic(method, url)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


def replay(role, method, path, query, data):
    shown = {k: (v if len(repr(v)) < 300 else f"<{len(repr(v))} characters>") for k, v in (data or {}).items()}
    return (
        f"as {role}: {method} {path}"
        + ("?" + urllib.parse.urlencode(query, doseq=True)[:2000] if query else "")
        + (f"\n  POST data: {shown!r}" if data else "")
    )


def path_values(target, site, data):
    reals = site.real.get(target.name) or []
    if reals and data.draw(st.integers(0, 3), label="use real path values") > 0:
        chosen = dict(data.draw(st.sampled_from(reals), label="real path values"))
        # Sometimes one real value is replaced by a hostile one.
        if chosen and data.draw(st.booleans(), label="spoil one"):
            key = data.draw(st.sampled_from(sorted(chosen)), label="spoiled parameter")
            chosen[key] = data.draw(scalar(), label="hostile value")
        return chosen
    pool = {name: {kw[name] for kw in reals if name in kw} for name in target.params}
    return {name: data.draw(scalar(pool[name]), label=name) for name in target.params}


def post_data(form, site, data):
    """The form as the page sends it, with some fields replaced, repeated, dropped or added."""
    sent = {name: list(vals) for name, vals in form.fields.items()}
    names = sorted(set(sent) | set(form.options) | form.files)
    for name in names:
        _mutate(sent, name, form, site, data)
    # Extra inline forms and unknown inline ids: bump each formset's TOTAL_FORMS.
    for name in [n for n in sent if n.endswith("-TOTAL_FORMS")]:
        if data.draw(st.booleans(), label=f"extra forms in {name}"):
            _extra_inline_forms(sent, name, form, site, data)
    if data.draw(st.booleans(), label="an unknown key"):
        sent[data.draw(st.sampled_from(GENERIC_KEYS + ["__proto__", "a" * 300]))] = data.draw(values())
    return sent


def _mutate(sent, name, form, site, data):
    """Leave one field as it is (half the time), drop it, or replace it."""
    choice = data.draw(st.integers(0, 9), label=f"mutate {name}")
    if choice < 5:
        return
    if choice == 5:
        sent.pop(name, None)
    elif choice == 6 and form.options.get(name):
        sent[name] = data.draw(st.lists(st.sampled_from(sorted(form.options[name])), max_size=3), label=name)
    elif name in form.files:
        content = data.draw(st.sampled_from([b"", b"%PDF-1.4\n<html>", b"PK\x03\x04garbage", b"\x00" * 64]))
        filename = data.draw(st.sampled_from(["a.pdf", "x" * 250 + ".docx", "\x00.pdf", "..\\..\\a.txt", "²"]))
        sent[name] = [SimpleUploadedFile(filename, content)]
    else:
        sent[name] = data.draw(values(site.words), label=name)


def _extra_inline_forms(sent, name, form, site, data):
    """One to three more inline forms than the formset ``name`` (its TOTAL_FORMS) says, with unknown ids."""
    prefix = name[: -len("-TOTAL_FORMS")]
    try:
        total = int(sent[name][0]) if sent[name] else 0
    except ValueError:
        return
    extra = data.draw(st.integers(1, 3), label="extra forms")
    sent[name] = [str(total + extra)]
    for index in range(total, total + extra):
        sent[f"{prefix}-{index}-id"] = data.draw(values(), label="inline id")
        for key in [k for k in form.fields if k.startswith(f"{prefix}-0-") and not k.endswith("-id")]:
            sent[f"{prefix}-{index}-{key[len(prefix) + 3 :]}"] = data.draw(values(site.words), label=key)


def query_data(own, keys, site, data):
    """Parameters: mostly those the page and the links to it use, sometimes any the site uses."""
    pick = st.sampled_from(sorted(keys))
    if own:
        pick = st.one_of(st.sampled_from(sorted(own)), st.sampled_from(sorted(own)), pick)
    chosen = data.draw(st.lists(pick, max_size=4, unique=True), label="query keys")
    return {key: data.draw(values(site.words), label=key) for key in chosen}


def page_offers(site, base):
    """(the POST forms of the page at ``base``, the query keys its GET forms and own links use)."""
    forms, own = [], set()
    page = read_page(send(site, SUPERUSER, "GET", base, None))
    for form in page.forms:
        action = local_path(form.action, base) if form.action else (base, "")
        if action:
            form.action = action[0]
            if form.method == "post":
                forms.append(form)
            else:
                own |= set(form.fields)
    for link in page.links:
        found = local_path(link, base)
        if found and found[0] == base:
            own |= {k for k, _ in urllib.parse.parse_qsl(found[1], keep_blank_values=True)}
    return forms, own


@pytest.mark.django_db
@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_nothing_answers_500(site, target):
    # What the page offers (to a superuser, who sees every form): its forms and the query
    # parameters of its links. Each generated request is then sent as every role in turn.
    reals = site.real.get(target.name) or ([] if target.params else [{}])
    forms, keys, own = [], set(GENERIC_KEYS), set(site.link_keys.get(target.name, ()))
    if reals:
        forms, own_keys = page_offers(site, target.path(reals[0]))
        own |= own_keys
    keys |= {k for k in site.keys if len(k) < 60}

    @settings(settings.get_profile(PROFILE), max_examples=EXAMPLES)
    @given(st.data())
    def property_(data):
        kind = data.draw(
            st.sampled_from(["GET", "POST form", "POST", "HEAD"] if forms else ["GET", "POST", "HEAD"]), label="request"
        )
        if kind == "POST form":
            form = data.draw(st.sampled_from(forms), label="form")
            method, path, query, body = "POST", form.action, None, post_data(form, site, data)
        else:
            method = kind
            path = target.path(path_values(target, site, data))
            query = query_data(own, keys, site, data) if method != "POST" else None
            body = query_data(own, keys, site, data) if method == "POST" else None
        for role in ROLES if EVERY_ROLE else [data.draw(st.sampled_from(ROLES), label="role")]:
            request = replay(role, method, path, query, body)
            response = send(site, role, method, path, body, query)
            if response.status_code >= 500:
                note(request)
                exc = getattr(response, "exc_info", None)
                detail = "".join(traceback.format_exception(*exc)) if exc else ""
                raise AssertionError(f"{response.status_code} {request}\n{detail}")

    property_()
