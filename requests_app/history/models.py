from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.cases.choices import (
    AssessmentMethod,
    AuthorityType,
    DecisionOutcome,
    ElectoralPhase,
    ImplementationModality,
    Origin,
    Stage,
)
from requests_app.cases.models import AssistanceRequest
from requests_app.deadlines.models import DeadlineReason
from requests_app.documents.models import DocumentKind
from requests_app.partners.models import PartnerContribution
from requests_app.reminders.models import Reminder


class CaseEvent(models.Model):
    """One line of a case's history. Written by services only; never edited."""

    case = models.ForeignKey(AssistanceRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("case"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=40)
    from_stage = models.CharField(_("from"), max_length=24, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=24, choices=Stage.choices, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        indexes = [
            models.Index(fields=["case", "created_at"], name="event_case_idx"),
            models.Index(fields=["action", "created_at"], name="event_action_idx"),
        ]

    def __str__(self):
        if self.created_at is None:  # an unsaved row, as a forged admin form makes one
            return str(self.action_label)
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action_label}"

    @property
    def action_label(self):
        from requests_app.cases.workflow import ACTIONS

        if self.action in ACTIONS:
            return ACTIONS[self.action].label
        return EVENT_LABELS.get(self.action, self.action)

    @property
    def details_text(self):
        """The details as one line a reader of the history understands."""
        details = self.details or {}
        parts = []
        for label, (old, new) in (details.get("changes") or {}).items():
            parts.append(f"{label}: {old or '—'} → {new or '—'}")
        for key, value in sorted(details.items(), key=lambda item: DETAIL_ORDER.get(item[0], len(DETAIL_ORDER))):
            if key in ("changes", "decision", "document", "ledger_entry", "deployment"):
                continue
            parts.append(f"{DETAIL_LABELS.get(key, key)}: {self._detail_shown(key, value)}")
        return "; ".join(parts)

    def _detail_shown(self, key, value):
        """One detail's value as the history shows it: a label, a day, a moment, yes or no, a list."""
        if value is None:
            value = "—"
        elif isinstance(value, str) and (
            (key in ("due", "from") and "T" in value) or (key == "to" and self.action == "deadline_changed")
        ):
            value = _format_moment(value)
        if key in DETAIL_CHOICES:
            return dict(DETAIL_CHOICES[key].choices).get(value, value)
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, list):
            if key == "period":
                return " – ".join(_format_day(v) for v in value if v)
            return ", ".join(str(v) for v in value if v)
        if key in DAY_KEYS and isinstance(value, str):
            return _format_day(value)
        return value


EVENT_LABELS = {
    "registered": _("Request registered"),
    "details_updated": _("Details edited"),
    "assessment_updated": _("Assessment updated"),
    "document_attached": _("Document attached"),
    "document_marked_final": _("Document marked final"),
    "document_marked_draft": _("Document marked draft"),
    "reminder_sent": _("Reminder sent"),
    "reminder_uncertain": _("Reminder delivery uncertain: its sender stopped after handing it to the mail server"),
    "reminder_resent": _("Reminder resent"),
    "deadline_changed": _("Deadline changed"),
    "partner_contribution": _("Partner contribution recorded"),
    "fund_allocation": _("Trust Fund allocation"),
    "fund_refund": _("Refund to the Trust Fund"),
    "expert_deployed": _("Expert deployed"),
    "deployment_cancelled": _("Deployment cancelled"),
}

# In the order a history line reads them: PostgreSQL keeps JSON keys in an order of its own
# (shortest first), so the line follows this order, not the stored one.
DETAIL_LABELS = {
    "origin": _("origin"),
    "authority": _("authority"),
    "method": _("method"),
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
}
DETAIL_ORDER = {key: position for position, key in enumerate(DETAIL_LABELS)}

DETAIL_CHOICES = {
    "origin": Origin,
    "authority": AuthorityType,
    "method": AssessmentMethod,
    "outcome": DecisionOutcome,
    "phase": ElectoralPhase,
    "modality": ImplementationModality,
    "kind": DocumentKind,
    "level": Reminder.Level,
    "reason": DeadlineReason,
    "contribution": PartnerContribution.Kind,
}


# Details that hold a day, stored as ISO text (2026-12-07); shown as the pages show days.
DAY_KEYS = frozenset({"ends_on", "planned_end", "revisit_on", "value_date"})


def _format_day(value):
    from django.utils import dateparse, formats

    try:
        day = dateparse.parse_date(str(value))
    except ValueError:
        day = None
    return formats.date_format(day, "j M Y") if day else str(value)


def _format_moment(value):
    """An ISO datetime from the details, as a reader of the history wants it."""
    from django.utils import dateparse, formats, timezone

    moment = dateparse.parse_datetime(value)
    if moment is None:
        return value
    return formats.date_format(timezone.localtime(moment), "j M Y H:i")
