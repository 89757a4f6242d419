"""The briefing to Member States (para 3): every figure against a history counted by hand, the page,
its three downloads read back (the PDF with pypdf), the command, and its fixed number of queries.

The history is made through the services, the clock moved by time-machine, so the events are
those the application writes. The period is the first quarter of 2026.
"""

import csv
import datetime
import io
import itertools
from collections import Counter, defaultdict
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from requests_app.cases import services
from requests_app.cases.choices import AssessmentMethod, DecisionOutcome, ImplementationModality, Origin, Stage
from requests_app.core import roles
from requests_app.history.models import CaseEvent
from requests_app.reference.models import MemberState
from requests_app.reports.briefing import Figures
from requests_app.reports.exports import _Writer, pdf_bytes
from requests_app.reports.forms import PeriodForm, day_start, last_quarter
from requests_app.reports.selectors import AFTER_DECISION, ANSWERED, BEFORE_DECISION, build_briefing
from tests.factories import (
    UserFactory,
    assist_params,
    assistance_type,
    attach_mission_report,
    complete_assessment,
    new_request,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
START, END = datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)
PAGE = reverse("workspace:briefing")
QUERY = "?from=2026-01-01&to=2026-03-31"


def day(text):
    return datetime.date.fromisoformat(text)


def F(received=0, assisted=0, narrowed=0, deferred=0, declined=0, withdrawn=0, pending=0):
    return Figures(received, assisted, narrowed, deferred, declined, withdrawn, pending)


# The history ----------------------------------------------------------------------------------


class Story:
    """Moves cases through the services at given moments."""

    def __init__(self, time_machine, actor):
        self.time_machine = time_machine
        self.actor = actor

    def at(self, when, hour=10, minute=0):
        moment = datetime.datetime.combine(day(when), datetime.time(hour, minute), tzinfo=UTC)
        self.time_machine.move_to(moment, tick=False)

    def register(self, when, state, **fields):
        self.at(when, *fields.pop("time", ()))
        return new_request(state=state, **fields)

    def ready(self, case, when):
        """Reviewed (unless a mandate), assessed and submitted for decision on the day ``when``."""
        self.at(when)
        if not case.is_mandate:
            case = services.start_review(actor=self.actor, case=case)
        case = services.start_assessment(actor=self.actor, case=case, method=AssessmentMethod.DESK_REVIEW)
        complete_assessment(case)
        return services.submit_assessment(actor=self.actor, case=case)

    def decide(self, case, when, outcome=DecisionOutcome.ASSIST, types=("voter-registration",), **fields):
        self.at(when)
        if outcome in (DecisionOutcome.ASSIST, DecisionOutcome.NARROW):
            params = assist_params(
                outcome=outcome, assistance_types=[assistance_type(code) for code in types], **fields
            )
        else:
            params = {"outcome": outcome, **fields}
        return services.record_decision(actor=self.actor, case=case, **params)

    def defer(self, case, when, until):
        return self.decide(case, when, DecisionOutcome.DEFER, reason="Elections postponed.", revisit_on=day(until))

    def implement(self, case, when, modality):
        self.at(when)
        return services.start_implementation(
            actor=self.actor, case=case, modality=modality, ends_on=day(when) + datetime.timedelta(days=120)
        )

    def close(self, case, when):
        self.at(when)
        case = services.start_reporting(actor=self.actor, case=case)
        attach_mission_report(case, actor=self.actor)
        return services.close_case(actor=self.actor, case=case)

    def withdraw(self, case, when):
        self.at(when)
        return services.withdraw(actor=self.actor, case=case, comment="Note verbale withdrawing the request.")

    def decline_at_review(self, case, when):
        self.at(when)
        case = services.start_review(actor=self.actor, case=case)
        return services.decline_request(actor=self.actor, case=case, comment="Signed by a political party.")


