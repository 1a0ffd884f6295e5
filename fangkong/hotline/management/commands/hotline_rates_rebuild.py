from django.core.management.base import BaseCommand

from fangkong.hotline.services import rates_rebuild


class Command(BaseCommand):
    help = "Recompute the three rates' rollup from the work orders (after a bulk load or a repair)."

    def handle(self, *args, **options):
        n = rates_rebuild()
        self.stdout.write(f"orders counted: {n}")
