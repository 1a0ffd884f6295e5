"""Shared helpers of the benchmarks: the bench database, timing, percentiles, memory, JSON lines.

Contract (issue 2): each bench/<group>.py exposes `run(scale: str)` returning or yielding dicts; run.py
prints each as one JSON line and appends it to bench/results/<timestamp>.jsonl. A result has at least
{"bench", "metric", "value", "unit"} and, where the issue sets one, "baseline", "ratio" and "target"
("<= 1.2", ">= 0.30", "< 300" …; `met` is added by `result`).

The benchmarks run on PostgreSQL in their own database (default fangkong_bench on the local server),
which run.py drops, creates and migrates. A database whose name does not contain "bench" is never
dropped: BENCH_DATABASE_URL, else DATABASE_URL when it names a bench database, else fangkong_bench on the
DATABASE_URL server.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fangkong_bench"
SCALES = ("tiny", "small", "default", "large")

# Filled by ensure_district(): how the data of this run was made (the registry reports it as a benchmark).
STATE: dict = {}


# ---------------------------------------------------------------------------------------------------------
# Database


def bench_database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        if "bench" in parts.path.lstrip("/"):
            return url
        return urlunsplit(parts._replace(path="/fangkong_bench"))
    return DEFAULT_URL


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def configure_environment(url: str) -> None:
    """Settings for the bench process and its children: PostgreSQL, production-like (DEBUG off)."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "fangkong.settings"
    os.environ.setdefault("FANGKONG_DEMO", "1")  # demo keys (derived from the development SECRET_KEY)
    os.environ["DEBUG"] = "0"  # DEBUG keeps every query in memory and renders debug pages
    os.environ.setdefault("SECURE_COOKIES", "0")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def recreate_database(url: str) -> None:
    """DROP and CREATE the bench database (refuses any database whose name lacks "bench")."""
    import psycopg

    name = database_name(url)
    if "bench" not in name or not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing to recreate database {name!r}: its name must contain 'bench'")
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def database_exists(url: str) -> bool:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        return (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database_name(url)]).fetchone()
            is not None
        )


def migrate() -> float:
    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    return time.perf_counter() - t0


# ---------------------------------------------------------------------------------------------------------
# The district each scale benchmarks on

# SCALE → how the data is generated. "tiny" is the smoke run. "small" builds 20 communities shaped like the district's (2,000
# households, ~5,000 residents each): 100,000 residents. default and large: the whole 2M district.
SEED_PLANS = {
    # "tiny" is CI's smoke run (every group once, in seconds): it proves the groups still run against the
    # current rules, not how fast they are. 4 communities, 384 households, 1,000 residents.
    "tiny": {
        "scale": "bench_tiny",
        "residents": 1_000,
        "shape": dict(streets=2, communities_per_street=2, grids=1, buildings=4, entrances=2, households=12),
        "note": "SCALE=tiny: smoke run on 1,000 residents (figures not meaningful)",
    },
    "small": {
        "scale": "bench_small",
        "residents": 100_000,
        "shape": dict(
            streets=10, communities_per_street=2, grids=4, buildings=10, entrances=5, households=10
        ),
        "note": "SCALE=small: 20 communities of district shape (40,000 households), 100,000 residents "
        "instead of the 2,000,000-resident district",
    },
    "default": {"scale": "district", "residents": None, "note": "seed_demo --scale district"},
    "large": {"scale": "district", "residents": None, "note": "seed_demo --scale district"},
}


def seed_command(scale: str, seed: int = 1) -> list[str]:
    plan = SEED_PLANS[scale]
    args = [
        sys.executable,
        str(ROOT / "bench" / "seed_district.py"),
        "--scale",
        plan["scale"],
        "--seed",
        str(seed),
    ]
    if plan.get("residents"):
        args += ["--residents", str(plan["residents"])]
    if plan.get("shape"):
        args += ["--shape", json.dumps(plan["shape"])]
    return args


