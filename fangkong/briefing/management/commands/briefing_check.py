import datetime

from django.core.management.base import BaseCommand, CommandError

from fangkong.briefing import services
from fangkong.briefing.models import Briefing


class Command(BaseCommand):
    help = (
        "Consistency check: recompute every figure of the current briefings (or of --date) from the raw "
        "tables as of their cut-off and report each difference. Exit status 1 when any differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=datetime.date.fromisoformat, default=None, help="YYYY-MM-DD")
        parser.add_argument("--days", type=int, default=1, help="the latest N dates (default 1)")

    def handle(self, *args, date, days, **opts):
        qs = Briefing.objects.filter(state=Briefing.State.CURRENT).select_related("area").order_by("-date")
        briefings = list(qs.filter(date=date)) if date else list(qs[: max(days, 1)])
        if not briefings:
            raise CommandError("No briefing to check.")
        total = 0
        for b in briefings:
            diffs = services.briefing_check(briefing=b)
            total += len(diffs)
            self.stdout.write(
                f"{b.date} v{b.version} ({b.area}): {b.values.count()} figures, {len(diffs)} differ"
            )
            for d in diffs[:50]:
                self.stdout.write(
                    f"  {d['key']} area {d['area_id']}: briefing {d['stored']} / raw {d['now']}"
                )
        if total:
            raise CommandError(f"{total} figures differ from the raw tables.")
        self.stdout.write(self.style.SUCCESS("Every figure matches the raw tables."))
