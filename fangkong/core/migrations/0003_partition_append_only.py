# The change log and the personal-data access log are append-only: on PostgreSQL each becomes a table
# partitioned by month on its time, primary key (id, time, district_path) (issue 24, docs/scaling.md).
# SQLite unchanged.

from django.db import migrations

from fangkong.core.partitioning import ByTime, partition_table


class Migration(migrations.Migration):
    dependencies = [("core", "0002_changelog_params")]

    operations = [
        migrations.RunPython(*partition_table("core_changelog", ByTime("time", every="month"))),
        migrations.RunPython(*partition_table("core_sensitiveaccess", ByTime("time", every="month"))),
    ]