def ensure_district(scale: str) -> dict:
    """Seed the bench database once per run (in a child process, timed, with its peak memory)."""
    if STATE.get("seeded"):
        return STATE
    from fangkong.areas.models import Area
    from fangkong.people.models import Person

    if Area.objects.exists():
        STATE.update(seeded=True, reused=True, residents=Person.objects.count())
        return STATE
    cmd = seed_command(scale)
    say(f"seeding: {' '.join(cmd[1:])}")
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = []
    for line in proc.stdout:
        output.append(line.rstrip())
        say("  " + line.rstrip())
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("seeding failed:\n" + "\n".join(output[-30:]))
    proc.returncode = 0
    STATE.update(
        seeded=True,
        reused=False,
        seconds=seconds,
        peak_rss_mb=usage.ru_maxrss / 1024,
        cpu_s=usage.ru_utime + usage.ru_stime,
        output=output,
        residents=Person.objects.count(),
        note=SEED_PLANS[scale]["note"],
    )
    return STATE


# ---------------------------------------------------------------------------------------------------------
# Measuring


def say(msg: str) -> None:
    print(f"# {msg}", file=sys.stderr, flush=True)


def percentile(values: list[float], p: float) -> float:
    """Linear-interpolated percentile (p in 0..100)."""
    if not values:
        return float("nan")
    xs = sorted(values)
    k = (len(xs) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


# The smoke run (SCALE=tiny, set by run.py): every group still runs end to end and checks its results, but
# a timing loop needs only a few calls to prove it works; its figures are not meaningful at tiny anyway.
SMOKE_REPEATS: int | None = None


def _repeats(n: int, warmup: int) -> tuple[int, int]:
    if SMOKE_REPEATS is None:
        return n, warmup
    return min(n, SMOKE_REPEATS), min(warmup, 1)


def timings(fn: Callable[[], object], *, n: int, warmup: int = 2) -> list[float]:
    """Wall-clock seconds of `n` calls after `warmup` unmeasured ones (at most SMOKE_REPEATS at tiny)."""
    n, warmup = _repeats(n, warmup)
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def interleaved(fns: dict[str, Callable[[], object]], *, n: int, warmup: int = 2) -> dict[str, list[float]]:
    """Time several variants alternately (A B A B …) so that load from other processes hits each alike."""
    n, warmup = _repeats(n, warmup)
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    out: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(n):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            out[k].append(time.perf_counter() - t0)
    return out


def summary_ms(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values) * 1000, 2),
        "p95": round(percentile(values, 95) * 1000, 2),
        "n": len(values),
    }


@contextlib.contextmanager
def timer():
    """with timer() as t: ...; t["s"] is the elapsed seconds."""
    t = {"s": 0.0}
    t0 = time.perf_counter()
    try:
        yield t
    finally:
        t["s"] = time.perf_counter() - t0


def peak_rss_mb() -> float:
    """Peak resident set of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextlib.contextmanager
def python_memory():
    """Peak Python allocations inside the block (tracemalloc; slows allocation-heavy code ~2x)."""
    gc.collect()
    tracemalloc.start()
    m = {"peak_mb": 0.0}
    try:
        yield m
    finally:
        _cur, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        m["peak_mb"] = peak / 2**20


# ---------------------------------------------------------------------------------------------------------
# Results


def _met(value, target: str | None) -> bool | None:
    if target is None or value is None:
        return None
    op, _sp, num = target.partition(" ")
    x = float(num)
    return {"<=": value <= x, "<": value < x, ">=": value >= x, ">": value > x}.get(op)


def result(
    bench: str,
    metric: str,
    value,
    unit: str,
    *,
    baseline=None,
    ratio=None,
    target: str | None = None,
    checked=None,
    **extra,
) -> dict:
    """One result line. `target` applies to `ratio` when given, else to `value` (or to `checked`)."""
    row = {
        "bench": bench,
        "metric": metric,
        "value": value,
        "unit": unit,
        "baseline": baseline,
        "ratio": ratio,
        "target": target,
    }
    subject = checked if checked is not None else (ratio if ratio is not None else value)
    met = _met(subject, target)
    if met is not None:
        row["met"] = met
    row.update(extra)
    return row


class Writer:
    """Prints each result as one JSON line and appends it to bench/results/<timestamp>.jsonl."""

    def __init__(self, scale: str):
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        self.path = RESULTS / f"{stamp}-{scale}.jsonl"
        self.fh = self.path.open("a", encoding="utf-8")
        self.count = 0

    def write(self, row: dict) -> None:
        line = json.dumps(row, ensure_ascii=False, default=str)
        print(line, flush=True)
        self.fh.write(line + "\n")
        self.fh.flush()
        self.count += 1

    def close(self) -> None:
        self.fh.close()
