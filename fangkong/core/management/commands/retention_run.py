"""Apply the retention periods of personal data now (the daily beat job does the same): expired scans
deleted (their day partitions dropped), expired records anonymised, each table's count in the change log.

    manage.py retention_run [--dry-run] [--as-of 2026-12-31]

--dry-run counts what would go and changes nothing; --as-of runs as at the start of that day (to see
what a date would expire, or to catch up)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Delete or anonymise personal data past its retention period (policies retention.*)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count only, change nothing")
        parser.add_argument("--as-of", help="YYYY-MM-DD: run as at the start of this day (default: now)")

    def handle(self, *args, dry_run: bool, as_of: str | None, **options):
        from fangkong.core.retention import retention_run

        when = None
        if as_of:
            try:
                day = datetime.date.fromisoformat(as_of)
            except ValueError as exc:
                raise CommandError(f"--as-of: not a date (YYYY-MM-DD): {as_of}") from exc
            when = datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())
        result = retention_run(as_of=when, dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        for o in result.outcomes:
            if o.days is None:
                self.stdout.write(f"{o.table}: no period in force ({o.key})")
                continue
            self.stdout.write(
                f"{o.table}: {o.action} {o.count} (kept {o.days} days, before {o.cutoff:%Y-%m-%d %H:%M})"
            )
        self.stdout.write(f"{verb} {result.total} rows in all")
