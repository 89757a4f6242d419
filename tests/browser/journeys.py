"""Steps of the journeys staff take with a case, in a real browser, shared by tests/browser/test_journeys.py.

Each actor (a demo user, in the role the demo gives them) has a browser context of their own and
logs in through the login page once. Every step goes through the pages a user would use (the admin
for intake, documents and the assessment; the workspace for actions), checks what the user sees
and keeps a screenshot: test-artifacts/screenshots/<test>/<nn>-<step>.png.
"""

import datetime
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils import timezone

from requests_app.demo.documents import demo_pdf
from requests_app.demo.staff import DEMO_PASSWORD

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture says why these tests cannot run
    expect = None

TIMEOUT_MS = 10_000
REFERENCE = re.compile(r"EAS-\d{4}-\d{4}")

# What the success message says of the stage a case is in now: a phrase that reads as a sentence
# ("The case is now in needs assessment"), not the stage's label pasted in ("is now needs assessment").
NOW = {
    "Received": "received, waiting for review",
    "Under review": "under review",
    "Needs assessment": "in needs assessment",
    "Awaiting decision": "awaiting a decision",
    "Decision communicated": "decided, with the decision communicated",
    "In implementation": "in implementation",
    "Reporting": "in reporting",
    "Closed": "closed",
    "Withdrawn": "withdrawn by the state",
    "Declined": "declined",
}

# A refused action answers 400 with the page and what was wrong, which Chromium logs as a failed load.
REFUSED_POST = re.compile(r"status of 400 \(Bad Request\)")


def days(n):
    """The day n days from today (negative: ago), as every date field of EAS takes it."""
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def pdf(name, title, *lines):
    return {"name": name, "mimeType": "application/pdf", "buffer": demo_pdf(title, lines)}


def ci(text):
    """A pattern matching the text whatever its case."""
    return re.compile(re.escape(text), re.IGNORECASE)


class Journey:
    """The browser contexts of the actors of one test, and its numbered screenshots."""

    def __init__(self, browser, live_server, screenshots_dir, test_name):
        self.browser = browser
        self.server_url = live_server.url.rstrip("/") + "/"
        self.base_url = live_server.url
        self.directory = screenshots_dir / re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name)
        self.directory.mkdir(parents=True, exist_ok=True)
        for old in self.directory.glob("*.png"):
            old.unlink()
        self.step = 0
        self.actors = []
        self.console_errors = []
        self.outside_requests = []
        self.soft_failures = []
        self.started = time.monotonic()
        self.timings = []

    @contextmanager
    def soft(self, what):
        """A check whose failure is reported at the end, so that the journey goes on to its next steps."""
        try:
            yield
        except AssertionError as error:
            lines = str(error).strip().splitlines()
            self.soft_failures.append(f"after screenshot {self.step:02d}: {what}: {lines[0] if lines else error}")

    def actor(self, user, role, locale="en-GB"):
        """A demo user in their own browser (its language: ``locale``), logged in through the login page."""
        context = self.browser.new_context(
            base_url=self.base_url, viewport={"width": 1366, "height": 900}, locale=locale
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and self.console_errors.append(f"{user.username}: {message.text} ({message.location.get('url', '')})")
            ),
        )
        page.on("pageerror", lambda error: self.console_errors.append(f"{user.username}: uncaught: {error}"))
        page.on("request", lambda request: self._seen(request.url))
        actor = Actor(self, user, role, context, page)
        self.actors.append(actor)
        t0 = time.monotonic()
        actor.log_in()
        self.timings.append((f"login {user.username}", round(time.monotonic() - t0, 2)))
        return actor

    @staticmethod
    def chosen(user):
        from requests_app.accounts.selectors import chosen_language

        return bool(chosen_language(user))

    def _seen(self, url):
        if not url.startswith((self.server_url, "data:", "blob:")):
            self.outside_requests.append(url)

    def shot(self, page, step, focus=None):
        """The whole page; or, on a long admin page, the screen scrolled to what the step changed."""
        self.step += 1
        path = self.directory / f"{self.step:02d}-{step}.png"
        t0 = time.monotonic()
        if focus is not None:
            focus.scroll_into_view_if_needed()
        page.screenshot(path=str(path), full_page=focus is None)
        self.timings.append((path.name, round(time.monotonic() - self.started, 1), round(time.monotonic() - t0, 2)))
        return path

    def close(self, failed=False):
        """End the actors' browsers; after a failure, keep what each of them saw last."""
        for actor in self.actors:
            if failed:
                path = self.directory / f"{self.step + 1:02d}-failed-{actor.user.username}.png"
                try:
                    actor.page.screenshot(path=str(path), full_page=True)
                except Exception as error:  # noqa: BLE001 - the page may be gone; the test's own failure matters
                    print(f"no screenshot of {actor.user.username}'s page: {error}")
            actor.context.close()
        print("timings (screenshot, seconds since start, seconds taken):", self.timings)
        if self.soft_failures:
            print("checks that failed along the way:", *self.soft_failures, sep="\n  ")

    def assert_clean(self, refused_posts=0):
        """Every check passed; no script error, no failed load but the refusals made, nothing from outside."""
        assert self.soft_failures == [], "checks that failed along the way:\n" + "\n".join(self.soft_failures)
        unexpected = [error for error in self.console_errors if not REFUSED_POST.search(error)]
        assert unexpected == [], unexpected
        assert len(self.console_errors) == refused_posts, self.console_errors
        assert self.outside_requests == [], "the pages must work without any outside network (no CDN)"


