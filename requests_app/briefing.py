"""The briefing to Member States (resolution 62/150, para 3): for a period, the requests received,
the responses given and the nature of the assistance provided, by regional group, Member State and
type of assistance, with the list of the states assisted.

Every figure is what the history of the cases (CaseEvent) says up to the period's end, never where
a case stands now: the events of a case are written once and never changed, so the report of a
past period stays the same however its cases move on. A case's Member State (and so its regional
group) is read from the case: it does not change once the request is registered.

What was pending at the end of the period, and what was under way during it, depend on the whole
history before the period's end. It is read one of two ways, which give the same figures (the
tests check it for every pair of a range of days): forward, every event up to the period's end;
or backward, from today's stages, which sum up the whole history to date (see ``_open_counts``),
putting back every event since the period began. Each reads only the events on its side of the
period; the one covering the shorter time is chosen. For last year, over 100,000 cases on SQLite,
reading forward took about a second, backward a fifth of that.

``build_briefing(start, end)`` runs six queries reading forward, seven backward, whatever the
number of cases: the Member States, the types, then as of one moment the date of the first request
(to choose the way), the events of the period grouped by Member State, the history (forward: up to
the period's end; backward: since it began, and today's open cases), and the types of assistance
of the period's decisions. The page, its downloads (briefing_export) and the ``briefing`` command all use it.
"""

import datetime
import unicodedata
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field, fields

from dateutil.relativedelta import relativedelta
from django import forms
from django.db import connection, transaction
from django.db.models import Count, IntegerField, Min, Q, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_lazy as _

from .forms import DATE_HELP, add_period_fields
from .models import (
    AssistanceRequest,
    AssistanceType,
    CaseEvent,
    Decision,
    DecisionOutcome,
    ImplementationModality,
    MemberState,
    Origin,
    RegionalGroup,
    Stage,
)

# Before a decision to assist or decline, a request is still being considered: a withdrawal from
# one of these stages answers it; a withdrawal later ends assistance already decided.
BEFORE_DECISION = (Stage.RECEIVED, Stage.UNDER_REVIEW, Stage.NEEDS_ASSESSMENT, Stage.AWAITING_DECISION)
AFTER_DECISION = (Stage.DECISION_COMMUNICATED, Stage.IN_IMPLEMENTATION, Stage.REPORTING)
# The stages a final response leads to (a deferral leaves the case awaiting its decision).
ANSWERED = (Stage.DECISION_COMMUNICATED, Stage.DECLINED, Stage.WITHDRAWN)
ASSISTING = (DecisionOutcome.ASSIST, DecisionOutcome.NARROW)

