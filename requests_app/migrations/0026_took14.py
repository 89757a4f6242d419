"""Who took part (issue 14, paras 10-11): the members of a needs assessment mission and its
consultations, the vehicles of implementation (a UNDP project and its basket fund's donors, a mission's
electoral component on a mandate, roster experts), and the notices that link a decision to the letters
that told the requester, the Resident Coordinator and the head of mission; and who may do what with them
(README "Security"): every role reads them; officers, team leads and the focal point record the members,
consultations and vehicles of the cases in their work; the focal point records who was told.
"""

import django.db.models.deletion
import django.utils.timezone
import requests_app.core.validators
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


READ = [
    "view_missionmember",
    "view_consultation",
    "view_implementationvehicle",
    "view_basketdonor",
    "view_decisionnotice",
]
WRITE = READ + [
    "add_missionmember",
    "delete_missionmember",
    "add_consultation",
    "delete_consultation",
    "add_implementationvehicle",
    "change_implementationvehicle",
]
GRANTS = {
    "Intake clerk": READ,
    "Electoral officer": WRITE,
    "Team lead": WRITE,
    "Focal point": WRITE + ["add_decisionnotice"],
    "Finance": READ,
    "Auditor": READ,
}


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="requests_app", codename__in=codenames)
    missing = set(codenames) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Unknown permissions: {sorted(missing)}")
    return permissions


