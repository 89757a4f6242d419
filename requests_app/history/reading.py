"""How a line of a case's history reads: its action's label and its details as one line.

The event model knows the cases' vocabulary only. What other modules name (the workflow's
actions, the kinds of a document, a reminder's level, a deadline's reason, a contribution's
kind) is registered here by the app at start-up (RequestsAppConfig.ready), so the event model
imports neither the workflow nor the domains that record events: they all depend on it.
"""

from collections.abc import Iterable, Mapping

from django.db.models import Choices
from django.utils import dateparse, formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app.cases.choices import (
    AssessmentMethod,
    AuthorityType,
    Basis,
    DecisionOutcome,
    ElectoralPhase,
    ImplementationModality,
    Origin,
)
from requests_app.core.text import arrow
from requests_app.core.types import StrOrPromise

# The events the services write besides the workflow's actions (those are registered).
EVENT_LABELS = {
    "registered": _("Request registered"),
    "details_updated": _("Details edited"),
    "assessment_updated": _("Assessment updated"),
    "document_attached": _("Document attached"),
    "document_marked_final": _("Document marked final"),
    "document_marked_draft": _("Document marked draft"),
    "document_level_changed": _("Document's level changed"),
    "reminder_sent": _("Reminder sent"),
    "reminder_uncertain": _("Reminder delivery uncertain: its sender stopped after handing it to the mail server"),
    "reminder_resent": _("Reminder resent"),
    "deadline_changed": _("Deadline changed"),
    "partner_contribution": _("Partner contribution recorded"),
    "fund_allocation": _("Trust Fund allocation"),
    "fund_refund": _("Refund to the Trust Fund"),
    "fund_purpose_given": _("Trust Fund allocation given its purpose"),
    "expert_deployed": _("Expert deployed"),
    "deployment_cancelled": _("Deployment cancelled"),
    "follow_up_linked": _("A later request follows this case"),
    "follow_up_unlinked": _("A later request no longer follows this case"),
    "mandate_linked": _("Mandate linked: the case rests on it"),
    "mandate_unlinked": _("Mandate unlinked: the case no longer rests on it"),
    "mandate_renewed": _("Mandate renewed: the case rests on the renewal"),
    "mandate_updated": _("Mandate corrected"),
    # Written by migration 0021_reference13 on the cases that named a type the UN does not have.
    "assistance_type_mapped": _("Type of assistance mapped to the United Nations' typology"),
}

# In the order a history line reads them: PostgreSQL keeps JSON keys in an order of its own
# (shortest first), so the line follows this order, not the stored one.
DETAIL_LABELS: dict[str, StrOrPromise] = {
    "basis": _("basis"),
    "origin": _("origin"),
    "authority": _("authority"),
    "follows": _("follows"),
    "follow_up": _("follow-up request"),
    "accept": _("accept the electoral body's request"),
    "mandates": _("mandates"),
    "mandate": _("mandate"),
    "renewal": _("renewed by"),
    "organ": _("organ"),
    "expires_on": _("expires on"),
    "carried_over": _("recorded before as"),
    "mandate_symbol": _("mandate resolution"),
    "requesting_authority": _("requesting authority"),
    "method": _("method"),
    "recommended_by": _("recommended by"),
    "recommended": _("recommendation"),
    "version": _("version"),
    "outcome": _("outcome"),
    "types": _("assistance"),
    "phase": _("phase"),
    "expert": _("expert"),
    "period": _("period"),
    "justification": _("justification for short notice"),
    "expert_role": _("role"),
    "revisit_on": _("consider again on"),
    "modality": _("implemented through"),
    "ends_on": _("ends on"),
    "planned_end": _("planned to end on"),
    "beyond_period": _("beyond the decided period, confirmed"),
    "kind": _("type"),
    "name": _("file"),
    "final": _("final"),
    "confidentiality": _("level"),
    "level": _("reminder"),
    "from": _("was due"),
    "to": _("to"),
    "due": _("due"),
    "reason": _("because"),
    "partner": _("partner"),
    "contribution": _("contribution"),
    "people": _("people"),
    "amount": _("amount"),
    "value_date": _("value date"),
    "amount_usd": _("in US dollars"),
    "rate": _("rate (USD)"),
    "type_was": _("type of assistance named"),
    "type_now": _("now recorded as"),
    "purpose": _("purpose"),
    "support_cost": _("programme support costs"),
    "earmarked": _("from earmarked money"),
    "earmarked_back": _("back to earmarked money"),
}
DETAIL_ORDER = {key: position for position, key in enumerate(DETAIL_LABELS)}

# Details whose stored value is a choice, shown by its label. The cases' own are here; the rest
# are registered (register_detail_choices).
DETAIL_CHOICES: dict[str, type[Choices]] = {
    "basis": Basis,
    "origin": Origin,
    "authority": AuthorityType,
    "method": AssessmentMethod,
    "outcome": DecisionOutcome,
    "phase": ElectoralPhase,
    "modality": ImplementationModality,
}

