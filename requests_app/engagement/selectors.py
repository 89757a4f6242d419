"""The country file's reads: each section's rows for a country, its summary, and the list of countries.

A section comes from a source (``SectionSource``): a function that returns a country's rows,
newest first, in a fixed number of queries whatever their number, or None when the reader may
not see that kind of row at all. ``SECTIONS`` lists the sources in the order of the page; a domain
joins the country file with one entry there. Every source sees only the cases the reader may see
(cases.selectors.visible_cases), and a row tied to any other case is left out of every section.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.related_descriptors import ForwardManyToOneDescriptor
from django.utils.translation import gettext_lazy as _

from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest, Decision, Election
from requests_app.cases.selectors import visible_cases
from requests_app.coordination import selectors as coordination_selectors
from requests_app.core.types import StrOrPromise, User
from requests_app.correspondence import selectors as correspondence_selectors
from requests_app.fund.models import LedgerEntry
from requests_app.history.models import CaseEvent
from requests_app.mandates import selectors as mandates_selectors
from requests_app.partners.models import PartnerContribution
from requests_app.reference import selectors as reference
from requests_app.reference.models import MemberState
from requests_app.roster.models import Deployment

Rows = Sequence[Any]


@dataclass(frozen=True)
class Scope:
    """Whose file, read by whom, on which day. ``cases``: the country's cases the reader may see,
    as a query not yet run (each source filters by it inside its own query)."""

    country: MemberState
    user: User
    today: date
    cases: QuerySet[AssistanceRequest]

    @classmethod
    def of(cls, country: MemberState, user: User, today: date) -> "Scope":
        return cls(country, user, today, visible_cases(user, AssistanceRequest.objects.filter(member_state=country)))

    @property
    def case_ids(self) -> QuerySet[AssistanceRequest, Any]:
        return self.cases.values("pk")


@dataclass(frozen=True)
class SectionSource:
    """One section of the country file: its rows (``rows(scope)``) and the template that shows them
    (it receives ``rows``, ``country`` and ``today``). ``summary`` picks the rows the summary at the
    top of the page names under ``summary_label`` (the mandates in force, the last letter)."""

    key: str
    title: StrOrPromise
    rows: Callable[[Scope], Rows | None]
    template: str
    summary_label: StrOrPromise | None = None
    summary: Callable[[Rows, date], Rows] | None = None


# Adapters, so that a domain's own read joins the file in one line ---------------------------------


def country_rows(for_country: Callable[[MemberState], Rows]) -> Callable[[Scope], Rows]:
    """A domain's ``for_country(country)`` (rows newest first, a fixed number of queries) as a source."""

    def rows(scope: Scope) -> Rows:
        return list(for_country(scope.country))

    return rows


def newest(rows: Rows, today: date) -> Rows:
    """The first row (rows come newest first): the last letter."""
    return list(rows[:1])


def in_force(until: str) -> Callable[[Rows, date], Rows]:
    """The rows whose day ``until`` (an attribute) is empty or not yet past: the mandates in force."""

    def pick(rows: Rows, today: date) -> Rows:
        return [row for row in rows if getattr(row, until, None) is None or getattr(row, until) >= today]

    return pick


# The sources -------------------------------------------------------------------------------------


def cases(scope: Scope) -> list[AssistanceRequest]:
    """The country's cases this reader may see, the latest received first, with their elections.

    The other sections' rows are given these cases (``attach_cases``): no source joins them again."""
    rows = list(scope.cases.select_related("officer").prefetch_related("elections").order_by("-received_date", "-id"))
    for case in rows:
        case.member_state = scope.country
    return rows


def elections(scope: Scope) -> list[Election]:
    return list(Election.objects.filter(case__in=scope.case_ids).order_by("-planned_date", "-id"))


def decisions(scope: Scope) -> list[Decision]:
    return list(
        Decision.objects.filter(case__in=scope.case_ids)
        .select_related("decided_by")
        .prefetch_related("assistance_types")
        .order_by("-decided_at", "-id")
    )