def grant(apps, schema_editor):
    # Permissions are normally made after migrations; the roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(apps, codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*_permissions(apps, WRITE + ["add_decisionnotice"]))


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0025_speed10"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="Consultation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "counterpart",
                    models.CharField(
                        choices=[
                            ("resident_coordinator", "Resident Coordinator"),
                            ("undp_country_office", "UNDP country office"),
                            ("mission_leadership", "Mission leadership"),
                            ("electoral_body", "Electoral management body"),
                            ("government", "Government"),
                            ("political_parties", "Political parties"),
                            ("civil_society", "Civil society"),
                            ("womens_groups", "Women's groups"),
                            ("international_partners", "International partners and donors"),
                            ("other", "Other"),
                        ],
                        max_length=24,
                        verbose_name="with",
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="Who was met, e.g. Independent National Electoral Commission, its chair and two commissioners.",
                        max_length=200,
                        validators=[requests_app.core.validators.validate_single_line],
                        verbose_name="name or organisation",
                    ),
                ),
                ("held_on", models.DateField(verbose_name="held on")),
                ("outcome", models.TextField(help_text="What came of it.", verbose_name="outcome")),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("public", "Public"),
                            ("internal", "Internal"),
                            ("confidential", "Confidential"),
                            ("strictly_confidential", "Strictly confidential"),
                        ],
                        default="internal",
                        help_text="Who may read the outcome.",
                        max_length=24,
                        verbose_name="level of the outcome",
                    ),
                ),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="recorded")),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="consultations",
                        to="requests_app.needsassessment",
                        verbose_name="needs assessment",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "consultation",
                "verbose_name_plural": "consultations",
                "ordering": ["held_on", "id"],
            },
        ),
        migrations.CreateModel(
            name="ImplementationVehicle",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("undp_project", "UNDP project"),
                            ("peace_operation", "Electoral component of a peace operation"),
                            ("special_political_mission", "Electoral component of a special political mission"),
                            ("roster_experts", "Experts from the roster"),
                        ],
                        max_length=30,
                        verbose_name="vehicle",
                    ),
                ),
                (
                    "title",
                    models.CharField(
                        blank=True,
                        help_text="The project's title, or the peace operation's or mission's name.",
                        max_length=200,
                        validators=[requests_app.core.validators.validate_single_line],
                        verbose_name="title or name",
                    ),
                ),
                (
                    "project_id",
                    models.CharField(
                        blank=True,
                        max_length=40,
                        validators=[requests_app.core.validators.validate_single_line],
                        verbose_name="Atlas/Quantum project ID",
                    ),
                ),
                ("signed_on", models.DateField(blank=True, null=True, verbose_name="project document signed on")),
                (
                    "budget",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True, verbose_name="budget"),
                ),
                (
                    "currency",
                    models.CharField(
                        blank=True, help_text="ISO 4217 code, e.g. USD.", max_length=3, verbose_name="currency"
                    ),
                ),
                (
                    "basket_fund",
                    models.BooleanField(
                        default=False,
                        help_text="Several donors fund the project through one budget.",
                        verbose_name="basket fund",
                    ),
                ),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="recorded")),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="last edited")),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="vehicles",
                        to="requests_app.assistancerequest",
                        verbose_name="case",
                    ),
                ),
                (
                    "mandate",
                    models.ForeignKey(
                        blank=True,
                        help_text="The Security Council or General Assembly mandate the operation or mission rests on.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="vehicles",
                        to="requests_app.mandate",
                        verbose_name="mandate",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "vehicle of implementation",
                "verbose_name_plural": "vehicles of implementation",
                "ordering": ["case", "recorded_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="BasketDonor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("pledged", models.DecimalField(decimal_places=2, max_digits=16, verbose_name="pledged")),
                ("currency", models.CharField(max_length=3, verbose_name="currency")),
                (
                    "member_state",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="basket_pledges",
                        to="requests_app.memberstate",
                        verbose_name="Member State",
                    ),
                ),
                (
                    "partner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="basket_pledges",
                        to="requests_app.partner",
                        verbose_name="partner",
                    ),
                ),
                (
                    "vehicle",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="donors",
                        to="requests_app.implementationvehicle",
                        verbose_name="project",
                    ),
                ),
            ],
            options={
                "verbose_name": "basket fund donor",
                "verbose_name_plural": "basket fund donors",
                "ordering": ["vehicle", "id"],
            },
        ),
        migrations.CreateModel(
            name="MissionMember",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "name",
                    models.CharField(
                        max_length=200,
                        validators=[requests_app.core.validators.validate_single_line],
                        verbose_name="name",
                    ),
                ),
                (
                    "organisation",
                    models.CharField(
                        choices=[
                            ("dppa_ead", "DPPA Electoral Assistance Division"),
                            ("undp", "UNDP"),
                            ("dpo", "Department of Peace Operations"),
                            ("ohchr", "OHCHR"),
                            ("un_women", "UN Women"),
                            ("unops", "UNOPS"),
                            ("regional", "A regional organisation"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                        verbose_name="organisation",
                    ),
                ),
                (
                    "organisation_name",
                    models.CharField(
                        blank=True,
                        help_text="For a regional organisation or another one, e.g. African Union Commission.",
                        max_length=200,
                        validators=[requests_app.core.validators.validate_single_line],
                        verbose_name="name of the organisation",
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[("leader", "Team leader"), ("member", "Member")],
                        max_length=10,
                        verbose_name="role on the mission",
                    ),
                ),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="recorded")),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="members",
                        to="requests_app.needsassessment",
                        verbose_name="needs assessment",
                    ),
                ),
                (
                    "expert",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="missions",
                        to="requests_app.expert",
                        verbose_name="expert of the roster",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "mission member",
                "verbose_name_plural": "mission members",
                "ordering": ["assessment", "role", "name", "id"],
            },
        ),
        migrations.CreateModel(
            name="DecisionNotice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "version",
                    models.PositiveSmallIntegerField(
                        help_text="1: the decision; 2 and later: an amendment.", verbose_name="version"
                    ),
                ),
                (
                    "audience",
                    models.CharField(
                        choices=[
                            ("requester", "The requester, through the Permanent Mission"),
                            ("resident_coordinator", "The Resident Coordinator"),
                            ("head_of_mission", "The head of mission"),
                        ],
                        max_length=24,
                        verbose_name="told",
                    ),
                ),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="recorded")),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="decision_notices",
                        to="requests_app.assistancerequest",
                        verbose_name="case",
                    ),
                ),
                (
                    "decision",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="notices",
                        to="requests_app.decision",
                        verbose_name="decision",
                    ),
                ),
                (
                    "letter",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="decision_notice",
                        to="requests_app.letter",
                        verbose_name="letter",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "notice of a decision",
                "verbose_name_plural": "notices of decisions",
                "ordering": ["decision", "version", "audience"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("decision", "version", "audience"),
                        name="notice_told_once",
                        violation_error_message="This one was already told of this version of the decision.",
                    ),
                    models.CheckConstraint(condition=models.Q(("version__gte", 1)), name="notice_version_from_one"),
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="implementationvehicle",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("budget__isnull", True),
                    models.Q(("budget__gt", 0), models.Q(("currency", ""), _negated=True)),
                    _connector="OR",
                ),
                name="vehicle_budget_positive_with_currency",
                violation_error_message="A budget is more than zero, in a currency.",
            ),
        ),
        migrations.AddConstraint(
            model_name="implementationvehicle",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("kind", "undp_project"),
                    models.Q(("basket_fund", False), ("budget__isnull", True), ("project_id", "")),
                    _connector="OR",
                ),
                name="vehicle_project_fields_of_projects",
                violation_error_message="Only a UNDP project has a project ID, a budget and a basket fund.",
            ),
        ),
        migrations.AddConstraint(
            model_name="implementationvehicle",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("kind__in", ["peace_operation", "special_political_mission"]),
                    ("mandate__isnull", True),
                    _connector="OR",
                ),
                name="vehicle_mandate_of_missions",
                violation_error_message="Only a peace operation or a special political mission rests on a mandate.",
            ),
        ),
        migrations.AddConstraint(
            model_name="implementationvehicle",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "roster_experts")),
                fields=("case",),
                name="vehicle_roster_experts_once",
                violation_error_message="The case already records experts from the roster as a vehicle.",
            ),
        ),
        migrations.AddConstraint(
            model_name="basketdonor",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("member_state__isnull", False), ("partner__isnull", True)),
                    models.Q(("member_state__isnull", True), ("partner__isnull", False)),
                    _connector="OR",
                ),
                name="donor_partner_or_state",
                violation_error_message="A donor is a partner organisation or a Member State.",
            ),
        ),
        migrations.AddConstraint(
            model_name="basketdonor",
            constraint=models.CheckConstraint(
                condition=models.Q(("pledged__gt", 0)),
                name="donor_pledge_positive",
                violation_error_message="A pledge is more than zero.",
            ),
        ),
        migrations.AddConstraint(
            model_name="basketdonor",
            constraint=models.UniqueConstraint(fields=("vehicle", "partner"), name="donor_partner_once"),
        ),
        migrations.AddConstraint(
            model_name="basketdonor",
            constraint=models.UniqueConstraint(fields=("vehicle", "member_state"), name="donor_state_once"),
        ),
        migrations.AddConstraint(
            model_name="missionmember",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("organisation__in", ["regional", "other"]), _negated=True),
                    models.Q(("organisation_name", ""), _negated=True),
                    _connector="OR",
                ),
                name="member_organisation_named",
                violation_error_message="Name the regional or other organisation.",
            ),
        ),
        migrations.RunPython(grant, revoke),
    ]
