# ScanEvent: append-only, partitioned by day on PostgreSQL (RunPython picks the DDL per database).

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from fangkong.gates import partitions


def forwards(apps, schema_editor):
    partitions.create_table(apps, schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        partitions.partitions_ensure(conn=schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("gates", "0001_initial"),
        ("areas", "0001_initial"),
        ("people", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ScanEvent',
                    fields=[
                        ('id', models.BigAutoField(primary_key=True, serialize=False)),
                        ('client_id', models.UUIDField(default=uuid.uuid4, verbose_name='client id')),
                        ('area_path', models.CharField(max_length=64, verbose_name='area path')),
                        ('entry', models.CharField(choices=[('pass', 'pass code'), ('id', 'ID number'), ('phone', 'phone'), ('self', 'self-registration'), ('unknown', 'unrecognised')], default='unknown', max_length=8, verbose_name='entered as')),
                        ('entered_masked', models.CharField(blank=True, max_length=40, verbose_name='entered')),
                        ('temperature', models.DecimalField(blank=True, decimal_places=1, max_digits=4, null=True, verbose_name='temperature')),
                        ('direction', models.CharField(choices=[('in', 'in'), ('out', 'out')], default='in', max_length=3, verbose_name='direction')),
                        ('verdict', models.CharField(choices=[('allow', 'allow'), ('deny', 'deny'), ('refer', 'refer')], max_length=5, verbose_name='verdict')),
                        ('reasons', models.JSONField(blank=True, default=list, verbose_name='reasons')),
                        ('travel_from', models.CharField(blank=True, max_length=60, verbose_name='travelled from')),
                        ('scanned_at', models.DateTimeField(verbose_name='scanned at')),
                        ('received_at', models.DateTimeField(verbose_name='received at')),
                        ('request_id', models.CharField(blank=True, max_length=64, verbose_name='request id')),
                        ('area', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='areas.area', verbose_name='area')),
                        ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='people.person', verbose_name='resident')),
                        ('place', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='areas.place', verbose_name='place')),
                        ('post', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='gates.post', verbose_name='post')),
                        ('volunteer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='volunteer')),
                    ],
                    options={
                        'verbose_name': 'scan',
                        'verbose_name_plural': 'scans',
                        'ordering': ['-scanned_at', '-id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='scanevent',
                    index=models.Index(fields=['area_path', 'scanned_at'], name='scanevent_path_time'),
                ),
                migrations.AddIndex(
                    model_name='scanevent',
                    index=models.Index(fields=['place', 'scanned_at'], name='scanevent_place_time'),
                ),
                migrations.AddIndex(
                    model_name='scanevent',
                    index=models.Index(fields=['person', 'scanned_at'], name='scanevent_person_time'),
                ),
                migrations.AddIndex(
                    model_name='scanevent',
                    index=models.Index(fields=['client_id'], name='scanevent_client'),
                ),
                migrations.AddConstraint(
                    model_name='scanevent',
                    constraint=models.UniqueConstraint(fields=('client_id', 'scanned_at'), name='scanevent_client_unique'),
                ),
            ],
        ),
        migrations.RunPython(forwards, partitions.drop_table),
    ]
