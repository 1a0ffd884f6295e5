# Zero reports are append-only (amended in place, never re-dated): on PostgreSQL the table becomes
# partitioned by month, primary key (id, date, district_path) (issue 24, docs/scaling.md); the foreign
# keys into it lose their database constraint first. SQLite unchanged.

import django.db.models.deletion
from django.db import migrations, models

from fangkong.core.partitioning import ByTime, partition_table


class Migration(migrations.Migration):

    dependencies = [
        ('workplaces', '0005_checklist_defaults'),
    ]

    operations = [
        migrations.AlterField(
            model_name='violation',
            name='report',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='violations', to='workplaces.zeroreport', verbose_name='zero report'),
        ),
        migrations.AlterField(
            model_name='zeroreportrevision',
            name='report',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='workplaces.zeroreport'),
        ),
        migrations.RunPython(*partition_table("workplaces_zeroreport", ByTime("date", every="month"))),
    ]