@dataclass
class Actor:
    journey: Journey
    user: object
    role: str  # as the pages name it: "intake clerk", "team lead", "officer", "focal point"
    context: object
    page: object

    @property
    def name(self):
        return self.user.get_full_name()

    def shot(self, step, focus=None):
        return self.journey.shot(self.page, f"{self.user.username}-{step}", focus)

    def log_in(self):
        """Through the login page, in whatever language it speaks: to the dashboard, whose heading says
        "Dashboard" in the language the user reads EAS in."""
        from django.utils import translation

        from requests_app.accounts.selectors import language_for

        page = self.page
        page.goto("/accounts/login/")
        page.locator("#id_username").fill(self.user.username)
        page.locator("#id_password").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(self.journey.server_url)
        language = language_for(self.user) if self.journey.chosen(self.user) else self.context_language()
        with translation.override(language):
            dashboard = translation.gettext("Dashboard")
        expect(page.get_by_role("heading", name=dashboard, level=1)).to_be_visible()

    def context_language(self):
        """The language the browser asks for (its Accept-Language), as EAS names it."""
        from django.utils.translation import get_supported_language_variant

        locale = self.page.evaluate("navigator.language")
        return get_supported_language_variant(locale.lower())

    # The workspace's case page -------------------------------------------------------------

    def open_case(self, reference):
        page = self.page
        page.goto(f"/cases/{reference}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
        return page

    def expect_stage(self, stage):
        expect(self.page.locator(".status-line .stage")).to_have_text(stage)

    def actions(self):
        return self.page.locator("section.actions")

    def action_form(self, label):
        return self.page.locator("form.action").filter(has=self.page.get_by_role("heading", name=label, exact=True))

    def expect_may(self, *labels):
        """The actions this user is offered now, by their labels."""
        for label in labels:
            expect(self.actions().get_by_role("heading", name=label, exact=True)).to_be_visible()

    def expect_may_not(self, *labels):
        for label in labels:
            expect(self.actions().get_by_role("heading", name=label, exact=True)).to_have_count(0)

    def expect_next_actor(self, role, person, action):
        """A user who cannot take the step the case waits for is told who takes it: role, person, action."""
        with self.journey.soft(f"{self.user.username} is told the {role} acts next"):
            line = self.actions().locator("[data-next-actors] li").filter(has_text=action)
            expect(line).to_have_count(1)
            expect(line).to_contain_text(ci(role))
            expect(line).to_contain_text(person.get_full_name())

    def expect_done(self, action, stage):
        """The success message of an action: what was done and the stage the case is in now (None: any)."""
        message = self.page.locator(".messages .message.success")
        expect(message).to_have_count(1)
        expect(message).to_contain_text(f"{action}: done.")
        if stage is None:
            return
        with self.journey.soft(f"the message after {action} says the stage in a sentence"):
            expect(message).to_have_text(f"{action}: done. The case is now {NOW[stage]}.")
        self.expect_stage(stage)

    def expect_latest_event(self, label, *texts):
        latest = self.page.locator("ol.timeline > li").first
        expect(latest).to_contain_text(label)
        expect(latest).to_contain_text(f"by {self.name}")
        for text in texts:
            expect(latest).to_contain_text(text)

    def act(self, reference, label, *, stage, comment="", fill=None, step):
        """Take an action from the case page's action panel; the case moves to ``stage``."""
        self.open_case(reference)
        form = self.action_form(label)
        if fill:
            fill(form)
        if comment:
            form.get_by_label("Comment").fill(comment)
        form.get_by_role("button", name=label).click()
        self.expect_done(label, stage)
        self.expect_latest_event(label, *([comment] if comment else []))
        self.shot(step)

    def document_list(self):
        return self.page.locator("ul.documents")

    # The admin (intake desk) ------------------------------------------------------------------

    def admin_message(self, kind="success"):
        return self.page.locator(f"ul.messagelist li.{kind}")

    def open_in_admin(self, reference, link="Edit details in the intake desk"):
        """From the case page, the link to the case in the intake desk."""
        page = self.open_case(reference)
        page.get_by_role("link", name=link).click()
        expect(page.locator("#content h2").filter(has_text=reference)).to_have_count(1)
        return page

    def save_and_continue(self):
        self.page.get_by_role("button", name="Save and continue editing").click()

    def expect_saved(self, reference):
        expect(self.admin_message()).to_contain_text("was changed successfully")
        expect(self.page.locator(".errornote")).to_have_count(0)
        expect(self.page.locator("#content h2").filter(has_text=reference)).to_have_count(1)

    def document_rows(self):
        return self.page.locator("#documents-group tbody tr.has_original")

    def add_document(self, kind, upload, *, final=False):
        """In the admin's document inline: "Add another Document", its type, its file, final or not."""
        page = self.page
        group = page.locator("#documents-group")
        new_rows = group.locator("tr.form-row:not(.has_original):not(.empty-form)")  # stored ones have an original
        before = new_rows.count()
        group.get_by_role("button", name="Add another Document").or_(
            group.get_by_role("link", name="Add another Document")
        ).click()  # made by the admin's script
        expect(new_rows).to_have_count(before + 1)
        row = new_rows.last
        row.locator("select[name$='-kind']").select_option(label=kind)
        row.locator("input[type=file]").set_input_files(upload)
        if final:
            row.locator("input[type=checkbox][name$='-is_complete']").check()
        return row


# The steps of the journeys ---------------------------------------------------------------------


@dataclass
class Request:
    """What the intake clerk types in from the letter (origin, signed_by, authority: empty for a case
    on a mandate alone) and the mandates the case rests on (recorded before, under Mandates)."""

    state: str
    origin: str
    signed_by: str
    authority: str
    types: tuple
    election_type: str
    election_in_days: int
    received_days_ago: int = 20
    mandate_symbols: str = ""
    summary: str = ""


@dataclass
class MandateRecord:
    """What the intake clerk types in from a resolution."""

    state: str
    organ: str
    symbol: str
    adopted_days_ago: int
    expires_in_days: int | None
    tasks: str = ""


def fill_mandate(page, mandate):
    page.get_by_label("Organ").select_option(label=mandate.organ)
    page.get_by_label("Resolution").fill(mandate.symbol)
    page.get_by_label("Adopted on").fill(days(-mandate.adopted_days_ago))
    page.get_by_label("Expires on").fill("" if mandate.expires_in_days is None else days(mandate.expires_in_days))
    page.get_by_label("Electoral tasks").fill(mandate.tasks)


def record_mandate(clerk, mandate):
    """The intake clerk records a Security Council or General Assembly mandate in the admin."""
    page = clerk.page
    page.goto("/admin/")
    page.locator("#content-main tr.model-mandate").get_by_role("link", name="Add").click()
    expect(page.get_by_role("heading", name="Add mandate")).to_be_visible()
    select2_choose(page, "id_member_state", mandate.state[:4], mandate.state)
    fill_mandate(page, mandate)
    clerk.shot("records-a-mandate")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(clerk.admin_message()).to_contain_text("was added successfully")
    expect(page.locator(".errornote")).to_have_count(0)
    return page


def record_renewal(clerk, renewal):
    """From the page of the mandate it renews (open), the clerk records the renewal."""
    page = clerk.page
    page.get_by_role("link", name="Record its renewal").click()
    expect(page.get_by_role("heading", name="Add mandate")).to_be_visible()
    fill_mandate(page, renewal)
    clerk.shot("records-the-renewal")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(clerk.admin_message()).to_contain_text("was added successfully")
    expect(page.locator(".errornote")).to_have_count(0)
    return page


def select2_choose(page, select_id, typed, choice):
    """An admin autocomplete: open it, type, pick the answer."""
    page.locator(f"#{select_id} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=choice).first.click()
    expect(page.locator(f"#{select_id} + .select2 .select2-selection__rendered")).to_contain_text(choice)


def fill_intake_form(clerk, request):
    """The intake clerk opens the admin's add form and types the request in, without saving it."""
    page = clerk.page
    page.goto("/admin/")
    page.locator("#content-main tr.model-assistancerequest").get_by_role("link", name="Add").click()
    expect(page.get_by_role("heading", name="Add assistance request")).to_be_visible()
    select2_choose(page, "id_member_state", request.state[:4], request.state)
    if request.mandate_symbols:
        page.get_by_label("Mandates").fill(request.mandate_symbols)
    if request.origin:
        page.get_by_label("Origin").select_option(label=request.origin)
        page.get_by_label("Requesting authority").fill(request.signed_by)
        page.get_by_label("Authority type").select_option(label=request.authority)
        page.get_by_label("Letter date").fill(days(-request.received_days_ago - 6))
    page.get_by_label("Date received").fill(days(-request.received_days_ago))
    for name in request.types:
        page.get_by_label(name, exact=True).check()
    page.get_by_label("Summary").fill(request.summary)
    election = page.locator("#elections-group tr.dynamic-elections").first
    election.locator("select").select_option(label=request.election_type)
    election.locator("input[name$='-planned_date']").fill(days(request.election_in_days))
    clerk.shot("fills-the-add-form")
    return page


def register(clerk, request):
    """The intake clerk logs the request in the admin's add form; returns the reference EAS gave it."""
    page = fill_intake_form(clerk, request)
    clerk.save_and_continue()
    expect(clerk.admin_message()).to_contain_text("was added successfully")
    expect(page.locator(".errornote")).to_have_count(0)
    reference = page.locator(".field-reference .readonly").filter(has_text=REFERENCE).inner_text().strip()
    assert REFERENCE.fullmatch(reference), reference
    expect(page.locator("#eas-actions-title")).to_contain_text("Stage: Received")
    # The clerk logs requests and moves none on; the page says who takes the request from here.
    expect(page.locator(".eas-actions form")).to_have_count(0)
    with clerk.journey.soft("the admin tells the clerk who acts next"):
        first_step = "Recommend to the focal point" if request.mandate_symbols else "Acknowledge and start review"
        expect(page.locator(".eas-actions [data-next-actors]")).to_contain_text(first_step)
    clerk.shot("registered")
    return reference


def attach_letter(clerk, reference, upload, kind="Request letter"):
    """The intake clerk attaches the letter to the case just registered: its first document."""
    clerk.add_document(kind, upload, final=True)
    clerk.save_and_continue()
    clerk.expect_saved(reference)
    expect(clerk.document_rows()).to_have_count(1)
    expect(clerk.document_rows().first).to_contain_text(upload["name"])
    clerk.shot("attaches-the-letter")


def clerk_sees_who_acts(clerk, reference, request, lead):
    """On the workspace's case page the clerk reads the request back and who takes it from here."""
    page = clerk.open_case(reference)
    clerk.expect_stage("Received")
    facts = page.locator("dl.facts").first
    expect(facts).to_contain_text(request.signed_by)
    for name in request.types:
        expect(facts).to_contain_text(name)
    expect(facts.locator("dd").nth(4)).to_have_text("Unassigned")
    clerk.expect_may_not("Acknowledge and start review")
    clerk.expect_next_actor("team lead", lead.user, "Acknowledge and start review")
    clerk.shot("sees-who-acts-next")


def choose_option(select, text):
    """Pick the option of a <select> that names someone, however the list labels them."""
    options = select.locator("option").filter(has_text=text)
    expect(options).to_have_count(1)
    select.select_option(value=options.get_attribute("value"))


def assign(lead, reference, officer):
    """The team lead opens the case from the workspace and assigns the officer in the intake desk."""
    page = lead.open_case(reference)
    lead.expect_stage("Received")
    page = lead.open_in_admin(reference)
    choose_option(page.get_by_label("Officer"), re.compile(rf"{officer.username}|{officer.get_full_name()}"))
    lead.save_and_continue()
    lead.expect_saved(reference)
    lead.open_case(reference)
    expect(page.locator("dl.facts").first).to_contain_text(officer.get_full_name())
    expect(page.locator("ol.timeline > li").first).to_contain_text(f"by {lead.name}")
    lead.shot("assigns-the-officer")


def start_review(officer, reference):
    officer.act(
        reference,
        "Acknowledge and start review",
        stage="Under review",
        comment="Acknowledged by note verbale; the Division reviews the request.",
        step="starts-review",
    )


def recommend(officer, reference, method, grounds, *, stage="Under review", accept=None, focal_point=None):
    """The officer recommends to the focal point (``accept``: for an electoral body's request) and is
    told that the case now awaits the focal point."""
    page = officer.open_case(reference)
    officer.expect_may_not("Accept the electoral body's request", "Start needs assessment")
    form = officer.action_form("Recommend to the focal point")
    if accept is not None:
        form.get_by_label("Accept the electoral body's request" if accept else "Do not accept it").check()
    form.get_by_label(method).check()
    form.get_by_label("Grounds").fill(grounds)
    officer.shot("fills-the-recommendation")
    form.get_by_role("button", name="Recommend to the focal point").click()
    officer.expect_done("Recommend to the focal point", stage)
    officer.expect_latest_event("Recommend to the focal point", grounds)
    card = page.locator("[data-recommendation]")
    expect(card).to_contain_text(f"Recommended by {officer.name}")
    expect(card).to_contain_text(method)
    expect(card).to_contain_text("awaiting the focal point")
    if focal_point is not None:
        officer.expect_next_actor("focal point", focal_point.user, f"recommended by {officer.name}")
    officer.shot("recommends")


def accept_electoral_body(focal_point, reference, officer):
    """The focal point accepts the electoral body's request, on the officer's recommendation."""
    page = focal_point.open_case(reference)
    blocked = page.locator(".action", has=page.get_by_role("heading", name="Start needs assessment", exact=True))
    expect(blocked.locator(".blockers")).to_contain_text("records its explicit acceptance first")
    expect(page.locator("[data-recommendation]")).to_contain_text(f"Recommended by {officer.name}")
    focal_point.act(
        reference,
        "Accept the electoral body's request",
        stage="Under review",
        comment="Accepted: the Government endorsed the Commission's request by note verbale.",
        step="accepts-the-electoral-bodys-request",
    )
    accepted = page.locator("dd.accepted")
    expect(accepted).to_contain_text(f"by {focal_point.name}, on the recommendation of {officer.name}")
    expect(
        page.locator(".action.blocked", has=page.get_by_role("heading", name="Start needs assessment"))
    ).to_have_count(0)
    focal_point.expect_may_not("Accept the electoral body's request")


def start_assessment(focal_point, reference, method):
    """The focal point chooses the assessment (the form starts from the method recommended)."""

    def choose(form):
        expect(form.get_by_label(method)).to_be_checked()
        form.get_by_label(method).check()

    focal_point.act(
        reference, "Start needs assessment", stage="Needs assessment", fill=choose, step="starts-the-needs-assessment"
    )
    page = focal_point.page
    blockers = focal_point.action_form("Submit assessment for decision").locator(".blockers")
    expect(blockers).to_contain_text("The needs assessment is not complete. Still to record:")
    expect(page.locator("aside").get_by_role("heading", name="Needs assessment")).to_be_visible()
    expect(page.locator("aside .chosen")).to_contain_text(f"chosen by {focal_point.name}")


@dataclass
class Assessment:
    mission: bool
    adequate_time: str  # "Yes" or "No"
    conditions: str
    time_notes: str = ""
    conditions_notes: str = ""
    recommendations: str = ""


def record_assessment(officer, reference, assessment):
    """The officer writes the assessment in the intake desk; a report "submitted" tomorrow is refused."""
    page = officer.open_case(reference)
    page = officer.open_in_admin(reference)
    form = page.locator("#assessment-group")
    if assessment.mission:
        form.get_by_label("Terms of reference sent").fill(days(-15))
        form.get_by_label("Host clearance received").fill(days(-12))
        form.get_by_label("Mission deployed from").fill(days(-10))
        form.get_by_label("Mission returned").fill(days(-4))
    form.get_by_label("Adequate time for an effective mission").select_option(label=assessment.adequate_time)
    form.get_by_label("Notes on time").fill(assessment.time_notes)
    form.get_by_label("Conditions exist for a free and fair election").select_option(label=assessment.conditions)
    form.get_by_label("Notes on conditions").fill(assessment.conditions_notes)
    form.get_by_label("Recommendations").fill(assessment.recommendations)

    # A date that records what happened cannot be in the future.
    form.get_by_label("Report submitted").fill(days(1))
    officer.save_and_continue()
    with officer.journey.soft('a report "submitted" tomorrow is refused'):
        expect(page.locator(".errornote")).to_be_visible()
        expect(page.locator("#assessment-group .field-report_submitted_on .errorlist")).to_be_visible()
    officer.shot("assessment-report-dated-tomorrow-refused", focus=form.locator(".field-report_submitted_on"))

    form.get_by_label("Report submitted").fill(days(-2))
    officer.save_and_continue()
    officer.expect_saved(reference)
    officer.shot("records-the-assessment", focus=page.locator("#assessment-group"))
    page = officer.open_case(reference)
    expect(officer.action_form("Submit assessment for decision").locator(".blockers")).to_have_count(0)


def submit_assessment(officer, reference, focal_point):
    officer.act(reference, "Submit assessment for decision", stage="Awaiting decision", step="submits-the-assessment")
    officer.expect_may_not("Record the decision")
    officer.expect_next_actor("focal point", focal_point.user, "Record the decision")
    officer.shot("sees-the-focal-point-decides")


@dataclass
class DecisionToAssist:
    types: tuple
    phase: str
    scope: str
    justification: str = ""  # for a request at short notice


def decide_to_assist(focal_point, reference, decision, *, requested, short_notice):
    page = focal_point.open_case(reference)
    focal_point.expect_stage("Awaiting decision")
    page.get_by_role("link", name="Record the decision…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record the decision")
    warning = page.locator(".status-line .warn")
    if short_notice:
        expect(warning).to_contain_text("short notice")
    else:
        expect(warning).to_have_count(0)
    form = page.locator("form.action-page")
    with focal_point.journey.soft("the decision form starts with the assistance the state asked for"):
        for name in requested:
            expect(form.get_by_label(name, exact=True)).to_be_checked()
    form.get_by_label("Assist", exact=True).check()
    for name in decision.types:
        form.get_by_label(name, exact=True).check()
    form.get_by_label("Phase of the electoral cycle").select_option(label=decision.phase)
    form.get_by_label("Assistance from").fill(days(0))
    form.get_by_label("Assistance until").fill(days(150))
    form.get_by_label("Scope and parameters").fill(decision.scope)
    if short_notice:
        # Without the justification the decision is refused, says why and keeps what was typed.
        focal_point.shot("decision-form")
        form.get_by_role("button", name="Record the decision").click()
        expect(page.locator(".messages .message.error")).to_contain_text(ci("justification"))
        focal_point.expect_stage("Awaiting decision")
        form = focal_point.action_form("Record the decision")
        expect(form.get_by_label("Scope and parameters")).to_have_value(decision.scope)
        focal_point.shot("decision-without-justification-refused")
        form.get_by_label("Justification for short notice").fill(decision.justification)
    focal_point.shot("fills-the-decision")
    form.get_by_role("button", name="Record the decision").click()
    focal_point.expect_done("Record the decision", "Decision communicated")
    decisions = page.locator("aside .decision")
    expect(decisions).to_have_count(1)
    expect(decisions).to_contain_text("Assist")
    for name in decision.types:
        expect(decisions).to_contain_text(name)
    if decision.justification:
        # Everything the user typed is shown back: on the case page and in its history.
        with focal_point.journey.soft("the short-notice justification is shown on the case page"):
            expect(decisions).to_contain_text(decision.justification)
        with focal_point.journey.soft("the short-notice justification is shown in the timeline"):
            expect(page.locator("ol.timeline > li").first).to_contain_text(decision.justification)
    focal_point.shot("decides-to-assist")


def decide_to_decline(focal_point, reference, reason):
    page = focal_point.open_case(reference)
    page.get_by_role("link", name="Record the decision…").click()
    form = page.locator("form.action-page")
    form.get_by_label("Decline", exact=True).check()
    form.get_by_label("Reason (to decline or defer)").fill(reason)
    focal_point.shot("fills-the-decision")
    form.get_by_role("button", name="Record the decision").click()
    focal_point.expect_done("Record the decision", "Declined")
    expect(page.locator("aside .decision")).to_contain_text("Decline")
    expect(page.locator("aside .decision")).to_contain_text(reason)
    expect(focal_point.actions()).to_contain_text("This case has ended")
    focal_point.shot("declines")


def start_implementation(officer, reference, modality):
    def fill(form):
        form.get_by_label("Implemented through").select_option(label=modality)
        form.get_by_label("Planned end of implementation").fill(days(120))

    officer.act(reference, "Start implementation", stage="In implementation", fill=fill, step="starts-implementation")


def attach_from_case_page(actor, reference, kind, upload, *, documents_before):
    """From the case page's "Attach a document", a further document in the admin's inline."""
    page = actor.open_case(reference)
    page.get_by_role("link", name="Attach a document").click()
    expect(actor.document_rows()).to_have_count(documents_before)
    actor.add_document(kind, upload)
    actor.save_and_continue()
    actor.expect_saved(reference)
    expect(actor.document_rows()).to_have_count(documents_before + 1)
    row = actor.document_rows().filter(has_text=upload["name"])
    expect(row).to_have_count(1)
    expect(row.locator("input[type=checkbox][name$='-is_complete']")).not_to_be_checked()
    actor.shot(f"attaches-{upload['name'].removesuffix('.pdf')}", focus=page.locator("#documents-group"))


def mark_final(actor, reference, name):
    """Tick "Final and complete" on the row of a document already attached, and save."""
    page = actor.page
    row = actor.document_rows().filter(has_text=name)
    row.locator("input[type=checkbox][name$='-is_complete']").check()
    actor.save_and_continue()
    actor.expect_saved(reference)
    row = actor.document_rows().filter(has_text=name)
    expect(row.locator("input[type=checkbox][name$='-is_complete']")).to_be_checked()
    actor.shot("marks-the-report-final", focus=page.locator("#documents-group"))
    actor.open_case(reference)
    expect(actor.document_list().locator("li", has_text=name)).to_contain_text("final")
    actor.expect_latest_event("Document marked final", name)


def report_and_close(officer, focal_point, reference, *, documents_before):
    """Implementation ends; a draft then the final report are attached; one marked final; closed."""
    attach_from_case_page(
        officer,
        reference,
        "Mission report",
        pdf("mission-report-draft.pdf", "Mission report (draft)", "For comments."),
        documents_before=documents_before,
    )
    officer.act(reference, "Implementation ended: start reporting", stage="Reporting", step="starts-reporting")
    officer.expect_may_not("Close the case")
    officer.expect_next_actor("focal point", focal_point.user, "Close the case")
    attach_from_case_page(
        officer,
        reference,
        "Mission report",
        pdf("mission-report.pdf", "Mission report", "Final text, as cleared."),
        documents_before=documents_before + 1,
    )
    mark_final(officer, reference, "mission-report.pdf")
    expect(officer.document_list().locator("li")).to_have_count(documents_before + 2)
    expect(officer.document_list().locator("li", has_text="mission-report-draft.pdf")).not_to_contain_text("final")

    # Closing needs the evaluation too (or a reason to waive it): the officer records it.
    from tests.browser.evaluation_journeys import Evaluation, record_evaluation

    record_evaluation(
        officer,
        reference,
        Evaluation(
            evaluated_by="The Division with the UNDP country office",
            worked="The assistance decided was delivered before election day.",
            did_not_work="The final report took longer than planned to clear.",
            recommendations="Agree the report's outline when implementation starts.",
        ),
    )
    focal_point.act(
        reference, "Close the case", stage="Closed", comment="The mission report is final.", step="closes-the-case"
    )
    expect(focal_point.actions()).to_contain_text("This case has ended")
    with focal_point.journey.soft('a closed case offers no "Attach a document"'):
        expect(focal_point.page.get_by_role("link", name="Attach a document")).to_have_count(0)


def withdraw(officer, reference, communication):
    officer.act(
        reference,
        "Record withdrawal by the state",
        stage="Withdrawn",
        comment=communication,
        step="records-the-withdrawal",
    )
    expect(officer.actions()).to_contain_text("This case has ended")
