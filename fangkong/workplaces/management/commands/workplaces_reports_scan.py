from django.core.management.base import BaseCommand, CommandError

from fangkong.core import dates
from fangkong.workplaces.services import ledger_escalate_overdue, missing_reports_scan


class Command(BaseCommand):
    help = (
        "Raise missing zero-report alerts past the policy deadline and escalate overdue ledger items; "
        "running it again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the report day (default: today)")

    def handle(self, *args, date=None, **options):
        try:
            day = dates.parse_date(date) if date else None
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        missing = missing_reports_scan(day=day)
        escalated = ledger_escalate_overdue()
        self.stdout.write(f"missing-report alerts created: {missing}; ledger items escalated: {escalated}")
