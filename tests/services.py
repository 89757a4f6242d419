"""Services a test needs (PostgreSQL, Redis, Chromium): skipped outside CI when missing, failed in CI."""

import os

import pytest

REQUIRE_SERVICES = bool(os.environ.get("EAS_REQUIRE_SERVICES"))


def service_missing(reason):
    """Outside CI a test whose service is missing is skipped; in CI it fails."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} — CI requires this service", pytrace=False)
    pytest.skip(reason)
