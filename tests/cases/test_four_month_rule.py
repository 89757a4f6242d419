"""The four-month rule: the Department's guidance, not resolution 62/150 ("normally a request made less
than four months before election day cannot be accommodated"). It concerns assistance to an election
event (pre-electoral or electoral period), not long-term (whole-cycle) or post-electoral support."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from requests_app.cases import services
from requests_app.cases.choices import ElectoralPhase, Stage
from requests_app.cases.models import AssistanceRequest, Decision, Election
from requests_app.cases.workflow import is_short_notice, short_notice_rule_applies
from tests.cases.test_guards import TODAY, awaiting_decision, refuse, stage_of
from tests.factories import assist_params, new_request

pytestmark = pytest.mark.django_db

S = Stage


@pytest.fixture
def frozen(time_machine):
    """Pin today to 3 March 2025, as the guards' tests do."""
    time_machine.move_to(datetime.datetime(2025, 3, 3, 10, 0, tzinfo=datetime.UTC), tick=False)


# The Department's guidance (not resolution 62/150): "normally a request made less than four months
# before election day cannot be accommodated", for assistance to the election event only -------------


@pytest.mark.parametrize(
    ("election_after_receipt", "short"),
    [
        pytest.param(relativedelta(months=3), True, id="3-months"),
        pytest.param(relativedelta(months=4, days=-1), True, id="a-day-short-of-4-months"),
        pytest.param(relativedelta(months=4), False, id="4-months"),
        pytest.param(relativedelta(months=18), False, id="18-months"),
    ],
)
def test_a_request_less_than_four_months_before_election_day_is_short_notice(
    election_after_receipt, short, officer, frozen
):
    case = new_request(actor=officer)
    Election.objects.filter(case=case).update(planned_date=case.received_date + election_after_receipt)
    assert is_short_notice(case) is short


def test_short_notice_is_measured_to_the_first_election(officer, frozen):
    case = new_request(actor=officer, election_in_days=700)
    Election.objects.create(case=case, election_type="local", planned_date=case.received_date + relativedelta(months=2))
    assert is_short_notice(case)


def test_assisting_at_short_notice_needs_a_written_justification(officer, frozen):
    case = awaiting_decision(officer, election_on=TODAY + relativedelta(months=3))
    for justification in ("", "   "):
        message = refuse(
            services.record_decision, case, actor=officer, **assist_params(short_notice_justification=justification)
        )
        assert "less than four months before election day" in message
        assert "Department's guidance" in message
        assert "write the justification" in message
        assert "paragraph" not in message and "para " not in message


@pytest.mark.parametrize("phase", [ElectoralPhase.PRE_ELECTORAL, ElectoralPhase.ELECTORAL])
def test_the_four_month_rule_applies_to_assistance_for_the_election_event(phase, officer, frozen):
    case = awaiting_decision(officer, election_on=TODAY + relativedelta(months=3))
    assert short_notice_rule_applies(case)  # before the decision, it may
    message = refuse(services.record_decision, case, actor=officer, **assist_params(phase=phase))
    assert "Department's guidance" in message


@pytest.mark.parametrize("phase", [ElectoralPhase.POST_ELECTORAL, ElectoralPhase.WHOLE_CYCLE])
def test_post_electoral_or_whole_cycle_support_is_not_short_notice(phase, officer, frozen):
    case = awaiting_decision(officer, election_on=TODAY + relativedelta(months=3))
    assert is_short_notice(case)

    services.record_decision(actor=officer, case=case, **assist_params(phase=phase))

    fresh = AssistanceRequest.objects.get(pk=case.pk)
    assert fresh.stage == S.DECISION_COMMUNICATED
    assert Decision.objects.get(case=case).short_notice_justification == ""
    assert is_short_notice(fresh)  # the request still came late...
    assert not short_notice_rule_applies(fresh)  # ...but the rule does not concern this assistance


def test_the_four_month_rule_concerns_the_assistance_decided_for_the_election_event(officer, frozen):
    case = awaiting_decision(officer, election_on=TODAY + relativedelta(months=3))
    services.record_decision(
        actor=officer,
        case=case,
        **assist_params(phase=ElectoralPhase.ELECTORAL, short_notice_justification="Logistics only."),
    )
    assert short_notice_rule_applies(AssistanceRequest.objects.get(pk=case.pk))


def test_assisting_at_short_notice_with_a_justification_is_allowed(officer, frozen):
    case = awaiting_decision(officer, election_on=TODAY + relativedelta(months=3))
    why = "Only results-management advice, which the team can give in the time left."
    services.record_decision(actor=officer, case=case, **assist_params(short_notice_justification=why))
    assert stage_of(case) == S.DECISION_COMMUNICATED
    assert Decision.objects.get(case=case).short_notice_justification == why


# On the pages -------------------------------------------------------------------------------------


def decision_page(client, case):
    return client.get(reverse("workspace:case-action", args=[case.reference, "record_decision"]))


def test_the_justification_is_asked_for_only_when_a_rule_may_require_it(client, officer):
    client.force_login(officer)
    in_time = awaiting_decision(officer, election_on=timezone.localdate() + relativedelta(months=18))
    late = awaiting_decision(officer, election_on=timezone.localdate() + relativedelta(months=3))

    assert "short_notice_justification" not in decision_page(client, in_time).context["form"].fields
    form = decision_page(client, late).context["form"]
    help_text = str(form.fields["short_notice_justification"].help_text)
    assert "The Department's guidance" in help_text
    assert "not for post-electoral or whole-cycle support" in help_text
    assert "para" not in help_text


def test_the_case_page_warns_until_a_decision_says_the_assistance_is_not_for_the_election_event(client, officer):
    warning = "short notice: requested less than four months before election day (the Department’s guidance)"
    client.force_login(officer)
    post_electoral = awaiting_decision(officer, election_on=timezone.localdate() + relativedelta(months=3))
    electoral = awaiting_decision(officer, election_on=timezone.localdate() + relativedelta(months=3))
    page = reverse("workspace:case-detail", args=[post_electoral.reference])
    assert warning in client.get(page).content.decode()

    services.record_decision(actor=officer, case=post_electoral, **assist_params(phase=ElectoralPhase.POST_ELECTORAL))
    services.record_decision(
        actor=officer,
        case=electoral,
        **assist_params(phase=ElectoralPhase.ELECTORAL, short_notice_justification="Results management only."),
    )

    assert warning not in client.get(page).content.decode()
    assert warning in client.get(reverse("workspace:case-detail", args=[electoral.reference])).content.decode()
