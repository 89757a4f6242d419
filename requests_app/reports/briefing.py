"""The briefing to Member States (resolution 62/150, para 3): for a period, the requests received,
the responses given and the nature of the assistance provided, by region, State or territory and
type of assistance, with the list of the States and territories assisted. Besides the Member States,
observer States and territories can be assisted: each is named with what it is.

Every figure is what the history of the cases (CaseEvent) says up to the period's end, never where
a case stands now: the events of a case are written once and never changed, so the report of a
past period stays the same however its cases move on. A case's country or territory (and so its
region) is read from the case: it does not change once the request is registered.

What was pending at the end of the period, and what was under way during it, depend on the whole
history before the period's end. It is read one of two ways, which give the same figures (the
tests check it for every pair of a range of days): forward, every event up to the period's end;
or backward, from today's stages, which sum up the whole history to date (see ``_open_counts``),
putting back every event since the period began. Each reads only the events on its side of the
period; the one covering the shorter time is chosen. For last year, over 100,000 cases on SQLite,
reading forward took about a second, backward a fifth of that.

``build_briefing(start, end)`` runs seven queries reading forward, eight backward, whatever the
number of cases: the Member States, the types, then as of one moment the date of the first request
(to choose the way), the events of the period grouped by Member State, the history (forward: up to
the period's end; backward: since it began, and today's open cases), the types of assistance
of the period's decisions, each as its version in force at the period's end (an amendment made
later leaves the report of the period as it was), and the letters not considered (no requests,
counted apart). The page, its downloads (briefing_export) and the ``briefing`` command all use it.
"""

import datetime
from dataclasses import dataclass, field, fields

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app.cases.choices import Basis, ImplementationModality
from requests_app.core.types import StrOrPromise
from requests_app.core.written_dates import short_date
from requests_app.reference.models import STATUS_AFTER_NAME, CountryStatus, RegionalGroup

# Short headers for the regional groups, where five of them share a table's width; keyed by the
# stored value, as a Member State's regional group reads from the database.
REGION_SHORT: dict[str, StrOrPromise] = {
    RegionalGroup.AFRICAN: _("African"),
    RegionalGroup.ASIA_PACIFIC: _("Asia-Pacific"),
    RegionalGroup.EASTERN_EUROPEAN: _("Eastern European"),
    RegionalGroup.LATIN_AMERICAN_CARIBBEAN: _("Latin America & Caribbean"),
    RegionalGroup.WESTERN_EUROPEAN_OTHERS: _("Western European & other"),
}


@dataclass
class Figures:
    """The requests received and the responses given, for one state, one group or all."""

    received: int = 0
    assisted: int = 0
    narrowed: int = 0
    deferred: int = 0
    declined: int = 0
    withdrawn: int = 0
    pending: int = 0  # at the end of the period

    def add(self, other):
        for name in FIGURE_NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def values(self):
        return [getattr(self, name) for name in FIGURE_NAMES]

    def __bool__(self):
        return any(self.values())


FIGURE_NAMES = [f.name for f in fields(Figures)]


def figure_headers():
    return [
        gettext("Requests received"),
        gettext("Assisted"),
        gettext("Assisted, narrowed scope"),
        gettext("Deferred"),
        gettext("Declined"),
        gettext("Withdrawn"),
        gettext("Pending at the end of the period"),
    ]


@dataclass
class StateFigures:
    iso3: str
    name: str
    region: str
    status: str = CountryStatus.MEMBER_STATE
    figures: Figures = field(default_factory=Figures)
    decided_to_assist: int = 0  # decisions to assist (in full or narrowed) in the period
    under_way: int = 0  # requests with assistance decided and not ended before the period began
    types: list = field(default_factory=list)  # names of the types decided in the period, in order

    @property
    def label(self):
        """Its name, with what it is when it is not a Member State: New Caledonia (territory)."""
        if self.status in STATUS_AFTER_NAME:
            return f"{self.name} ({STATUS_AFTER_NAME[self.status]})"
        return self.name

    @property
    def region_label(self):
        return str(RegionalGroup(self.region).label) if self.region in RegionalGroup.values else self.region


