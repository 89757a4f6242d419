"""Real headless Chromium, driven by Playwright, against the live test server.

Chromium is Debian's ``chromium`` package (never a browser that Playwright downloads): it is
looked for in EAS_CHROMIUM, then on the PATH. Without it, or without Playwright, the browser
tests are skipped outside CI and fail in CI (``tests.services.service_missing``).
"""

import contextlib
import os
import shutil
from pathlib import Path

import pytest

from tests.browser.journeys import Journey, expect
from tests.browser.pages import TIMEOUT_MS, Visit
from tests.services import service_missing

MISSING = "needs Chromium: apt-get install chromium"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)  # for the screenshot of a failed test
    return report


def find_chromium():
    """(path, None) for the Chromium to use, or (None, why not)."""
    configured = os.environ.get("EAS_CHROMIUM")
    if configured:
        if os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured, None
        return None, f"{MISSING} (EAS_CHROMIUM={configured} is not an executable file)"
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path, None
    return None, f"{MISSING} (none of {', '.join(CHROMIUM_NAMES)} is on the PATH; or set EAS_CHROMIUM)"


@pytest.fixture(scope="session")
def chromium_executable():
    """The Chromium to drive, looked for once; skip (or fail in CI) when there is none."""
    executable, why_not = find_chromium()
    if executable is None:
        service_missing(why_not)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        service_missing(f"needs Playwright to drive Chromium ({executable}): pip install -r requirements.txt")
    return executable


@pytest.fixture
def browser(chromium_executable):
    """A headless Chromium for one test.

    Started and stopped around each test, not once per session: while Playwright's sync API
    runs, an asyncio loop is running in the main thread, and there Django (1) refuses ORM calls
    unless DJANGO_ALLOW_ASYNC_UNSAFE is set and (2) hands out other connection objects than the
    ones pytest-django set up, so a serialized rollback would not restore the reference data
    (Member States …) for the next test. Stopping it before pytest-django's teardown keeps its
    set-up, flush and restore on the connection it knows, and every other test out of that loop.
    """
    from django.db import connections
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the test's own ORM calls, made inside that loop
    playwright = sync_playwright().start()
    try:
        try:
            chromium = playwright.chromium.launch(
                executable_path=chromium_executable, args=CHROMIUM_ARGS, headless=True
            )
        except PlaywrightError as error:
            text = str(error).strip()
            service_missing(
                f"{MISSING} (Chromium at {chromium_executable} did not start: "
                f"{text.splitlines()[0] if text else repr(error)})"
            )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        connections.close_all()  # the connections opened inside the loop (none left for PostgreSQL to wait on)
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def screenshots_dir(request):
    path = Path(request.config.rootpath) / "test-artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def visit(request, browser, live_server, screenshots_dir):
    """A fresh browser context (no cookies) and page on the live server."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    seen = Visit(page, request.node.name, screenshots_dir, live_server.url)
    yield seen
    call = getattr(request.node, "report_call", None)
    if call is not None and call.failed:
        with contextlib.suppress(Exception):  # the page may be gone; the test's own failure matters
            seen.shot("failed")
    context.close()


@pytest.fixture
def journey(request, browser, live_server, screenshots_dir):
    """A journey through the live site in Chromium, its screenshots kept, its page closed after."""
    walk = Journey(browser, live_server, screenshots_dir, request.node.name)
    # A busy CI machine can take seconds over an admin page with uploads: wait as long as for an action.
    expect.set_options(timeout=TIMEOUT_MS)
    try:
        yield walk
    finally:
        expect.set_options(timeout=None)  # back to Playwright's default for the other tests
        call = getattr(request.node, "report_call", None)
        walk.close(failed=call is not None and call.failed)