@pytest.fixture
def history(time_machine, officer):
    """Cases before, in and after the first quarter of 2026. What each adds to the quarter is
    written beside it; ``move_on()`` takes cases further after the quarter."""
    s = Story(time_machine, officer)
    c = SimpleNamespace()

    # Before the quarter.
    # Ghana: assisted in 2025, implementation starts in the quarter, withdrawn in it (after assistance).
    c.gha_old = s.ready(s.register("2025-11-03", "GHA"), "2025-11-10")
    c.gha_old = s.decide(c.gha_old, "2025-12-01", types=("voter-registration", "training"))
    # Peru: withdrawn before the quarter: nothing.
    s.withdraw(s.register("2025-10-01", "PER"), "2025-12-15")
    # Kenya: assisted, implemented and closed before the quarter: nothing, not even under way.
    kenya_closed = s.decide(s.ready(s.register("2025-09-01", "KEN"), "2025-09-10"), "2025-10-01")
    kenya_closed = s.implement(kenya_closed, "2025-10-15", ImplementationModality.UNDP_PROJECT)
    s.close(kenya_closed, "2025-12-20")
    # Ukraine: under review since June 2025: pending.
    services.start_review(actor=officer, case=s.register("2025-06-01", "UKR"))
    # Nepal: awaiting decision since December; deferred twice in the quarter: deferred 1, pending.
    c.npl = s.ready(s.register("2025-12-10", "NPL"), "2025-12-20")
    # Kenya: submitted in December, assisted in the quarter: assisted 1 (training).
    c.ken = s.ready(s.register("2025-12-01", "KEN"), "2025-12-15")

    # In the quarter.
    c.npl = s.defer(c.npl, "2026-01-15", until="2026-02-15")
    c.npl = s.defer(c.npl, "2026-02-20", until="2026-04-15")
    c.ken = s.decide(c.ken, "2026-01-05", types=("training",))
    c.ken = s.implement(c.ken, "2026-01-20", ImplementationModality.ROSTER_EXPERTS)
    c.gha_old = s.implement(c.gha_old, "2026-02-02", ImplementationModality.UNDP_PROJECT)
    c.gha_old = s.withdraw(c.gha_old, "2026-03-20")
    # Côte d'Ivoire: a request assisted (voter registration, logistics) and a Security Council
    # mandate assisted with a narrowed scope (results management): received 2, assisted 1, narrowed 1.
    c.civ = s.decide(
        s.ready(s.register("2026-01-10", "CIV"), "2026-01-20"), "2026-02-10", types=("voter-registration", "logistics")
    )
    mandate = s.register("2026-01-20", "CIV", origin=Origin.SECURITY_COUNCIL, requesting_authority="Security Council")
    s.decide(
        s.ready(mandate, "2026-02-01"),
        "2026-03-05",
        DecisionOutcome.NARROW,
        types=("results-management",),
        scope="Results management only.",
    )
    # Türkiye: one declined at review, one declined after its assessment: received 2, declined 2.
    s.decline_at_review(s.register("2026-02-01", "TUR"), "2026-02-05")
    s.decide(
        s.ready(s.register("2026-02-10", "TUR"), "2026-02-20"),
        "2026-03-10",
        DecisionOutcome.DECLINE,
        reason="No conditions for a credible election.",
    )
    # Peru: one withdrawn in the quarter, one still waiting at its end: received 2, withdrawn 1, pending 1.
    s.withdraw(s.register("2026-03-01", "PER"), "2026-03-15")
    c.per = s.register("2026-03-20", "PER")
    # Ghana: registered in the last minute of the quarter: received 1, pending 1.
    c.gha_last = s.register("2026-03-31", "GHA", time=(23, 59))

    def move_on():
        """After the quarter: none of this may change its report."""
        s.register("2026-04-01", "GHA", time=(0, 0))
        s.decide(c.npl, "2026-04-20", types=("logistics",))
        s.decline_at_review(c.per, "2026-04-05")
        s.implement(c.civ, "2026-04-10", ImplementationModality.OTHER)
        s.withdraw(c.gha_last, "2026-04-12")
        s.at("2026-05-04")

    c.move_on = move_on
    s.at("2026-04-01", 9)
    return c


