"""Create the coming partitions of every append-only table (PostgreSQL): run daily, from cron or beat."""

from django.core.management.base import BaseCommand

from fangkong.core import partitioning


class Command(BaseCommand):
    help = (
        "Create the partitions of every append-only table (core.partitioning) covering --days days from "
        "yesterday: day partitions for the scan tables, month partitions for the others (PostgreSQL only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=14)

    def handle(self, *args, days, **options):
        created = partitioning.partitions_ensure(days=days)
        for table, names in created.items():
            if not partitioning.is_partitioned(table):
                self.stdout.write(f"{table}: not partitioned here (not PostgreSQL), nothing to do")
                continue
            self.stdout.write(f"{table}: created {len(names)} partition(s): {', '.join(names) or '-'}")
