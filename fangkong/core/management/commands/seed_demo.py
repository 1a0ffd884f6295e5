"""Load the demo district. Each app may add a `seed.py` with `seed(ctx)` (bulk data) and `seed_activity(ctx)`
(the demo fortnight, written through its services); both run in INSTALLED_APPS order, every `seed` first.
`seed_final(ctx)` runs after every app's fortnight (the briefing's snapshots of all of it)."""

import random
import time
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from fangkong.areas.models import Area
from fangkong.areas.seed import SCALES, SeedContext, build_places, build_tree


class Command(BaseCommand):
    help = "Create a deterministic demo district (丰台区) with its tree, places and app data."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--scale", choices=sorted(SCALES), default="default")
        parser.add_argument("--residents", type=int, default=None, help="override the number of residents")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when areas already exist")

    def handle(self, *args, seed, scale, residents, if_empty, **opts):
        if Area.objects.exists():
            if if_empty:
                self.stdout.write("Demo data already loaded; keeping it.")
                return
            raise CommandError("The database already has areas; seed_demo loads into an empty database.")
        t0 = time.monotonic()
        sc = SCALES[scale]
        if residents is not None:
            sc.residents = residents
        ctx = SeedContext(rng=random.Random(seed), scale=sc, scale_name=scale, seed=seed, out=self.stdout)
        self.stdout.write(f"Seeding scale={scale} seed={seed}")
        build_tree(ctx)
        build_places(ctx)
        modules = []
        for config in apps.get_app_configs():
            if not config.name.startswith("fangkong.") or config.label == "areas":
                continue
            try:
                modules.append((config.label, import_module(f"{config.name}.seed")))
            except ModuleNotFoundError:
                continue
        for step in ("seed", "seed_activity", "seed_final"):
            for label, module in modules:
                if hasattr(module, step):
                    self.stdout.write(
                        f"- {label}" + {"seed": "", "seed_activity": " (fortnight)"}.get(step, " (last)")
                    )
                    getattr(module, step)(ctx)
        self.stdout.write(self.style.SUCCESS(f"Demo district loaded in {time.monotonic() - t0:.1f}s"))
