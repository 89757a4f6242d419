"""Each country and territory named in the six official languages of the United Nations (issue 15).

``names`` holds, by language code, the short name that data/country_names.json gives it (the
United Nations' short names, else CLDR's: tools/country_names.py). A country the file does not know
(none today) keeps an empty ``names`` and is shown by its English name. Reversible: the field goes.
"""

import json
from pathlib import Path

from django.db import migrations, models

NAMES = Path(__file__).resolve().parent.parent / "data" / "country_names.json"


def fill_names(apps, schema_editor):
    MemberState = apps.get_model("requests_app", "MemberState")
    names = json.loads(NAMES.read_text(encoding="utf-8"))
    countries = list(MemberState.objects.filter(iso3__in=names))
    for country in countries:
        country.names = names[country.iso3]
    MemberState.objects.bulk_update(countries, ["names"])


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0029_letters15"),
    ]

    operations = [
        migrations.AddField(
            model_name="memberstate",
            name="names",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="Its name in each official language of the United Nations, by language code.",
                verbose_name="names in the six languages",
            ),
        ),
        migrations.RunPython(fill_names, migrations.RunPython.noop),
    ]