# Short headers for the regional groups, where five of them share a table's width.
REGION_SHORT = {
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
    figures: Figures = field(default_factory=Figures)
    decided_to_assist: int = 0  # decisions to assist (in full or narrowed) in the period
    under_way: int = 0  # requests with assistance decided and not ended before the period began
    types: list = field(default_factory=list)  # names of the types decided in the period, in order

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
    by_origin: dict  # origin -> requests received
    by_modality: dict  # modality -> requests whose implementation started in the period
    states_assisted: list  # StateFigures with assistance decided in or under way during the period

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
            (gettext("Member States that made a request"), self.states_requesting),
            (gettext("Assisted"), totals.assisted),
            (gettext("Assisted with a narrowed scope"), totals.narrowed),
            (gettext("Deferred"), totals.deferred),
            (gettext("Declined"), totals.declined),
            (gettext("of which declined at review as ineligible"), self.declined_at_review),
            (gettext("Withdrawn by the requesting state"), totals.withdrawn),
            (gettext("Pending at the end of the period"), totals.pending),
            (gettext("Member States assisted"), len(self.states_assisted)),
        ]

    def key_figures(self):
        """The key figures as the page shows them: (label, number, a word on it)."""
        totals = self.totals
        at_review = gettext("%(count)s of them at review, as ineligible") % {
            "count": formats.number_format(self.declined_at_review, force_grouping=True)}
        return [
            (gettext("Requests received"), totals.received, gettext("from %(count)s Member States") % {
                "count": formats.number_format(self.states_requesting, force_grouping=True)}),
            (gettext("Assisted"), totals.assisted, ""),
            (gettext("Assisted with a narrowed scope"), totals.narrowed, ""),
            (gettext("Deferred"), totals.deferred, ""),
            (gettext("Declined"), totals.declined, at_review if self.declined_at_review else ""),
            (gettext("Withdrawn by the requesting state"), totals.withdrawn, ""),
            (gettext("Pending at the end of the period"), totals.pending, ""),
            (gettext("Member States assisted"), len(self.states_assisted), ""),
        ]

    def tables(self):
        """Every part of the report, in the order it is read."""
        return [
            self._summary_table(),
            self._region_table(),
            self._state_table(),
            self._origin_table(),
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
            sheet=gettext("Regional groups"),
            title=gettext("Requests and responses by regional group"),
            note="",
            columns=self._figure_columns(Column(gettext("Regional group"), width=34)),
            rows=[[str(labels[region]), *figures.values()] for region, figures in self.by_region.items()],
            total=[gettext("All Member States"), *self.totals.values()],
        )

    def _state_table(self):
        return Table(
            key="states",
            sheet=gettext("Member States"),
            title=gettext("Requests and responses by Member State"),
            note=gettext("Member States with a request received, a response given or a request pending."),
            columns=self._figure_columns(Column(gettext("Member State"), width=30),
                                         Column(gettext("Regional group"), width=30)),
            rows=[[state.name, state.region_label, *state.figures.values()] for state in self.by_state.values()],
            total=[gettext("Total"), "", *self.totals.values()],
            empty=gettext("No request was received, answered or pending in this period."),
        )

    def _origin_table(self):
        labels = dict(Origin.choices)
        return Table(
            key="origins",
            sheet=gettext("Origins"),
            title=gettext("Requests received by origin"),
            note="",
            columns=[Column(gettext("Origin"), width=52), Column(gettext("Requests received"), numeric=True)],
            rows=[[str(labels[origin]), count] for origin, count in self.by_origin.items()],
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
                "assistance they name: a decision naming three types counts once under each."
            ) % {"count": self.decisions_to_assist},
            columns=[
                Column(gettext("Type of assistance"), width=36),
                Column(gettext("Requests assisted"), numeric=True),
                Column(gettext("Member States"), numeric=True),
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
            title=gettext("Member States assisted in the period"),
            note=gettext(
                "Member States with a decision to assist in the period, or with assistance decided earlier and "
                "still under way when the period began (not yet closed or withdrawn)."
            ),
            columns=[
                Column(gettext("Member State"), width=30),
                Column(gettext("Regional group"), width=30),
                Column(gettext("Decisions to assist in the period"), numeric=True, width=14),
                Column(gettext("Requests with assistance under way"), numeric=True, width=14),
                Column(gettext("Types of assistance decided in the period"), width=60),
            ],
            rows=[
                [state.name, state.region_label, state.decided_to_assist, state.under_way, ", ".join(state.types)]
                for state in self.states_assisted
            ],
            total=[
                gettext("Total"), "",
                sum(state.decided_to_assist for state in self.states_assisted),
                sum(state.under_way for state in self.states_assisted),
                "",
            ],
            empty=gettext("No Member State was assisted in this period."),
        )


# The period -------------------------------------------------------------------------------------


def day_start(day):
    """The first moment of ``day`` in the current time zone; None past the calendar's ends."""
    try:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    except (OverflowError, ValueError):
        return None


def _after(day):
    """The first moment after ``day``; None when there is none (the last day of the calendar)."""
    try:
        return day_start(day + datetime.timedelta(days=1))
    except OverflowError:
        return None


def quarter_start(day):
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def last_quarter(today):
    """The last complete calendar quarter before ``today``: the default period of the report."""
    end = quarter_start(today) - datetime.timedelta(days=1)
    return quarter_start(end), end


def quick_periods(today):
    """The periods offered as links: (label, start, end)."""
    this_quarter = quarter_start(today)
    return [
        (gettext("Last quarter"), *last_quarter(today)),
        (gettext("This quarter to date"), this_quarter, today),
        (gettext("This year to date"), today.replace(month=1, day=1), today),
        (gettext("Last year"), datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)),
        (gettext("Last 12 months"), today - relativedelta(years=1) + datetime.timedelta(days=1), today),
    ]




