"""Who decides (issue 13): the officer recommends, the focal point accepts an electoral body's
request and chooses how the needs are assessed; follow-up requests; amendments of a decision.

Schema: Recommendation, DecisionAmendment, AssistanceRequest.follows, who accepted an electoral
body's request (and on what recommendation), who chose the assessment's method (and when, on what
recommendation), the new permission decide_review.

Data (reversible): the Focal point group gains decide_review, the Electoral officer and Team lead
groups hold none of it; review_request is renamed for what it now allows. The acceptances and
methods already recorded stay as they are, recorded as decided by whoever did it, read from the
case's history (the event of the action): nothing is lost, and no recommendation is invented.
"""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

DECIDER = "Focal point"
RECOMMENDERS = ["Electoral officer", "Team lead"]
REVIEW_NAMES = (
    "Can review requests and accept an electoral body's request",
    "Can review requests and recommend whether to accept and how to assess them",
)


def _permissions(apps):
    # Permissions are normally made after migrations; the groups need the new one now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    return apps.get_model("auth", "Permission").objects.filter(content_type__app_label="requests_app")


def the_focal_point_decides(apps, schema_editor):
    permissions = _permissions(apps)
    Group = apps.get_model("auth", "Group")
    decide_review = permissions.get(codename="decide_review")
    for group in Group.objects.filter(name=DECIDER):
        group.permissions.add(decide_review)
    for group in Group.objects.filter(name__in=RECOMMENDERS):
        group.permissions.remove(decide_review)
    permissions.filter(codename="review_request").update(name=REVIEW_NAMES[1])


def back_to_the_officer(apps, schema_editor):
    permissions = apps.get_model("auth", "Permission").objects.filter(content_type__app_label="requests_app")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=DECIDER):
        group.permissions.remove(*permissions.filter(codename="decide_review"))
    permissions.filter(codename="review_request").update(name=REVIEW_NAMES[0])


def _latest_events(apps, action):
    """{case id: (actor id, when)} of each case's latest event of ``action``."""
    CaseEvent = apps.get_model("requests_app", "CaseEvent")
    latest = {}
    rows = CaseEvent.objects.filter(action=action).order_by("created_at", "id")
    for case_id, actor_id, created_at in rows.values_list("case_id", "actor_id", "created_at").iterator():
        latest[case_id] = (actor_id, created_at)
    return latest


def record_who_decided(apps, schema_editor):
    AssistanceRequest = apps.get_model("requests_app", "AssistanceRequest")
    NeedsAssessment = apps.get_model("requests_app", "NeedsAssessment")
    accepted = _latest_events(apps, "accept_emb_request")
    cases = []
    for case in AssistanceRequest.objects.filter(emb_request_accepted_at__isnull=False).only("pk").iterator():
        if case.pk in accepted:
            case.emb_request_accepted_by_id = accepted[case.pk][0]
            cases.append(case)
    AssistanceRequest.objects.bulk_update(cases, ["emb_request_accepted_by"], batch_size=500)
    chosen = _latest_events(apps, "start_assessment")
    assessments = []
    for assessment in NeedsAssessment.objects.only("pk", "case_id").iterator():
        if assessment.case_id in chosen:
            assessment.chosen_by_id, assessment.chosen_at = chosen[assessment.case_id]
            assessments.append(assessment)
    NeedsAssessment.objects.bulk_update(assessments, ["chosen_by", "chosen_at"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('requests_app', '0017_countryfile13'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='assistancerequest',
            options={'ordering': ['-received_date', '-id'], 'permissions': [('review_request', 'Can review requests and recommend whether to accept and how to assess them'), ('decide_review', "Can accept an electoral body's request and choose how the needs are assessed"), ('conduct_assessment', 'Can conduct needs assessments'), ('decide_request', 'Can decide the parameters of assistance'), ('manage_implementation', 'Can manage implementation and reporting'), ('close_case', 'Can close cases'), ('record_withdrawal', 'Can record a withdrawal'), ('view_all_cases', 'Can see the cases of every region'), ('assign_officer', 'Can assign cases to officers'), ('export_history', 'Can export the history of cases'), ('view_briefing', 'Can see and download the briefing report to Member States')], 'verbose_name': 'assistance request', 'verbose_name_plural': 'assistance requests'},
        ),
        migrations.AddField(
            model_name='assistancerequest',
            name='emb_request_accepted_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='electoral body request accepted by'),
        ),
        migrations.AddField(
            model_name='assistancerequest',
            name='follows',
            field=models.ForeignKey(blank=True, help_text='A request that follows an earlier case of the same country: type its reference or the country.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='followed_by', to='requests_app.assistancerequest', verbose_name='follows the earlier case'),
        ),
        migrations.AddField(
            model_name='needsassessment',
            name='chosen_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='method chosen at'),
        ),
        migrations.AddField(
            model_name='needsassessment',
            name='chosen_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='method chosen by'),
        ),
        migrations.CreateModel(
            name='Recommendation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('accept_emb_request', models.BooleanField(blank=True, choices=[(True, "Accept the electoral body's request"), (False, 'Do not accept it')], null=True, verbose_name="the electoral body's request")),
                ('method', models.CharField(blank=True, choices=[('mission', 'Needs assessment mission (NAM)'), ('desk_review', 'Desk review')], max_length=20, verbose_name='assessment')),
                ('grounds', models.TextField(verbose_name='grounds')),
                ('recommended_at', models.DateTimeField(verbose_name='recommended at')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recommendations', to='requests_app.assistancerequest', verbose_name='case')),
                ('recommended_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recommended by')),
            ],
            options={
                'verbose_name': 'recommendation',
                'verbose_name_plural': 'recommendations',
                'ordering': ['-recommended_at', '-id'],
            },
        ),
        migrations.AddField(
            model_name='assistancerequest',
            name='emb_request_recommendation',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='requests_app.recommendation', verbose_name='acceptance on the recommendation'),
        ),
        migrations.AddField(
            model_name='needsassessment',
            name='recommendation',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='requests_app.recommendation', verbose_name='method chosen on the recommendation'),
        ),
        migrations.CreateModel(
            name='DecisionAmendment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveSmallIntegerField(verbose_name='version')),
                ('period_start', models.DateField(verbose_name='assistance from')),
                ('period_end', models.DateField(verbose_name='assistance until')),
                ('scope', models.TextField(blank=True, verbose_name='scope and parameters')),
                ('reason', models.TextField(verbose_name='reason for the amendment')),
                ('communicated_on', models.DateField(blank=True, null=True, verbose_name='letter to the government sent')),
                ('amended_at', models.DateTimeField(verbose_name='amended at')),
                ('amended_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='amended by')),
                ('assistance_types', models.ManyToManyField(related_name='decision_amendments', to='requests_app.assistancetype', verbose_name='assistance to provide')),
                ('decision', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='amendments', to='requests_app.decision', verbose_name='decision')),
            ],
            options={
                'verbose_name': 'amendment of a decision',
                'verbose_name_plural': 'amendments of decisions',
                'ordering': ['decision', 'version'],
                'constraints': [models.UniqueConstraint(fields=('decision', 'version'), name='amendment_version_unique'), models.CheckConstraint(condition=models.Q(('version__gte', 2)), name='amendment_after_the_decision', violation_error_message='The decision is version 1: an amendment is version 2 or later.')],
            },
        ),
        migrations.RunPython(the_focal_point_decides, back_to_the_officer),
        migrations.RunPython(record_who_decided, migrations.RunPython.noop),
    ]
