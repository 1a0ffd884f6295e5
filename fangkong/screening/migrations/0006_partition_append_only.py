# Box steps and antigen self-tests are append-only: on PostgreSQL each becomes a table partitioned by
# month, primary key (id, <time>, district_path) (issue 24, docs/scaling.md). Samples are not (their
# unique keys carry no time; see docs/scaling.md). SQLite unchanged.

from django.db import migrations

from fangkong.core.partitioning import ByTime, partition_table


class Migration(migrations.Migration):
    dependencies = [("screening", "0005_lanestaff_worker")]

    operations = [
        migrations.RunPython(*partition_table("screening_boxevent", ByTime("time", every="month"))),
        migrations.RunPython(*partition_table("screening_antigenreport", ByTime("reported_at", every="month"))),
    ]
