"""Run seed_demo for a benchmark scale (a child process of run.py, so that its time and peak memory are
its own). A `--shape` registers an extra scale of the same tree generator (fangkong.areas.seed.Scale)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--residents", type=int, default=None)
    parser.add_argument("--shape", default="", help="JSON of fangkong.areas.seed.Scale fields")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from fangkong.areas.seed import SCALES, Scale

    if args.shape:
        SCALES[args.scale] = Scale(**json.loads(args.shape))
    options = {"scale": args.scale, "seed": args.seed}
    if args.residents:
        options["residents"] = args.residents
    call_command("seed_demo", **options)


if __name__ == "__main__":
    main()
