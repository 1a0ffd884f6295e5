from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fangkong.accounts.demo import DEMO_PASSWORD, DEMO_USERS, demo_accounts_create


class Command(BaseCommand):
    help = "Create (once) and print the demo accounts. Refuses to run outside demo mode."

    def handle(self, *args, **opts):
        if not settings.DEMO:
            raise CommandError(
                "Demo accounts exist only in demo mode (FANGKONG_DEMO=1): no default passwords."
            )
        demo_accounts_create()
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD})")
        self.stdout.write("  admin            系统管理员 (superuser)")
        for username, name, role, _where in DEMO_USERS:
            self.stdout.write(f"  {username:<16} {name} [{role}]")
        self.stdout.write("\nOpen http://127.0.0.1:8000/\n")
