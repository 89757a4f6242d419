"""What the browser tests share that is not a fixture: how long to wait, and what a page saw."""

import re

TIMEOUT_MS = 10_000  # a page of this site answers in well under a second; fail fast, not after 30 s


class Visit:
    """What one page of a test saw: a screenshot per step, console errors, every request made."""

    def __init__(self, page, test_name, screenshots_dir, server_url):
        self.page = page
        self.test_name = re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name)
        self.screenshots_dir = screenshots_dir
        self.server_url = server_url.rstrip("/") + "/"
        self.console_errors = []
        self.requests = []
        self.screenshots = []
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")
            ),
        )
        page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))
        page.on("request", lambda request: self.requests.append(request.url))

    def shot(self, step):
        """Keep a full-page screenshot of the page as it is now: test-artifacts/screenshots/<test>-<step>.png."""
        path = self.screenshots_dir / f"{self.test_name}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.screenshots.append(path)
        return path

    def outside_requests(self):
        return [url for url in self.requests if not (url.startswith(self.server_url) or url.startswith("data:"))]