class PeriodForm(forms.Form):
    """The period of the report, first and last days included, in the current time zone.

    The query string (and the command's options) name the days ``from`` and ``to``. With neither,
    the report covers the last complete quarter.
    """

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        add_period_fields(self, help_text=DATE_HELP)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        start, end = data.get("from"), data.get("to")
        if start is None and end is None:
            start, end = last_quarter(self.today)
        elif start is None:
            raise forms.ValidationError(gettext("Give the first day of the period as well (“from”)."))
        elif end is None:
            raise forms.ValidationError(gettext("Give the last day of the period as well (“to”)."))
        if end < start:
            raise forms.ValidationError(gettext("The period ends before it starts: “to” must not be before “from”."))
        if start > self.today:
            raise forms.ValidationError(gettext("The period has not begun yet: “from” must not be after today."))
        data["from"], data["to"] = start, end
        return data

    @property
    def period(self):
        return self.cleaned_data["from"], self.cleaned_data["to"]


# The figures ------------------------------------------------------------------------------------


def _sort_key(name):
    # Accents aside, as a reader looks a state up: Côte d'Ivoire between Costa Rica and Croatia.
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold(), name


def _between(since, until):
    condition = Q(created_at__gte=since) if since is not None else Q()
    if until is not None:
        condition &= Q(created_at__lt=until)
    return condition


def _period_counts(since, until):
    """Per Member State: what was received and answered in the period (events dated within it)."""
    decision = Q(action="record_decision")

    def cases(condition):
        # A request counts once under each response, however many times it was given (two deferrals).
        return Count("case_id", distinct=True, filter=condition)

    counts = {
        "received": Count("id", filter=Q(action="registered")),
        "assisted": cases(decision & Q(details__outcome=DecisionOutcome.ASSIST)),
        "narrowed": cases(decision & Q(details__outcome=DecisionOutcome.NARROW)),
        "deferred": cases(decision & Q(details__outcome=DecisionOutcome.DEFER)),
        "declined_decision": cases(decision & Q(details__outcome=DecisionOutcome.DECLINE)),
        "declined_review": cases(Q(action="decline_request")),
        "withdrawn": cases(Q(action="withdraw")),
    }
    for origin in Origin.values:
        counts[f"origin:{origin}"] = Count("id", filter=Q(action="registered", details__origin=origin))
    for modality in ImplementationModality.values:
        counts[f"modality:{modality}"] = cases(Q(action="start_implementation", details__modality=modality))
    return (
        CaseEvent.objects.filter(_between(since, until))
        .filter(action__in=["registered", "record_decision", "decline_request", "withdraw", "start_implementation"])
        .values("case__member_state_id")
        .annotate(**counts)
        .order_by()
    )


# The history is read with stages, not details: cheaper over many events. A request is answered
# once, by the first of: a decision to assist or decline, a decline at review, a withdrawal before
# any decision; each leaves the stages before a decision for good. Assistance decided ends once: the
# case is closed, or withdrawn after the decision.
HISTORY_ACTIONS = ["registered", "record_decision", "decline_request", "withdraw", "close"]
REGISTERED = Q(action="registered")
ANSWER = Q(from_stage__in=BEFORE_DECISION, to_stage__in=ANSWERED)
ASSISTANCE = Q(action="record_decision", to_stage=Stage.DECISION_COMMUNICATED)
ASSISTANCE_ENDED = Q(action="close") | Q(action="withdraw", from_stage__in=AFTER_DECISION)


def _history_forward(since, until):
    """Per Member State, the history up to the period's end: requests registered and answered by
    then, assistance decided by then, and ended before the period began."""
    counts = {
        "registered": Count("id", filter=REGISTERED),
        "answered": Count("id", filter=ANSWER),
        "assisted": Count("id", filter=ASSISTANCE),
    }
    if since is not None:
        counts["ended_before"] = Count("id", filter=ASSISTANCE_ENDED & Q(created_at__lt=since))
    return (
        CaseEvent.objects.filter(_between(None, until), action__in=HISTORY_ACTIONS)
        .values("case__member_state_id")
        .annotate(**counts)
        .order_by()
    )


def _history_backward(since, until):
    """Per Member State, what happened since: assistance ended since the period began; requests
    registered and answered, and assistance decided, after it ended."""
    counts = {"ended_since": Count("id", filter=ASSISTANCE_ENDED)}
    if until is not None:
        for name, condition in (("registered", REGISTERED), ("answered", ANSWER), ("assisted", ASSISTANCE)):
            counts[f"{name}_after"] = Count("id", filter=condition & Q(created_at__gte=until))
    return (
        CaseEvent.objects.filter(_between(since, None), action__in=HISTORY_ACTIONS)
        .values("case__member_state_id")
        .annotate(**counts)
        .order_by()
    )


