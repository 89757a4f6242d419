"""Mandates as a basis of their own (issue 13): a case rests on a request, a mandate, or both.

Until now a Security Council or General Assembly mandate was an origin of the case, its resolution
in mandate_symbol. ``carry_over`` makes one Mandate per distinct symbol and country of those cases,
links each case to it, and leaves the case without a requesting authority (a mandate alone has
none): its basis is then "mandate"; every other case keeps its request (basis "request"). The basis
is not stored: it is read from the case's origin and its mandates. Nothing is lost:
- the resolution becomes the Mandate's symbol (spaces and capitals tidied), the origin its organ;
- the day of adoption was never recorded: for a Security Council symbol, which carries the year,
  the date is 1 January of that year, marked as the year alone (adopted_on_year_only); a General
  Assembly symbol carries no year, so the date stays unknown (adopted_on is null, which only these
  carried-over mandates may be). The expiry was never recorded either: it stays empty until given;
- what the case held about its requester (origin, authority, requesting authority, symbol as
  written) is kept in its history, in the event that links it to its mandate;
- the letter date stays on the case.
``bring_back`` undoes it for the cases that rest on a mandate alone, as the old model held them; a
case on both a request and a mandate goes back to its request alone (the old model had no room for
both), and the reminders of mandates' expiry go with the mandates.
"""

import re
from datetime import date
from importlib import import_module

import django.db.models.deletion
import django.utils.timezone
import requests_app.mandates.models
from django.conf import settings
from django.db import migrations, models


ORGAN_LABELS = {"security_council": "Security Council", "general_assembly": "General Assembly"}
SC_YEAR = re.compile(r"^S/RES/\d{1,5} \(((?:19|20)\d{2})\)$")


def _normalised(text):
    symbol = " ".join(str(text).split()).upper()
    symbol = re.sub(r"\s*/\s*", "/", symbol)
    return re.sub(r"\s*\(\s*(\d+)\s*\)$", r" (\1)", symbol)


def _adopted(symbol):
    """(adopted_on, year only): 1 January of a Security Council symbol's year, else unknown."""
    match = SC_YEAR.match(symbol)
    return (date(int(match.group(1)), 1, 1), True) if match else (None, False)


def carry_over(apps, schema_editor):
    Case = apps.get_model("requests_app", "AssistanceRequest")
    Mandate = apps.get_model("requests_app", "Mandate")
    CaseEvent = apps.get_model("requests_app", "CaseEvent")
    mandates = {}
    cases = Case.objects.filter(origin__in=list(ORGAN_LABELS)).order_by("id")
    for case in cases.iterator(chunk_size=2000):
        symbol = _normalised(case.mandate_symbol) or f"(no symbol recorded, {case.reference})"
        key = (symbol, case.member_state_id)
        if key not in mandates:
            adopted_on, year_only = _adopted(symbol)
            mandates[key] = Mandate.objects.create(
                member_state_id=case.member_state_id,
                organ=case.origin,
                symbol=symbol[:40],
                adopted_on=adopted_on,
                adopted_on_year_only=year_only,
            )
        mandate = mandates[key]
        mandate.cases.add(case)
        CaseEvent.objects.create(
            case=case,
            action="mandate_linked",
            comment="Carried over when mandates were recorded of their own: the case rests on this mandate.",
            details={
                "mandate": mandate.symbol,
                "organ": mandate.organ,
                "basis": "mandate",
                "carried_over": {
                    "origin": case.origin,
                    "mandate_symbol": case.mandate_symbol,
                    "authority": case.authority_type,
                    "requesting_authority": case.requesting_authority,
                },
            },
        )
        case.origin, case.authority_type, case.requesting_authority = "", "", ""
        case.save(update_fields=["origin", "authority_type", "requesting_authority"])


