"""Run the benchmarks: `python bench/run.py --scale small|default|large [--only GROUP] [--reuse]`.

Each bench/<group>.py (named after a capability: foundation, registry, gates, …) exposes
`run(scale: str)` returning or yielding result dicts (see bench/common.py). Every result is printed as
one JSON line on stdout and appended to bench/results/<timestamp>-<scale>.jsonl; progress goes to
stderr. The bench database is dropped, created and migrated first (--reuse keeps an already seeded one,
e.g. to rerun one group on the 2M district without seeding it again).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402

SKIP = {"run", "common", "seed_district", "__init__"}


def groups() -> list[str]:
    return sorted(
        p.stem for p in (ROOT / "bench").glob("*.py") if p.stem not in SKIP and not p.stem.startswith("_")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=common.SCALES, default="default")
    parser.add_argument("--only", action="append", default=[], help="run only this group (repeatable)")
    parser.add_argument("--reuse", action="store_true", help="keep the bench database if it exists")
    args = parser.parse_args(argv)

    names = groups()
    only = [g for item in args.only for g in item.split(",") if g]
    unknown = [g for g in only if g not in names]
    if unknown:
        parser.error(f"unknown group(s) {', '.join(unknown)}; available: {', '.join(names)}")
    selected = only or names

    url = common.bench_database_url()
    common.configure_environment(url)
    if args.reuse and common.database_exists(url):
        common.say(f"reusing database {common.database_name(url)}")
    else:
        common.say(f"recreating database {common.database_name(url)}")
        common.recreate_database(url)
    import django

    django.setup()
    seconds = common.migrate()
    common.say(f"migrated in {seconds:.1f}s")

    common.SMOKE_REPEATS = 3 if args.scale == "tiny" else None
    writer = common.Writer(args.scale)
    failed = []
    t0 = time.perf_counter()
    for name in selected:
        common.say(f"== {name} (scale={args.scale})")
        t_group = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
            for row in module.run(args.scale) or []:
                row.setdefault("scale", args.scale)
                writer.write(row)
        except Exception:  # one broken group must not hide the others' figures
            failed.append(name)
            traceback.print_exc()
            writer.write(
                {
                    "bench": name,
                    "metric": "error",
                    "value": None,
                    "unit": "",
                    "baseline": None,
                    "ratio": None,
                    "target": None,
                    "error": traceback.format_exc(limit=3)[-500:],
                }
            )
        common.say(f"   {name}: {time.perf_counter() - t_group:.0f}s")
    writer.close()
    common.say(
        f"{writer.count} results in {time.perf_counter() - t0:.0f}s -> {writer.path.relative_to(ROOT)}"
    )
    if failed:
        common.say(f"FAILED: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
