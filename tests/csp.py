"""The Content Security Policy every page carries, and a check that a page needs nothing it forbids."""

import re

EXPECTED_POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
    "base-uri": {"'self'"},
    "object-src": {"'none'"},
}


def parse_policy(header):
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = set(values)
    return directives


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def assert_strict_policy_and_nothing_inline(response):
    assert response.status_code == 200, response
    assert parse_policy(response["Content-Security-Policy"]) == EXPECTED_POLICY
    html = response.content.decode()
    assert INLINE_SCRIPT.findall(html) == [], "an inline script would be blocked by the policy"
    assert INLINE_STYLE.findall(html) == [], "an inline style or event handler would be blocked by the policy"
