"""Reads of mandates: a country's for its file, a renewal chain, those about to expire."""

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from requests_app.cases.choices import Stage
from requests_app.mandates import selectors, services
from requests_app.mandates.models import Mandate
from tests.factories import case_in_stage, member_state, new_mandate, new_request
from tests.mandates.conftest import TODAY

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def renew(recorder, mandate, symbol, adopted_on, expires_on=None):
    renewal = Mandate(organ=mandate.organ, symbol=symbol, adopted_on=adopted_on, expires_on=expires_on)
    return services.record_renewal(actor=recorder, renewed=mandate, renewal=renewal)


@pytest.fixture
def haiti(recorder, frozen):
    """Haiti: a mandate renewed twice, its cases, and an Assembly mandate without expiry."""
    first = new_mandate(state="HTI", symbol="S/RES/2650 (2024)", adopted_on=TODAY - 700 * DAY, actor=recorder)
    case = new_request(actor=recorder, state="HTI", mandate=first)
    second = renew(recorder, first, "S/RES/2700 (2025)", TODAY - 350 * DAY, TODAY - 10 * DAY)
    third = renew(recorder, second, "S/RES/2780 (2026)", TODAY - 20 * DAY, TODAY + 40 * DAY)
    assembly = new_mandate(
        state="HTI", organ="general_assembly", symbol="A/RES/80/12", adopted_on=TODAY - 5 * DAY, actor=recorder
    )
    new_mandate(state="MLI", symbol="S/RES/2790 (2026)", actor=recorder)  # another country's
    return {"first": first, "second": second, "third": third, "assembly": assembly, "case": case}


def test_a_countrys_mandates_come_newest_first_with_their_renewals_and_cases(haiti):
    country = member_state("HTI")
    with CaptureQueriesContext(connection) as queries:
        mandates = selectors.for_country(country)
        rows = [(m.symbol, m.renews, list(m.renewals.all()), [c.reference for c in m.cases.all()]) for m in mandates]
    assert len(queries) == 3, "mandates with their country and what each renews; renewals; cases"
    reference = haiti["case"].reference
    assert rows == [
        ("A/RES/80/12", None, [], []),
        ("S/RES/2780 (2026)", haiti["second"], [], [reference]),
        ("S/RES/2700 (2025)", haiti["first"], [haiti["third"]], [reference]),
        ("S/RES/2650 (2024)", None, [haiti["second"]], [reference]),
    ]


def test_the_country_section_shows_each_mandate_with_its_renewals_and_cases(haiti):
    html = render_to_string("mandates/_country_section.html", {"rows": selectors.for_country(member_state("HTI"))})
    assert html.index("A/RES/80/12") < html.index("S/RES/2780 (2026)") < html.index("S/RES/2650 (2024)")
    assert "renewed by S/RES/2700 (2025)" in html and "renews S/RES/2700 (2025)" in html
    assert haiti["case"].reference in html
    assert "S/RES/2790 (2026)" not in html  # Mali's
    assert selectors.for_country(member_state("PER")) == []  # the country file then says "Nothing recorded"


def test_a_chain_runs_from_the_first_mandate_to_its_latest_renewal(haiti):
    expected = [haiti["first"], haiti["second"], haiti["third"]]
    for mandate in expected:
        assert selectors.chain(mandate) == expected
    assert selectors.chain(haiti["assembly"]) == [haiti["assembly"]]


def test_the_links_about_to_expire_are_those_of_open_cases_on_mandates_not_renewed(recorder, officer, haiti):
    links = selectors.expiring_links(TODAY, 60)
    assert [(link.case_id, link.mandate_id) for link in links] == [(haiti["case"].pk, haiti["third"].pk)]
    assert selectors.expiring_links(TODAY, 39) == []  # expires in 40 days
    # An ended case no longer depends on its mandate.
    closed = case_in_stage(Stage.WITHDRAWN, actor=officer, state="HTI", mandate=haiti["third"])
    assert [link.case_id for link in selectors.expiring_links(TODAY, 60)] == [haiti["case"].pk]
    pairs = [
        (haiti["case"].pk, haiti["third"].pk),
        (haiti["case"].pk, haiti["second"].pk),
        (closed.pk, haiti["third"].pk),
    ]
    assert selectors.still_depended_on(pairs) == {(haiti["case"].pk, haiti["third"].pk)}


def test_symbols_typed_at_intake_are_read_one_per_line_or_separated(haiti):
    assert selectors.parse_symbols("s/res/2780(2026)\n A/RES/80/12 ; S/RES/2780 (2026),") == [
        "S/RES/2780 (2026)",
        "A/RES/80/12",
    ]
    found = selectors.by_symbols(member_state("HTI"), ["S/RES/2780 (2026)", "S/RES/2790 (2026)"])
    assert found == {"S/RES/2780 (2026)": haiti["third"]}