def bring_back(apps, schema_editor):
    Case = apps.get_model("requests_app", "AssistanceRequest")
    Mandate = apps.get_model("requests_app", "Mandate")
    CaseEvent = apps.get_model("requests_app", "CaseEvent")
    carried = {
        event.case_id: event.details.get("carried_over") or {}
        for event in CaseEvent.objects.filter(action="mandate_linked", details__has_key="carried_over")
    }
    for case in Case.objects.filter(origin="").order_by("id"):
        mandate = Mandate.objects.filter(cases=case).order_by("id").first()
        before = carried.get(case.pk, {})
        organ = mandate.organ if mandate else before.get("origin", "security_council")
        case.origin = organ
        case.mandate_symbol = before.get("mandate_symbol") or (mandate.symbol if mandate else "")
        case.authority_type = "un_organ"
        case.requesting_authority = before.get("requesting_authority") or ORGAN_LABELS[organ]
        case.letter_date = case.letter_date or case.received_date
        case.save()
    CaseEvent.objects.filter(action="mandate_linked", details__has_key="carried_over").delete()
    apps.get_model("requests_app", "Reminder").objects.filter(mandate__isnull=False).delete()
    Case.objects.filter(letter_date__isnull=True).update(letter_date=models.F("received_date"))


# Who may read and record mandates (README "Security"): every role reads them; the intake desk,
# team leads and the focal point record mandates and their renewals and correct them.
GRANTS = {
    "Intake clerk": ["view_mandate", "add_mandate", "change_mandate"],
    "Electoral officer": ["view_mandate"],
    "Team lead": ["view_mandate", "add_mandate", "change_mandate"],
    "Focal point": ["view_mandate", "add_mandate", "change_mandate"],
    "Finance": ["view_mandate"],
    "Auditor": ["view_mandate"],
}


def rebuild_sqlite_search(apps, schema_editor):
    """On SQLite, altering the cases' table remakes it, and its search triggers (0015) go with the old
    one: they are made again, and the index refilled from the cases. PostgreSQL keeps its index."""
    if schema_editor.connection.vendor == "sqlite":
        import_module("requests_app.migrations.0015_search_unaccent").forwards(apps, schema_editor)


