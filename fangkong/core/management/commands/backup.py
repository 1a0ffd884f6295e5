"""Dump the whole database to one file (docs/operations.md): `pg_dump -Fc` on PostgreSQL, SQLite's
online backup API for the embedded `make run` database. Prints the file, its size, its tables and the
time taken. The file is written under a temporary name and renamed when complete, so a file with the
final name is always a whole dump.

The dump is as secret as the database, and useless without the keys: personal data in it is encrypted
under FANGKONG_FIELD_KEY (and indexed under FANGKONG_HMAC_KEY), which are not in the dump."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from fangkong.core import backups


class Command(BaseCommand):
    help = "Back up the database to one file (pg_dump custom format, or an SQLite copy)."

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--output", "-o", help="the file to write (must not exist)")
        where.add_argument(
            "--dir",
            default="backups",
            help="directory for a file named by database and UTC time (default: backups)",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=0,
            help="then delete all but the newest KEEP dumps of this database in --dir",
        )
        parser.add_argument("--database", default="default", help="the connection alias to back up")

    def handle(self, *args, output, dir, keep, database, **options):
        settings_dict = connections[database].settings_dict
        postgres = backups.is_postgres(settings_dict)
        if not postgres and not settings_dict["ENGINE"].endswith("sqlite3"):
            raise CommandError(f"backups support PostgreSQL and SQLite, not {settings_dict['ENGINE']}")
        path = (
            Path(output)
            if output
            else Path(dir) / backups.default_filename(settings_dict["NAME"], postgres=postgres)
        )
        try:
            outcome = backups.backup(settings_dict, path)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = backups.write_manifest(outcome)
        self.stdout.write(outcome.summary("backed up"))
        keys = backups.key_fingerprints()
        self.stdout.write(
            f"manifest {manifest} (sha256, tables); personal data readable only with the FANGKONG_FIELD_KEY "
            f"of fingerprint {keys['field_keys'][0]} and searchable with the FANGKONG_HMAC_KEY of fingerprint "
            f"{keys['hmac_key']}: keep those keys, apart from the dumps"
        )
        if keep > 0 and not output:
            for old in backups.prune(Path(dir), settings_dict["NAME"], keep):
                self.stdout.write(f"deleted {old} (older than the newest {keep})")
