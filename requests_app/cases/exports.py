"""The case list as a spreadsheet: CSV or XLSX, row by row, so 100,000 cases never sit in memory.

The rows come from the same filtered, sorted queryset as the list page (views.filtered_cases),
read as plain values, with no model instance built: one query for the cases (each with its next
election day, from a subquery), read in chunks, and one query per chunk for the assistance each
case asks for, whatever the chunk's size.
"""

from collections import defaultdict

from django.db import connection
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app.cases.choices import Basis, Origin, Stage
from requests_app.cases.models import AssistanceRequest, Election
from requests_app.core import spreadsheets
from requests_app.core.spreadsheets import DATE, LABEL, MOMENT, TEXT, batches, neutralise
from requests_app.reference.models import AssistanceType, RegionalGroup
from requests_app.reference.selectors import local_names

CHUNK_SIZE = 2000

# (header, column width in characters, kind).
COLUMNS = [
    (_("Reference"), 16, TEXT),
    (_("Country or territory"), 32, LABEL),
    (_("Region"), 34, LABEL),
    (_("Origin"), 30, LABEL),
    (_("Requesting authority"), 32, TEXT),
    (_("Letter date"), 12, DATE),
    (_("Received date"), 12, DATE),
    (_("Stage"), 20, LABEL),
    (_("In stage since"), 17, MOMENT),
    (_("Due"), 17, MOMENT),
    (_("Overdue"), 9, LABEL),
    (_("Officer"), 24, LABEL),
    (_("Next election date"), 12, DATE),
    (_("Assistance requested"), 40, LABEL),
    (_("Summary"), 80, TEXT),
    # Appended, so that the columns of spreadsheets made before keep their places.
    (_("Basis"), 20, LABEL),
]


def headers():
    return [str(header) for header, _width, _kind in COLUMNS]


def filename(extension):
    return f"eas-cases-{timezone.localdate():%Y-%m-%d}.{extension}"


def _labels(choices):
    return {value: str(label) for value, label in choices.choices}


class _RequestedTypes:
    """Per case of a chunk, the names of the assistance it asks for, in the types' order.

    One query of bare ids per chunk, named and ordered here from the few types there are
    (as of the export's start: a type added meanwhile is left out, not an error mid-file).
    The query is the ORM's, compiled once for a chunk's size and run again with each chunk's
    ids: building a queryset of 2,000 ids costs more than running it. Over 100,000 cases,
    0.6 s of processor time instead of 0.2 s on SQLite, 1.5 s instead of 0.8 s on PostgreSQL.
    """

    def __init__(self):
        types = AssistanceType.objects.order_by("position", "name").values_list("pk", "name")
        self.names = {pk: gettext(name) for pk, name in types}  # in the language of the export
        self.rank = {pk: rank for rank, pk in enumerate(self.names)}
        self.sql = {}  # chunk size -> SQL with one placeholder per case id

    def _query(self, ids):
        return (
            AssistanceRequest.requested_types.through.objects.filter(assistancerequest_id__in=ids)
            .order_by()
            .values_list("assistancerequest_id", "assistancetype_id")
        )

    def _rows(self, ids):
        sql = self.sql.get(len(ids))
        if sql is None:
            sql, params = self._query(ids).query.sql_with_params()
            if list(params) != ids:  # the ids are not all the query's parameters: run it as it is
                return list(self._query(ids))
            self.sql[len(ids)] = sql
        with connection.cursor() as cursor:
            cursor.execute(sql, ids)
            return cursor.fetchall()

    def of_chunk(self, ids):
        names, rank = self.names, self.rank
        requested = defaultdict(list)
        for case_id, type_id in self._rows(ids):
            if type_id in names:
                requested[case_id].append(type_id)
        return {
            case_id: "; ".join([names[t] for t in sorted(type_ids, key=rank.__getitem__)])
            for case_id, type_ids in requested.items()
        }


# The columns each row is read with: plain values, no model instances (building three models per
# case, with select_related, cost more than all the rest of an export together).
VALUES = (
    "pk",
    "reference",
    "member_state_id",
    "member_state__regional_group",
    "has_mandate",
    "origin",
    "requesting_authority",
    "letter_date",
    "received_date",
    "stage",
    "stage_entered_at",
    "stage_due_at",
    "officer__first_name",
    "officer__last_name",
    "officer__username",
    "next_election",
    "summary",
)


