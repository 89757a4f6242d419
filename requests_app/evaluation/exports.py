"""The lessons learned as CSV: the filtered list of /lessons/, every text cell made inert."""

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.core.people import display_name
from requests_app.core.spreadsheets import neutralise
from requests_app.evaluation.models import LessonLearned

CHUNK_SIZE = 500

HEADERS = [
    _("Title"),
    _("Lesson"),
    _("Areas of assistance"),
    _("Country"),
    _("Regional group"),
    _("Case"),
    _("Elections"),
    _("Recorded on"),
    _("Recorded by"),
]


def headers() -> list[str]:
    return [str(header) for header in HEADERS]


def filename() -> str:
    return f"eas-lessons-learned-{timezone.localdate():%Y-%m-%d}.csv"


def _row(lesson: LessonLearned) -> list[str]:
    case = lesson.case
    cells = [
        lesson.title,
        lesson.lesson,
        ", ".join(area.local_name for area in lesson.areas.all()),
        case.member_state.local_name,
        case.member_state.get_regional_group_display(),
        case.reference,
        ", ".join(election.planned_date.isoformat() for election in case.elections.all()),
        timezone.localtime(lesson.recorded_at).date().isoformat(),
        display_name(lesson.recorded_by),
    ]
    return [neutralise(str(cell)) for cell in cells]


def rows(lessons: QuerySet[LessonLearned]) -> Iterator[list[str]]:
    """The rows, read in chunks: the queryset's prefetches run once per chunk, not once per lesson."""
    for lesson in lessons.iterator(chunk_size=CHUNK_SIZE):
        yield _row(lesson)
