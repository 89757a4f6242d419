"""Issue 14, correspondence: a letter's level (who may read its subject, notes and file) and language;
each State's usual language of correspondence; a letter's own history (its level changed); the
openings of a confidential letter that concerns no case (ConfidentialRead.case may be empty); the
French and Spanish wording of the letters EAS drafts.

Existing rows: every letter is internal (the default of every kind of letter), or its document's level
when a case's document holding its file is above that; its language is its State's. The States' languages
below are defaults an administrator edits (Countries and territories): French for the francophone
States, Spanish for Spain, Spanish-speaking Latin America and Equatorial Guinea, Arabic for the States of
the League of Arab States (Western Sahara too), Russian for the Russian-speaking States of the CIS,
Chinese for China; the others are left empty, which is English.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

FRENCH = [
    "BEL", "BEN", "BFA", "BDI", "CMR", "CAF", "TCD", "COG", "COD", "CIV", "FRA", "GAB", "GIN", "HTI", "LUX",
    "MDG", "MLI", "MCO", "NER", "SEN", "CHE", "TGO", "PYF", "NCL",
]
SPANISH = [
    "ARG", "BOL", "CHL", "COL", "CRI", "CUB", "DOM", "ECU", "SLV", "GNQ", "GTM", "HND", "MEX", "NIC", "PAN",
    "PRY", "PER", "ESP", "URY", "VEN",
]
ARABIC = [
    "DZA", "BHR", "COM", "DJI", "EGY", "IRQ", "JOR", "KWT", "LBN", "LBY", "MRT", "MAR", "OMN", "PSE", "QAT",
    "SAU", "SOM", "SDN", "SYR", "TUN", "ARE", "YEM", "ESH",
]
RUSSIAN = ["RUS", "BLR", "KAZ", "KGZ", "TJK", "TKM", "UZB"]
CHINESE = ["CHN"]
LANGUAGES = {"fr": FRENCH, "es": SPANISH, "ar": ARABIC, "ru": RUSSIAN, "zh-hans": CHINESE}
RANK = {"public": 0, "internal": 1, "confidential": 2, "strictly_confidential": 3}

FR_ACKNOWLEDGEMENT_SUBJECT = "Demande d'assistance électorale : {{ state }} ({{ reference }})"
FR_ACKNOWLEDGEMENT_BODY = """La Secrétaire générale adjointe aux affaires politiques et à la consolidation de la paix présente ses compliments au Représentant permanent de {{ state }} auprès de l'Organisation des Nations Unies et a l'honneur d'accuser réception de la lettre du {{ letter_date }}, reçue le {{ received_date }}, par laquelle {{ requesting_authority }} a sollicité l'assistance électorale de l'Organisation des Nations Unies.

La demande a été enregistrée sous la référence {{ reference }} et est examinée par la Coordonnatrice des activités d'assistance électorale, conformément à la résolution 62/150 de l'Assemblée générale. La Mission permanente sera informée de la décision prise au sujet de la demande.

La Secrétaire générale adjointe aux affaires politiques et à la consolidation de la paix saisit cette occasion pour renouveler au Représentant permanent de {{ state }} les assurances de sa très haute considération."""
FR_DECISION_SUBJECT = "Décision relative à la demande d'assistance électorale : {{ state }} ({{ reference }})"
FR_DECISION_BODY = """La Secrétaire générale adjointe aux affaires politiques et à la consolidation de la paix présente ses compliments au Représentant permanent de {{ state }} auprès de l'Organisation des Nations Unies et, se référant à la demande d'assistance électorale du {{ letter_date }} (référence {{ reference }}), a l'honneur de l'informer qu'en sa qualité de Coordonnatrice des activités d'assistance électorale, elle a décidé : {{ outcome }}.

{% if assistance_types %}L'assistance de l'Organisation des Nations Unies comprendra : {{ assistance_types }}{% if period_start %}, à compter du {{ period_start }}{% endif %}{% if period_end %} et jusqu'au {{ period_end }}{% endif %}.{% endif %}{% if scope %} {{ scope }}{% endif %}{% if reason %} {{ reason }}{% endif %}

La Secrétaire générale adjointe aux affaires politiques et à la consolidation de la paix saisit cette occasion pour renouveler au Représentant permanent de {{ state }} les assurances de sa très haute considération."""
ES_ACKNOWLEDGEMENT_SUBJECT = "Solicitud de asistencia electoral: {{ state }} ({{ reference }})"
ES_ACKNOWLEDGEMENT_BODY = """La Secretaria General Adjunta de Asuntos Políticos y de Consolidación de la Paz saluda atentamente al Representante Permanente de {{ state }} ante las Naciones Unidas y tiene el honor de acusar recibo de la carta de fecha {{ letter_date }}, recibida el {{ received_date }}, mediante la cual {{ requesting_authority }} solicitó asistencia electoral a las Naciones Unidas.

La solicitud ha quedado registrada con la referencia {{ reference }} y está siendo examinada por la Coordinadora de las actividades de asistencia electoral, de conformidad con la resolución 62/150 de la Asamblea General. Se informará a la Misión Permanente de la decisión que se adopte sobre la solicitud.

La Secretaria General Adjunta de Asuntos Políticos y de Consolidación de la Paz aprovecha la oportunidad para reiterar al Representante Permanente de {{ state }} el testimonio de su más alta consideración."""
ES_DECISION_SUBJECT = "Decisión sobre la solicitud de asistencia electoral: {{ state }} ({{ reference }})"
ES_DECISION_BODY = """La Secretaria General Adjunta de Asuntos Políticos y de Consolidación de la Paz saluda atentamente al Representante Permanente de {{ state }} ante las Naciones Unidas y, en relación con la solicitud de asistencia electoral de fecha {{ letter_date }} (referencia {{ reference }}), tiene el honor de informarle de que, en su calidad de Coordinadora de las actividades de asistencia electoral, ha decidido: {{ outcome }}.

