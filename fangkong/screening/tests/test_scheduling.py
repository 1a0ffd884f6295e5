"""The staggered-slot scheduler and its queue simulation (plain functions: no database)."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from fangkong.screening.scheduling import (
    Assignment,
    Building,
    Plan,
    Site,
    naive_plan,
    plan,
    project,
    slot_capacity,
)
from fangkong.screening.simulation import chart_data, queue_starts, simulate

T0 = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
SLOT = timedelta(minutes=30)


def site(key, x, y, *, lanes=2, per_lane_hour=60, opens=T0, hours=12):
    return Site(key, x, y, lanes, per_lane_hour, opens, opens + timedelta(hours=hours))


def town(n=60, *, seed=3, people=(20, 70)):
    """n buildings on a jittered grid over ~1 km, three sites."""
    rng = random.Random(seed)
    side = 8
    buildings = [
        Building(
            i + 1,
            (i % side) * 120 + rng.uniform(-30, 30),
            (i // side) * 120 + rng.uniform(-30, 30),
            p := rng.randint(*people),
            max(1, p // 3),
        )
        for i in range(n)
    ]
    sites = [site(1, 100, 100, lanes=3), site(2, 800, 200, lanes=2), site(3, 400, 800, lanes=2)]
    return buildings, sites


def loads(p: Plan, show_up=1.0):
    out = defaultdict(float)
    for a in p.assignments:
        out[(a.site, a.start)] += a.people * show_up
    return out


def assert_valid(p: Plan, buildings, sites, *, start, end, slot=SLOT, show_up=1.0, fixed=(), tight=False):
    by_site = {s.key: s for s in sites}
    by_b = {b.key: b for b in buildings}
    for (skey, t), load in loads(p, show_up).items():
        assert load <= slot_capacity(by_site[skey], int(slot.total_seconds() // 60)) + 1e-6, (skey, t, load)
    per_b = defaultdict(list)
    for a in p.assignments:
        per_b[a.building].append(a)
    for bkey, items in per_b.items():
        if bkey in fixed:
            continue
        s = by_site[items[0].site]
        assert {a.site for a in items} == {s.key}, f"building {bkey} at several sites"
        starts = sorted(a.start for a in items)
        assert starts == [starts[0] + i * slot for i in range(len(starts))], f"{bkey}: slots not consecutive"
        for a in items:
            assert start <= a.start and a.end <= end and a.end - a.start == slot
            assert s.opens <= a.start and a.end <= s.closes
        assert sum(a.people for a in items) == by_b[bkey].people
        if len(items) > 1 and not tight:  # only a building too big for one slot is split
            assert by_b[bkey].people * show_up > slot_capacity(s, int(slot.total_seconds() // 60))
    assert not set(per_b) & set(p.unplaced)


def test_everyone_placed_within_capacity_and_window():
    buildings, sites = town()
    end = T0 + timedelta(hours=12)
    p = plan(buildings, sites, start=T0, end=end)
    assert p.status == "optimal" and p.unplaced == []
    assert p.people == sum(b.people for b in buildings)
    assert "HiGHS" in p.solver
    assert_valid(p, buildings, sites, start=T0, end=end)


def test_walking_distance_short_when_capacity_is_ample():
    buildings, sites = town()
    p = plan(buildings, sites, start=T0, end=T0 + timedelta(hours=12))
    by_site = {s.key: s for s in sites}
    for a in p.assignments:
        b = next(b for b in buildings if b.key == a.building)
        nearest = min(sites, key=lambda s: (s.x - b.x) ** 2 + (s.y - b.y) ** 2)
        assert by_site[a.site] == nearest  # room everywhere: nobody walks past a nearer site


def test_crowded_site_sends_the_overflow_to_the_next_nearest():
    # All ten buildings sit next to site 1, which can take only about half of them in its two hours.
    buildings = [Building(i, 10 * i, 0, 40, 10) for i in range(1, 11)]
    sites = [site(1, 0, 0, lanes=1, per_lane_hour=50, hours=2), site(2, 1000, 0, lanes=4, hours=2)]
    p = plan(buildings, sites, start=T0, end=T0 + timedelta(hours=2))
    assert p.status == "optimal"
    assert_valid(p, buildings, sites, start=T0, end=T0 + timedelta(hours=2))
    at1 = {a.building for a in p.assignments if a.site == 1}
    assert 0 < sum(40 for _ in at1) <= 4 * 25
    # The ones sent further are the ones already further along towards site 2.
    at2 = {a.building for a in p.assignments if a.site == 2}
    assert min(at2) > max(at1)


def test_big_building_spans_consecutive_slots_with_whole_households():
    # 10 households of 5: 50 people; a slot holds 1 lane × 40/h × 0.5 h = 20 people → 3 slots.
    buildings = [Building(7, 0, 0, 50, 10)]
    sites = [site(1, 0, 0, lanes=1, per_lane_hour=40, hours=4)]
    p = plan(buildings, sites, start=T0, end=T0 + timedelta(hours=4))
    assert p.status == "optimal"
    assert_valid(p, buildings, sites, start=T0, end=T0 + timedelta(hours=4))
    assert len(p.assignments) == 3
    assert all(a.people % 5 == 0 and a.people <= 20 for a in p.assignments)


def test_small_building_never_split():
    buildings, sites = town(people=(5, 15))
    p = plan(buildings, sites, start=T0, end=T0 + timedelta(hours=12))
    counts = defaultdict(int)
    for a in p.assignments:
        counts[a.building] += 1
    assert set(counts.values()) == {1}


def test_last_resort_splits_a_small_building_over_consecutive_slots():
    # Two slots of 20; three buildings of 13 one-person households: two go whole, the third fits only
    # split 7 + 6 over both slots (households stay whole, slots consecutive, one site).
    buildings = [Building(i, 0, 0, 13, 13) for i in (1, 2, 3)]
    sites = [site(1, 0, 0, lanes=1, per_lane_hour=40, hours=1)]
    end = T0 + timedelta(hours=1)
    p = plan(buildings, sites, start=T0, end=end)
    assert p.status == "optimal" and p.people == 39
    assert_valid(p, buildings, sites, start=T0, end=end, tight=True)
    split = [a for a in p.assignments if sum(x.building == a.building for x in p.assignments) > 1]
    assert sorted(a.people for a in split) == [6, 7]
    # Households of 13 cannot be split: the third building stays out.
    whole = [Building(i, 0, 0, 13, 1) for i in (1, 2, 3)]
    q = plan(whole, sites, start=T0, end=end)
    assert q.status == "partial" and len(q.unplaced) == 1 and q.people == 26


def test_show_up_allows_more_people_per_slot():
    buildings = [Building(i, 0, 0, 10, 5) for i in range(1, 5)]  # 40 people
    sites = [site(1, 0, 0, lanes=1, per_lane_hour=40, hours=1)]  # 2 slots of 20 arrivals
    end = T0 + timedelta(hours=1)
    full = plan(buildings, sites, start=T0, end=end)
    assert full.status == "optimal"
    more = [*buildings, Building(9, 0, 0, 10, 5)]
    assert plan(more, sites, start=T0, end=end).status == "partial"
    twice = [Building(i, 0, 0, 10, 5) for i in range(1, 9)]  # 80 people, half of them expected
    half = plan(twice, sites, start=T0, end=end, show_up=0.5)
    assert half.status == "optimal" and half.people == 80
    assert_valid(half, twice, sites, start=T0, end=end, show_up=0.5)


def test_fixed_assignments_are_kept_and_closed_sites_get_no_new_ones():
    buildings, sites = town()
    end = T0 + timedelta(hours=12)
    first = plan(buildings, sites, start=T0, end=end)
    # Mid-campaign: two slots have started; site 2 closes.
    now = T0 + 2 * SLOT
    started = sorted((a for a in first.assignments if a.start < now), key=lambda a: a.start, reverse=True)
    assert any(a.site == 2 for a in started)
    fixed = {a.building: (a.site, a.start) for a in started}  # a building's first slot
    before = defaultdict(list)
    for a in first.assignments:
        if a.building in fixed:
            before[a.building].append(a)
    assert any(len(v) > 1 for v in before.values())  # a big building spanning slots is among them
    again = plan(buildings, sites, start=now, end=end, fixed=fixed, closed_sites={2})
    assert again.status == "optimal"
    for bkey, (skey, when) in fixed.items():
        kept = sorted((a for a in again.assignments if a.building == bkey), key=lambda a: a.start)
        assert {a.site for a in kept} == {skey} and kept[0].start == when
        assert sum(a.people for a in kept) == sum(a.people for a in before[bkey])
    # Given as their assignments, they are kept exactly.
    exact = plan(buildings, sites, start=now, end=end, fixed=dict(before), closed_sites={2})
    assert exact.status == "optimal"
    for bkey, items in before.items():
        assert sorted((a for a in exact.assignments if a.building == bkey), key=lambda a: a.start) == items
    new = [a for a in again.assignments if a.building not in fixed]
    assert new and all(a.site != 2 for a in new)
    assert all(a.start >= now for a in new)
    # The kept ones still count against capacity: no slot over it.
    assert_valid(again, buildings, sites, start=T0, end=end, fixed=fixed)
    assert again.people == sum(b.people for b in buildings)


def test_replanning_with_previous_moves_only_what_must_move():
    buildings, sites = town()
    end = T0 + timedelta(hours=12)
    first = plan(buildings, sites, start=T0, end=end)
    previous = defaultdict(list)
    for a in first.assignments:
        previous[a.building].append(a)
    # Nothing changed: the same plan comes back.
    same = plan(buildings, sites, start=T0, end=end, previous=previous)
    assert sorted(same.assignments, key=repr) == sorted(first.assignments, key=repr)
    # Site 3 closes: only its buildings move, to the other sites.
    moved = plan(buildings, sites, start=T0, end=end, previous=previous, closed_sites={3})
    assert moved.status == "optimal"
    assert_valid(moved, buildings, sites, start=T0, end=end)
    at3 = {a.building for a in first.assignments if a.site == 3}
    assert at3
    for bkey, items in previous.items():
        now = sorted((a for a in moved.assignments if a.building == bkey), key=lambda a: a.start)
        if bkey in at3:
            assert {a.site for a in now} <= {1, 2}
        else:
            assert now == sorted(items, key=lambda a: a.start)


def test_plan_beats_naive_on_max_wait():
    buildings, sites = town(n=64)
    end = T0 + timedelta(hours=12)
    p = plan(buildings, sites, start=T0, end=end)
    n = naive_plan(buildings, sites, start=T0, end=end)
    assert {a.start for a in n.assignments} == {T0}  # everyone at opening
    sp, sn = simulate(p, sites, seed=2), simulate(n, sites, seed=2)
    assert sp.people == sn.people == sum(b.people for b in buildings)
    assert sp.max_wait < sn.max_wait / 5
    assert sp.mean_wait < sn.mean_wait
    assert sp.finish <= end + timedelta(minutes=30)


def test_infeasible_places_what_fits_and_lists_the_rest():
    buildings = [Building(i, i, 0, 30, 10) for i in range(1, 9)]  # 240 people
    sites = [site(1, 0, 0, lanes=1, per_lane_hour=60, hours=2)]  # 4 slots × 30 = 120
    end = T0 + timedelta(hours=2)
    p = plan(buildings, sites, start=T0, end=end)
    assert p.status == "partial"
    assert len(p.unplaced) == 4 and "4 buildings" in p.message
    assert p.people == 120
    assert_valid(p, buildings, sites, start=T0, end=end)


def test_no_open_site_in_the_window_lists_everyone():
    buildings = [Building(1, 0, 0, 10, 3)]
    later = site(1, 0, 0, opens=T0 + timedelta(days=2))
    p = plan(buildings, [later], start=T0, end=T0 + timedelta(hours=4))
    assert p.status == "partial" and p.unplaced == [1] and p.assignments == []
    everyone_closed = plan(
        buildings, [site(1, 0, 0)], start=T0, end=T0 + timedelta(hours=4), closed_sites={1}
    )
    assert everyone_closed.unplaced == [1]


def test_site_hours_respected():
    buildings, _ = town(n=20)
    sites = [site(1, 0, 0, lanes=8, opens=T0 + timedelta(hours=2), hours=3)]
    end = T0 + timedelta(hours=12)
    p = plan(buildings, sites, start=T0, end=end)
    assert p.status == "optimal"
    assert all(T0 + timedelta(hours=2) <= a.start and a.end <= T0 + timedelta(hours=5) for a in p.assignments)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sites": []}, "No sampling sites"),
        ({"end": T0}, "must end after"),
        ({"end": T0 - timedelta(hours=1)}, "must end after"),
        ({"slot_minutes": 0}, "positive number of minutes"),
        ({"end": T0 + timedelta(minutes=10)}, "shorter than one slot"),
        ({"show_up": 0}, "show-up"),
        ({"buildings": [Building(1, 0, 0, 5, 1), Building(1, 1, 1, 5, 1)]}, "listed twice"),
        ({"buildings": [Building(1, 0, 0, -5, 1)]}, "negative"),
        ({"sites": [Site(1, 0, 0, 1, 10, T0, T0 - SLOT)]}, "closes"),
        ({"fixed": {99: (1, T0)}}, "not among the buildings"),
        ({"fixed": {1: (42, T0)}}, "not among the sites"),
    ],
)
def test_nonsense_raises_a_clear_value_error(kwargs, message):
    args = {
        "buildings": [Building(1, 0, 0, 5, 1)],
        "sites": [site(1, 0, 0)],
        "start": T0,
        "end": T0 + timedelta(hours=4),
    }
    args.update(kwargs)
    buildings, sites = args.pop("buildings"), args.pop("sites")
    with pytest.raises(ValueError, match=message):
        plan(buildings, sites, **args)


def test_naive_plan_nonsense_and_empty():
    with pytest.raises(ValueError, match="No sampling sites"):
        naive_plan([Building(1, 0, 0, 5, 1)], [], start=T0, end=T0 + SLOT)
    assert plan([], [site(1, 0, 0)], start=T0, end=T0 + SLOT).status == "empty"


def test_project_is_metric():
    x0, y0 = project(39.9, 116.4)
    x1, y1 = project(39.91, 116.4)  # 0.01° north ≈ 1.11 km
    assert 1100 < y1 - y0 < 1125 and x1 == x0


@pytest.mark.parametrize("seed", range(40))
def test_random_instances_keep_every_rule(seed):
    """Random districts, tight or loose, odd hours, closed sites, show-up, slot lengths: the rules hold."""
    rng = random.Random(seed)
    slot_min = rng.choice([15, 30, 60])
    slot = timedelta(minutes=slot_min)
    hours = rng.randint(2, 12)
    end = T0 + timedelta(hours=hours)
    buildings = []
    for i in range(rng.randint(1, 80)):
        p = rng.choice([0, rng.randint(1, 40), rng.randint(40, 300)])
        buildings.append(
            Building(i + 1, rng.uniform(0, 2000), rng.uniform(0, 2000), p, rng.randint(0, p + 2))
        )
    sites = []
    for k in range(rng.randint(1, 4)):
        opens = T0 + timedelta(minutes=rng.choice([0, 0, 45, 90]))
        sites.append(
            Site(k + 1, rng.uniform(0, 2000), rng.uniform(0, 2000), rng.randint(0, 5), rng.randint(10, 100),
                 opens, opens + timedelta(hours=rng.randint(1, hours + 2)))
        )  # fmt: skip
    closed = {s.key for s in sites if rng.random() < 0.2}
    show_up = rng.choice([1.0, 1.0, 0.7])
    p = plan(buildings, sites, start=T0, end=end, slot_minutes=slot_min, closed_sites=closed, show_up=show_up)
    # tight: a building that no slot could hold whole any more may, as a last resort, span slots too.
    assert_valid(p, buildings, sites, start=T0, end=end, slot=slot, show_up=show_up, tight=True)
    assert all(a.site not in closed for a in p.assignments)
    placed = {a.building for a in p.assignments}
    wanted = {b.key for b in buildings if b.people > 0}
    assert placed | set(p.unplaced) == wanted and not placed & set(p.unplaced)
    assert p.status == ("partial" if p.unplaced else ("optimal" if wanted else "empty"))
    if p.unplaced:  # nothing left out while one open site still had a slot with room for it whole
        by_b = {b.key: b for b in buildings}
        used = loads(p, show_up)
        smallest = min(by_b[k].people for k in p.unplaced) * show_up
        for s in sites:
            if s.key in closed:
                continue
            cap = slot_capacity(s, slot_min)
            t = T0
            while t + slot <= end:
                if s.opens <= t and t + slot <= s.closes:
                    assert used.get((s.key, t), 0.0) + smallest > cap + 1e-6 or smallest > cap
                t += slot


# ---------------------------------------------------------------------------------------------------------
# Simulation


def one_lane(people, *, arrival="even", seed=1, slots=8):
    s = site(1, 0, 0, lanes=1, per_lane_hour=60, hours=slots)
    assignments = [
        Assignment(i, 1, T0 + i * SLOT, T0 + (i + 1) * SLOT, people) for i in range(slots)
    ]  # fmt: skip
    return simulate(Plan(assignments, "test", "optimal", 0.0, []), [s], seed=seed, arrival=arrival), s


def test_queue_at_capacity_has_bounded_wait_and_doubling_grows_it():
    at_cap, _ = one_lane(30)  # 30 people per 30-minute slot, one lane of 60/h: exactly capacity
    assert at_cap.people == 240
    assert at_cap.max_wait <= 1.0  # evenly spaced at the service rate: no one waits a whole minute
    random_cap, _ = one_lane(30, arrival="uniform")
    assert random_cap.max_wait < 30  # random arrivals queue a little, but within a slot
    double, _ = one_lane(60)
    assert double.max_wait > 200  # 240 extra people at 1/min: the queue grows by ~30 min per slot
    assert double.mean_wait > 10 * at_cap.mean_wait + 10
    assert double.finish > at_cap.finish + timedelta(hours=3)
    lasts = [st.max_wait_min for st in double.per_slot]
    assert lasts == sorted(lasts)  # it only grows from slot to slot


def test_queue_starts_matches_a_direct_simulation():
    rng = np.random.default_rng(5)
    a = np.sort(rng.random(500) * 3000)
    for lanes in (1, 3, 7):
        got = queue_starts(a, lanes, 40.0)
        free = [0.0] * lanes
        for k, t in enumerate(a):
            i = min(range(lanes), key=free.__getitem__)
            start = max(t, free[i])
            free[i] = start + 40.0
            assert got[k] == pytest.approx(start)


def test_simulation_is_reproducible_and_rejects_unknown_arrival():
    a, _ = one_lane(40, arrival="uniform", seed=4)
    b, _ = one_lane(40, arrival="uniform", seed=4)
    assert a == b
    with pytest.raises(ValueError, match="Unknown arrival"):
        one_lane(40, arrival="poisson")


def test_chart_data_is_json_and_shows_both_plans():
    buildings, sites = town()
    end = T0 + timedelta(hours=12)
    sp = simulate(plan(buildings, sites, start=T0, end=end), sites)
    sn = simulate(naive_plan(buildings, sites, start=T0, end=end), sites)
    data = json.loads(json.dumps(chart_data(sp, sn, labels={"planned": "错峰"}, tz=UTC)))
    assert data["labels"]["planned"] == "错峰" and data["labels"]["naive"]
    assert data["slots"][0] == "08:00" and len(data["slots"]) == len(data["planned"]["max"])
    assert data["naive"]["max"][0] == round(sn.max_wait, 1) and data["naive"]["max"][1] is None
    assert data["planned"]["max_wait"] < data["naive"]["max_wait"]
    assert sum(x or 0 for x in data["planned"]["arrivals"]) == sp.people


# ---------------------------------------------------------------------------------------------------------
# The chart script, in Chromium, on a bare page (no server: the two static files and the data)


@pytest.mark.browser
def test_plan_chart_draws_both_plans(chromium, tmp_path):
    from pathlib import Path

    from django.conf import settings

    buildings, sites = town()
    end = T0 + timedelta(hours=12)
    sp = simulate(plan(buildings, sites, start=T0, end=end), sites)
    sn = simulate(naive_plan(buildings, sites, start=T0, end=end), sites)
    from django.utils import translation

    with translation.override("en"):
        data = chart_data(sp, sn, tz=UTC)
    echarts = Path(settings.BASE_DIR) / "node_modules" / "echarts" / "dist" / "echarts.min.js"
    script = Path(__file__).resolve().parent.parent / "static" / "screening" / "plan-chart.js"
    page_file = tmp_path / "chart.html"
    page_file.write_text(
        "<!doctype html><meta charset='utf-8'>"
        "<div id='plan-chart' style='width:900px;height:420px'></div>"
        f"<script id='plan-chart-data' type='application/json'>{json.dumps(data)}</script>"
        f"<script src='{echarts.as_uri()}'></script><script src='{script.as_uri()}'></script>",
        encoding="utf-8",
    )
    context = chromium.new_context(viewport={"width": 1000, "height": 600})
    try:
        errors: list[str] = []
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_file.as_uri())
        page.wait_for_selector("#plan-chart[data-ready='1'] canvas")
        title = page.get_attribute("#plan-chart", "aria-label")
        assert f"max {data['planned']['max_wait']}" in title and f"max {data['naive']['max_wait']}" in title
        option = page.evaluate(
            "() => { const o = echarts.getInstanceByDom(document.getElementById('plan-chart')).getOption();"
            " return {names: o.series.map(s => s.name), x: o.xAxis[0].data}; }"
        )
        assert len(option["names"]) == 4 and sum("Naive" in n for n in option["names"]) == 2
        assert option["x"] == data["slots"]
        assert errors == []
        page.screenshot(path=str(tmp_path / "chart.png"))
    finally:
        context.close()


def test_simulation_draws_show_up():
    buildings = [Building(i, 0, 0, 100, 40) for i in range(1, 11)]
    sites = [site(1, 0, 0, lanes=10, hours=4)]
    end = T0 + timedelta(hours=4)
    full = simulate(plan(buildings, sites, start=T0, end=end), sites)
    half = simulate(plan(buildings, sites, start=T0, end=end, show_up=0.5), sites)
    assert full.people == 1000
    assert 400 < half.people < 600  # binomial(1000, 0.5)
