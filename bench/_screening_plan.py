"""Screening benchmark 1 (issue 11): the staggered scheduler on a synthetic district, in memory.

Not a group of its own (the leading underscore keeps run.py from listing it): bench/screening.py yields
`run(scale)` from here. No database: the district is generated here, buildings on a grid with random
jitter, sites spread over the same square with lanes sized so that the whole district fits its 24-hour
window (the 2022 guideline) with about 20 % to spare — but unevenly, so that the nearest site is not
always the one with room.

| SCALE | residents | buildings | sites |
|---|---|---|---|
| small | 20,000 | 200 | 5 |
| default, large | 2,000,000 | 20,000 | 55 |

Figures: solve seconds of plan(); the predicted max and mean wait of the plan and of the naive plan
(everyone to the nearest site at its opening) from simulate(); ratio = planned max ÷ naive max (target
< 1); walk_m = mean walking metres per person against the nearest site's; placed = people placed ÷
target (target ≥ 1, i.e. everyone). Standalone:
`.venv/bin/python bench/_screening_plan.py small`.
"""

from __future__ import annotations

import math
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402

SHAPES = {
    "tiny": {"residents": 2_000, "buildings": 40, "sites": 2},
    "small": {"residents": 20_000, "buildings": 200, "sites": 5},
    "default": {"residents": 2_000_000, "buildings": 20_000, "sites": 55},
    "large": {"residents": 2_000_000, "buildings": 20_000, "sites": 55},
}
SPACING_M = 70.0  # between building grid points
PER_LANE_HOUR = 40  # people per lane per hour (about 1.5 minutes a swab)
WINDOW_H = 24
SPARE = 1.2  # capacity over demand, district-wide


def district(scale: str, *, seed: int = 1):
    """(buildings, sites, start, end) of a synthetic district of this scale."""
    from fangkong.screening.scheduling import Building, Site

    shape = SHAPES[scale]
    rng = random.Random(seed)
    nb, ns = shape["buildings"], shape["sites"]
    mean = shape["residents"] / nb
    side = math.ceil(math.sqrt(nb))
    # People per building: mean ± 40 %, then scaled so that the total is exactly the target.
    raw = [rng.uniform(0.6, 1.4) for _ in range(nb)]
    factor = shape["residents"] / (mean * sum(raw))
    people = [max(1, round(mean * r * factor)) for r in raw]
    people[-1] += shape["residents"] - sum(people)
    buildings = []
    for i in range(nb):
        gx, gy = i % side, i // side
        x = gx * SPACING_M + rng.uniform(-20, 20)
        y = gy * SPACING_M + rng.uniform(-20, 20)
        p = people[i]
        buildings.append(Building(key=i + 1, x=x, y=y, people=p, households=max(1, round(p / 2.6))))
    start = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)
    end = start + timedelta(hours=WINDOW_H)
    # Sites on a coarse grid over the square, lanes drawn unevenly, totalling SPARE × demand.
    cols = math.ceil(math.sqrt(ns))
    rows = math.ceil(ns / cols)
    extent = side * SPACING_M
    weights = [rng.uniform(0.7, 1.3) for _ in range(ns)]
    lanes_total = shape["residents"] * SPARE / (PER_LANE_HOUR * WINDOW_H)
    sites = []
    for k in range(ns):
        cx, cy = k % cols, k // cols
        x = (cx + 0.5) * extent / cols + rng.uniform(-100, 100)
        y = (cy + 0.5) * extent / rows + rng.uniform(-100, 100)
        lanes = max(1, round(lanes_total * weights[k] / sum(weights)))
        sites.append(
            Site(key=k + 1, x=x, y=y, lanes=lanes, per_lane_hour=PER_LANE_HOUR, opens=start, closes=end)
        )
    return buildings, sites, start, end


def run(scale: str):
    from fangkong.screening.scheduling import naive_plan, plan
    from fangkong.screening.simulation import simulate

    buildings, sites, start, end = district(scale)
    target = sum(b.people for b in buildings)
    common.say(f"screening.plan: {target} residents, {len(buildings)} buildings, {len(sites)} sites")
    t0 = time.perf_counter()
    planned = plan(buildings, sites, start=start, end=end, slot_minutes=30)
    solve = time.perf_counter() - t0
    naive = naive_plan(buildings, sites, start=start, end=end, slot_minutes=30)
    t0 = time.perf_counter()
    sim_p = simulate(planned, sites, seed=1)
    sim_n = simulate(naive, sites, seed=1)
    sim_s = time.perf_counter() - t0
    shape = dict(residents=target, buildings=len(buildings), sites=len(sites), slot_minutes=30,
                 window_h=WINDOW_H, solver=planned.solver, status=planned.status)  # fmt: skip
    yield common.result("screening.plan", "solve_seconds", round(solve, 2), "s", target="< 60", **shape)
    ratio = round(sim_p.max_wait / sim_n.max_wait, 4) if sim_n.max_wait else None
    yield common.result(
        "screening.plan",
        "max_wait",
        round(sim_p.max_wait, 1),
        "min",
        baseline=round(sim_n.max_wait, 1),
        ratio=ratio,
        target="< 1",
        note="planned max wait ÷ naive max wait (naive: everyone to the nearest site at opening)",
        simulate_seconds=round(sim_s, 2),
    )
    yield common.result(
        "screening.plan",
        "mean_wait",
        round(sim_p.mean_wait, 2),
        "min",
        baseline=round(sim_n.mean_wait, 1),
        ratio=round(sim_p.mean_wait / sim_n.mean_wait, 4) if sim_n.mean_wait else None,
        planned_finish=sim_p.finish.isoformat() if sim_p.finish else None,
        naive_finish=sim_n.finish.isoformat() if sim_n.finish else None,
    )
    # Walking: metres per person, against everyone at their nearest site (the naive plan's distance).
    yield common.result(
        "screening.plan",
        "walk_m",
        round(_walk(planned, buildings, sites), 1),
        "m",
        baseline=round(_walk(naive, buildings, sites), 1),
        ratio=round(_walk(planned, buildings, sites) / max(_walk(naive, buildings, sites), 1e-9), 4),
        note="mean walking distance per person; baseline: nearest site for everyone (ignores capacity)",
    )
    placed = planned.people
    yield common.result(
        "screening.plan",
        "placed",
        placed,
        "people",
        baseline=target,
        ratio=round(placed / target, 4),
        target=">= 1",
        unplaced_buildings=len(planned.unplaced),
    )


def _walk(p, buildings, sites) -> float:
    where = {b.key: (b.x, b.y) for b in buildings}
    at = {s.key: (s.x, s.y) for s in sites}
    total = sum(a.people * math.dist(where[a.building], at[a.site]) for a in p.assignments)
    return total / max(p.people, 1)


if __name__ == "__main__":
    import json

    for row in run(sys.argv[1] if len(sys.argv) > 1 else "small"):
        print(json.dumps(row, ensure_ascii=False, default=str))
