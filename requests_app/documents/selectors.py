"""Who may read which document or note (README "Security", confidentiality), and what a reader sees of them.

The rule is requests_app.core.confidentiality (a level and its permission) within the cases' scope
(cases.selectors: a case outside it does not exist for the user). A note is the comment and the
details of a history entry (CaseEvent.level) and the free-text notes of a needs assessment
(NeedsAssessment.level). An entry about a document is read at least at the document's level today,
so that raising a document's level also withholds its name from the entries that mention it.
"""

from collections.abc import Iterable, Mapping

from django.db.models import BigIntegerField, Exists, OuterRef, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from requests_app.cases.models import AssistanceRequest, NeedsAssessment
from requests_app.core import presence
from requests_app.core.confidentiality import highest, label, may_read, readable_levels
from requests_app.core.types import User
from requests_app.documents.models import CaseDocument, ConfidentialRead
from requests_app.history.models import CaseEvent

# Content: the assessment's notes ------------------------------------------------------------------


def may_read_findings(user: User, assessment: NeedsAssessment) -> bool:
    """Whether ``user`` may read the free-text notes of a needs assessment."""
    return may_read(user, assessment.level)


# Notes: history entries ---------------------------------------------------------------------------


def document_levels(documents: Iterable[CaseDocument]) -> dict[int, str]:
    """{document id: level}, for the entries that name a document (entry_level)."""
    return {document.pk: document.level for document in documents}


def hidden_document_levels(user: User, cases_seen: QuerySet[AssistanceRequest]) -> dict[int, str]:
    """{id: level} of the documents of ``cases_seen`` that ``user`` may not open: one query."""
    hidden = CaseDocument.objects.filter(case__in=cases_seen).exclude(level__in=sorted(readable_levels(user)))
    return dict(hidden.values_list("pk", "level"))


def entry_level(event: CaseEvent, documents: Mapping[int, str]) -> str:
    """The level of what an entry says beyond who did what when: its own, or its document's if higher."""
    document = (event.details or {}).get("document") if isinstance(event.details, dict) else None
    if isinstance(document, int) and document in documents:
        return highest([event.level, documents[document]])
    return event.level


def carries_note(event: CaseEvent) -> bool:
    """Whether the entry holds a note: a comment, or an edit's old and new values (an assessment's
    notes among them). Showing one at a recorded level is an opening; the facts an entry records
    (a document's kind, a stage) are not notes."""
    return bool(event.comment or (isinstance(event.details, dict) and event.details.get("changes")))


def mark_withheld(user: User, events: Iterable[CaseEvent], documents: Mapping[int, str]) -> list[CaseEvent]:
    """Set ``withheld`` on each entry (its level's label when the user may not read its comment and
    details, else "") and ``shown_level``; return the entries whose content is shown at its level."""
    levels = readable_levels(user)
    shown = []
    for event in events:
        level = entry_level(event, documents)
        event.shown_level = level  # type: ignore[attr-defined]  # for the page and the records of reads
        if level in levels:
            event.withheld = ""  # type: ignore[attr-defined]
            shown.append(event)
        else:
            event.withheld = label(level)  # type: ignore[attr-defined]
    return shown


def readable_events(user: User, queryset: QuerySet[CaseEvent]) -> QuerySet[CaseEvent]:
    """The entries whose comment and details ``user`` may read: what a search of comments may match."""
    levels = sorted(readable_levels(user))
    document = Cast(KeyTextTransform("document", "details"), BigIntegerField())
    hidden = CaseDocument.objects.filter(pk=OuterRef("named_document")).exclude(level__in=levels)
    return queryset.filter(level__in=levels).annotate(named_document=document).exclude(Exists(hidden))


# Who opened what --------------------------------------------------------------------------------


def may_see_reads(user: User) -> bool:
    """The auditor (and the focal point) read the record of openings of confidential documents."""
    return bool(user.is_active and user.has_perm("requests_app.view_confidentialread"))


def reads_of_case(user: User, case: AssistanceRequest, limit: int = 50) -> list[ConfidentialRead]:
    """The latest openings of the case's confidential documents and notes, for those who may see them."""
    if not may_see_reads(user) or not presence.holds(case, "confidential_reads"):
        return []
    return list(ConfidentialRead.objects.filter(case=case).select_related("reader")[:limit])
