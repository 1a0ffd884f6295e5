# The status history is append-only: on PostgreSQL it becomes a table partitioned by month on `since`,
# primary key (id, since, district_path) (issue 24, docs/scaling.md). SQLite unchanged.

from django.db import migrations

from fangkong.core.partitioning import ByTime, partition_table


class Migration(migrations.Migration):
    dependencies = [("people", "0004_person_view_statistics")]

    operations = [
        migrations.RunPython(*partition_table("people_statuschange", ByTime("since", every="month"))),
    ]
