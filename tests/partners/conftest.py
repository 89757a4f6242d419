"""Fixtures of the partners' tests: the focal point, and three partners (one no longer active)."""

import pytest

from requests_app.core import roles
from requests_app.partners.models import Partner
from tests.partners.helpers import in_role


@pytest.fixture
def focal_point():
    return in_role(roles.FOCAL_POINT)


@pytest.fixture
def partners():
    return {
        "eu": Partner.objects.create(name="European Union", acronym="EU", kind=Partner.Kind.REGIONAL),
        "ifes": Partner.objects.create(
            name="International Foundation for Electoral Systems", acronym="IFES", kind=Partner.Kind.NON_GOVERNMENTAL
        ),
        "old": Partner.objects.create(name="Dissolved Institute", kind=Partner.Kind.NON_GOVERNMENTAL, is_active=False),
    }
