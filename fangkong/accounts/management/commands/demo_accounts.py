from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fangkong.accounts import services
from fangkong.accounts.demo import DEMO_PASSWORD, DEMO_USERS, demo_area
from fangkong.accounts.models import Role, User


class Command(BaseCommand):
    help = "Create (once) and print the demo accounts. Refuses to run outside demo mode."

    def handle(self, *args, **opts):
        if not settings.DEMO:
            raise CommandError(
                "Demo accounts exist only in demo mode (FANGKONG_DEMO=1): no default passwords."
            )
        if not User.objects.filter(username="admin").exists():
            services.user_create(
                actor=None,
                username="admin",
                password=DEMO_PASSWORD,
                display_name="系统管理员",
                is_superuser=True,
            )
        for username, name, role, where in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                continue
            user = services.user_create(
                actor=None, username=username, password=DEMO_PASSWORD, display_name=name
            )
            services.scope_add(actor=None, user=user, area=demo_area(where), role=Role.objects.get(code=role))
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD})")
        self.stdout.write("  admin            系统管理员 (superuser)")
        for username, name, role, _where in DEMO_USERS:
            self.stdout.write(f"  {username:<16} {name} [{role}]")
        self.stdout.write("\nOpen http://127.0.0.1:8000/\n")
