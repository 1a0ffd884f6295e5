# The scan table's primary key carries the district (issue 24, docs/scaling.md): (id, scanned_at,
# district_path), district_path generated from area_path. The visits at other gates, append-only like
# the scans, become a table partitioned by day with the same key. PostgreSQL only; SQLite unchanged.

from django.db import migrations

from fangkong.core.partitioning import ByTime, key_table, partition_table


class Migration(migrations.Migration):
    dependencies = [("gates", "0009_shift_workers")]

    operations = [
        migrations.RunPython(*key_table("gates_scanevent", ByTime("scanned_at", every="day"))),
        migrations.RunPython(*partition_table("gates_scanvisitor", ByTime("scanned_at", every="day"))),
    ]