def deployments(scope: Scope) -> list[Deployment] | None:
    """The experts deployed to the country, cancelled bookings included: for those who may see the
    roster's deployments (as on the case page)."""
    if not scope.user.has_perm("requests_app.view_deployment"):
        return None
    return list(
        Deployment.objects.filter(case__in=scope.case_ids).select_related("expert").order_by("-starts_on", "-id")
    )


def contributions(scope: Scope) -> list[PartnerContribution] | None:
    if not scope.user.has_perm("requests_app.view_partnercontribution"):
        return None
    return list(
        PartnerContribution.objects.filter(case__in=scope.case_ids)
        .select_related("partner")
        .order_by("-recorded_at", "-id")
    )


def fund_entries(scope: Scope) -> list[LedgerEntry] | None:
    """The Trust Fund's allocations to the country's cases and refunds from them: for those who may
    read the fund's statement (as on the case page and the Trust Fund's pages)."""
    if not scope.user.has_perm("requests_app.view_trust_fund_statement"):
        return None
    return list(LedgerEntry.objects.filter(case__in=scope.case_ids).order_by("-value_date", "-id"))


def vehicles(scope: Scope) -> Rows | None:
    """What carried the assistance to the country's cases: UNDP projects and their donors, missions' electoral
    components, roster experts; for those who may see the vehicles (as on the case page)."""
    if not scope.user.has_perm("requests_app.view_implementationvehicle"):
        return None
    return coordination_selectors.for_cases(scope.case_ids)


def mandates(scope: Scope) -> Rows | None:
    """The Security Council's and General Assembly's mandates for the country, newest first."""
    if not scope.user.has_perm("requests_app.view_mandate"):
        return None
    return mandates_selectors.for_country(scope.country, cases=scope.cases)  # the cases listed: the reader's


def letters(scope: Scope) -> Rows | None:
    """The country's correspondence this reader may read, newest first."""
    if not scope.user.has_perm("requests_app.view_letter"):
        return None
    return correspondence_selectors.for_country(scope.country, scope.user)


SECTIONS: list[SectionSource] = [
    SectionSource("cases", _("Cases"), cases, "engagement/_cases.html"),
    SectionSource(
        "mandates",
        _("Mandates"),
        mandates,
        "mandates/_country_section.html",
        _("Mandates in force"),
        in_force("expires_on"),
    ),
    SectionSource("elections", _("Elections"), elections, "engagement/_elections.html"),
    SectionSource("decisions", _("Decisions"), decisions, "engagement/_decisions.html"),
    SectionSource("deployments", _("Experts deployed"), deployments, "engagement/_deployments.html"),
    SectionSource("contributions", _("Partner contributions"), contributions, "engagement/_contributions.html"),
    SectionSource("vehicles", _("Vehicles of implementation"), vehicles, "coordination/_country_section.html"),
    SectionSource("fund", _("Trust Fund"), fund_entries, "engagement/_fund.html"),
    SectionSource(
        "letters", _("Correspondence"), letters, "correspondence/_country_section.html", _("Last letter"), newest
    ),
]


# The file -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    source: SectionSource
    rows: Rows | None  # None: this reader may not see this kind of row


@dataclass(frozen=True)
class Summary:
    """What a desk officer reads first."""

    open_cases: list[AssistanceRequest]
    counts: dict[str, int]
    since: date | None
    next_election: Election | None
    days_to_next_election: int | None
    last_activity: datetime | None
    lines: list[tuple[StrOrPromise, Rows]]


@dataclass(frozen=True)
class CountryFile:
    country: MemberState
    today: date
    summary: Summary
    sections: list[Section]

    def rows(self, key: str) -> Rows:
        """The rows of a section, or none when it is not shown to this reader."""
        return next((section.rows or [] for section in self.sections if section.source.key == key), [])


def country(code: str) -> MemberState | None:
    """The country of an ISO code, however it is written (gha, GHA); None for any other text."""
    return MemberState.objects.filter(iso3=code.strip().upper()).first() if 0 < len(code) <= 8 else None


def in_scope(rows: Rows, cases_by_id: dict[int, AssistanceRequest]) -> Rows:
    """The rows that concern no case, or a case the reader may see; each row with a ``case`` foreign
    key is given that case as the cases' section loaded it (no source joins the cases again)."""
    kept = []
    for row in rows:
        case_id = getattr(row, "case_id", None)
        if case_id is None:
            kept.append(row)
        elif case_id in cases_by_id:
            if isinstance(getattr(type(row), "case", None), ForwardManyToOneDescriptor):
                row.case = cases_by_id[case_id]
            kept.append(row)
    return kept