EXPECTED_STATES = {
    "CIV": F(received=2, assisted=1, narrowed=1),
    "GHA": F(received=1, withdrawn=1, pending=1),
    "KEN": F(assisted=1),
    "NPL": F(deferred=1, pending=1),
    "PER": F(received=2, withdrawn=1, pending=1),
    "TUR": F(received=2, declined=2),
    "UKR": F(pending=1),
}
EXPECTED_REGIONS = {
    "AFRICAN": F(received=3, assisted=2, narrowed=1, withdrawn=1, pending=1),
    "ASIA_PACIFIC": F(deferred=1, pending=1),
    "EASTERN_EUROPEAN": F(pending=1),
    "LATIN_AMERICAN_CARIBBEAN": F(received=2, withdrawn=1, pending=1),
    "WESTERN_EUROPEAN_OTHERS": F(received=2, declined=2),
}
EXPECTED_TOTALS = F(received=7, assisted=2, narrowed=1, deferred=1, declined=2, withdrawn=2, pending=4)
# (requests assisted, Member States, per regional group)
EXPECTED_TYPES = {
    "voter-registration": (1, 1, {"AFRICAN": 1}),
    "logistics": (1, 1, {"AFRICAN": 1}),
    "results-management": (1, 1, {"AFRICAN": 1}),
    "training": (1, 1, {"AFRICAN": 1}),
}
# (name, decisions to assist in the quarter, assistance under way, types decided in the quarter)
EXPECTED_ASSISTED = [
    ("Côte d'Ivoire", 2, 2, ["Voter registration", "Electoral logistics", "Results management"]),
    ("Ghana", 0, 1, []),
    ("Kenya", 1, 1, ["Training of electoral staff"]),
]


# Figures --------------------------------------------------------------------------------------


@pytest.mark.parametrize("read", ["forward", "backward"])
def test_every_figure_of_the_briefing_matches_the_hand_count(history, read):
    history.move_on()
    report = build_briefing(START, END, read=read)

    assert report.totals == EXPECTED_TOTALS
    assert report.declined_at_review == 1
    assert {iso3: state.figures for iso3, state in report.by_state.items()} == EXPECTED_STATES
    assert [state.name for state in report.by_state.values()] == [
        "Côte d'Ivoire",
        "Ghana",
        "Kenya",
        "Nepal",
        "Peru",
        "Türkiye",
        "Ukraine",
    ], "by name, accents aside"
    assert report.by_region == EXPECTED_REGIONS
    assert report.states_requesting == 4

    assert report.by_origin == {
        Origin.GOVERNMENT: 6,
        Origin.ELECTORAL_BODY: 0,
        Origin.OTHER_BODY: 0,
        Origin.SECURITY_COUNCIL: 1,
        Origin.GENERAL_ASSEMBLY: 0,
    }
    assert report.by_modality == {
        ImplementationModality.UNDP_PROJECT: 1,
        ImplementationModality.MISSION_COMPONENT: 0,
        ImplementationModality.ROSTER_EXPERTS: 1,
        ImplementationModality.OTHER: 0,
    }
    types = {code: (row.requests, row.states, row.per_region) for code, row in report.by_type.items() if row.requests}
    assert types == EXPECTED_TYPES
    assert len(report.by_type) == 17, "every type is listed, those not provided with zeros"
    assert report.decisions_to_assist == 3
    assert [(s.name, s.decided_to_assist, s.under_way, s.types) for s in report.states_assisted] == EXPECTED_ASSISTED
    assert dict(report.summary()) == {
        "Requests received": 7,
        "Member States that made a request": 4,
        "Assisted": 2,
        "Assisted with a narrowed scope": 1,
        "Deferred": 1,
        "Declined": 2,
        "of which declined at review as ineligible": 1,
        "Withdrawn by the requesting state": 2,
        "Pending at the end of the period": 4,
        "Member States assisted": 3,
    }