{% if assistance_types %}La asistencia de las Naciones Unidas comprenderá: {{ assistance_types }}{% if period_start %}, a partir del {{ period_start }}{% endif %}{% if period_end %} y hasta el {{ period_end }}{% endif %}.{% endif %}{% if scope %} {{ scope }}{% endif %}{% if reason %} {{ reason }}{% endif %}

La Secretaria General Adjunta de Asuntos Políticos y de Consolidación de la Paz aprovecha la oportunidad para reiterar al Representante Permanente de {{ state }} el testimonio de su más alta consideración."""
TEMPLATES = [
    ("acknowledgement", "fr", FR_ACKNOWLEDGEMENT_SUBJECT, FR_ACKNOWLEDGEMENT_BODY),
    ("decision", "fr", FR_DECISION_SUBJECT, FR_DECISION_BODY),
    ("acknowledgement", "es", ES_ACKNOWLEDGEMENT_SUBJECT, ES_ACKNOWLEDGEMENT_BODY),
    ("decision", "es", ES_DECISION_SUBJECT, ES_DECISION_BODY),
]


def fill(apps, schema_editor):
    MemberState = apps.get_model("requests_app", "MemberState")
    Letter = apps.get_model("requests_app", "Letter")
    LetterTemplate = apps.get_model("requests_app", "LetterTemplate")
    for language, codes in LANGUAGES.items():
        MemberState.objects.filter(iso3__in=codes, correspondence_language="").update(correspondence_language=language)
    for language in LANGUAGES:
        Letter.objects.filter(country__correspondence_language=language).update(language=language)
    for level in ("confidential", "strictly_confidential"):
        lower = [name for name, rank in RANK.items() if rank < RANK[level]]
        Letter.objects.filter(document__level=level, level__in=lower).update(level=level)
    for purpose, language, subject, body in TEMPLATES:
        LetterTemplate.objects.get_or_create(
            purpose=purpose, language=language, defaults={"subject": subject, "body": body}
        )


def unfill(apps, schema_editor):
    LetterTemplate = apps.get_model("requests_app", "LetterTemplate")
    for purpose, language, subject, _body in TEMPLATES:
        LetterTemplate.objects.filter(purpose=purpose, language=language, subject=subject).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("requests_app", "0026_took14"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='letter',
            name='language',
            field=models.CharField(choices=[('ar', 'Arabic'), ('zh-hans', 'Chinese'), ('en', 'English'), ('fr', 'French'), ('ru', 'Russian'), ('es', 'Spanish')], default='en', max_length=8, verbose_name='language'),
        ),
        migrations.AddField(
            model_name='letter',
            name='level',
            field=models.CharField(choices=[('public', 'Public'), ('internal', 'Internal'), ('confidential', 'Confidential'), ('strictly_confidential', 'Strictly confidential')], default='internal', help_text='Who may read its subject, notes and file (README, Security).', max_length=24, verbose_name='level'),
        ),
        migrations.AddField(
            model_name='memberstate',
            name='correspondence_language',
            field=models.CharField(blank=True, choices=[('ar', 'Arabic'), ('zh-hans', 'Chinese'), ('en', 'English'), ('fr', 'French'), ('ru', 'Russian'), ('es', 'Spanish')], help_text='The official language in which the State usually writes to the United Nations and is answered: its letters and the letters drafted for it default to it. Empty: English.', max_length=8, verbose_name='language of correspondence'),
        ),
        migrations.AlterField(
            model_name='confidentialread',
            name='case',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='confidential_reads', to='requests_app.assistancerequest', verbose_name='case'),
        ),
        migrations.AlterField(
            model_name='confidentialread',
            name='place',
            field=models.CharField(choices=[('download', 'downloaded from the case page'), ('admin_download', 'downloaded from the intake desk'), ('case_page', 'shown on the case page'), ('admin_page', 'shown in the intake desk'), ('export', 'in an export'), ('letter_download', 'downloaded from the correspondence register'), ('letter_page', 'shown in the correspondence register')], max_length=20, verbose_name='where'),
        ),
        migrations.AlterField(
            model_name='lettertemplate',
            name='language',
            field=models.CharField(choices=[('ar', 'Arabic'), ('zh-hans', 'Chinese'), ('en', 'English'), ('fr', 'French'), ('ru', 'Russian'), ('es', 'Spanish')], default='en', max_length=8, verbose_name='language'),
        ),
        migrations.CreateModel(
            name='LetterEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(max_length=40, verbose_name='action')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
                ('comment', models.TextField(blank=True, verbose_name='comment')),
                ('details', models.JSONField(blank=True, default=dict, verbose_name='details')),
                ('level', models.CharField(choices=[('public', 'Public'), ('internal', 'Internal'), ('confidential', 'Confidential'), ('strictly_confidential', 'Strictly confidential')], default='internal', max_length=24, verbose_name='level of the comment')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('letter', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='requests_app.letter', verbose_name='letter')),
            ],
            options={
                'verbose_name': 'history entry of a letter',
                'verbose_name_plural': 'history of letters',
                'ordering': ['created_at', 'id'],
            },
        ),
        migrations.RunPython(fill, unfill),
    ]
