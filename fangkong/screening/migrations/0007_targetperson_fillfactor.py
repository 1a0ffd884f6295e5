"""Room on each page of screening_targetperson for a second version of every row (issue 23).

A laboratory file sets "negative" on the members of every negative tube in one UPDATE: ~990,000 rows per
file at the district's scale. Neither `result` nor `updated_at` is indexed, so PostgreSQL can write the new
versions as HOT updates (no new entry in the table's eight indexes) — if the page has room for them. At
the default fill of 100 % it has none and every row costs eight index insertions (12.9 s for 99,000 rows,
0.5–1.5 s with this setting, bench/README.md). Rows written from now on leave half of each page free."""

from django.db import migrations


def fill(apps, schema_editor, factor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE screening_targetperson SET (fillfactor = {int(factor)})")


class Migration(migrations.Migration):
    dependencies = [("screening", "0006_partition_append_only")]

    operations = [
        migrations.RunPython(lambda a, s: fill(a, s, 50), lambda a, s: fill(a, s, 100), elidable=False),
    ]