def _reads_forward(since, until, now):
    """Whether reading the history up to the period's end costs less than reading it back from
    today: whichever covers the shorter time (with cases spread evenly over it, fewer events)."""
    if since is None or until is None:
        return since is None and until is not None
    first = CaseEvent.objects.filter(action="registered").aggregate(first=Min("created_at"))["first"]
    return first is not None and until - first < now - since


def _open_counts():
    """Per Member State, the requests not yet answered and those with assistance under way, today.

    The starting point from which the history is read back to the period's end: a request is in a
    stage before a decision exactly as long as its history holds no answer, and in a stage after
    one exactly as long as it holds a decision to assist and no end, because only the services
    change a stage, writing the event with it in the same transaction.
    """
    return (
        AssistanceRequest.objects.filter(stage__in=[*BEFORE_DECISION, *AFTER_DECISION])
        .values("member_state_id")
        .annotate(
            waiting=Count("id", filter=Q(stage__in=BEFORE_DECISION)),
            assisted=Count("id", filter=Q(stage__in=AFTER_DECISION)),
        )
        .order_by()
    )


@contextmanager
def _one_moment():
    """The stages and the events read as of one moment, so that a case moving on meanwhile is
    counted either before or after it moved, never half: one transaction, a snapshot on PostgreSQL
    (SQLite's transactions always are one). Inside a transaction already, that one decides."""
    outermost = not connection.in_atomic_block
    with transaction.atomic(savepoint=False):  # only reads: nothing to roll back to
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _type_counts(since, until):
    """(type id, Member State id, decisions): the types named by the period's decisions to assist.

    Read from the decisions the events point to (Decision rows are never edited), so a type
    renamed since is shown under its present name.
    """
    in_period = Q(created_at__gte=since) if since is not None else Q()
    if until is not None:
        in_period &= Q(created_at__lt=until)
    decisions = (
        CaseEvent.objects.filter(in_period, action="record_decision", details__outcome__in=list(ASSISTING))
        .annotate(decision_id=Cast(KT("details__decision"), IntegerField()))
        .values("decision_id")
    )
    through = Decision.assistance_types.through
    return (
        through.objects.filter(decision_id__in=Subquery(decisions))
        .values_list("assistancetype_id", "decision__case__member_state_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def _read_forward(history):
    """(Member State id, pending at the period's end, assistance under way during it)."""
    for row in history:
        yield (row["case__member_state_id"], row["registered"] - row["answered"],
               row["assisted"] - row.get("ended_before", 0))


def _read_backward(history, open_now):
    """The same, from today's counts with what happened since put back (see ``_open_counts``):
    pending then = waiting now - registered since + answered since, and under way then = under way
    now - decided since + ended since the period began."""
    later = {row["case__member_state_id"]: row for row in history}
    today = {row["member_state_id"]: row for row in open_now}
    for state_id in set(later) | set(today):
        since, now = later.get(state_id, {}), today.get(state_id, {})
        yield (
            state_id,
            now.get("waiting", 0) - since.get("registered_after", 0) + since.get("answered_after", 0),
            now.get("assisted", 0) - since.get("assisted_after", 0) + since.get("ended_since", 0),
        )


def build_briefing(start, end, *, now=None, read=None):
    """The briefing for the days ``start`` to ``end``, both included, in the current time zone.

    ``read`` ("forward" or "backward") forces the way the history is read, for the tests; both
    give the same figures, and by default the cheaper is chosen."""
    since, until = day_start(start), _after(end)
    states = {
        pk: (iso3, name, region)
        for pk, iso3, name, region in MemberState.objects.values_list("pk", "iso3", "name", "regional_group")
    }
    types = list(AssistanceType.objects.order_by("position", "name").values_list("pk", "code", "name"))

    per_state = {}

    def state_row(pk):
        if pk not in per_state:
            iso3, name, region = states.get(pk, ("", gettext("Unknown"), ""))
            per_state[pk] = StateFigures(iso3=iso3, name=name, region=region)
        return per_state[pk]

    declined_at_review = 0
    by_origin = dict.fromkeys(Origin.values, 0)
    by_modality = dict.fromkeys(ImplementationModality.values, 0)
    moment = now or timezone.now()
    with _one_moment():
        forward = _reads_forward(since, until, moment)
        if read is not None:
            forward = read == "forward"
        period = list(_period_counts(since, until))
        history = list((_history_forward if forward else _history_backward)(since, until))
        open_now = [] if forward else list(_open_counts())
        types_given = list(_type_counts(since, until))
    for row in period:
        state = state_row(row["case__member_state_id"])
        figures = state.figures
        figures.received = row["received"]
        figures.assisted, figures.narrowed = row["assisted"], row["narrowed"]
        figures.deferred = row["deferred"]
        figures.declined = row["declined_decision"] + row["declined_review"]
        figures.withdrawn = row["withdrawn"]
        state.decided_to_assist = row["assisted"] + row["narrowed"]
        declined_at_review += row["declined_review"]
        for origin in by_origin:
            by_origin[origin] += row[f"origin:{origin}"]
        for modality in by_modality:
            by_modality[modality] += row[f"modality:{modality}"]

    for state_id, pending, under_way in (_read_forward(history) if forward else _read_backward(history, open_now)):
        if pending or under_way:
            state = state_row(state_id)
            state.figures.pending = max(0, pending)
            state.under_way = max(0, under_way)

    type_names = {pk: name for pk, _code, name in types}
    by_type = {code: TypeFigures(code=code, name=name) for _pk, code, name in types}
    codes = {pk: code for pk, code, _name in types}
    state_types = defaultdict(set)
    for type_id, state_id, count in types_given:
        if type_id not in codes:
            continue
        row = by_type[codes[type_id]]
        row.requests += count
        row.states += 1
        region = states.get(state_id, ("", "", ""))[2]
        row.per_region[region] = row.per_region.get(region, 0) + count
        state_types[state_id].add(type_id)
    rank = {pk: index for index, (pk, _code, _name) in enumerate(types)}
    for state_id, type_ids in state_types.items():
        state_row(state_id).types = [type_names[pk] for pk in sorted(type_ids, key=rank.__getitem__)]

    ordered = sorted(per_state.values(), key=lambda state: _sort_key(state.name))
    by_region = {region: Figures() for region in RegionalGroup.values}
    totals = Figures()
    for state in ordered:
        if state.region in by_region:
            by_region[state.region].add(state.figures)
        totals.add(state.figures)
    return Briefing(
        start=start,
        end=end,
        generated_at=moment,
        totals=totals,
        declined_at_review=declined_at_review,
        by_region=by_region,
        by_state={state.iso3: state for state in ordered if state.figures},
        by_type=by_type,
        by_origin=by_origin,
        by_modality=by_modality,
        states_assisted=[state for state in ordered if state.under_way or state.decided_to_assist],
    )


TITLE = _("Electoral assistance: briefing to Member States")


def definitions():
    """How each figure is counted: (term, explanation), for the page and every download."""
    zone = timezone.get_current_timezone_name()
    return [
        (gettext("Period"), gettext(
            "From the first to the last day, both included, in the time zone %(zone)s. Every figure is read from "
            "the history of the cases, which is never changed: the report of a past period stays the same as its "
            "cases move on.") % {"zone": zone}),
        (gettext("Requests received"), gettext(
            "Requests and Security Council or General Assembly mandates registered in the period.")),
        (gettext("Assisted; assisted, narrowed scope"), gettext(
            "Requests the focal point decided in the period to assist as asked, or with a narrowed scope.")),
        (gettext("Deferred"), gettext(
            "Requests whose decision was deferred in the period; a request deferred twice counts once.")),
        (gettext("Declined"), gettext(
            "Requests declined in the period: after the needs assessment, or at review because the requester "
            "cannot bind the state.")),
        (gettext("Withdrawn"), gettext("Requests the state withdrew in the period, at whatever stage.")),
        (gettext("Pending at the end of the period"), gettext(
            "Requests registered by the last day of the period, whenever they arrived, that by then had no "
            "decision to assist or decline, had not been declined at review and had not been withdrawn. "
            "A deferred request is pending.")),
        (gettext("Nature of the assistance"), gettext(
            "The types of assistance named by the decisions of the period to assist, and how the implementation "
            "of assistance began in the period.")),
        (gettext("Member States assisted"), gettext(
            "Member States with a decision to assist in the period, or with assistance decided earlier and still "
            "under way when the period began: neither closed nor withdrawn by then.")),
    ]


def period_text(start, end):
    """The period as a reader says it: 1 Jan 2026 – 30 Jun 2026."""
    return f"{formats.date_format(start, 'j M Y')} – {formats.date_format(end, 'j M Y')}"


def file_name(start, end, extension):
    return f"eas-briefing-{start.isoformat()}-to-{end.isoformat()}.{extension}"