def grant_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

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
        ('requests_app', '0018_decide13'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # Undoing this migration remakes the cases' table too: its search is made again last.
        migrations.RunPython(migrations.RunPython.noop, rebuild_sqlite_search),
        migrations.CreateModel(
            name='Mandate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('organ', models.CharField(choices=[('security_council', 'Security Council'), ('general_assembly', 'General Assembly')], max_length=20, verbose_name='organ')),
                ('symbol', models.CharField(help_text='The symbol of the resolution, e.g. S/RES/2734 (2024) or A/RES/78/123.', max_length=40, validators=[requests_app.mandates.models.validate_symbol], verbose_name='resolution')),
                ('adopted_on', models.DateField(null=True, verbose_name='adopted on')),
                ('adopted_on_year_only', models.BooleanField(default=False, editable=False, verbose_name='only the year of adoption is known')),
                ('expires_on', models.DateField(blank=True, help_text='Leave empty when the resolution sets no end.', null=True, verbose_name='expires on')),
                ('electoral_tasks', models.TextField(blank=True, help_text='What the resolution asks of the United Nations for elections.', verbose_name='electoral tasks')),
                ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='recorded')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
            ],
            options={
                'verbose_name': 'mandate',
                'verbose_name_plural': 'mandates',
                'ordering': [models.OrderBy(models.F('adopted_on'), descending=True, nulls_last=True), '-id'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='assistancerequest',
            name='case_mandate_has_symbol',
        ),
        migrations.RemoveConstraint(
            model_name='reminder',
            name='reminder_claimed_once',
        ),
        migrations.AddField(
            model_name='reminder',
            name='days_before',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='days before the expiry'),
        ),
        migrations.AlterField(
            model_name='assistancerequest',
            name='authority_type',
            field=models.CharField(blank=True, choices=[('head_of_state', 'Head of State'), ('head_of_government', 'Head of Government'), ('foreign_minister', 'Minister for Foreign Affairs'), ('permanent_mission', 'Permanent Mission to the United Nations'), ('other_state_organ', 'Other state organ authorised to bind the state'), ('electoral_body', 'Electoral management body'), ('political_party', 'Political party'), ('civil_society', 'Civil society organisation')], max_length=20, verbose_name='authority type'),
        ),
        migrations.AlterField(
            model_name='assistancerequest',
            name='letter_date',
            field=models.DateField(blank=True, null=True, verbose_name='letter date'),
        ),
        migrations.AlterField(
            model_name='assistancerequest',
            name='origin',
            field=models.CharField(blank=True, choices=[('government', 'Written request from the government'), ('electoral_body', 'Written request from the electoral management body'), ('other_body', 'Written request from another body (party, civil society)')], help_text='Who asked. Leave empty for a case that rests on a mandate alone.', max_length=20, verbose_name='origin'),
        ),
        migrations.AlterField(
            model_name='assistancerequest',
            name='requesting_authority',
            field=models.CharField(blank=True, help_text='Who signed the request, e.g. Minister for Foreign Affairs.', max_length=200, verbose_name='requesting authority'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='level',
            field=models.CharField(choices=[('warning', 'Due soon'), ('overdue', 'Overdue'), ('team_lead', 'Escalated to the team lead'), ('focal_point', 'Escalated to the focal point'), ('mandate_expiry', 'Mandate about to expire')], max_length=16, verbose_name='level'),
        ),
        migrations.AddField(
            model_name='mandate',
            name='cases',
            field=models.ManyToManyField(blank=True, related_name='mandates', to='requests_app.assistancerequest', verbose_name='cases resting on it'),
        ),
        migrations.AddField(
            model_name='mandate',
            name='member_state',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='mandates', to='requests_app.memberstate', verbose_name='country'),
        ),
        migrations.AddField(
            model_name='mandate',
            name='recorded_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by'),
        ),
        migrations.AddField(
            model_name='mandate',
            name='renews',
            field=models.ForeignKey(blank=True, help_text='The earlier mandate this resolution renews.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='renewals', to='requests_app.mandate', verbose_name='renews'),
        ),
        migrations.AddField(
            model_name='reminder',
            name='mandate',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='requests_app.mandate', verbose_name='mandate'),
        ),
        migrations.AddConstraint(
            model_name='reminder',
            constraint=models.UniqueConstraint(condition=models.Q(('mandate__isnull', True)), fields=('case', 'stage_entered_at', 'level', 'recipient'), name='reminder_claimed_once'),
        ),
        migrations.AddConstraint(
            model_name='reminder',
            constraint=models.UniqueConstraint(condition=models.Q(('mandate__isnull', False)), fields=('case', 'mandate', 'days_before', 'recipient'), name='mandate_reminder_claimed_once'),
        ),
        migrations.AddIndex(
            model_name='mandate',
            index=models.Index(fields=['expires_on'], name='mandate_expiry_idx'),
        ),
        migrations.AddConstraint(
            model_name='mandate',
            constraint=models.UniqueConstraint(fields=('member_state', 'symbol'), name='mandate_symbol_once_per_country', violation_error_message='This resolution is already recorded as a mandate for this country.'),
        ),
        migrations.AddConstraint(
            model_name='mandate',
            constraint=models.UniqueConstraint(fields=('renews',), name='mandate_renewed_once', violation_error_message='This mandate has already been renewed: renew its latest renewal.'),
        ),
        migrations.AddConstraint(
            model_name='mandate',
            constraint=models.CheckConstraint(condition=models.Q(('expires_on__isnull', True), ('adopted_on__isnull', True), ('expires_on__gte', models.F('adopted_on')), _connector='OR'), name='mandate_expires_after_adoption', violation_error_message='A mandate cannot expire before it was adopted.'),
        ),
        migrations.AddConstraint(
            model_name='mandate',
            constraint=models.CheckConstraint(condition=models.Q(('organ__in', ['security_council', 'general_assembly'])), name='mandate_organ_known'),
        ),
            # The cases of before: each mandate becomes a Mandate, linked to its cases (see carry_over).
        migrations.RunPython(carry_over, bring_back),
        migrations.RemoveField(
            model_name='assistancerequest',
            name='mandate_symbol',
        ),
        migrations.AddConstraint(
            model_name='assistancerequest',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('authority_type', ''), ('origin', ''), ('requesting_authority', '')), models.Q(models.Q(('origin', ''), _negated=True), models.Q(('authority_type', ''), _negated=True), models.Q(('requesting_authority', ''), _negated=True), ('letter_date__isnull', False)), _connector='OR'), name='case_request_whole_or_none', violation_error_message="A request records who signed it, in what capacity and the letter's date."),
        ),
        migrations.RunPython(rebuild_sqlite_search, migrations.RunPython.noop),
        migrations.RunPython(grant_roles, migrations.RunPython.noop),
    ]
