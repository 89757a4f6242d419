"""When each stage of a case falls due."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from ..models import Stage

# Days a case may stay in a stage before it is late. No standard fixes these: they are
# the project's defaults, documented in the README, and settings may override them.
DEFAULT_STAGE_DAYS = {
    Stage.RECEIVED: 7,  # acknowledge the request
    Stage.UNDER_REVIEW: 14,  # review and choose the assessment
    Stage.NEEDS_ASSESSMENT: 45,  # mission or desk review, and its report
    Stage.AWAITING_DECISION: 14,  # the focal point decides
    Stage.DECISION_COMMUNICATED: 30,  # implementation starts
    Stage.IN_IMPLEMENTATION: None,  # runs until the planned end of implementation
    Stage.REPORTING: 60,  # the mission report
}


def stage_days(stage):
    overrides = getattr(settings, "EAS_STAGE_DAYS", {}) or {}
    return overrides.get(str(stage), DEFAULT_STAGE_DAYS.get(stage))


def end_of_day(day):
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def due_at(case, stage, entered_at):
    """The time by which a case entering ``stage`` at ``entered_at`` should move on."""
    if stage in Stage.ends():
        return None
    if stage == Stage.IN_IMPLEMENTATION and case.implementation_ends_on:
        return end_of_day(case.implementation_ends_on)
    days = stage_days(stage)
    if days is None:
        return None
    return entered_at + timedelta(days=days)
