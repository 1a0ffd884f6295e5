import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fangkong.briefing import services


class Command(BaseCommand):
    help = "Generate the leadership briefing of a date (default today) for the district, or amend it."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=datetime.date.fromisoformat, default=None, help="YYYY-MM-DD")
        parser.add_argument(
            "--amend", action="store_true", help="a new version from the data as they are now"
        )
        parser.add_argument("--reason", default="", help="why the briefing is amended")

    def handle(self, *args, date, amend, reason, **opts):
        date = date or timezone.localdate()
        try:
            before = services.Briefing.objects.filter(date=date).count()
            b = services.briefing_generate(actor=None, date=date, amend=amend, reason=reason)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        made = services.Briefing.objects.filter(date=date).count() > before
        verb = "amended" if amend else ("generated" if made else "already generated")
        self.stdout.write(
            f"Briefing of {b.date} {verb}: version {b.version}, as of {timezone.localtime(b.as_of):%Y-%m-%d %H:%M}, "
            f"{b.values.count()} figures (id {b.pk})."
        )
