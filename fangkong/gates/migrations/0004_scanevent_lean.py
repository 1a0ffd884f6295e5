# ScanEvent without database foreign keys or redundant indexes: each insert into the scan table
# checked five foreign keys (KEY SHARE locks on the same gate, area and volunteer rows for every scan
# of a busy gate) and maintained three indexes that the composite ones already cover.
# On PostgreSQL (a partitioned table, created by raw SQL in 0002) the constraints and indexes are
# dropped by name; on SQLite (the demo database) they are harmless and stay.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FKS = ["area", "person", "place", "post", "volunteer"]
INDEXES = ["scanevent_client", "gates_scanevent_area_id", "gates_scanevent_post_id"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for fk in FKS:
        schema_editor.execute(
            f"ALTER TABLE gates_scanevent DROP CONSTRAINT IF EXISTS gates_scanevent_{fk}_id_fkey"
        )
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    targets = {
        "area": "areas_area",
        "person": "people_person",
        "place": "areas_place",
        "post": "gates_post",
        "volunteer": "accounts_user",
    }
    for fk, table in targets.items():
        schema_editor.execute(
            f"ALTER TABLE gates_scanevent ADD CONSTRAINT gates_scanevent_{fk}_id_fkey FOREIGN KEY ({fk}_id) "
            f"REFERENCES {table} (id) DEFERRABLE INITIALLY DEFERRED"
        )
    schema_editor.execute("CREATE INDEX scanevent_client ON gates_scanevent (client_id)")
    schema_editor.execute("CREATE INDEX gates_scanevent_area_id ON gates_scanevent (area_id)")
    schema_editor.execute("CREATE INDEX gates_scanevent_post_id ON gates_scanevent (post_id)")


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0001_initial"),
        ("gates", "0003_policies"),
        ("people", "0002_importbatch"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards)],
            state_operations=[
                migrations.RemoveIndex(
                    model_name="scanevent",
                    name="scanevent_client",
                ),
                migrations.AlterField(
                    model_name="scanevent",
                    name="area",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="areas.area",
                        verbose_name="area",
                    ),
                ),
                migrations.AlterField(
                    model_name="scanevent",
                    name="person",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="people.person",
                        verbose_name="resident",
                    ),
                ),
                migrations.AlterField(
                    model_name="scanevent",
                    name="place",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="areas.place",
                        verbose_name="place",
                    ),
                ),
                migrations.AlterField(
                    model_name="scanevent",
                    name="post",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="gates.post",
                        verbose_name="post",
                    ),
                ),
                migrations.AlterField(
                    model_name="scanevent",
                    name="volunteer",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="volunteer",
                    ),
                ),
            ],
        ),
    ]