def test_a_past_period_stays_the_same_when_its_cases_move_on(history):
    before = build_briefing(START, END, now=datetime.datetime(2026, 4, 1, tzinfo=UTC))
    history.move_on()
    after = build_briefing(START, END, now=datetime.datetime(2026, 4, 1, tzinfo=UTC))
    assert after == before
    # The next quarter sees what moved on.
    second = build_briefing(datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    # Ukraine still waits, and so does Ghana's request of 1 April.
    assert second.totals == F(received=1, assisted=1, declined=1, withdrawn=1, pending=2)
    assert second.by_modality[ImplementationModality.OTHER] == 1


def read_forward(start, end):
    """What was pending at ``end`` and under way from ``start`` to ``end``, per Member State, from the
    events up to ``end`` alone, case by case: the definition the report reads back from today."""
    since, until = day_start(start), day_start(end + datetime.timedelta(days=1))
    seen = defaultdict(lambda: {"registered": False, "answered": False, "assisted": False, "ended": False})
    events = CaseEvent.objects.filter(created_at__lt=until).values_list(
        "case_id", "case__member_state__iso3", "action", "from_stage", "to_stage", "created_at"
    )
    for case_id, iso3, action, from_stage, to_stage, created_at in events:
        case = seen[case_id, iso3]
        case["registered"] |= action == "registered"
        case["answered"] |= from_stage in BEFORE_DECISION and to_stage in ANSWERED
        case["assisted"] |= action == "record_decision" and to_stage == Stage.DECISION_COMMUNICATED
        case["ended"] |= created_at < since and (
            action == "close" or (action == "withdraw" and from_stage in AFTER_DECISION)
        )
    pending, under_way = Counter(), Counter()
    for (_case_id, iso3), case in seen.items():
        pending[iso3] += case["registered"] and not case["answered"]
        under_way[iso3] += case["assisted"] and not case["ended"]
    return +pending, +under_way


DAYS = [
    "2025-06-01",
    "2025-09-01",
    "2025-10-01",
    "2025-12-01",
    "2025-12-15",
    "2025-12-20",
    "2026-01-01",
    "2026-01-05",
    "2026-02-15",
    "2026-03-20",
    "2026-03-31",
    "2026-04-01",
    "2026-04-12",
    "2026-05-04",
]


@pytest.mark.parametrize("read", ["forward", "backward"])
def test_both_ways_of_reading_the_history_give_what_it_says_up_to_the_period_end(history, read):
    history.move_on()
    for first, last in itertools.combinations_with_replacement(DAYS, 2):
        start, end = day(first), day(last)
        report = build_briefing(start, end, read=read)
        pending = {state.iso3: state.figures.pending for state in report.by_state.values() if state.figures.pending}
        under_way = {state.iso3: state.under_way for state in report.states_assisted if state.under_way}
        assert (pending, under_way) == read_forward(start, end), (first, last)


def test_the_days_of_the_period_are_both_included(history):
    assert build_briefing(day("2026-03-31"), day("2026-03-31")).totals == F(received=1, pending=4)
    assert build_briefing(day("2026-01-05"), day("2026-01-05")).totals.assisted == 1
    # Before Kenya's decision of 5 January: nothing received or answered; Ukraine, Nepal and Kenya wait.
    assert build_briefing(day("2026-01-01"), day("2026-01-04")).totals == F(pending=3)


def test_the_period_is_read_in_the_current_time_zone(history, settings):
    # 23:59 UTC on 31 March is already 1 April in Nairobi (UTC+3).
    settings.TIME_ZONE = "Africa/Nairobi"
    assert build_briefing(START, END).by_state["GHA"].figures.received == 0
    assert build_briefing(day("2026-04-01"), day("2026-04-01")).by_state["GHA"].figures.received == 1


def test_an_empty_period(db):
    report = build_briefing(START, END)
    assert report.totals == F()
    assert report.by_state == {} and report.states_assisted == []
    assert all(not figures for figures in report.by_region.values())


def test_the_number_of_queries_does_not_grow_with_the_cases(history, django_assert_num_queries, time_machine, officer):
    # Six reading forward (a period in the older half of the history), seven backward.
    old, recent = (day("2025-07-01"), day("2025-09-30")), (START, END)
    for (start, end), queries in ((old, 6), (recent, 7)):
        with django_assert_num_queries(queries):
            build_briefing(start, end)
    story = Story(time_machine, officer)
    for iso3 in ("FRA", "GHA", "KEN", "PER", "NPL", "UKR"):
        for _ in range(3):
            ready = story.ready(story.register("2025-08-14", iso3), "2025-09-01")
            story.decide(ready, "2026-02-14", types=("logistics", "training"))
            story.register("2026-02-14", iso3)
    story.at("2026-04-01")
    for (start, end), queries in ((old, 6), (recent, 7)):
        with django_assert_num_queries(queries):
            report = build_briefing(start, end)
    assert report.totals.received == 7 + 18 and report.totals.assisted == 2 + 18


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_the_briefing_reads_as_of_one_moment(time_machine):
    time_machine.move_to(datetime.datetime(2026, 2, 2, 10, 0, tzinfo=UTC), tick=False)
    new_request(state="CIV")
    with CaptureQueriesContext(connection) as captured:
        report = build_briefing(START, END)
    assert report.totals == F(received=1, pending=1)
    if connection.vendor == "postgresql":
        # After the Member States and the types, first in its transaction (else PostgreSQL refuses it).
        sqls = [query["sql"] for query in captured.captured_queries]
        before = sqls[: sqls.index("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")]
        assert [sql for sql in before if sql != "BEGIN"] == sqls[:2]


# The period -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, error",
    [
        ({"from": "2026-13-01", "to": "2026-03-31"}, "This is not a date"),
        ({"from": "yesterday", "to": "2026-03-31"}, "This is not a date"),
        ({"from": "2026-03-31", "to": "2026-01-01"}, "ends before it starts"),
        ({"from": "2026-01-01"}, "last day of the period"),
        ({"to": "2026-01-01"}, "first day of the period"),
        ({"from": "2031-01-01", "to": "2031-03-31"}, "has not begun yet"),
    ],
)
def test_a_bad_period_is_refused_with_a_reason(data, error):
    form = PeriodForm(data, today=datetime.date(2026, 5, 4))
    assert not form.is_valid()
    assert error in str(form.errors)


