"""Reads of the correspondence register: who sees which letters and who reads them, a case's and a
country's letters, the language of a case's correspondence, replies due (for the reminders), letters
not considered (for the briefing).

Seeing a letter is the cases' scope (``visible_letters``); reading it (its subject, notes and file) is
its level, by the one rule of requests_app.core.confidentiality (``may_read_letter``, ``readable_letters``):
a reader below its level sees that it exists (its date, direction, kind, correspondent, country, case
and level), never what it says."""

from datetime import date
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.db.models.functions import Coalesce

from requests_app.cases.models import AssistanceRequest
from requests_app.cases.selectors import desk_groups, may_work_on, sees_all_cases, visible_cases
from requests_app.core import presence
from requests_app.core.confidentiality import highest, label, may_read, readable_levels
from requests_app.core.types import User
from requests_app.correspondence.models import Direction, Letter, LetterEvent, LetterStatus, Purpose
from requests_app.reference import selectors as reference
from requests_app.reference.models import MemberState, UnLanguage


def country_choices() -> list[tuple[str, str]]:
    """(ISO code, name) of every country, as plain pairs, by their names in the active language."""
    return [("", "---------"), *reference.country_pairs()]


def letter_list() -> QuerySet[Letter]:
    """Letters with what a row of the register shows, in one query."""
    return Letter.objects.select_related("country", "case", "document", "in_reply_to")


def visible_letters(user: User, queryset: QuerySet[Letter] | None = None) -> QuerySet[Letter]:
    """The letters a user may read: those of the cases they see, and those of their desks' countries
    that concern no case. Deny by default."""
    queryset = Letter.objects.all() if queryset is None else queryset
    if not (user.is_active and user.has_perm("requests_app.view_letter")):
        return queryset.none()
    if sees_all_cases(user):
        return queryset
    return queryset.filter(
        Q(case__in=visible_cases(user).values("pk"))
        | Q(case__isnull=True, country__regional_group__in=desk_groups(user))
    )


def may_file(user: User, *, country: MemberState | None, case: AssistanceRequest | None = None) -> bool:
    """Whether a user may register a letter of this case, or of this country when it concerns no case."""
    if not (user.is_active and user.has_perm("requests_app.add_letter")):
        return False
    if case is not None:
        return may_work_on(user, case)
    if sees_all_cases(user):
        return True
    return country is not None and country.regional_group in desk_groups(user)


def case_letters(case: AssistanceRequest) -> list[Letter]:
    """A case's letters, newest first, in one query (the case and its state are known already); none
    when the case is known to hold none (core.presence)."""
    if not presence.holds(case, "letters"):
        return []
    letters = list(Letter.objects.filter(case=case).select_related("document").order_by("-date", "-id"))
    for letter in letters:
        letter.case = case
    return letters


def for_country(country: MemberState, user: User | None = None) -> list[Letter]:
    """The country file's section: every letter of the country, newest first, in one query.

    With ``user``, only those they may read."""
    queryset = Letter.objects.filter(country=country)
    if user is not None:
        queryset = visible_letters(user, queryset)
    letters = list(queryset.select_related("case", "in_reply_to").order_by("-date", "-id"))
    for letter in letters:
        letter.country = country
    return letters


def letter_detail() -> QuerySet[Letter]:
    return Letter.objects.select_related(
        "country", "case__member_state", "document", "in_reply_to", "registered_by", "former_case"
    )


def replies_due(*, until: date) -> QuerySet[Letter, tuple[Any, ...]]:
    """Every letter received and not yet answered whose reply is due on or before ``until``, in one
    indexed query: (id, reply due on, case id, officer's email, officer active, country's regional
    group), then the day due, level and recipient of one of its reminders already claimed (None, None,
    None when it has none; a letter with several claims comes once for each)."""
    return Letter.objects.filter(
        direction=Direction.IN, replied_on__isnull=True, reply_due_on__isnull=False, reply_due_on__lte=until
    ).values_list(
        "id",
        "reply_due_on",
        "case_id",
        "case__officer__email",
        "case__officer__is_active",
        "country__regional_group",
        "reminders__due_at",
        "reminders__level",
        "reminders__recipient",
    )


