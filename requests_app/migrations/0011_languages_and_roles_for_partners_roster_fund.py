"""The languages of the roster, the Trust Fund's settings row, and what each role may do with
partners, the roster, the Trust Fund and the briefing (README "Security")."""

from decimal import Decimal

from django.contrib.auth.management import create_permissions
from django.db import migrations

# The six official languages of the United Nations first, then those most asked for in the field.
LANGUAGES = [
    ("ar", "Arabic", True), ("zh", "Chinese", True), ("en", "English", True), ("fr", "French", True),
    ("ru", "Russian", True), ("es", "Spanish", True),
    ("pt", "Portuguese", False), ("sw", "Swahili", False), ("de", "German", False), ("tr", "Turkish", False),
    ("fa", "Persian", False), ("uk", "Ukrainian", False), ("ha", "Hausa", False), ("am", "Amharic", False),
    ("hi", "Hindi", False), ("id", "Indonesian", False), ("ps", "Pashto", False), ("so", "Somali", False),
]

SEE_PARTNERS_AND_ROSTER = ["view_partner", "view_partnercontribution", "view_expert", "view_deployment", "view_language"]
WORK_WITH_PARTNERS_AND_ROSTER = SEE_PARTNERS_AND_ROSTER + [
    "add_partner", "change_partner", "add_partnercontribution", "add_deployment", "change_deployment",
]
SEE_FUND = ["view_ledgerentry", "view_exchangerate", "view_balancealert", "view_trustfundsettings", "view_trust_fund_statement"]

GRANTS = {
    "Intake clerk": SEE_PARTNERS_AND_ROSTER,
    "Electoral officer": WORK_WITH_PARTNERS_AND_ROSTER,
    "Team lead": WORK_WITH_PARTNERS_AND_ROSTER + ["add_expert", "change_expert", "add_language", "view_briefing"],
    "Focal point": WORK_WITH_PARTNERS_AND_ROSTER + ["add_expert", "change_expert", "add_language", "view_briefing"]
    + SEE_FUND + ["record_allocation"],
    "Finance": SEE_PARTNERS_AND_ROSTER + SEE_FUND + ["add_ledgerentry", "add_exchangerate", "view_briefing"],
    "Auditor": SEE_PARTNERS_AND_ROSTER + SEE_FUND + ["view_briefing"],
}


def forwards(apps, schema_editor):
    Language = apps.get_model("requests_app", "Language")
    for code, name, official in LANGUAGES:
        Language.objects.get_or_create(code=code, defaults={"name": name, "is_un_official": official})
    TrustFundSettings = apps.get_model("requests_app", "TrustFundSettings")
    if not TrustFundSettings.objects.exists():
        TrustFundSettings.objects.create(alert_threshold_usd=Decimal("500000.00"))

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(content_type__app_label="requests_app", codename__in=codenames)
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Unknown permissions for {name}: {sorted(missing)}")
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0010_partners_roster_trust_fund"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