@dataclass
class TypeFigures:
    code: str
    name: str
    requests: int = 0  # decisions of the period to assist that name this type
    states: int = 0
    per_region: dict = field(default_factory=dict)  # regional group -> decisions


@dataclass
class Column:
    header: str
    numeric: bool = False
    width: int = 12  # in characters, for spreadsheets; the PDF shares its width out in proportion


@dataclass
class Table:
    """One part of the report as rows and columns: what the page, the CSV, the workbook and the PDF show."""

    key: str
    sheet: str  # its short name, for a workbook's tab
    title: str
    note: str
    columns: list
    rows: list
    total: list | None = None
    empty: str = ""


@dataclass
class Briefing:
    start: datetime.date
    end: datetime.date
    generated_at: datetime.datetime
    totals: Figures
    declined_at_review: int
    by_region: dict  # regional group -> Figures, every group, in RegionalGroup's order
    by_state: dict  # iso3 -> StateFigures, only states with a figure, by name
    by_type: dict  # code -> TypeFigures, every type, in the types' order
    by_basis: dict  # basis (request, mandate, both) -> requests received
    by_modality: dict  # modality -> requests whose implementation started in the period
    states_assisted: list  # StateFigures with assistance decided in or under way during the period
    # Letters from parties, civil society or persons received in the period: no requests, never
    # counted among them, and said apart (the correspondence register).
    not_considered: int = 0
    # EAS_BRIEFING_OMIT_DECLINED_NAMES: the States whose requests were declined in the period are
    # not named in the table by State (their figures still count in every total).
    omit_declined_names: bool = False

    @property
    def title(self):
        return TITLE

    def definitions(self):
        return definitions()

    @property
    def decisions_to_assist(self):
        return self.totals.assisted + self.totals.narrowed

    @property
    def states_requesting(self):
        return sum(1 for state in self.by_state.values() if state.figures.received)

    @property
    def is_complete(self):
        """False while the period runs: its figures grow until its last day is over."""
        return self.end < timezone.localdate(self.generated_at)

    def summary(self):
        """The key figures: (label, number)."""
        totals = self.totals
        return [
            (gettext("Requests received"), totals.received),
            (gettext("States and territories that made a request"), self.states_requesting),
            (gettext("Assisted"), totals.assisted),
            (gettext("Assisted with a narrowed scope"), totals.narrowed),
            (gettext("Deferred"), totals.deferred),
            (gettext("Declined"), totals.declined),
            (gettext("of which declined at review as ineligible"), self.declined_at_review),
            (gettext("Withdrawn by the requesting state"), totals.withdrawn),
            (gettext("Pending at the end of the period"), totals.pending),
            (gettext("States and territories assisted"), len(self.states_assisted)),
            (gettext("Letters not considered: not requests (parties, civil society, persons)"), self.not_considered),
        ]

    def key_figures(self):
        """The key figures as the page shows them: (label, number, a word on it)."""
        totals = self.totals
        at_review = gettext("%(count)s of them at review, as ineligible") % {
            "count": formats.number_format(self.declined_at_review, force_grouping=True)
        }
        return [
            (
                gettext("Requests received"),
                totals.received,
                gettext("from %(count)s States and territories")
                % {"count": formats.number_format(self.states_requesting, force_grouping=True)},
            ),
            (gettext("Assisted"), totals.assisted, ""),
            (gettext("Assisted with a narrowed scope"), totals.narrowed, ""),
            (gettext("Deferred"), totals.deferred, ""),
            (gettext("Declined"), totals.declined, at_review if self.declined_at_review else ""),
            (gettext("Withdrawn by the requesting state"), totals.withdrawn, ""),
            (gettext("Pending at the end of the period"), totals.pending, ""),
            (gettext("States and territories assisted"), len(self.states_assisted), ""),
            (
                gettext("Letters not considered"),
                self.not_considered,
                gettext("not requests: from parties, civil society or persons, answered and filed"),
            ),
        ]

    def tables(self):
        """Every part of the report, in the order it is read."""
        return [
            self._summary_table(),
            self._region_table(),
            self._state_table(),
            self._basis_table(),
            self._type_table(),
            self._modality_table(),
            self._assisted_table(),
        ]

    def _summary_table(self):
        return Table(
            key="summary",
            sheet=gettext("Key figures"),
            title=gettext("Key figures"),
            note="",
            columns=[Column(gettext("Figure"), width=44), Column(gettext("Number"), numeric=True, width=10)],
            rows=[[label, value] for label, value in self.summary()],
        )

    def _figure_columns(self, *first):
        return [*first, *(Column(header, numeric=True, width=11) for header in figure_headers())]

    def _region_table(self):
        labels = dict(RegionalGroup.choices)
        return Table(
            key="regions",
            sheet=gettext("Regions"),
            title=gettext("Requests and responses by region"),
            note=gettext(
                "The regional groups of the Member States; an observer State or a territory outside them is counted "
                "in the group of its region."
            ),
            columns=self._figure_columns(Column(gettext("Region"), width=34)),
            rows=[[str(labels[region]), *figures.values()] for region, figures in self.by_region.items()],
            total=[gettext("All States and territories"), *self.totals.values()],
        )

    def _state_table(self):
        return Table(
            key="states",
            sheet=gettext("States and territories"),
            title=gettext("Requests and responses by State or territory"),
            note=self._state_note(),
            columns=self._figure_columns(
                Column(gettext("State or territory"), width=30), Column(gettext("Region"), width=30)
            ),
            rows=self._state_rows(),
            total=[gettext("Total"), "", *self.totals.values()],
            empty=gettext("No request was received, answered or pending in this period."),
        )

    def _withheld(self, state):
        return self.omit_declined_names and state.figures.declined > 0

    def _state_rows(self):
        """Named rows first; the States whose requests were declined last, unnamed, when the setting says so
        (so that neither their name nor their place in the alphabet tells who they are)."""
        named = [state for state in self.by_state.values() if not self._withheld(state)]
        withheld = [state for state in self.by_state.values() if self._withheld(state)]
        rows = [[state.label, state.region_label, *state.figures.values()] for state in named]
        unnamed = gettext("A State or territory (name withheld)")
        return rows + [[unnamed, state.region_label, *state.figures.values()] for state in withheld]

    def _state_note(self):
        note = gettext("States and territories with a request received, a response given or a request pending.")
        if self.omit_declined_names:
            note += " " + gettext(
                "The names of the States and territories whose requests were declined in the period are left out; "
                "their figures count in every total."
            )
        return note

    def _basis_table(self):
        labels = {
            Basis.REQUEST: gettext("A request"),
            Basis.MANDATE: gettext("A Security Council or General Assembly mandate"),
            Basis.BOTH: gettext("A request and a mandate"),
        }
        return Table(
            key="bases",
            sheet=gettext("Bases"),
            title=gettext("Requests received by basis"),
            note=gettext("What each case rested on when it was registered."),
            columns=[Column(gettext("Basis"), width=52), Column(gettext("Requests received"), numeric=True)],
            rows=[[labels[basis], count] for basis, count in self.by_basis.items()],
            total=[gettext("Total"), self.totals.received],
        )

    def _type_table(self):
        regions = list(RegionalGroup.values)
        return Table(
            key="types",
            sheet=gettext("Types of assistance"),
            title=gettext("Nature of the assistance decided, by type"),
            note=gettext(
                "Decisions of the period to assist, in full or with a narrowed scope (%(count)s), by the types of "
                "assistance they name: a decision naming three types counts once under each. A decision amended "
                "counts as its version in force at the end of the period."
            )
            % {"count": self.decisions_to_assist},
            columns=[
                Column(gettext("Type of assistance"), width=36),
                Column(gettext("Requests assisted"), numeric=True),
                Column(gettext("States and territories"), numeric=True),
                *(Column(str(REGION_SHORT[region]), numeric=True, width=14) for region in regions),
            ],
            rows=[
                [row.name, row.requests, row.states, *(row.per_region.get(region, 0) for region in regions)]
                for row in self.by_type.values()
            ],
        )

    def _modality_table(self):
        labels = dict(ImplementationModality.choices)
        return Table(
            key="implementation",
            sheet=gettext("Implementation"),
            title=gettext("Implementation started in the period, by modality"),
            note="",
            columns=[Column(gettext("Implemented through"), width=44), Column(gettext("Requests"), numeric=True)],
            rows=[[str(labels[modality]), count] for modality, count in self.by_modality.items()],
            total=[gettext("Total"), sum(self.by_modality.values())],
        )

    def _assisted_table(self):
        return Table(
            key="assisted",
            sheet=gettext("States assisted"),
            title=gettext("States and territories assisted in the period"),
            note=gettext(
                "States and territories with a decision to assist in the period, or with assistance decided "
                "earlier and still under way when the period began (not yet closed or withdrawn)."
            ),
            columns=[
                Column(gettext("State or territory"), width=30),
                Column(gettext("Region"), width=30),
                Column(gettext("Decisions to assist in the period"), numeric=True, width=14),
                Column(gettext("Requests with assistance under way"), numeric=True, width=14),
                Column(gettext("Types of assistance decided in the period"), width=60),
            ],
            rows=[
                [state.label, state.region_label, state.decided_to_assist, state.under_way, ", ".join(state.types)]
                for state in self.states_assisted
            ],
            total=[
                gettext("Total"),
                "",
                sum(state.decided_to_assist for state in self.states_assisted),
                sum(state.under_way for state in self.states_assisted),
                "",
            ],
            empty=gettext("No State or territory was assisted in this period."),
        )


