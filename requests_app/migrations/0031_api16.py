# The REST API (issue 16): its token as the admin names it, and openings of confidential notes read through the API.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('authtoken', '0004_alter_tokenproxy_options'),
        ("requests_app", "0030_countrynames15"),
    ]

    operations = [
        migrations.AlterField(
            model_name='confidentialread',
            name='place',
            field=models.CharField(choices=[('download', 'downloaded from the case page'), ('admin_download', 'downloaded from the intake desk'), ('case_page', 'shown on the case page'), ('admin_page', 'shown in the intake desk'), ('export', 'in an export'), ('api', 'read through the API')], max_length=20, verbose_name='where'),
        ),
        migrations.CreateModel(
            name='ApiToken',
            fields=[
            ],
            options={
                'verbose_name': 'API token',
                'verbose_name_plural': 'API tokens',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('authtoken.token',),
        ),
    ]
