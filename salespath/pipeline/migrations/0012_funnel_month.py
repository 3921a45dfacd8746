"""The stored stage funnel: one row per salesperson and month (`FunnelMonth`).

The table is created empty; the forecast app's post-migrate check (`verify --repair`, which
runs once every app is at its latest migration) fills it with today's code, since a migration
holds its own SQL and never calls the code that derives the rows.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('pipeline', '0011_open_summary_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='FunnelMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(verbose_name='month')),
                ('cohort', models.BigIntegerField(default=0)),
                ('won', models.BigIntegerField(default=0)),
                ('won_cents', models.BigIntegerField(default=0)),
                ('lost', models.BigIntegerField(default=0)),
                ('reached_s2', models.BigIntegerField(default=0)),
                ('reached_cents_s2', models.BigIntegerField(default=0)),
                ('completed_s2', models.BigIntegerField(default=0)),
                ('running_s2', models.BigIntegerField(default=0)),
                ('days_s2', models.BigIntegerField(default=0)),
                ('reached_s3', models.BigIntegerField(default=0)),
                ('reached_cents_s3', models.BigIntegerField(default=0)),
                ('completed_s3', models.BigIntegerField(default=0)),
                ('running_s3', models.BigIntegerField(default=0)),
                ('days_s3', models.BigIntegerField(default=0)),
                ('reached_s4', models.BigIntegerField(default=0)),
                ('reached_cents_s4', models.BigIntegerField(default=0)),
                ('completed_s4', models.BigIntegerField(default=0)),
                ('running_s4', models.BigIntegerField(default=0)),
                ('days_s4', models.BigIntegerField(default=0)),
                ('reached_s5', models.BigIntegerField(default=0)),
                ('reached_cents_s5', models.BigIntegerField(default=0)),
                ('completed_s5', models.BigIntegerField(default=0)),
                ('running_s5', models.BigIntegerField(default=0)),
                ('days_s5', models.BigIntegerField(default=0)),
                ('reached_s6', models.BigIntegerField(default=0)),
                ('reached_cents_s6', models.BigIntegerField(default=0)),
                ('completed_s6', models.BigIntegerField(default=0)),
                ('running_s6', models.BigIntegerField(default=0)),
                ('days_s6', models.BigIntegerField(default=0)),
                ('reached_s7', models.BigIntegerField(default=0)),
                ('reached_cents_s7', models.BigIntegerField(default=0)),
                ('completed_s7', models.BigIntegerField(default=0)),
                ('running_s7', models.BigIntegerField(default=0)),
                ('days_s7', models.BigIntegerField(default=0)),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
            ],
            options={
                'verbose_name': 'stage funnel of a month',
                'verbose_name_plural': 'stage funnels of a month',
                'indexes': [models.Index(fields=['month', 'owner'], name='funnel_month_by_month')],
                'constraints': [models.UniqueConstraint(fields=('owner', 'month'), name='funnel_month_owner_month')],
            },
        ),
    ]
