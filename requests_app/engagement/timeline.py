"""The country file's timeline: the engagement across elections, as a table the browser lays out.

Columns are periods (months, quarters or years, as the length of the engagement asks). The first
row holds the country's elections, the milestones; then one lane per case: its span from the
request to its end (or today), its elections, its decisions, and the experts deployed on it.
Neighbouring periods that show the same thing are one cell with a colspan, so a lane is a few
cells however long the engagement. No script and no inline style: the page's classes draw it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest, Decision, Election
from requests_app.core.types import StrOrPromise
from requests_app.engagement.words import Words
from requests_app.roster.models import Deployment

MAX_LANES = 60  # more lanes than a desk reads at a glance: the older cases are left to the list below
# Languages whose months a column names by number: one character of the name says nothing
# (Chinese writes every month with its number; in Arabic, January, June and July begin alike).
NUMBERED_MONTHS = {"zh-hans", "ar"}
MONTHS_UP_TO = 36  # an engagement this long (in months) is drawn by month, then by quarter
QUARTERS_UP_TO = 15 * 12  # ... up to 15 years; longer, by year


@dataclass(frozen=True)
class Mark:
    kind: str  # "election" or "decision": the glyph and its colour
    text: str


@dataclass
class Cell:
    span: int
    classes: str
    marks: list[Mark] = field(default_factory=list)
    title: str = ""


@dataclass
class Lane:
    case: AssistanceRequest | None  # None: the row of the country's elections
    cells: list[Cell]
    text: str  # the lane in words, for screen readers


@dataclass
class Timeline:
    unit: str
    years: list[tuple[int, int]]  # (year, columns it spans)
    periods: list[tuple[str, bool]]  # (label, holds today) of each column
    lanes: list[Lane]
    left_out: int = 0  # the older cases beyond MAX_LANES, listed in the cases section only


class Periods:
    """The columns: which one holds a day, their labels."""

    def __init__(self, first: date, last: date):
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        self.unit = "month" if months <= MONTHS_UP_TO else "quarter" if months <= QUARTERS_UP_TO else "year"
        self.size = {"month": 1, "quarter": 3, "year": 12}[self.unit]
        self.first_year = first.year
        self.offset = self._months(first) // self.size
        self.count = self._months(last) // self.size - self.offset + 1

    def _months(self, value: date) -> int:
        return (value.year - self.first_year) * 12 + value.month - 1

    def index(self, value: date) -> int:
        return self._months(value) // self.size - self.offset

    def start(self, index: int) -> tuple[int, int]:
        """(year, month) of the column's first month."""
        months = (index + self.offset) * self.size
        return self.first_year + months // 12, months % 12 + 1

    def label(self, index: int) -> str:
        year, month = self.start(index)
        if self.unit == "year":
            return str(year)
        if self.unit == "quarter":
            return gettext("Q%(quarter)d") % {"quarter": (month - 1) // 3 + 1}
        if get_language() in NUMBERED_MONTHS:
            return str(month)
        return formats.date_format(date(year, month, 1), "M")[:1].upper()

    def years(self) -> list[tuple[int, int]]:
        spans: dict[int, int] = {}
        for index in range(self.count):
            year = self.start(index)[0]
            spans[year] = spans.get(year, 0) + 1
        return list(spans.items())


SPAN_CLASSES: dict[str, str] = {Stage.CLOSED: "on ended", Stage.WITHDRAWN: "on stopped", Stage.DECLINED: "on stopped"}
STAGE_ENDED: dict[str, StrOrPromise] = {
    Stage.CLOSED: _("closed on %(day)s"),
    Stage.WITHDRAWN: _("withdrawn on %(day)s"),
    Stage.DECLINED: _("declined on %(day)s"),
}


def build(
    cases: Sequence[AssistanceRequest],
    decisions: Iterable[Decision],
    deployments: Iterable[Deployment],
    today: date,
    words: Words,
) -> Timeline | None:
    """The timeline of these cases (each with its elections prefetched), latest case first: of the
    MAX_LANES latest cases when there are more."""
    if not cases:
        return None
    left_out = max(0, len(cases) - MAX_LANES)
    cases = cases[:MAX_LANES]
    by_case: dict[int, dict[str, list[Any]]] = {case.pk: {"decisions": [], "deployments": []} for case in cases}
    for decision in decisions:
        if decision.case_id in by_case:
            by_case[decision.case_id]["decisions"].append(decision)
    for deployment in deployments:
        if deployment.case_id in by_case and deployment.cancelled_at is None:
            by_case[deployment.case_id]["deployments"].append(deployment)
    elections = [election for case in cases for election in case.elections.all()]
    days = [today] + [case.received_date for case in cases] + [election.planned_date for election in elections]
    days += [d.starts_on for rows in by_case.values() for d in rows["deployments"]]
    days += [d.ends_on for rows in by_case.values() for d in rows["deployments"]]
    days += [timezone.localdate(d.decided_at) for rows in by_case.values() for d in rows["decisions"]]
    periods = Periods(min(days), max(days))
    now = periods.index(today)
    draw = _Drawing(periods, now, today, words)
    lanes = [draw.election_lane(elections)]
    lanes += [draw.case_lane(case, by_case[case.pk]) for case in cases]
    return Timeline(
        unit=periods.unit,
        years=periods.years(),
        periods=[(periods.label(index), index == now) for index in range(periods.count)],
        lanes=lanes,
        left_out=left_out,
    )


@dataclass
class _Lane:
    """What a lane holds, by column: its span (first, last, class), bands of deployments (first, last,
    text) and marks."""

    span: tuple[int, int, str] | None = None
    bands: list[tuple[int, int, str]] = field(default_factory=list)
    marks: dict[int, list[Mark]] = field(default_factory=dict)

    def mark(self, column: int, mark: Mark) -> None:
        self.marks.setdefault(column, []).append(mark)

    def cells(self, count: int, now: int) -> list[Cell]:
        """One cell per run of columns that look the same: cut where the span, a band or today begins
        or ends, and around each mark (a column with a mark is a cell of its own)."""
        cuts = {0, count, now, now + 1}
        if self.span:
            cuts |= {self.span[0], self.span[1] + 1}
        for first, last, _text in self.bands:
            cuts |= {first, last + 1}
        for column in self.marks:
            cuts |= {column, column + 1}
        edges = sorted(cut for cut in cuts if 0 <= cut <= count)
        cells = []
        for start, stop in zip(edges, edges[1:], strict=False):
            classes = [self.span[2]] if self.span and self.span[0] <= start <= self.span[1] else []
            deployed = [text for first, last, text in self.bands if first <= start <= last]
            if deployed:
                classes.append("deployed")
            if start == now:
                classes.append("today")
            marks = self.marks.get(start, []) if stop - start == 1 else []
            title = "; ".join([mark.text for mark in marks] + deployed)
            cells.append(Cell(stop - start, " ".join(classes), marks, title))
        return cells


class _Drawing:
    """The lanes of one timeline: its periods, today's column, the page's words."""

    def __init__(self, periods: Periods, now: int, today: date, words: Words):
        self.periods, self.now, self.today, self.words = periods, now, today, words
        self.deployed = gettext("%(expert)s, %(role)s, %(start)s – %(end)s")
        self.decided = gettext("Decision: %(outcome)s, %(day)s")
        self.received = gettext("received %(day)s")
        self.expert = gettext("Expert deployed: %(deployment)s")

    def election_mark(self, election: Election) -> Mark:
        words = self.words
        return Mark("election", f"{words.elections.get(election.election_type)}, {words.day(election.planned_date)}")

    def election_lane(self, elections: list[Election]) -> Lane:
        lane = _Lane()
        for election in sorted(elections, key=lambda e: e.planned_date):
            lane.mark(self.periods.index(election.planned_date), self.election_mark(election))
        text = "; ".join(mark.text for column in sorted(lane.marks) for mark in lane.marks[column])
        return Lane(None, lane.cells(self.periods.count, self.now), text)

    def case_lane(self, case: AssistanceRequest, rows: dict[str, list[Any]]) -> Lane:
        periods, words = self.periods, self.words
        ended = case.stage in Stage.ends()
        end = max(timezone.localdate(case.stage_entered_at) if ended else self.today, case.received_date)
        lane = _Lane(
            span=(periods.index(case.received_date), periods.index(end), SPAN_CLASSES.get(case.stage, "on open"))
        )
        for deployment in sorted(rows["deployments"], key=lambda d: d.starts_on):
            text = self.deployed % {
                "expert": deployment.expert,
                "role": deployment.role,
                "start": words.day(deployment.starts_on),
                "end": words.day(deployment.ends_on),
            }
            lane.bands.append((periods.index(deployment.starts_on), periods.index(deployment.ends_on), text))
        for election in case.elections.all():
            lane.mark(periods.index(election.planned_date), self.election_mark(election))
        for decision in sorted(rows["decisions"], key=lambda d: d.decided_at):
            decided = timezone.localdate(decision.decided_at)
            text = self.decided % {"outcome": words.outcomes.get(decision.outcome), "day": words.day(decided)}
            lane.mark(periods.index(decided), Mark("decision", text))
        state = STAGE_ENDED[case.stage] % {"day": words.day(end)} if ended else words.stages[case.stage]
        sentence = [self.received % {"day": words.day(case.received_date)}, state]
        sentence += [mark.text for column in sorted(lane.marks) for mark in lane.marks[column]]
        sentence += [self.expert % {"deployment": text} for _first, _last, text in lane.bands]
        return Lane(case, lane.cells(periods.count, self.now), "; ".join(sentence))
