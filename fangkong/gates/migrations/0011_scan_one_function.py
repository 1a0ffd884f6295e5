"""gates_scan_one(): a single gate scan in one round trip on PostgreSQL (issue 23). The SQL lives in
gates/sql/scan_one.sql; a later change to it is a new migration that runs the file again (CREATE OR
REPLACE). SQLite has no such function: its scans take the Python path."""

from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql" / "scan_one.sql"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL.read_text())


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS gates_scan_one CASCADE")


class Migration(migrations.Migration):
    dependencies = [("gates", "0010_partition_keys"), ("authtoken", "0003_tokenproxy"), ("policies", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