def case_rows(cases):
    """One list of values per case, in the order of COLUMNS: text, dates, datetimes or None."""
    cells = _Cells()
    requested_types = _RequestedTypes()
    values = _with_next_election(cases).values_list(*VALUES)
    for chunk in batches(values.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        yield from cells.rows(chunk, requested_types.of_chunk([row[0] for row in chunk]))


def _with_next_election(cases):
    """The cases, each with its next election day (None if none is planned from today)."""
    # A subquery on the election's case index: cheaper than a query per chunk with the chunk's ids.
    next_election = (
        Election.objects.filter(case=OuterRef("pk"), planned_date__gte=timezone.localdate())
        .order_by("planned_date")
        .values("planned_date")[:1]
    )
    # Whether a mandate is linked (the link table requests_app.mandates declares), per case.
    mandates = AssistanceRequest.mandates.through.objects.filter(assistancerequest_id=OuterRef("pk"))
    return cases.annotate(next_election=Subquery(next_election), has_mandate=Exists(mandates))


class _Cells:
    """A chunk of VALUES rows as the export's rows: labels translated, moments in the user's time zone."""

    def __init__(self):
        # Labels looked up once, not once per row: 100,000 lazy translations add up.
        self.stages, self.origins, self.regions = _labels(Stage), _labels(Origin), _labels(RegionalGroup)
        self.bases = _labels(Basis)
        self.states = local_names()  # in the language of the export, by id
        self.ends = Stage.ends()
        self.yes, self.no = gettext("yes"), gettext("no")
        self.now = timezone.now()
        zone = timezone.get_current_timezone()

        def local(moment):
            # A stored (aware) moment in the user's time zone, without tzinfo: spreadsheets have none.
            return moment.astimezone(zone).replace(tzinfo=None, microsecond=0)

        self.local = local

    def rows(self, chunk, types):
        """The chunk's rows; ``types``: the assistance each case asks for, by case id."""
        stages, origins, regions, bases, ends = self.stages, self.origins, self.regions, self.bases, self.ends
        local, now, yes, no, states = self.local, self.now, self.yes, self.no, self.states
        for (
            pk,
            reference,
            state,
            region,
            has_mandate,
            origin,
            authority,
            letter_date,
            received_date,
            stage,
            entered_at,
            due_at,
            first_name,
            last_name,
            username,
            election_day,
            summary,
        ) in chunk:
            due = due_at if due_at is not None and stage not in ends else None
            yield [
                reference,
                states.get(state, ""),
                regions.get(region, region),
                origins.get(origin, origin),
                authority,
                letter_date,
                received_date,
                stages.get(stage, stage),
                local(entered_at),
                None if due is None else local(due),
                yes if due is not None and due < now else no,
                # As core.people.display_name; no username: no officer (the join found none).
                "" if username is None else (f"{first_name} {last_name}".strip() or username),
                election_day,
                types.get(pk, ""),
                summary,
                bases[Basis.of(has_request=bool(origin), has_mandate=has_mandate)],
            ]


# CSV ---------------------------------------------------------------------------------------------


def _csv_date(value):
    return "" if value is None else value.isoformat()


def _csv_moment(value):
    return "" if value is None else value.isoformat(" ", "minutes")  # 2030-01-02 05:30


_CSV_CELL = {TEXT: neutralise, LABEL: neutralise, DATE: _csv_date, MOMENT: _csv_moment}


def csv_stream(cases, batch=500):
    """The CSV as text chunks: a BOM (so Excel reads UTF-8 accents right), the header, the rows."""
    cells = [_CSV_CELL[kind] for _header, _width, kind in COLUMNS]
    rows = ([cell(value) for cell, value in zip(cells, row, strict=True)] for row in case_rows(cases))
    return spreadsheets.csv_stream(headers(), rows, batch=batch)


# XLSX --------------------------------------------------------------------------------------------


def xlsx_file(cases):
    """The workbook, in a temporary file positioned at its start; closing the file deletes it.

    Dates and moments are real Excel dates (numbers with a date format), which sort and
    compute; the header is bold and stays in view (a frozen first row); columns have widths.
    """
    return spreadsheets.xlsx_file(sheet_name=gettext("Cases"), columns=COLUMNS, rows=case_rows(cases))
