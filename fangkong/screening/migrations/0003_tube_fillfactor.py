"""Tubes are updated in place twice (closed, then resulted; no indexed column changes): leave half of
each page free so that these are heap-only (HOT) updates, not new entries in the tube's nine indexes.
PostgreSQL only; the setting applies to pages written from now on."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE screening_tube SET (fillfactor = 50)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE screening_tube RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("screening", "0002_policies")]

    operations = [migrations.RunPython(forwards, backwards)]