def country_file(country: MemberState, user: User, today: date, sources: Sequence[SectionSource] = ()) -> CountryFile:
    """Everything the country file shows: one query per source (two with a prefetch), one for the
    last activity; the same number for 3 cases or 300."""
    scope = Scope.of(country, user, today)
    sources = sources or SECTIONS
    # The cases first, wherever their section is: the other sections keep the rows of these cases.
    loaded = {source.key: source.rows(scope) for source in sorted(sources, key=lambda source: source.key != "cases")}
    cases_by_id = {case.pk: case for case in loaded.get("cases") or []}
    sections = [
        Section(source, None if loaded[source.key] is None else in_scope(loaded[source.key] or [], cases_by_id))
        for source in sources
    ]
    return CountryFile(country, today, _summary(scope, sections), sections)


def _summary(scope: Scope, sections: list[Section]) -> Summary:
    by_key = {section.source.key: section.rows or [] for section in sections}
    country_cases: Rows = by_key.get("cases", [])
    ends = Stage.ends()
    upcoming = [election for election in by_key.get("elections", []) if election.planned_date >= scope.today]
    last_activity = CaseEvent.objects.filter(case__in=scope.case_ids).aggregate(last=Max("created_at"))["last"]
    next_election = upcoming[-1] if upcoming else None  # elections come latest first
    return Summary(
        # The most pressing first: the nearest deadline.
        open_cases=sorted(
            (case for case in country_cases if case.stage not in ends),
            key=lambda case: (case.stage_due_at is None, case.stage_due_at or datetime.max, case.pk),
        ),
        counts={
            "all": len(country_cases),
            "open": sum(case.stage not in ends for case in country_cases),
            "closed": sum(case.stage == Stage.CLOSED for case in country_cases),
            "withdrawn_or_declined": sum(case.stage in (Stage.WITHDRAWN, Stage.DECLINED) for case in country_cases),
        },
        since=min((case.received_date for case in country_cases), default=None),
        next_election=next_election,
        days_to_next_election=(next_election.planned_date - scope.today).days if next_election else None,
        last_activity=last_activity,
        lines=[
            (section.source.summary_label, section.source.summary(section.rows, scope.today))
            for section in sections
            if section.rows is not None and section.source.summary is not None and section.source.summary_label
        ],
    )


# The list of countries -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CountryRow:
    country: MemberState
    open: int
    closed: int
    last_activity: datetime | None


def countries(user: User, *, text: str = "", region: str = "", without_cases: bool = False) -> list[CountryRow]:
    """Countries by name, each with its open and ended cases this reader may see and the day of
    their last history entry. By default only countries with such a case; a search by name (accents
    ignored) looks at every country. Two queries, whatever the number of cases."""
    wanted = text.strip()
    # By its name in any of the six languages (reference.selectors), or its code; listed by name as read.
    found = set(reference.countries_matching(wanted)) if wanted else None
    states = sorted(
        (
            state
            for state in MemberState.objects.all()
            if (not region or state.regional_group == region)
            and (found is None or state.pk in found or wanted.casefold() == state.iso3.casefold())
        ),
        key=lambda state: reference.name_order(state.local_name),
    )
    # Each case's latest entry, one step down the history's index (case, created_at): no scan of the history.
    last_event = CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    figures = {
        row["member_state"]: row
        for row in visible_cases(user)
        .values("member_state")
        .annotate(
            open=Count("pk", filter=~Q(stage__in=Stage.ends())),
            closed=Count("pk", filter=Q(stage__in=Stage.ends())),
            last=Max(Subquery(last_event)),
        )
        .order_by()
    }
    rows = []
    for state in states:
        row = figures.get(state.pk)
        if row is None and not (without_cases or wanted):
            continue
        rows.append(
            CountryRow(state, row["open"] if row else 0, row["closed"] if row else 0, row["last"] if row else None)
        )
    return rows
