from django.core.management.base import BaseCommand

from fangkong.hotline.services import proactive_scan


class Command(BaseCommand):
    help = (
        "未诉先办: group the orders of the policy window by community, category and keyword; open or update "
        "a proactive task for every group at the policy threshold (idempotent)."
    )

    def handle(self, *args, **options):
        out = proactive_scan()
        self.stdout.write(
            f"groups: {out['groups']}; tasks opened: {out['opened']}; updated: {out['updated']}"
        )
