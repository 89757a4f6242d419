"""Mandates, walked in a real browser by the demo staff: recorded and renewed in the admin, a case
opened on both a request and a mandate, and the reminder before a mandate expires.

The steps shared with the other journeys are in tests/browser/journeys.py; screenshots go to
test-artifacts/screenshots/<test>/.
"""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from requests_app.cases.choices import Basis
from requests_app.cases.models import AssistanceRequest
from requests_app.mandates.models import Mandate
from tests.browser import journeys as steps
from tests.browser.journeys import MandateRecord, Request, expect
from tests.browser.test_journeys import open_with, staff  # noqa: F401 - fixtures of the journeys

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_staff_record_a_mandate_and_its_renewal_then_open_a_case_on_both_a_request_and_the_mandate(journey, staff):  # noqa: F811
    clerk, lead, officer, focal_point = open_with(journey, staff, "aokafor")  # Mali: the African desk
    steps.record_mandate(
        clerk,
        MandateRecord(
            state="Mali",
            organ="Security Council",
            symbol="S/RES/2690 (2025)",
            adopted_days_ago=400,
            expires_in_days=-35,
            tasks="The mission supports the transitional authorities in preparing elections.",
        ),
    )
    page = steps.record_renewal(
        clerk,
        MandateRecord(
            state="Mali",
            organ="Security Council",
            symbol="s/res/2760(2026)",  # typed carelessly: stored as the United Nations write it
            adopted_days_ago=40,
            expires_in_days=325,
            tasks="Renews the mission's mandate, with logistic and security support to the elections.",
        ),
    )
    chain = page.locator(".field-chain_display")
    expect(chain.locator("li")).to_have_count(2)
    expect(chain.locator("li").first).to_contain_text("S/RES/2690 (2025)")
    expect(chain.locator("li").last).to_contain_text("S/RES/2760 (2026) (expires in 325 days)")
    clerk.shot("sees-the-renewal-chain")

    # The list: each mandate's country, organ, expiry and renewals; found by its symbol.
    page.goto("/admin/requests_app/mandate/")
    page.locator("#searchbar").fill("2690")
    page.get_by_role("button", name="Search").click()
    row = page.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Mali")
    expect(row).to_contain_text("renewed by S/RES/2760 (2026)")
    clerk.shot("finds-the-mandate-by-symbol")

    request = Request(
        state="Mali",
        origin="Written request from the government",
        signed_by="Minister for Foreign Affairs of Mali",
        authority="Minister for Foreign Affairs",
        types=("Voter registration", "Voting and counting operations"),
        election_type="Presidential",
        election_in_days=300,
        mandate_symbols="S/RES/2760 (2026)",
        summary="The government asks for support to voter registration, alongside the mission's mandate.",
    )
    reference = steps.register(clerk, request)

    page = clerk.open_case(reference)
    basis = page.locator("section[aria-labelledby='basis-title']")
    expect(basis).to_contain_text("A request and a mandate")
    expect(basis.locator("li.mandate")).to_contain_text("S/RES/2760 (2026)")
    expect(basis.locator("li.mandate")).to_contain_text("Security Council")
    expect(basis.locator("li.mandate")).to_contain_text("expires in 325 days")
    expect(page.locator("dl.facts").first).to_contain_text("Minister for Foreign Affairs of Mali")
    expect(page.locator("ol.timeline > li").first).to_contain_text("basis: Request and mandate")
    clerk.shot("sees-both-bases-on-the-case-page")

    # Resting on a mandate, the case skips the eligibility review: the officer recommends how to assess.
    steps.assign(lead, reference, officer.user)
    officer.open_case(reference)
    officer.expect_may("Recommend to the focal point")
    officer.expect_may_not("Acknowledge and start review")
    officer.shot("may-assess-at-once")

    case = AssistanceRequest.objects.get(reference=reference)
    assert case.basis == Basis.BOTH
    assert [m.symbol for m in case.mandates.all()] == ["S/RES/2760 (2026)"]
    journey.assert_clean()


def test_the_officer_and_the_focal_point_are_reminded_before_the_mandate_a_case_rests_on_expires(
    journey,
    staff,  # noqa: F811
    time_machine,
    settings,
):
    settings.EAS_FOCAL_POINT_EMAILS = ["focal-point@eas.example.org"]
    clerk, lead, officer, _focal_point = open_with(journey, staff, "mtanaka")  # Nepal: the Asia-Pacific desk
    steps.record_mandate(
        clerk,
        MandateRecord(
            state="Nepal",
            organ="General Assembly",
            symbol="A/RES/80/215",
            adopted_days_ago=20,
            expires_in_days=70,
            tasks="Supervision of the referendum.",
        ),
    )
    request = Request(  # a mandate alone: nobody requested
        state="Nepal",
        origin="",
        signed_by="",
        authority="",
        types=("Supervision",),
        election_type="Referendum",
        election_in_days=60,
        mandate_symbols="A/RES/80/215",
        summary="The Assembly asks for the supervision of the referendum.",
    )
    reference = steps.register(clerk, request)
    steps.assign(lead, reference, officer.user)
    journey.assert_clean()

    # Ten days on, the mandate expires within the 60 days of the reminder: the sweep tells the officer
    # and the focal point's office, once.
    time_machine.move_to(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=10), tick=True)
    mail.outbox.clear()
    call_command("send_reminders", stdout=StringIO())
    # (The case's own deadline has passed too: its reminders go out in the same sweep.)
    digests = {message.to[0]: message for message in mail.outbox if "A/RES/80/215" in message.body}
    assert set(digests) == {officer.user.email, "focal-point@eas.example.org"}
    for message in digests.values():
        assert f"{reference} — Nepal" in message.body
        assert "Mandate: A/RES/80/215" in message.body
        assert "the mandate expires in 60 days" in message.body
    mail.outbox.clear()
    call_command("send_reminders", stdout=StringIO())
    assert [m for m in mail.outbox if "A/RES/80/215" in m.body] == [], "never sent twice"

    # The officer reads it in the case's history too (logged in after the clock moved).
    reader = journey.actor(staff["lhaddad"], "officer")
    page = reader.open_case(reference)
    reminders = page.locator("ol.timeline > li.event-reminder_sent").filter(has_text="mandate: A/RES/80/215")
    expect(reminders).to_have_count(2)  # to the officer and to the focal point's office
    expect(reminders.filter(has_text=officer.user.email)).to_contain_text("Mandate about to expire")
    reader.shot("reads-the-reminder-in-the-history")
    assert Mandate.objects.get(symbol="A/RES/80/215").reminders.count() == 2
    journey.assert_clean()