def not_considered_counts(start: date | None, end: date | None) -> dict[str, int]:
    """Letters not considered (no requests) received from ``start`` to ``end`` (both included), by who wrote them."""
    arrived = Coalesce("received_on", "date")
    letters = Letter.objects.annotate(arrived=arrived).filter(status=LetterStatus.NOT_CONSIDERED)
    if start is not None:
        letters = letters.filter(arrived__gte=start)
    if end is not None:
        letters = letters.filter(arrived__lte=end)
    return dict(letters.values_list("sender_kind").annotate(n=Count("id")).order_by())


# Reading a letter: its level --------------------------------------------------------------------


def may_read_letter(user: User, letter: Letter) -> bool:
    """Whether ``user``, who sees the letter, may read its subject and notes."""
    return may_read(user, letter.level)


def file_level(letter: Letter) -> str:
    """The level its file is read at: the letter's, or its case's document's when that is higher."""
    if letter.document_id is not None and letter.document is not None:
        return highest([letter.level, letter.document.level])
    return letter.level


def may_open_file(user: User, letter: Letter) -> bool:
    return may_read(user, file_level(letter))


def readable_letters(user: User, queryset: QuerySet[Letter]) -> QuerySet[Letter]:
    """The letters of ``queryset`` whose subject and notes ``user`` may read (a search of subjects)."""
    return queryset.filter(level__in=sorted(readable_levels(user)))


def with_readable(user: User, queryset: QuerySet[Letter]) -> QuerySet[Letter]:
    """Each letter annotated ``readable``: whether ``user`` may read it (the admin's list)."""
    readable = ExpressionWrapper(Q(level__in=sorted(readable_levels(user))), output_field=BooleanField())
    return queryset.annotate(readable=readable)


def withheld_label(letter: Letter) -> str:
    """What a reader below its level reads instead of the subject: "Confidential: not yours to read"."""
    return str(label(letter.level))


def letter_history(user: User, letter: Letter) -> list[LetterEvent]:
    """The letter's own history, oldest first, each entry marked ``withheld`` (its level's label) when
    ``user`` may not read its comment. One query."""
    events = list(LetterEvent.objects.filter(letter=letter).select_related("actor"))
    for event in events:
        event.withheld = "" if may_read(user, event.level) else str(label(event.level))  # type: ignore[attr-defined]
    return events


# The language of the correspondence -------------------------------------------------------------


def correspondence_language(country: MemberState, case: AssistanceRequest | None = None) -> str:
    """The language a new letter is in unless someone chooses another: its case's correspondence's,
    else its State's."""
    return case_language(case) if case is not None else country.letter_language


def case_language(case: AssistanceRequest) -> str:
    """The language of a case's correspondence: that of the letter by which its request arrived,
    else its State's usual one (MemberState.correspondence_language), else English."""
    request = (
        Letter.objects.filter(case=case, direction=Direction.IN, purpose=Purpose.REQUEST)
        .order_by("date", "id")
        .values_list("language", flat=True)
        .first()
    )
    return request or case.member_state.letter_language


def letter_language(subject: Letter | AssistanceRequest | None = None, asked: str | None = None) -> str:
    """The language a letter is written in: the one asked for (the drafting page's ``?language=``)
    when it is one of the six; else the letter's own (``Letter.language``); for a letter not yet
    written, its case's correspondence's (``case_language``); else English. The one place that decides it."""
    if asked in UnLanguage.values:
        return str(asked)
    if isinstance(subject, Letter):
        return subject.language
    if isinstance(subject, AssistanceRequest):
        return case_language(subject)
    return str(UnLanguage.ENGLISH)
