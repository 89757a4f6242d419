from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = _("Electoral assistance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        _register_history_vocabulary()
        _register_tasks()
        _connect_correspondence()
        _connect_accounts()
        _register_checks()


def _register_history_vocabulary():
    """Tell the history how the workflow's actions and other domains' details read.

    The event model cannot import them: the workflow and those domains record events.
    """
    from requests_app.cases.workflow import ACTIONS
    from requests_app.coordination import models as coordination
    from requests_app.core.confidentiality import Level
    from requests_app.correspondence import models as correspondence
    from requests_app.deadlines.models import DeadlineReason
    from requests_app.documents.models import DocumentKind
    from requests_app.evaluation.models import EVENT_LABELS as EVALUATION_EVENTS
    from requests_app.fund.models import Purpose
    from requests_app.history import reading
    from requests_app.mandates.models import Organ
    from requests_app.partners.models import PartnerContribution
    from requests_app.reference.models import UnLanguage
    from requests_app.reminders.models import Reminder

    reading.register_action_labels({name: action.label for name, action in ACTIONS.items()})
    reading.register_action_labels(EVALUATION_EVENTS)
    reading.register_detail_choices(
        {
            "kind": DocumentKind,
            "level": Reminder.Level,
            "reason": DeadlineReason,
            "contribution": PartnerContribution.Kind,
            "organ": Organ,
            "confidentiality": Level,
            "purpose": Purpose,
        }
    )
    reading.register_action_labels(coordination.EVENT_LABELS)
    reading.register_detail_choices(coordination.HISTORY_CHOICES)
    reading.register_detail_labels(coordination.HISTORY_DETAILS, days=["held_on", "signed_on"])
    reading.register_action_labels(correspondence.HISTORY_ACTIONS)
    reading.register_detail_choices(
        {
            "letter_kind": correspondence.LetterKind,
            "channel": correspondence.Channel,
            "language": UnLanguage,
            "level_was": Level,
            "level_now": Level,
        }
    )
    reading.register_detail_labels(correspondence.HISTORY_DETAILS, days=["reply_due", "replied_on"], hidden=["letter"])


def _register_tasks():
    """Load the task modules in every process, not only in a worker.

    Services queue tasks by name (requests_app.core.queue): run inline (CELERY_TASK_ALWAYS_EAGER),
    a name is found only if its module was loaded; Celery's autodiscovery does that in a worker only.
    """
    from requests_app.fund import tasks as fund_tasks  # noqa: F401
    from requests_app.reminders import tasks as reminder_tasks  # noqa: F401


def _connect_correspondence():
    """The register files the letters of a case's steps as their events are written."""
    from requests_app.correspondence import receivers

    receivers.connect()


def _register_checks():
    """The deployment's own checks (`check --deploy`)."""
    from requests_app.ops import checks  # noqa: F401  (registers them)


def _connect_accounts():
    """A user's language rides in their session from login on (accounts.receivers)."""
    from requests_app.accounts import receivers

    receivers.connect()
