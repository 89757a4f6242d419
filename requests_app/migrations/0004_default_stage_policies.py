"""The project's default deadlines (README, "Deadlines") and one desk per regional group."""

from django.db import migrations

# stage: (days, counted from, days while that is unknown, latest days before election day)
DEFAULTS = {
    "received": (7, "entered", None, 60),  # acknowledge the request
    "under_review": (14, "entered", None, 45),  # review it and choose the assessment
    "needs_assessment": (14, "mission_returned", 45, 30),  # report 14 days after the mission returns
    "awaiting_decision": (14, "report_submitted", None, 21),  # decide 14 days after the report
    "decision_communicated": (30, "entered", None, 14),  # start implementation
    "in_implementation": (0, "implementation_ends", 365, None),  # due at the planned end
    "reporting": (60, "implementation_ends", None, None),  # mission report 60 days after the end
}
GROUPS = ["AFRICAN", "ASIA_PACIFIC", "EASTERN_EUROPEAN", "LATIN_AMERICAN_CARIBBEAN", "WESTERN_EUROPEAN_OTHERS"]


def load(apps, schema_editor):
    StagePolicy = apps.get_model("requests_app", "StagePolicy")
    RegionalDesk = apps.get_model("requests_app", "RegionalDesk")
    for stage, (days, anchor, fallback, cutoff) in DEFAULTS.items():
        StagePolicy.objects.get_or_create(
            stage=stage,
            defaults={
                "days": days,
                "anchor": anchor,
                "days_if_no_anchor": fallback,
                "election_cutoff_days": cutoff,
                "warning_days": 2,
                "first_escalation_days": 3,
                "second_escalation_days": 7,
            },
        )
    for group in GROUPS:
        RegionalDesk.objects.get_or_create(regional_group=group)


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0003_deadlines_and_reminders")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
