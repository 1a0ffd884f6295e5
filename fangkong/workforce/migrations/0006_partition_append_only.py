# Workers' daily health reports are append-only: on PostgreSQL the table becomes partitioned by month
# on `date`, primary key (id, date, district_path) (issue 24, docs/scaling.md). Attendance is not
# (updated at check-out; see docs/scaling.md). SQLite unchanged.

from django.db import migrations

from fangkong.core.partitioning import ByTime, partition_table


class Migration(migrations.Migration):
    dependencies = [("workforce", "0005_care_policies")]

    operations = [
        migrations.RunPython(*partition_table("workforce_workerhealthreport", ByTime("date", every="month"))),
    ]
