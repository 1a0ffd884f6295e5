"""Create the coming days' partitions of the scan table (PostgreSQL): run daily, e.g. from cron or beat."""

from django.core.management.base import BaseCommand

from fangkong.gates import partitions


class Command(BaseCommand):
    help = "Create day partitions of gates_scanevent from yesterday for --days days (PostgreSQL only)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=14)

    def handle(self, *args, days, **options):
        if not partitions.is_partitioned():
            self.stdout.write("gates_scanevent is not partitioned here (not PostgreSQL): nothing to do")
            return
        created = partitions.partitions_ensure(days=days)
        self.stdout.write(f"created {len(created)} partition(s): {', '.join(created) or '-'}")
