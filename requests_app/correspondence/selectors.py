"""Reads of the correspondence register: who sees which letters, a case's and a country's letters,
replies due (for the reminders), letters not considered (for the briefing)."""

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce

from requests_app.cases.models import AssistanceRequest
from requests_app.cases.selectors import desk_groups, may_work_on, sees_all_cases, visible_cases
from requests_app.core.types import User
from requests_app.correspondence.models import Direction, Letter, LetterStatus
from requests_app.reference import selectors as reference
from requests_app.reference.models import MemberState


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
    """A case's letters, newest first, in one query (the case and its state are known already)."""
    letters = list(Letter.objects.filter(case=case).select_related("document", "in_reply_to").order_by("-date", "-id"))
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
