"""The reminder before a mandate expires: to the officer of each open case that rests on it and to the
focal point's office, EAS_MANDATE_EXPIRY_REMINDER_DAYS (60) days before, once; none once renewed."""

import datetime

import pytest
from django.core import mail

from requests_app.cases import services
from requests_app.mandates import services as mandate_services
from requests_app.mandates.models import Mandate
from requests_app.reminders import services as reminders
from requests_app.reminders.models import Reminder
from tests.factories import mandate_clerk, new_mandate, new_request, set_due, team_lead_of
from tests.reminders.helpers import DAY, FOCAL_POINT, NOW, Level, Status, outbox_to, reminder_events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_focal_point")]

TODAY = NOW.date()
EXPIRES = TODAY + 90 * DAY


@pytest.fixture
def clerk(db):
    return mandate_clerk()


@pytest.fixture
def mandate(clerk, frozen):
    return new_mandate(
        state="HTI", symbol="S/RES/2734 (2025)", adopted_on=TODAY - 200 * DAY, expires_on=EXPIRES, actor=clerk
    )


@pytest.fixture
def case(officer, clerk, mandate):
    """A case on the mandate, its own deadline far away: only the mandate's expiry is reminded of."""
    case = new_request(actor=clerk, state="HTI", officer=officer, mandate=mandate, summary="Support to the CEP.")
    return set_due(case, NOW + 400 * DAY)


def frozen_now():
    from django.utils import timezone

    return timezone.now()


def on_day(frozen, day):
    frozen.move_to(datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=datetime.UTC), tick=False)
    mail.outbox.clear()


def expiry_reminders():
    return sorted(Reminder.objects.filter(level=Level.MANDATE_EXPIRY).values_list("recipient", "status"))


def test_the_officer_and_the_focal_point_are_told_once_sixty_days_before(officer, case, frozen, run_sweep):
    on_day(frozen, EXPIRES - 61 * DAY)
    run_sweep()
    assert expiry_reminders() == []

    on_day(frozen, EXPIRES - 60 * DAY)
    run_sweep()
    assert outbox_to() == sorted([officer.email, *FOCAL_POINT])
    [to_officer] = [message for message in mail.outbox if message.to == [officer.email]]
    text = to_officer.body
    assert case.reference in text and "Haiti" in text
    assert "Mandate: S/RES/2734 (2025), expires on 14 Sep 2025 (the mandate expires in 60 days)" in text
    html = to_officer.alternatives[0][0]
    assert "S/RES/2734 (2025)" in html and case.reference in html

    for day in (EXPIRES - 59 * DAY, EXPIRES - DAY, EXPIRES):
        on_day(frozen, day)
        run_sweep()
        assert mail.outbox == [], day
    assert expiry_reminders() == sorted((to, Status.SENT) for to in [officer.email, *FOCAL_POINT])
    [event] = [e for e in reminder_events(case) if e["to"] == officer.email]
    assert (event["level"], event["mandate"]) == ("mandate_expiry", "S/RES/2734 (2025)")


def test_once_renewed_the_old_mandate_is_no_longer_reminded_of(officer, clerk, mandate, case, frozen, run_sweep):
    on_day(frozen, EXPIRES - 70 * DAY)
    renewal = Mandate(
        organ="security_council", symbol="S/RES/2790 (2025)", adopted_on=TODAY, expires_on=EXPIRES + 365 * DAY
    )
    renewal = mandate_services.record_renewal(actor=clerk, renewed=mandate, renewal=renewal)

    on_day(frozen, EXPIRES - 60 * DAY)
    run_sweep()
    assert mail.outbox == []
    # The renewal is reminded of in its turn, sixty days before it expires.
    on_day(frozen, renewal.expires_on - 60 * DAY)
    run_sweep()
    assert "S/RES/2790 (2025)" in next(m.body for m in mail.outbox if m.to == [officer.email])
    assert set(Reminder.objects.values_list("mandate__symbol", flat=True)) == {"S/RES/2790 (2025)"}


