"""The auditor's export: the history of a case, of a period, or of both, as CSV rows.

Each entry's comment and details are shown only to a reader who may read their level (README
"Security", confidentiality); a confidential one shown is an opening, written down for the auditor
(documents.services.record_reads). A reader who may see those openings (the auditor) finds them
in the export too, in time order among the entries.
"""

import datetime
import heapq

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app.cases import selectors
from requests_app.cases.choices import Stage
from requests_app.core import spreadsheets
from requests_app.core.confidentiality import label
from requests_app.core.people import display_name
from requests_app.core.spreadsheets import neutralise
from requests_app.documents import selectors as documents
from requests_app.documents import services as document_services
from requests_app.documents.models import ConfidentialRead
from requests_app.history.models import CaseEvent

CHUNK_SIZE = 2000

COLUMNS = [
    _("When"),
    _("Case"),
    _("Member State"),
    _("Action"),
    _("From stage"),
    _("To stage"),
    _("By"),
    _("Comment"),
    _("Details"),
]

OPENED = _("Opened: %(what)s")


def _day_start(day):
    """The first moment of a day in the current time zone, in UTC; None when out of range."""
    try:
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        return start.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        return None


def _in_period(queryset, field, start, end):
    if start is not None:
        since = _day_start(start)
        if since is not None:
            queryset = queryset.filter(**{f"{field}__gte": since})
    if end is not None:
        until = _day_start(end + datetime.timedelta(days=1)) if end < datetime.date.max else None
        if until is not None:
            queryset = queryset.filter(**{f"{field}__lt": until})
    return queryset


def _cases(user, case):
    cases = selectors.visible_cases(user)
    return cases if case is None else cases.filter(pk=case.pk)


def history_events(user, *, case=None, start=None, end=None):
    """The events of the cases ``user`` may see, oldest first, each with its case, state and actor."""
    events = _in_period(CaseEvent.objects.filter(case__in=_cases(user, case)), "created_at", start, end)
    return events.select_related("case__member_state", "actor").order_by("created_at", "id")


def reads(user, *, case=None, start=None, end=None):
    """The openings of confidential documents and notes, oldest first, for a reader who may see them."""
    if not documents.may_see_reads(user):
        return ConfidentialRead.objects.none()
    opened = ConfidentialRead.objects.filter(case__in=_cases(user, case))
    if case is None and selectors.sees_all_cases(user):
        # The openings of letters that concern no case (a country's correspondence) are in the whole history.
        opened = opened | ConfidentialRead.objects.filter(case__isnull=True)
    opened = _in_period(opened, "read_at", start, end)
    return opened.select_related("case__member_state", "reader").order_by("read_at", "id")


class Export:
    """The rows of one export for one reader: entries (their notes withheld or shown) and openings."""

    def __init__(self, user, *, case=None, start=None, end=None):
        self.user = user
        self.events = history_events(user, case=case, start=start, end=end)
        self.reads = reads(user, case=case, start=start, end=end)
        self.hidden = documents.hidden_document_levels(user, _cases(user, case))
        self.stages = {value: str(label) for value, label in Stage.choices}
        self.system = gettext("EAS")
        self.zone = timezone.get_current_timezone()

    def rows(self):
        """One list of strings per line, in the order of COLUMNS, entries and openings in time order."""
        # The openings are read first: those this export writes down are not in it, whatever the database.
        opened = [(read.read_at, self._read_row(read)) for read in self.reads]
        lines = heapq.merge(self._event_lines(), opened, key=lambda line: line[0])
        return (row for _moment, row in lines)

    def _event_lines(self):
        chunk = []
        for event in self.events.iterator(chunk_size=CHUNK_SIZE):
            chunk.append(event)
            if len(chunk) == CHUNK_SIZE:
                yield from self._chunk(chunk)
                chunk = []
        yield from self._chunk(chunk)

    def _chunk(self, events):
        shown = documents.mark_withheld(self.user, events, self.hidden)
        opened = [
            document_services.opened_note(
                event, getattr(event, "shown_level", event.level), document_services.note_subject(event)
            )
            for event in shown
            if documents.carries_note(event)
        ]
        document_services.record_reads(reader=self.user, place=ConfidentialRead.Place.EXPORT, opened=opened)
        for event in events:
            yield event.created_at, self._event_row(event)

    def _event_row(self, event):
        actor, withheld = event.actor, getattr(event, "withheld", "")
        if withheld:
            comment = gettext("%(level)s: not shown to your role") % {"level": withheld}
            details = ""
        else:
            comment, details = event.comment, event.details_text
        return [
            event.created_at.astimezone(self.zone).isoformat(" ", "seconds"),
            event.case.reference,
            event.case.member_state.local_name,
            str(event.action_label),
            self.stages.get(event.from_stage, event.from_stage),
            self.stages.get(event.to_stage, event.to_stage),
            self.system if actor is None else display_name(actor),
            comment,
            details,
        ]

    def _read_row(self, read):
        return [
            read.read_at.astimezone(self.zone).isoformat(" ", "seconds"),
            read.case.reference if read.case else "",
            read.case.member_state.local_name if read.case else "",
            str(OPENED % {"what": label(read.level).lower()}),
            "",
            "",
            display_name(read.reader),
            "",
            f"{read.subject}; {read.get_place_display()}",
        ]


def csv_stream(export, batch=500):
    """The CSV as text chunks: a BOM (Excel then reads UTF-8 right), the header, the rows."""
    rows = ([neutralise(cell) for cell in row] for row in export.rows())
    return spreadsheets.csv_stream([str(header) for header in COLUMNS], rows, batch=batch)


def export_filename(case, start, end):
    parts = ["eas-history"]
    if case is not None:
        parts.append(case.reference)
    if start or end:
        parts.append(f"{start.isoformat() if start else 'start'}-to-{end.isoformat() if end else 'now'}")
    return "-".join(parts) + ".csv"