def test_the_default_period_is_the_last_complete_quarter():
    assert last_quarter(datetime.date(2026, 5, 4)) == (START, END)
    assert last_quarter(datetime.date(2026, 1, 1)) == (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))
    form = PeriodForm({}, today=datetime.date(2026, 5, 4))
    assert form.is_valid() and form.period == (START, END)


# The page -------------------------------------------------------------------------------------


def focal_point():
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=roles.FOCAL_POINT))
    return user


def test_the_page_needs_the_briefing_permission(client, officer):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(officer)  # may move every case, but not see the briefing
    for url in (PAGE, PAGE + QUERY, reverse("workspace:briefing-csv"), reverse("workspace:briefing-pdf")):
        assert client.get(url).status_code == 403
    assert "Briefing" not in client.get(reverse("workspace:dashboard")).content.decode()


@pytest.mark.parametrize("role", [roles.FOCAL_POINT, roles.TEAM_LEAD, roles.AUDITOR, roles.FINANCE])
def test_the_roles_that_brief_see_the_page(client, role):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    assert client.get(PAGE).status_code == 200


def test_the_page_shows_the_figures_of_the_period(client, history):
    history.move_on()
    client.force_login(focal_point())
    response = client.get(PAGE + QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["briefing"].totals == EXPECTED_TOTALS
    assert "1 Jan 2026 – 31 Mar 2026" in html
    assert "Côte d&#x27;Ivoire" in html and "Türkiye" in html
    assert "Pending at the end of the period" in html and "How the figures are counted" in html
    for kind in ("csv", "xlsx", "pdf"):
        assert f'href="{reverse(f"workspace:briefing-{kind}")}?from=2026-01-01&amp;to=2026-03-31"' in html
    assert 'aria-current="page">Briefing</a>' in html
    assert "This period is not over" not in html


def test_the_page_defaults_to_the_last_complete_quarter(client, history):
    history.move_on()  # the clock stops on 4 May 2026
    client.force_login(focal_point())
    response = client.get(PAGE)
    assert response.status_code == 200
    assert (response.context["briefing"].start, response.context["briefing"].end) == (START, END)
    assert 'value="2026-01-01"' in response.content.decode()


def test_a_period_not_over_says_so(client, history):
    history.move_on()
    client.force_login(focal_point())
    response = client.get(PAGE + "?from=2026-04-01&to=2026-06-30")
    assert response.status_code == 200
    assert "This period is not over yet" in response.content.decode()


@pytest.mark.parametrize(
    "query, message",
    [
        ("?from=2026-02-30&to=2026-03-31", "This is not a date"),
        ("?from=2026-03-31&to=2026-01-01", "ends before it starts"),
        ("?from=%01&to=x", "This is not a date"),  # a NUL is refused before any page (test_hostile_input)
        ("?from=99999-01-01&to=2026-01-01", "This is not a date"),
    ],
)
def test_a_bad_period_gives_a_message_not_an_error(client, query, message):
    client.force_login(focal_point())
    for url in (
        PAGE,
        reverse("workspace:briefing-csv"),
        reverse("workspace:briefing-xlsx"),
        reverse("workspace:briefing-pdf"),
    ):
        response = client.get(url + query)
        assert response.status_code == 400
        assert message in response.content.decode()


def test_the_last_day_of_the_calendar_is_no_error(client):
    client.force_login(focal_point())
    assert client.get(PAGE + "?from=2026-01-01&to=9999-12-31").status_code == 200


# Downloads ------------------------------------------------------------------------------------


def download(client, kind, query=QUERY):
    client.force_login(focal_point())
    response = client.get(reverse(f"workspace:briefing-{kind}") + query)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (f'attachment; filename="eas-briefing-2026-01-01-to-2026-03-31.{kind}"')
    return response


def csv_sections(content):
    """The CSV's blocks (separated by an empty line) by their first line."""
    assert content.startswith("\ufeff".encode()), "without a BOM Excel garbles accented names"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sections, current = {}, []
    for row in rows + [[]]:
        if row:
            current.append(row)
        elif current:
            sections[current[0][0]] = current[1:]
            current = []
    return sections


def figures_of(cells):
    return F(*(int(cell) for cell in cells))


def test_the_csv_holds_every_figure(client, history):
    history.move_on()
    sections = csv_sections(download(client, "csv").content)
    assert sections["Electoral assistance: briefing to Member States"][:2] == [
        ["From", "2026-01-01"],
        ["To", "2026-03-31"],
    ]

    header, *rows, total = sections["Requests and responses by Member State"]
    assert header == [
        "Member State",
        "Regional group",
        "Requests received",
        "Assisted",
        "Assisted, narrowed scope",
        "Deferred",
        "Declined",
        "Withdrawn",
        "Pending at the end of the period",
    ]
    names = {state.name: state.iso3 for state in MemberState.objects.all()}
    assert {names[row[0]]: figures_of(row[2:]) for row in rows} == EXPECTED_STATES
    assert total[0] == "Total" and figures_of(total[2:]) == EXPECTED_TOTALS

    header, *rows, total = sections["Requests and responses by regional group"]
    assert [row[0] for row in rows] == [
        "African States",
        "Asia-Pacific States",
        "Eastern European States",
        "Latin American and Caribbean States",
        "Western European and other States",
    ]
    assert [figures_of(row[1:]) for row in rows] == list(EXPECTED_REGIONS.values())
    assert figures_of(total[1:]) == EXPECTED_TOTALS

    _header, *rows = sections["Nature of the assistance decided, by type"]
    by_type = {row[0]: [int(cell) for cell in row[1:]] for row in rows}
    assert by_type["Voter registration"] == [1, 1, 1, 0, 0, 0, 0]
    assert by_type["Training of electoral staff"] == [1, 1, 1, 0, 0, 0, 0]
    assert by_type["Observation"] == [0, 0, 0, 0, 0, 0, 0]

    _header, *rows, total = sections["Member States assisted in the period"]
    assert rows == [
        ["Côte d'Ivoire", "African States", "2", "2", "Voter registration, Electoral logistics, Results management"],
        ["Ghana", "African States", "0", "1", ""],
        ["Kenya", "African States", "1", "1", "Training of electoral staff"],
    ]
    assert dict(sections["Key figures"][1:])["Pending at the end of the period"] == "4"
    assert dict(sections["Requests received by origin"][1:])["Security Council mandate"] == "1"
    assert dict(sections["Implementation started in the period, by modality"][1:])["UNDP project"] == "1"
    assert "Pending at the end of the period" in dict(sections["How the figures are counted"])


def test_the_downloads_neutralise_formulas_in_names(client, history):
    MemberState.objects.filter(iso3="PER").update(name='=HYPERLINK("http://evil")')
    rows = csv_sections(download(client, "csv").content)["Requests and responses by Member State"]
    assert [row[0] for row in rows if "HYPERLINK" in row[0]] == ['\'=HYPERLINK("http://evil")']
    book = load_workbook(io.BytesIO(download(client, "xlsx").content))
    cells = [cell for row in book["Member States"].iter_rows() for cell in row if "HYPERLINK" in str(cell.value)]
    assert [(cell.value, cell.data_type) for cell in cells] == [('\'=HYPERLINK("http://evil")', "s")]


def test_the_workbook_has_a_sheet_per_part(client, history):
    history.move_on()
    book = load_workbook(io.BytesIO(download(client, "xlsx").content))
    assert book.sheetnames == [
        "Key figures",
        "Regional groups",
        "Member States",
        "Origins",
        "Types of assistance",
        "Implementation",
        "States assisted",
    ]
    summary = book["Key figures"]
    assert summary["A1"].value == "Electoral assistance: briefing to Member States" and summary["A1"].font.b
    figures = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row and isinstance(row[1], int)}
    assert figures["Requests received"] == 7 and figures["Pending at the end of the period"] == 4

    sheet = book["Member States"]
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if row[0] == "Member State")
    assert all(cell.font.b for cell in sheet[header_at + 1])
    assert sheet.freeze_panes == f"A{header_at + 2}"
    assert sheet.column_dimensions["A"].width >= 30
    states = {row[0]: F(*row[2:]) for row in rows[header_at + 1 : -1]}
    names = {state.name: state.iso3 for state in MemberState.objects.all()}
    assert {names[name]: figures for name, figures in states.items()} == EXPECTED_STATES
    assert rows[-1][0] == "Total" and F(*rows[-1][2:]) == EXPECTED_TOTALS
    assert all(cell.font.b for cell in sheet[sheet.max_row])

    types = {row[0]: row[1:] for row in book["Types of assistance"].iter_rows(values_only=True) if row[0]}
    assert types["Results management"] == (1, 1, 1, 0, 0, 0, 0)
    assisted = [row for row in book["States assisted"].iter_rows(values_only=True)]
    assert ("Kenya", "African States", 1, 1, "Training of electoral staff") in assisted


