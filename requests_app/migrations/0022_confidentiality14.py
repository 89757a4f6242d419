"""Confidentiality (issue 14): a level on every document, history entry (its comment and details)
and needs assessment (its notes); who opened a confidential one (ConfidentialRead); the permission
to read each level, given to the roles (README "Security").

Existing rows: documents take the level of their kind (needs assessment and mission reports
confidential, the rest internal); an entry about a document takes its document's level; the
comments of "submit assessment" and the edits of an assessment are confidential; the rest
internal. The admin's own log named a document by its file name: it now names it by its kind.
"""

import json

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

CONFIDENTIAL_KINDS = ["assessment_report", "mission_report", "panel_report"]
CONFIDENTIAL_ACTIONS = ["submit_assessment", "assessment_updated"]
DOCUMENT_ACTIONS = ["document_attached", "document_marked_final", "document_marked_draft"]

INTERNAL = ["read_internal_content"]
CONFIDENTIAL = INTERNAL + ["read_confidential_content"]
GRANTS = {
    "Intake clerk": INTERNAL,
    "Electoral officer": CONFIDENTIAL,
    "Team lead": CONFIDENTIAL,
    "Focal point": CONFIDENTIAL + ["read_strictly_confidential_content", "view_confidentialread"],
    "Finance": INTERNAL,
    "Auditor": INTERNAL + ["view_confidentialread"],
}
NEW = sorted({codename for codenames in GRANTS.values() for codename in codenames})


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
        group.permissions.remove(*_permissions(apps, NEW))


def set_levels(apps, schema_editor):
    Document = apps.get_model("requests_app", "CaseDocument")
    Event = apps.get_model("requests_app", "CaseEvent")
    Document.objects.filter(kind__in=CONFIDENTIAL_KINDS).update(level="confidential")
    Event.objects.filter(action__in=CONFIDENTIAL_ACTIONS).update(level="confidential")
    levels = dict(Document.objects.exclude(level="internal").values_list("pk", "level"))
    raised = {}
    for pk, details in Event.objects.filter(action__in=DOCUMENT_ACTIONS).values_list("pk", "details").iterator():
        document = details.get("document") if isinstance(details, dict) else None
        if document in levels:
            raised.setdefault(levels[document], []).append(pk)
    for level, pks in raised.items():
        for start in range(0, len(pks), 500):
            Event.objects.filter(pk__in=pks[start : start + 500]).update(level=level)


def _without_file_names(message):
    """The admin log's change message with each document named by its kind, not its file."""
    try:
        entries = json.loads(message)
    except ValueError:
        return message
    if not isinstance(entries, list):
        return message
    for entry in entries:
        for change in entry.values() if isinstance(entry, dict) else ():
            if isinstance(change, dict) and change.get("name") == "document" and isinstance(change.get("object"), str):
                change["object"] = change["object"].split(": ", 1)[0]
    return json.dumps(entries)


def forget_file_names_in_the_admin_log(apps, schema_editor):
    LogEntry = apps.get_model("admin", "LogEntry")
    for entry in LogEntry.objects.filter(change_message__contains='"document"').iterator():
        message = _without_file_names(entry.change_message)
        if message != entry.change_message:
            LogEntry.objects.filter(pk=entry.pk).update(change_message=message)


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ('requests_app', '0021_reference13'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='casedocument',
            options={'ordering': ['uploaded_at', 'id'], 'permissions': [('read_internal_content', 'Read internal documents and notes'), ('read_confidential_content', 'Read confidential documents and notes'), ('read_strictly_confidential_content', 'Read strictly confidential documents and notes')], 'verbose_name': 'document', 'verbose_name_plural': 'documents'},
        ),
        migrations.AddField(
            model_name='casedocument',
            name='level',
            field=models.CharField(choices=[('public', 'Public'), ('internal', 'Internal'), ('confidential', 'Confidential'), ('strictly_confidential', 'Strictly confidential')], default='internal', help_text='Who may open it (README, Security). Needs assessment, mission and panel reports: confidential.', max_length=24, verbose_name='level'),
        ),
        migrations.AddField(
            model_name='caseevent',
            name='level',
            field=models.CharField(choices=[('public', 'Public'), ('internal', 'Internal'), ('confidential', 'Confidential'), ('strictly_confidential', 'Strictly confidential')], default='internal', max_length=24, verbose_name='level of the comment'),
        ),
        migrations.AddField(
            model_name='needsassessment',
            name='level',
            field=models.CharField(choices=[('public', 'Public'), ('internal', 'Internal'), ('confidential', 'Confidential'), ('strictly_confidential', 'Strictly confidential')], default='confidential', help_text="Who may read the notes and the needs: the assessment's report is confidential.", max_length=24, verbose_name='level of the notes'),
        ),
        migrations.AlterField(
            model_name='casedocument',
            name='kind',
            field=models.CharField(choices=[('request_letter', 'Request letter'), ('acknowledgement', 'Acknowledgement letter'), ('terms_of_reference', 'Terms of reference'), ('assessment_report', 'Needs assessment report'), ('decision_letter', 'Decision letter'), ('mission_report', 'Mission report'), ('panel_report', 'Expert panel report'), ('other', 'Other')], max_length=24, verbose_name='type'),
        ),
        migrations.CreateModel(
            name='ConfidentialRead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('read_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
                ('level', models.CharField(choices=[('public', 'Public'), ('internal', 'Internal'), ('confidential', 'Confidential'), ('strictly_confidential', 'Strictly confidential')], max_length=24, verbose_name='level')),
                ('subject_id', models.PositiveBigIntegerField(verbose_name='record no.')),
                ('subject', models.CharField(max_length=200, verbose_name='what')),
                ('place', models.CharField(choices=[('download', 'downloaded from the case page'), ('admin_download', 'downloaded from the intake desk'), ('case_page', 'shown on the case page'), ('admin_page', 'shown in the intake desk'), ('export', 'in an export')], max_length=20, verbose_name='where')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='confidential_reads', to='requests_app.assistancerequest', verbose_name='case')),
                ('reader', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='read by')),
                ('subject_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype', verbose_name='kind of record')),
            ],
            options={
                'verbose_name': 'opening of a confidential document or note',
                'verbose_name_plural': 'openings of confidential documents and notes',
                'ordering': ['-read_at', '-id'],
                'indexes': [models.Index(fields=['case', 'read_at'], name='read_case_idx'), models.Index(fields=['reader', 'read_at'], name='read_reader_idx'), models.Index(fields=['read_at'], name='read_at_idx')],
            },
        ),
        migrations.RunPython(set_levels, migrations.RunPython.noop),
        migrations.RunPython(grant, revoke),
        migrations.RunPython(forget_file_names_in_the_admin_log, migrations.RunPython.noop),
    ]
