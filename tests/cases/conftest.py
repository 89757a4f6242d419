"""Fixtures of the cases' tests (``officer`` and ``clerk``: tests/conftest.py)."""

import pytest


@pytest.fixture
def staff_client(client, officer):
    client.force_login(officer)
    return client