def pdf_text(content):
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_reads_back_with_every_part(client, history):
    history.move_on()
    # A name outside Latin-1, as a state name or a translated label may be.
    MemberState.objects.filter(iso3="UKR").update(name="Україна (Ukraine)")
    response = download(client, "pdf")
    assert response["Content-Type"] == "application/pdf"
    reader, text = pdf_text(response.content)
    assert reader.metadata.title == "Electoral assistance: briefing to Member States"
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.1)  # A4
    assert reader.pages[0].mediabox.height == pytest.approx(841.89, abs=0.1)
    assert "Electoral assistance: briefing to Member States" in text
    assert "Period: 1 Jan 2026 – 31 Mar 2026, both days included." in text
    for name in ("Côte d'Ivoire", "Türkiye", "Україна (Ukraine)", "Kenya", "Nepal", "Peru", "Ghana"):
        assert name in text
    for title in (
        "Key figures",
        "Requests and responses by regional group",
        "Requests and responses by Member State",
        "Requests received by origin",
        "Nature of the assistance decided, by type",
        "Implementation started in the period, by modality",
        "Member States assisted in the period",
        "How the figures are counted",
    ):
        assert title in text
    pages = len(reader.pages)
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text


def test_the_pdf_tables_hold_the_figures(history):
    history.move_on()
    _reader, text = pdf_text(pdf_bytes(build_briefing(START, END)))
    lines = [line.strip() for line in text.splitlines()]
    # A table row is one line (or more, where a long name wraps): the name, then the figures.
    assert "Western European and other States 2 0 0 0 2 0 0" in lines  # by regional group
    assert "All Member States 7 2 1 1 2 2 4" in lines
    assert "Côte d'Ivoire African States 2 1 1 0 0 0 0" in lines  # by Member State
    assert "Ghana African States 1 0 0 0 0 1 1" in lines
    assert "Nepal Asia-Pacific States 0 0 0 1 0 0 1" in lines
    assert "Total 7 2 1 1 2 2 4" in lines
    assert "Pending at the end of the period 4" in lines  # key figures
    assert "Security Council mandate 1" in lines  # by origin
    assert "Training of electoral staff 1 1 1 0 0 0 0" in lines  # by type
    assert "Experts from the roster 1" in lines  # by modality
    assert "Kenya African States 1 1 Training of electoral staff" in lines  # states assisted
    assert "Ghana African States 0 1" in lines