def test_a_reminder_claimed_before_the_renewal_is_not_sent_after_it(officer, clerk, mandate, case, frozen):
    on_day(frozen, EXPIRES - 60 * DAY)
    result = reminders.sweep(send=lambda claim, recipient: None)  # claimed; its digest not sent yet
    assert len(expiry_reminders()) == 3
    renewal = Mandate(organ="security_council", symbol="S/RES/2790 (2025)", adopted_on=TODAY, expires_on=None)
    mandate_services.record_renewal(actor=clerk, renewed=mandate, renewal=renewal)
    assert reminders.send_digest(claim=result.claim, recipient=officer.email) == 0
    assert mail.outbox == []
    assert Reminder.objects.get(recipient=officer.email).status == Status.CANCELLED


@pytest.mark.parametrize("ended", ["withdrawn", "unlinked"])
def test_a_case_that_no_longer_rests_on_the_mandate_is_not_reminded(
    officer, clerk, mandate, case, frozen, run_sweep, ended
):
    if ended == "withdrawn":
        services.withdraw(actor=officer, case=case, comment="Note verbale of 2 June.")
    else:
        replacement = new_mandate(state="HTI", actor=clerk)  # another mandate takes its place
        mandate_services.set_case_mandates(actor=officer, case=case, mandates=[replacement])
    on_day(frozen, EXPIRES - 60 * DAY)
    run_sweep()
    assert expiry_reminders() == []


def test_the_number_of_days_is_a_setting(settings, officer, case, frozen, run_sweep):
    settings.EAS_MANDATE_EXPIRY_REMINDER_DAYS = 30
    on_day(frozen, EXPIRES - 60 * DAY)
    run_sweep()
    assert expiry_reminders() == []
    on_day(frozen, EXPIRES - 30 * DAY)
    run_sweep()
    assert officer.email in outbox_to()
    assert set(Reminder.objects.values_list("days_before", flat=True)) == {30}


def test_a_case_without_an_officer_is_reminded_to_its_team_lead(clerk, mandate, frozen, run_sweep):
    lead = team_lead_of("HTI")
    case = new_request(actor=clerk, state="HTI", mandate=mandate)
    set_due(case, NOW + 400 * DAY)
    on_day(frozen, EXPIRES - 60 * DAY)
    run_sweep()
    assert outbox_to() == sorted([lead.email, *FOCAL_POINT])


def test_a_case_due_soon_and_its_mandate_expiring_are_two_lines_of_one_digest(officer, case, frozen, run_sweep):
    on_day(frozen, EXPIRES - 60 * DAY)
    set_due(case, frozen_now() + DAY)  # its own deadline tomorrow: warned
    run_sweep()
    [digest] = [message for message in mail.outbox if message.to == [officer.email]]
    assert digest.subject == "[EAS] 2 cases need your attention"
    assert digest.body.count(f"{case.reference} — Haiti") == 2
    assert "Mandate: S/RES/2734 (2025)" in digest.body and "Due:" in digest.body


def test_two_sweeps_never_claim_the_same_expiry_twice(officer, case, frozen):
    on_day(frozen, EXPIRES - 60 * DAY)
    planned = reminders.plan(now=frozen_now())
    reminders._insert_claims(planned, claim=reminders.uuid.uuid4(), now=frozen_now())
    reminders._insert_claims(planned, claim=reminders.uuid.uuid4(), now=frozen_now())  # a second sweep, same plan
    assert len(expiry_reminders()) == 3
    assert reminders.plan(now=frozen_now()) == []


def test_an_inactive_officer_is_replaced_by_the_team_lead(officer, case, frozen, run_sweep):
    lead = team_lead_of("HTI")
    type(officer).objects.filter(pk=officer.pk).update(is_active=False)
    on_day(frozen, EXPIRES - 60 * DAY)
    run_sweep()
    assert outbox_to() == sorted([lead.email, *FOCAL_POINT])
