"""The six roles as groups, with the rights the README documents (section "Security")."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CASE_READ = [
    "view_assistancerequest", "view_election", "view_needsassessment", "view_decision", "view_casedocument",
    "view_caseevent", "view_memberstate", "view_assistancetype", "view_reminder",
]
CASE_WORK = CASE_READ + [
    "change_assistancerequest", "add_election", "change_election", "delete_election",
    "change_needsassessment", "add_casedocument", "change_casedocument",
    "review_request", "conduct_assessment", "manage_implementation", "record_withdrawal",
]
ROLES = {
    "Intake clerk": CASE_READ + [
        "add_assistancerequest", "change_assistancerequest", "add_election", "change_election",
        "add_casedocument", "view_all_cases",
    ],
    "Electoral officer": CASE_WORK,
    "Team lead": CASE_WORK + ["assign_officer", "view_stagepolicy", "view_regionaldesk"],
    "Focal point": CASE_WORK + [
        "decide_request", "close_case", "assign_officer", "view_all_cases", "view_stagepolicy",
        "change_stagepolicy", "view_regionaldesk", "change_regionaldesk",
    ],
    "Finance": CASE_READ + ["view_all_cases"],
    "Auditor": CASE_READ + [
        "view_all_cases", "export_history", "view_stagepolicy", "view_regionaldesk", "view_referencecounter",
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after migrations; the roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(content_type__app_label="requests_app", codename__in=codenames)
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Unknown permissions for {name}: {sorted(missing)}")
        group.permissions.set(permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0006_desk_members_and_scope_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