def test_the_pdf_writes_what_its_font_lacks_without_failing(history):
    writer = _Writer(build_briefing(START, END))
    assert writer.text("Türkiye — Україна") == "Türkiye — Україна"
    assert writer.text("東京 Tōkyō") == "?? Tōkyō"
    MemberState.objects.filter(iso3="NPL").update(name="नेपाल Nepal")
    _reader, text = pdf_text(pdf_bytes(build_briefing(START, END)))
    assert "Nepal" in text


def test_without_its_unicode_font_the_pdf_falls_back_to_latin_1(history, monkeypatch):
    from requests_app.reports import exports as briefing_export

    monkeypatch.setattr(briefing_export, "_font_files", lambda: {})
    MemberState.objects.filter(iso3="UKR").update(name="Україна (Ukraine)")
    _reader, text = pdf_text(pdf_bytes(build_briefing(START, END)))
    assert "Period: 1 Jan 2026 - 31 Mar 2026" in text
    assert "Côte d'Ivoire" in text and "Türkiye" in text and "??????? (Ukraine)" in text


# The command ----------------------------------------------------------------------------------


def test_the_command_writes_each_format(history, tmp_path):
    history.move_on()
    out = io.StringIO()
    call_command(
        "briefing",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--format",
        "pdf",
        "--output",
        str(tmp_path / "q1.pdf"),
        stdout=out,
    )
    assert "written to" in out.getvalue()
    _reader, text = pdf_text((tmp_path / "q1.pdf").read_bytes())
    assert "Côte d'Ivoire" in text and "Total 7 2 1 1 2 2 4" in text

    call_command(
        "briefing",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--output",
        str(tmp_path / "q1.xlsx"),
        stdout=io.StringIO(),
    )
    book = load_workbook(tmp_path / "q1.xlsx")
    assert book["Member States"]["A4"].value == "Côte d'Ivoire"

    out = io.StringIO()
    call_command(
        "briefing", "--from", "2026-01-01", "--to", "2026-03-31", "--format", "csv", "--output", "-", stdout=out
    )
    sections = csv_sections(("\ufeff" + out.getvalue()).encode())
    assert figures_of(sections["Requests and responses by Member State"][-1][2:]) == EXPECTED_TOTALS


