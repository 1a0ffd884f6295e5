"""(Re)seed residents on an existing tree: `manage.py seed_people --residents 2000000 [--replace]`.

seed_demo builds the tree and calls the same `fangkong.people.seed.seed`; this command serves the
benchmarks and operators who want another population on the same district.
"""

import dataclasses
import random
import time
from collections import namedtuple

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from fangkong.areas.models import Area, Level
from fangkong.areas.seed import SCALES, SeedContext
from fangkong.people import seed as people_seed
from fangkong.people.models import Person, StatusChange, Visit, VulnerableEntry

Household = namedtuple("Household", "pk path")


class Command(BaseCommand):
    help = "Seed demo residents on the households already in the database."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--residents", type=int, default=None, help="number of residents (default: households × 2.5)"
        )
        parser.add_argument("--within", default="", help="only households under this area path")
        parser.add_argument("--method", choices=["copy", "orm"], default=None)
        parser.add_argument("--workers", type=int, default=None)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete existing residents first, with every record that references them (TRUNCATE … CASCADE on PostgreSQL)",
        )

    def handle(self, *args, seed, residents, within, method, workers, replace, **opts):
        if Person.objects.exists():
            if not replace:
                raise CommandError("Residents exist; use --replace to delete them first.")
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    tables = ", ".join(
                        f'"{m._meta.db_table}"' for m in (Visit, VulnerableEntry, StatusChange, Person)
                    )
                    with connection.cursor() as cursor:
                        cursor.execute(f"TRUNCATE {tables} CASCADE")
                else:
                    for model in (Visit, VulnerableEntry, StatusChange, Person):
                        model.objects.all().delete()
        households = [
            Household(pk, path)
            for pk, path in Area.objects.filter(level=Level.HOUSEHOLD, path__startswith=within)
            .order_by("path")
            .values_list("pk", "path")
        ]
        if not households:
            raise CommandError("No households: run seed_demo first.")
        scale = dataclasses.replace(SCALES["default"], residents=residents or 0, residents_per_household=2.5)
        ctx = SeedContext(
            rng=random.Random(seed), scale=scale, scale_name="custom", seed=seed, out=self.stdout
        )
        ctx.households = households
        t0 = time.monotonic()
        stats = people_seed.seed(ctx, method=method, workers=workers)
        self.stdout.write(
            self.style.SUCCESS(f"{stats['residents']:,} residents in {time.monotonic() - t0:.1f}s")
        )
