"""The Secretary-General's report to the General Assembly on electoral assistance, every two years
(resolution 62/150): the States and territories assisted in the period, by basis, region and type of
assistance; the requests received and their outcome, mandates and letters not considered apart;
new engagements and continuing ones; and cumulative figures since a start year
(EAS_SG_REPORT_START_YEAR).

It is counted from the cases as they stand when it is made (``selectors_sg.case_rows``), so each
of its tables can be checked against the case list: the requests received in the period are the
cases listed with "Received from" and "Received until" set to the period, by basis and stage.
The page, the downloads (the briefing's exports) and ``manage.py briefing --report sg`` use it.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app.cases.choices import Basis, Stage
from requests_app.core.written_dates import long_date
from requests_app.reference.models import RegionalGroup
from requests_app.reports.briefing import Column, StateFigures, Table, period_text

TITLE = _("Electoral assistance: report of the Secretary-General")

# The outcome of a request received, from the stage its case is in: (key, label, stages).
OUTCOMES = [
    (
        "assisted",
        _("Assistance decided (under way or completed)"),
        [Stage.DECISION_COMMUNICATED, Stage.IN_IMPLEMENTATION, Stage.REPORTING, Stage.CLOSED],
    ),
    ("declined", _("Declined"), [Stage.DECLINED]),
    ("withdrawn", _("Withdrawn by the requesting State"), [Stage.WITHDRAWN]),
    (
        "pending",
        _("Still under consideration"),
        [Stage.RECEIVED, Stage.UNDER_REVIEW, Stage.NEEDS_ASSESSMENT, Stage.AWAITING_DECISION],
    ),
]
BASIS_ORDER = [Basis.REQUEST, Basis.BOTH, Basis.MANDATE]


def basis_labels():
    return {
        Basis.REQUEST: gettext("A request"),
        Basis.BOTH: gettext("A request and a mandate"),
        Basis.MANDATE: gettext("A Security Council or General Assembly mandate"),
    }


@dataclass
class CaseRow:
    """One case as the report reads it."""

    pk: int
    iso3: str
    name: str
    region: str
    status: str
    received: datetime.date
    basis: str
    stage: str
    follows: int | None = None
    assisted_from: datetime.date | None = None  # the day of its first decision to assist
    assisted_until: datetime.date | None = None  # the day its assistance ended (closed, withdrawn)
    types: list = field(default_factory=list)

    def assisted_during(self, start, end):
        """Assistance decided by ``end`` and not ended before ``start``."""
        return (
            self.assisted_from is not None
            and self.assisted_from <= end
            and (self.assisted_until is None or self.assisted_until >= start)
        )


@dataclass
class StateAssisted:
    state: StateFigures  # for its name and region labels
    cases: list
    basis: str
    continuing: bool
    types: list


@dataclass
class SgReport:
    start: datetime.date
    end: datetime.date
    generated_at: datetime.datetime
    cumulative_since: datetime.date
    cases: list  # every CaseRow
    type_order: list  # the names of the types of assistance, in their order
    not_considered: int = 0
    not_considered_since: int = 0

    title = TITLE
    from_cases_as_they_stand = True  # not from the histories, as the briefing is: it reconciles with the case list

    @property
    def is_complete(self):
        return self.end < datetime.date.fromordinal(self.generated_at.toordinal())

    # What is counted ------------------------------------------------------------------------

    def received(self, start=None):
        """The requests and mandates received from ``start`` (the period's by default) to the end."""
        start = self.start if start is None else start
        return [case for case in self.cases if start <= case.received <= self.end]

    def assisted_cases(self, start=None):
        start = self.start if start is None else start
        return [case for case in self.cases if case.assisted_during(start, self.end)]

    def states_assisted(self, start=None):
        """The States and territories assisted, by name: whether new or continuing (see definitions)."""
        start = self.start if start is None else start
        earlier = {case.iso3 for case in self.cases if case.assisted_from is not None and case.assisted_from < start}
        per_state: dict[str, list] = {}
        for case in self.assisted_cases(start):
            per_state.setdefault(case.iso3, []).append(case)
        states = []
        for cases in per_state.values():
            first = cases[0]
            bases = {case.basis for case in cases}
            states.append(
                StateAssisted(
                    state=StateFigures(iso3=first.iso3, name=first.name, region=first.region, status=first.status),
                    cases=cases,
                    basis=Basis.of(
                        has_request=bool(bases & {Basis.REQUEST, Basis.BOTH}),
                        has_mandate=bool(bases & {Basis.MANDATE, Basis.BOTH}),
                    ),
                    continuing=first.iso3 in earlier or any(case.follows is not None for case in cases),
                    types=[name for name in self.type_order if any(name in case.types for case in cases)],
                )
            )
        return sorted(states, key=lambda row: row.state.name.casefold())

    def outcomes(self):
        """{outcome key: Counter of basis -> requests received in the period}."""
        stage_outcome = {stage: key for key, _label, stages in OUTCOMES for stage in stages}
        counts: dict[str, Counter] = {key: Counter() for key, _label, _stages in OUTCOMES}
        for case in self.received():
            counts[stage_outcome[case.stage]][case.basis] += 1
        return counts

    # The tables -----------------------------------------------------------------------------

    def tables(self):
        states = self.states_assisted()
        return [
            self._summary_table(states),
            self._basis_table(states),
            self._region_table(states),
            self._type_table(states),
            self._engagement_table(states),
            self._outcome_table(),
            self._cumulative_table(states),
            self._assisted_table(states),
        ]

    def _two_counts(self, first, title, key, sheet, rows, note="", total=True):
        columns = [
            Column(first, width=44),
            Column(gettext("States and territories"), numeric=True),
            Column(gettext("Cases assisted"), numeric=True),
        ]
        total_row = [gettext("Total"), sum(row[1] for row in rows), sum(row[2] for row in rows)] if total else None
        return Table(key=key, sheet=sheet, title=title, note=note, columns=columns, rows=rows, total=total_row)

    def _summary_table(self, states):
        received = Counter(case.basis for case in self.received())
        continuing = sum(1 for state in states if state.continuing)
        rows = [
            [gettext("States and territories assisted in the period"), len(states)],
            [gettext("of which new engagements"), len(states) - continuing],
            [gettext("of which continuing engagements"), continuing],
            [gettext("Requests received (with or without a mandate)"), received[Basis.REQUEST] + received[Basis.BOTH]],
            [gettext("Mandates without a request (apart)"), received[Basis.MANDATE]],
            [gettext("Letters not considered: not requests (apart)"), self.not_considered],
        ]
        return Table(
            key="summary",
            sheet=gettext("Key figures"),
            title=gettext("Key figures"),
            note="",
            columns=[Column(gettext("Figure"), width=44), Column(gettext("Number"), numeric=True, width=10)],
            rows=rows,
        )

    def _basis_table(self, states):
        labels = basis_labels()
        rows = [
            [
                labels[basis],
                sum(1 for state in states if state.basis == basis),
                sum(1 for case in self.assisted_cases() if case.basis == basis),
            ]
            for basis in BASIS_ORDER
        ]
        note = gettext(
            "A State or territory assisted on a request in one case and on a mandate in another counts under "
            "“a request and a mandate”; each case counts under its own basis."
        )
        return self._two_counts(
            gettext("Basis"),
            gettext("States and territories assisted, by basis"),
            "basis",
            gettext("By basis"),
            rows,
            note,
        )

    def _region_table(self, states):
        labels = dict(RegionalGroup.choices)
        rows = [
            [
                str(labels[region]),
                sum(1 for state in states if state.state.region == region),
                sum(len(state.cases) for state in states if state.state.region == region),
            ]
            for region in RegionalGroup.values
        ]
        return self._two_counts(
            gettext("Region"),
            gettext("States and territories assisted, by region"),
            "regions",
            gettext("By region"),
            rows,
        )

    def _type_table(self, states):
        rows = [
            [
                name,
                sum(1 for state in states if name in state.types),
                sum(1 for state in states for case in state.cases if name in case.types),
            ]
            for name in self.type_order
        ]
        note = gettext(
            "The types named by the decisions to assist as they were first communicated, not as amended since: "
            "a State or a case given three types counts once under each."
        )
        title = gettext("States and territories assisted, by type of assistance")
        return self._two_counts(gettext("Type of assistance"), title, "types", gettext("By type"), rows, note, False)

    def _engagement_table(self, states):
        rows = [
            [
                label,
                sum(1 for state in states if state.continuing is continuing),
                sum(len(state.cases) for state in states if state.continuing is continuing),
            ]
            for label, continuing in ((gettext("New engagements"), False), (gettext("Continuing engagements"), True))
        ]
        return self._two_counts(
            gettext("Engagement"),
            gettext("New engagements and continuing ones"),
            "engagements",
            gettext("New and continuing"),
            rows,
            str(ENGAGEMENT_DEFINITION),
        )

    def _outcome_table(self):
        counts = self.outcomes()
        labels = basis_labels()
        rows = [
            [str(label), *(counts[key][basis] for basis in BASIS_ORDER), sum(counts[key].values())]
            for key, label, _stages in OUTCOMES
        ]
        return Table(
            key="outcomes",
            sheet=gettext("Requests and outcome"),
            title=gettext("Requests received in the period and their outcome"),
            note=gettext(
                "As the cases stand when the report is made. Mandates without a request are counted apart; "
                "letters not considered (%(count)s in the period) are no requests and are not counted here."
            )
            % {"count": formats.number_format(self.not_considered, force_grouping=True)},
            columns=[
                Column(gettext("Outcome"), width=40),
                *(Column(labels[basis], numeric=True, width=16) for basis in BASIS_ORDER),
                Column(gettext("Total"), numeric=True),
            ],
            rows=rows,
            total=[gettext("Total"), *(sum(row[i] for row in rows) for i in range(1, 5))],
        )

    def _cumulative_table(self, states):
        since = self.cumulative_since
        period, total = (
            Counter(case.basis for case in self.received()),
            Counter(case.basis for case in self.received(since)),
        )
        rows = [
            [
                gettext("Requests received"),
                period[Basis.REQUEST] + period[Basis.BOTH],
                total[Basis.REQUEST] + total[Basis.BOTH],
            ],
            [gettext("Mandates without a request"), period[Basis.MANDATE], total[Basis.MANDATE]],
            [gettext("States and territories assisted"), len(states), len(self.states_assisted(since))],
            [gettext("Cases assisted"), len(self.assisted_cases()), len(self.assisted_cases(since))],
            [gettext("Letters not considered"), self.not_considered, self.not_considered_since],
        ]
        return Table(
            key="cumulative",
            sheet=gettext("Cumulative"),
            title=gettext("Cumulative figures since %(date)s") % {"date": long_date(since)},
            note=gettext("From %(date)s to the last day of the period (setting EAS_SG_REPORT_START_YEAR).")
            % {"date": long_date(since)},
            columns=[
                Column(gettext("Figure"), width=40),
                Column(gettext("In the period"), numeric=True),
                Column(gettext("Since %(year)s") % {"year": since.year}, numeric=True),
            ],
            rows=rows,
        )

    def _assisted_table(self, states):
        labels = basis_labels()
        return Table(
            key="assisted",
            sheet=gettext("States assisted"),
            title=gettext("States and territories assisted in the period"),
            note="",
            columns=[
                Column(gettext("State or territory"), width=28),
                Column(gettext("Region"), width=24),
                Column(gettext("Basis"), width=24),
                Column(gettext("Engagement"), width=19),
                Column(gettext("Cases"), numeric=True, width=8),
                Column(gettext("Types of assistance"), width=50),
            ],
            rows=[
                [
                    state.state.label,
                    state.state.region_label,
                    labels[state.basis],
                    gettext("Continuing") if state.continuing else gettext("New"),
                    len(state.cases),
                    ", ".join(state.types),
                ]
                for state in states
            ],
            total=[gettext("Total"), "", "", "", sum(len(state.cases) for state in states), ""],
            empty=gettext("No State or territory was assisted in this period."),
        )

    def definitions(self):
        period = gettext(
            "From the first to the last day, both included. The report is counted from the cases as they stand "
            "when it is made: each of its figures can be found in the case list."
        )
        return [(gettext("Period"), period), *((str(term), str(text)) for term, text in SG_DEFINITIONS)]

    @property
    def period(self):
        return period_text(self.start, self.end)


ENGAGEMENT_DEFINITION = _(
    "A State or territory assisted in the period is a continuing engagement when it was assisted before the "
    "period began (a decision to assist dated earlier, whether or not that assistance was still under way), or "
    "when one of its cases assisted in the period follows an earlier case of the same country. Otherwise it is a "
    "new engagement. A case counts with its State."
)

SG_DEFINITIONS = [
    (
        _("Assisted in the period"),
        _(
            "A case is assisted in the period when a decision to assist it (in full or with a narrowed scope) was "
            "taken by the last day of the period and its assistance had not ended (closed, or withdrawn after the "
            "decision) before the first day. A State or territory is assisted when one of its cases is."
        ),
    ),
    (
        _("Basis"),
        _(
            "What a case rests on: a request (who asked is recorded), a Security Council or General Assembly "
            "mandate linked to it, or both."
        ),
    ),
    (_("New and continuing engagements"), ENGAGEMENT_DEFINITION),
    (
        _("Types of assistance"),
        _(
            "The types named by each decision to assist as it was first communicated to the government (the "
            "original decision). A later amendment that changes the types, the period or the scope does not "
            "change the report: it is no new response to the request. The briefing to Member States counts "
            "the version in force at the end of its period instead."
        ),
    ),
    (
        _("Requests received and their outcome"),
        _(
            "Cases received in the period (their date received), by the stage they are in when the report is made. "
            "Letters not considered (from parties, civil society or persons) are no requests: counted apart."
        ),
    ),
]


def file_name(start, end, extension):
    return f"eas-sg-report-{start.isoformat()}-to-{end.isoformat()}.{extension}"