def test_the_command_defaults_to_the_last_quarter_and_a_named_file(history, tmp_path, monkeypatch):
    history.move_on()
    monkeypatch.chdir(tmp_path)
    call_command("briefing", "--format", "csv", stdout=io.StringIO())
    content = (tmp_path / "eas-briefing-2026-01-01-to-2026-03-31.csv").read_bytes()
    assert figures_of(csv_sections(content)["Requests and responses by regional group"][-1][1:]) == EXPECTED_TOTALS


@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "2026-02-30", "--to", "2026-03-31", "--format", "pdf"], "--from: This is not a date"),
        (["--from", "2026-03-31", "--to", "2026-01-01", "--format", "pdf"], "ends before it starts"),
        (["--from", "2026-01-01", "--format", "pdf"], "last day of the period"),
        (["--format", "docx"], "Unknown format 'docx'"),
        (["--output", "briefing"], "Give the format"),
        (["--output", "briefing.txt"], "Unknown format 'txt'"),
        (["--format", "pdf", "--output", "-"], "cannot go to standard output"),
        (
            ["--format", "pdf", "--output", "/nonexistent-dir/briefing.pdf"],
            "Cannot write /nonexistent-dir/briefing.pdf",
        ),
    ],
)
def test_the_command_refuses_bad_arguments_with_a_reason(db, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("briefing", *args, stdout=io.StringIO())
