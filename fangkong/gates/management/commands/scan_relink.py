"""Link scans stored without a person (gates of another community, since the boundary fix of issue 9.3)
to the visitor the gate kept a trace of: run once after the migration that adds ScanVisitor."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from fangkong.gates.services import scan_relink


class Command(BaseCommand):
    help = (
        "Link scans stored without a person to their visitor from the gate's follow-ups (and the HMAC of "
        "a returnee notice made from one); report what stays unlinked."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="only scans of the last N days")
        parser.add_argument("--dry-run", action="store_true", help="count, write nothing")

    def handle(self, *args, days, dry_run, **options):
        since = timezone.now() - datetime.timedelta(days=days) if days else None
        out = scan_relink(actor=None, since=since, dry_run=dry_run)
        verb = "would link" if dry_run else "linked"
        self.stdout.write(
            f"{verb} {out['linked']} scan(s): {out['by_followup']} from a follow-up naming the resident, "
            f"{out['by_notice_hmac']} from the HMAC of a returnee notice's ID number"
        )
        kinds = ", ".join(f"{k}: {n}" for k, n in sorted(out["left_by_entry"].items())) or "-"
        self.stdout.write(
            f"left unlinked: {out['left']} scan(s) without a person ({kinds}); the gate kept only a masked "
            "number for them (no HMAC), which fits many people, or the code was registered nowhere"
        )