# Details that hold a day, stored as ISO text (2026-12-07); shown as the pages show days.
DAY_KEYS = {"ends_on", "planned_end", "revisit_on", "value_date", "expires_on"}

# Values of choices since retired, as the history written before still holds them: a mandate was an
# origin, and its organ the authority, until mandates were recorded of their own (migration 0019_mandates).
RETIRED_LABELS = {
    ("origin", "security_council"): _("Security Council mandate"),
    ("origin", "general_assembly"): _("General Assembly mandate"),
    ("authority", "un_organ"): _("Security Council or General Assembly"),
}

# Details that hold names of the typology (reference.models.TYPOLOGY_NAMES), stored in English:
# shown in the reader's language.
TYPOLOGY_KEYS = {"types", "type_was", "type_now"}

# Details the line leaves out: they identify a row (a decision, a document...), the rest says what it is.
HIDDEN_KEYS = {"changes", "decision", "document", "ledger_entry", "deployment", "recommendation", "mapping"}

_action_labels: dict[str, StrOrPromise] = {}


def register_action_labels(labels: Mapping[str, StrOrPromise]) -> None:
    """Name actions (the workflow's): their label wins over EVENT_LABELS."""
    _action_labels.update(labels)


def register_detail_choices(choices: Mapping[str, type[Choices]]) -> None:
    """Show the detail ``key`` of every event by the label of its choice."""
    DETAIL_CHOICES.update(choices)


def register_detail_labels(
    labels: Mapping[str, "StrOrPromise"], *, days: Iterable[str] = (), hidden: Iterable[str] = ()
) -> None:
    """Name the details another domain writes (shown in that order, after these), those that hold
    a day, and those the line leaves out."""
    for key, label in labels.items():
        DETAIL_LABELS[key] = label
        DETAIL_ORDER.setdefault(key, len(DETAIL_ORDER))
    DAY_KEYS.update(days)
    HIDDEN_KEYS.update(hidden)


def action_label(action: str) -> "StrOrPromise":
    if action in _action_labels:
        return _action_labels[action]
    return EVENT_LABELS.get(action, action)


def details_text(action: str, details: Mapping | None) -> str:
    """The details as one line a reader of the history understands."""
    details = details or {}
    parts = []
    for label, (old, new) in (details.get("changes") or {}).items():
        parts.append(f"{field_label(label)}: {old or '—'} {arrow()} {new or '—'}")
    for key, value in sorted(details.items(), key=lambda item: DETAIL_ORDER.get(item[0], len(DETAIL_ORDER))):
        if key in HIDDEN_KEYS:
            continue
        parts.append(f"{DETAIL_LABELS.get(key, key)}: {_value_text(action, key, value)}")
    return "; ".join(parts)


def _value_text(action, key, value):
    if value is None:
        value = "—"
    elif isinstance(value, str) and (
        (key in ("due", "from") and "T" in value) or (key == "to" and action == "deadline_changed")
    ):
        value = _format_moment(value)
    if isinstance(value, str) and (key, value) in RETIRED_LABELS:
        value = RETIRED_LABELS[key, value]
    elif key in DETAIL_CHOICES:
        value = dict(DETAIL_CHOICES[key].choices).get(value, value)
    elif isinstance(value, bool):
        value = _("yes") if value else _("no")
    elif isinstance(value, dict):  # what a case recorded before (migration 0019_mandates), in a line of its own
        value = ", ".join(f"{DETAIL_LABELS.get(k, k)} {_value_text(action, k, v)}" for k, v in value.items() if v)
    elif isinstance(value, list):
        value = _list_text(key, value)
    elif key in TYPOLOGY_KEYS and isinstance(value, str):
        value = gettext(value)
    elif key in DAY_KEYS and isinstance(value, str):
        value = _format_day(value)
    return value


def _list_text(key, values):
    if key == "period":
        return " – ".join(_format_day(v) for v in values if v)
    if key in TYPOLOGY_KEYS:
        return ", ".join(gettext(v) for v in values if v)
    return ", ".join(str(v) for v in values if v)


def field_label(label: str) -> str:
    """A field's label as an edit stored it (in English, "Officer"), in the reader's language when
    the catalogues know it, as the field's name or its capitalised form."""
    translated = gettext(label)
    if translated == label and label[:1].isupper():
        lowered = label[:1].lower() + label[1:]
        translated = capfirst(gettext(lowered)) if gettext(lowered) != lowered else label
    return translated


def _format_day(value):
    try:
        day = dateparse.parse_date(str(value))
    except ValueError:
        day = None
    return formats.date_format(day, "DATE_FORMAT") if day else str(value)


def _format_moment(value):
    """An ISO datetime from the details, as a reader of the history wants it."""
    moment = dateparse.parse_datetime(value)
    if moment is None:
        return value
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
