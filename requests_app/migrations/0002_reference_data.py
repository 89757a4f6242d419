"""Load the 193 Member States and the types of assistance from the files the project ships."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def _rows(name):
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load(apps, schema_editor):
    MemberState = apps.get_model("requests_app", "MemberState")
    AssistanceType = apps.get_model("requests_app", "AssistanceType")
    for row in _rows("member_states.csv"):
        MemberState.objects.update_or_create(
            iso3=row["iso3"], defaults={"name": row["name"], "regional_group": row["regional_group"]}
        )
    for position, row in enumerate(_rows("assistance_types.csv"), start=1):
        AssistanceType.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "category": row["category"],
                "requires_mandate": row["requires_mandate"] == "1",
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
