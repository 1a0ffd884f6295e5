from django.core.management.base import BaseCommand

from fangkong.observation.services import alerts_scan, orders_activate_due


class Command(BaseCommand):
    help = "Start planned orders whose day has come and raise missing-report alerts past the policy deadline."

    def handle(self, *args, **options):
        started = orders_activate_due()
        created = alerts_scan()
        self.stdout.write(f"orders started: {started}; missing-report alerts created: {created}")