TITLE = _("Electoral assistance: briefing to Member States")


# How each figure but the period is counted: (term, explanation).
_FIGURES = [
    (
        _("Requests received"),
        _("Requests and Security Council or General Assembly mandates registered in the period."),
    ),
    (
        _("Assisted; assisted, narrowed scope"),
        _("Requests the focal point decided in the period to assist as asked, or with a narrowed scope."),
    ),
    (
        _("Deferred"),
        _("Requests whose decision was deferred in the period; a request deferred twice counts once."),
    ),
    (
        _("Declined"),
        _(
            "Requests declined in the period: after the needs assessment, or at review because the requester "
            "cannot bind the state."
        ),
    ),
    (_("Withdrawn"), _("Requests the state withdrew in the period, at whatever stage.")),
    (
        _("Pending at the end of the period"),
        _(
            "Requests registered by the last day of the period, whenever they arrived, that by then had no "
            "decision to assist or decline, had not been declined at review and had not been withdrawn. "
            "A deferred request is pending."
        ),
    ),
    (
        _("Nature of the assistance"),
        _(
            "The types of assistance named by the decisions of the period to assist (as amended by the end of "
            "the period, when they were), and how the implementation of assistance began in the period."
        ),
    ),
    (
        _("States and territories assisted"),
        _(
            "States and territories with a decision to assist in the period, or with assistance decided earlier "
            "and still under way when the period began: neither closed nor withdrawn by then."
        ),
    ),
]


def definitions():
    """How each figure is counted: (term, explanation), for the page and every download."""
    period = gettext(
        "From the first to the last day, both included, in the time zone %(zone)s. Every figure is read from "
        "the history of the cases, which is never changed: the report of a past period stays the same as its "
        "cases move on."
    ) % {"zone": timezone.get_current_timezone_name()}
    return [(gettext("Period"), period)] + [(str(term), str(text)) for term, text in _FIGURES]


def period_text(start, end):
    """The period as a reader of the active language says it: 1 Jan 2026 – 30 Jun 2026."""
    return f"{short_date(start)} – {short_date(end)}"


def file_name(start, end, extension):
    return f"eas-briefing-{start.isoformat()}-to-{end.isoformat()}.{extension}"


def named_in(name, language):
    """A file's name, with its language before the extension when it is not English, the site's default:
    eas-briefing-2026-01-01-to-2026-03-31-fr.pdf."""
    if language == settings.LANGUAGE_CODE:
        return name
    stem, dot, extension = name.rpartition(".")
    return f"{stem}-{language}{dot}{extension}"
