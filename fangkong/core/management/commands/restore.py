"""Restore a dump made by `backup` into a named database (docs/operations.md).

PostgreSQL: the database is created on the server that DATABASE_URL names (or an existing empty one
is used), then `pg_restore` fills it. A database that holds any table is refused unless --force, which
drops it (ending its sessions) and creates it again. Point DATABASE_URL at the restored name to serve
it. SQLite: the dump is copied to the file named by --into.

The restored data is readable only with the FANGKONG_FIELD_KEY and FANGKONG_HMAC_KEY in force when the
dump was made (or a key list that still holds them)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from fangkong.core import backups


class Command(BaseCommand):
    help = "Restore a backup file into a named, fresh database (refuses a non-empty one unless --force)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a file written by `manage.py backup`")
        parser.add_argument(
            "--into",
            required=True,
            help="the database to restore into: a name on DATABASE_URL's server (PostgreSQL) or a file (SQLite)",
        )
        parser.add_argument(
            "--force", action="store_true", help="drop and re-create the target if it already holds tables"
        )
        parser.add_argument("--jobs", type=int, default=1, help="parallel pg_restore jobs (PostgreSQL)")
        parser.add_argument("--database", default="default", help="the connection alias whose server to use")

    def handle(self, *args, file, into, force, jobs, database, **options):
        settings_dict = connections[database].settings_dict
        if backups.is_postgres(settings_dict) and into == settings_dict["NAME"] and not force:
            raise CommandError(
                f"{into} is the database this installation runs on; restore into a new name and switch "
                "DATABASE_URL to it, or pass --force"
            )
        try:
            for warning in backups.check_manifest(Path(file)):
                self.stderr.write(f"warning: {warning}")
            outcome = backups.restore(settings_dict, Path(file), into, force=force, jobs=jobs)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(outcome.summary("restored"))
