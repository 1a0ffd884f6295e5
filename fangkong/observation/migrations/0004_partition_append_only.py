# Health reports, order history and sick-leave reports are append-only: on PostgreSQL each becomes a
# table partitioned by month, primary key (id, <time>, district_path) (issue 24, docs/scaling.md).
# The foreign keys into health reports lost their database constraint first (observation 0003,
# hotline 0005). SQLite unchanged.

from django.db import migrations

from fangkong.core.partitioning import ByTime, partition_table


class Migration(migrations.Migration):
    dependencies = [
        ("observation", "0003_alert_report_no_db_fk"),
        ("hotline", "0005_source_report_no_db_fk"),
    ]

    operations = [
        migrations.RunPython(*partition_table("observation_healthreport", ByTime("date", every="month"))),
        migrations.RunPython(*partition_table("observation_orderevent", ByTime("time", every="month"))),
        migrations.RunPython(*partition_table("observation_sickleavereport", ByTime("date", every="month"))),
    ]
