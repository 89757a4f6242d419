"""The post-electoral phase: evaluations, waived evaluations and lessons learned, and who may do what
with them (README "Security"). Cases closed before this migration keep no evaluation: they closed
under the rule of their time."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

READ = ["view_evaluation", "view_evaluationwaiver", "view_lessonlearned"]
WRITE = READ + ["add_evaluation", "change_evaluation", "add_lessonlearned", "change_lessonlearned"]
GRANTS = {
    "Intake clerk": READ,
    "Electoral officer": WRITE,
    "Team lead": WRITE,
    "Focal point": WRITE,
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
        group.permissions.remove(*_permissions(apps, WRITE))


class Migration(migrations.Migration):

    dependencies = [
        ('requests_app', '0015_search_unaccent'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name='Evaluation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('what_worked', models.TextField(verbose_name='what worked')),
                ('what_did_not_work', models.TextField(verbose_name='what did not work')),
                ('recommendations', models.TextField(verbose_name='recommendations')),
                ('evaluated_on', models.DateField(verbose_name='evaluated on')),
                ('evaluated_by', models.CharField(help_text='Who carried out the evaluation, e.g. the Division with the UNDP country office.', max_length=200, verbose_name='evaluated by')),
                ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='last edited')),
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='evaluation', to='requests_app.assistancerequest', verbose_name='case')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
            ],
            options={
                'verbose_name': 'evaluation',
                'verbose_name_plural': 'evaluations',
            },
        ),
        migrations.CreateModel(
            name='EvaluationWaiver',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.TextField(verbose_name='reason')),
                ('waived_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='waived')),
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='evaluation_waiver', to='requests_app.assistancerequest', verbose_name='case')),
                ('waived_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='waived by')),
            ],
            options={
                'verbose_name': 'waived evaluation',
                'verbose_name_plural': 'waived evaluations',
            },
        ),
        migrations.CreateModel(
            name='LessonLearned',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('lesson', models.TextField(verbose_name='lesson')),
                ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='last edited')),
                ('areas', models.ManyToManyField(blank=True, help_text='The types of assistance the lesson concerns.', related_name='lessons', to='requests_app.assistancetype', verbose_name='areas of assistance')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='lessons', to='requests_app.assistancerequest', verbose_name='case')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
            ],
            options={
                'verbose_name': 'lesson learned',
                'verbose_name_plural': 'lessons learned',
                'ordering': ['-recorded_at', '-id'],
                'indexes': [models.Index(fields=['-recorded_at', '-id'], name='lesson_recorded_idx')],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
