"""Staggered slots of a mass-testing campaign (错峰分流): buildings → sampling site × 30-minute slot.

The solver is HiGHS (https://highs.dev) through its official Python bindings `highspy`: a well-kept,
open-source LP/MIP solver. No hand-written search. The problem building × site × slot is far too big
for one MILP at district scale (20,000 buildings × 55 sites × 48 slots), so it is decomposed:

1. Sites (HiGHS). A transportation problem sends every building to ONE site among its k nearest
   (k grows for the buildings that find no room), minimising Σ walking distance × people, under each
   site's capacity over the window (Σ of its slots' capacity, minus what fixed assignments already use).
   Buildings that do not fit at all take an unplaced column whose cost dominates any distance, so the
   LP places as many people as the capacity allows. The LP relaxation of this assignment problem has a
   basic optimum in which at most one building per capacity row is split; those few buildings are then
   settled by a small MIP (HiGHS branch and bound) on the capacity left by the integral ones.
2. Slots (exact sequencing, per site). Each site's slots get a level: the site's utilisation ρ times
   each slot's capacity plus half a building of headroom, so arrivals are spread evenly over the window
   instead of piling into the first hours. Buildings larger than one slot's capacity are laid first over
   CONSECUTIVE slots (split between whole households); the others go whole into one slot, largest first,
   first slot whose level still holds them, then (if none) the slot with most room under its hard
   capacity. A building that still finds no slot (and those the LP left out) tries every site, nearest
   first; as a last resort, when capacity is tight, one that no slot holds whole may span consecutive
   slots of one site (households whole). Only then is it listed as unplaced.

Guarantees: every slot's expected arrivals (people × show_up) ≤ lanes × per_lane_hour × slot hours —
new assignments never exceed it (fixed ones are kept as they are, even when they do); every new slot
lies inside [start, end) and inside its site's opening hours; a building is at one site; it spans
several slots only when it exceeds one slot's capacity (or, capacity being tight, no slot has room
for it whole), and then the slots are consecutive and each holds whole households. Household sizes
are taken as even (the first `people % households` households have one person more);
`Assignment.people` of a split building counts whole households in that order: the caller calls the
building's households in its own order, filling each slot up to its `people` (a real household
larger than the even size may move the boundary by a few people).

Slots lie on the window's grid (start + k × slot_minutes); a site offers those wholly inside its hours.
Coordinates are planar (metres); `project(lat, lon)` turns WGS-84 degrees into such metres.
"""

from __future__ import annotations

import math
import time
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate

import numpy as np

__all__ = [
    "Assignment",
    "Building",
    "Plan",
    "Site",
    "naive_plan",
    "plan",
    "project",
    "slot_capacity",
]

K_NEAREST = 6  # candidate sites per building in the first LP; widened for buildings that find no room
EPS = 1e-6


@dataclass(frozen=True)
class Building:
    key: int
    x: float
    y: float
    people: int
    households: int


@dataclass(frozen=True)
class Site:
    key: int
    x: float
    y: float
    lanes: int
    per_lane_hour: int
    opens: datetime
    closes: datetime


@dataclass(frozen=True)
class Assignment:
    building: int
    site: int
    start: datetime
    end: datetime
    people: int


@dataclass
class Plan:
    assignments: list[Assignment]
    solver: str
    status: str  # "optimal" (everyone placed), "partial" (see unplaced), "empty" (no one to place)
    seconds: float
    unplaced: list[int]
    message: str = ""  # a readable summary of the outcome (English; the caller translates its own)
    show_up: float = 1.0  # the expected share of scheduled people who come (the simulation uses it)
    slot_minutes: int = 30

    @property
    def people(self) -> int:
        return sum(a.people for a in self.assignments)


def project(lat: float, lon: float, *, lat0: float = 39.9) -> tuple[float, float]:
    """WGS-84 degrees → planar metres (equirectangular around latitude lat0; Beijing by default)."""
    r = 6_371_000.0
    return (
        math.radians(float(lon)) * r * math.cos(math.radians(lat0)),
        math.radians(float(lat)) * r,
    )


def slot_capacity(site: Site, slot_minutes: int) -> float:
    """Arrivals one slot of this site can serve: lanes × throughput per lane per hour × slot hours."""
    return max(site.lanes, 0) * max(site.per_lane_hour, 0) * slot_minutes / 60


# ---------------------------------------------------------------------------------------------------------
# Validation


def _check(buildings, sites, start, end, slot_minutes, show_up=1.0):
    buildings = list(buildings)
    sites = list(sites)
    if not sites:
        raise ValueError("No sampling sites: add at least one site before planning.")
    if start is None or end is None or end <= start:
        raise ValueError(f"The window must end after it starts (start {start}, end {end}).")
    if not isinstance(slot_minutes, int) or slot_minutes <= 0:
        raise ValueError(f"The slot length must be a positive number of minutes, not {slot_minutes!r}.")
    if (end - start) < timedelta(minutes=slot_minutes):
        raise ValueError(f"The window ({end - start}) is shorter than one slot of {slot_minutes} minutes.")
    if not (0 < show_up <= 1):
        raise ValueError(f"The expected show-up must be in (0, 1], not {show_up!r}.")
    keys = set()
    for b in buildings:
        if b.key in keys:
            raise ValueError(f"Building {b.key} is listed twice.")
        keys.add(b.key)
        if b.people < 0 or b.households < 0:
            raise ValueError(f"Building {b.key} has a negative number of people or households.")
        if not (math.isfinite(b.x) and math.isfinite(b.y)):
            raise ValueError(f"Building {b.key} has no usable coordinates.")
    skeys = set()
    for s in sites:
        if s.key in skeys:
            raise ValueError(f"Site {s.key} is listed twice.")
        skeys.add(s.key)
        if s.closes <= s.opens:
            raise ValueError(f"Site {s.key} closes ({s.closes}) before it opens ({s.opens}).")
        if s.lanes < 0 or s.per_lane_hour < 0:
            raise ValueError(f"Site {s.key} has a negative number of lanes or throughput.")
        if not (math.isfinite(s.x) and math.isfinite(s.y)):
            raise ValueError(f"Site {s.key} has no usable coordinates.")
    return buildings, sites


def _households(b: Building) -> list[int]:
    """Even household sizes of a building (the first people % n have one person more)."""
    if b.people <= 0:
        return []
    n = min(max(b.households, 1), b.people)
    q, r = divmod(b.people, n)
    return [q + 1] * r + [q] * (n - r)


# ---------------------------------------------------------------------------------------------------------
# Slots of each site


class _SiteSlots:
    """The grid slots a site is open for inside the window, with the load each one carries."""

    def __init__(self, site: Site, start: datetime, end: datetime, slot_minutes: int):
        self.site = site
        step = timedelta(minutes=slot_minutes)
        self.step = step
        self.cap = slot_capacity(site, slot_minutes)
        self.starts: list[datetime] = []
        t = start
        while t + step <= end:
            if t >= site.opens and t + step <= site.closes:
                self.starts.append(t)
            t += step
        self.load = [0.0] * len(self.starts)
        self.index = {t: i for i, t in enumerate(self.starts)}

    @property
    def capacity(self) -> float:
        return self.cap * len(self.starts)

    def residual(self) -> float:
        return sum(max(self.cap - x, 0.0) for x in self.load)

    def slot_of(self, when: datetime) -> int | None:
        """The grid slot containing `when` (fixed assignments may start off the grid)."""
        if not self.starts:
            return None
        i = self.index.get(when)
        if i is not None:
            return i
        for j, t in enumerate(self.starts):
            if t <= when < t + self.step:
                return j
        return None


def _fill(households: list[int], i: int, room: float, show_up: float) -> tuple[int, int]:
    """Whole households from index i that fit in `room` arrivals: (people, next index)."""
    took = 0
    while i < len(households) and (took + households[i]) * show_up <= room + EPS:
        took += households[i]
        i += 1
    return took, i


def _place_span(
    ss: _SiteSlots, households: list[int], show_up: float, limits: list[float]
) -> list[tuple[int, int]] | None:
    """The earliest run of consecutive slots that takes every household, each slot filled with whole
    households up to its limit: [(slot index, people)], or None."""
    n = len(ss.starts)
    cum = list(accumulate(households, initial=0))
    total = cum[-1]
    smallest = min(households) * show_up
    room = [limits[j] - ss.load[j] for j in range(n)]
    j = 0
    while j < n:
        if room[j] < smallest - EPS:
            j += 1
            continue
        stop = j  # a stretch of slots each with room for a household at least
        while stop < n and room[stop] >= smallest - EPS:
            stop += 1
        if sum(room[j:stop]) >= total * show_up - EPS:
            for first in range(j, stop):
                run, i, k = [], 0, first
                while k < stop and i < len(households):
                    m = bisect_right(cum, cum[i] + (room[k] + EPS) / show_up) - 1
                    if m <= i:
                        break
                    run.append((k, cum[m] - cum[i]))
                    i, k = m, k + 1
                if i == len(households):
                    return run
        j = stop
    return None


class _Packer:
    """Lays buildings into the slots of each site (stage 2), recording the assignments."""

    def __init__(self, slots: dict[int, _SiteSlots], show_up: float):
        self.slots = slots
        self.show_up = show_up
        self.assignments: list[Assignment] = []

    def _emit(self, b: Building, ss: _SiteSlots, run: list[tuple[int, int]]) -> bool:
        for j, p in run:
            ss.load[j] += p * self.show_up
            t = ss.starts[j]
            self.assignments.append(Assignment(b.key, ss.site.key, t, t + ss.step, p))
        return True

    def try_place(
        self, b: Building, site_key: int, limits: list[float] | None = None, *, split: bool = False
    ) -> bool:
        """Place b at this site if it fits: under `limits` first (the levels of the packing pass), then
        under the hard capacity. With split=True (the last resort for what fits nowhere whole) a
        building that one slot could hold may still span consecutive slots, households whole."""
        ss = self.slots[site_key]
        if not ss.starts or ss.cap <= 0:
            return False
        load = b.people * self.show_up
        lowest = min(ss.load)
        if load > ss.cap + EPS or split:  # consecutive slots, whole households each
            if ss.cap * len(ss.load) - sum(ss.load) < load - EPS:
                return False
            hh = _households(b)
            hard = [ss.cap] * len(ss.starts)
            for lim in (limits, hard) if limits is not None else (hard,):
                run = _place_span(ss, hh, self.show_up, lim)
                if run:
                    return self._emit(b, ss, run)
            return False
        if lowest + load > ss.cap + EPS:  # no slot has room for it whole
            return False
        if limits is not None:  # the first slot whose level still holds it
            for j, x in enumerate(ss.load):
                if x + load <= limits[j] + EPS:
                    return self._emit(b, ss, [(j, b.people)])
        return self._emit(b, ss, [(ss.load.index(lowest), b.people)])  # the slot with most room

    def pack_site(self, site_key: int, members: list[Building]) -> list[Building]:
        """Place the site's buildings; return those that found no slot."""
        ss = self.slots[site_key]
        total = sum(b.people for b in members) * self.show_up
        room = ss.residual()
        if not members:
            return []
        if room <= EPS:
            return list(members)
        rho = min(total / room, 1.0)
        mean = total / len(members)
        limits = [
            min(ss.cap, ss.load[j] + rho * max(ss.cap - ss.load[j], 0.0) + 0.5 * mean)
            for j in range(len(ss.starts))
        ]
        left = []
        big = [b for b in members if b.people * self.show_up > ss.cap + EPS]
        small = [b for b in members if b.people * self.show_up <= ss.cap + EPS]
        for group in (big, small):
            for b in sorted(group, key=lambda b: (-b.people, b.key)):
                if not self.try_place(b, site_key, limits):
                    left.append(b)
        return left


# ---------------------------------------------------------------------------------------------------------
# Stage 1: buildings → sites (HiGHS)


def _highs():
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    return h, highspy


def _solver_name() -> str:
    try:
        import highspy

        h = highspy.Highs()
        return f"HiGHS {h.version()} (highspy): LP transport + MIP rounding; slot sequencing"
    except Exception:  # pragma: no cover - highspy is a requirement
        return "HiGHS"


def _assign_sites(
    loads: np.ndarray,
    people: np.ndarray,
    dist: np.ndarray,
    cands: list[np.ndarray],
    caps: np.ndarray,
) -> np.ndarray:
    """Site index per building (or -1 = unplaced) minimising Σ distance × people under capacity."""
    h, highspy = _highs()
    nb, ns = len(loads), len(caps)
    big_m = float(dist.max() if dist.size else 1.0) * 10 + 1000.0
    cb = np.repeat(np.arange(nb), [len(c) for c in cands])
    cs = np.concatenate(cands) if cands else np.zeros(0, int)
    nx = len(cb)
    # Columns: x (building b at site s) then u (building b unplaced).
    cost = np.concatenate([dist[cb, cs] * people[cb], big_m * people]).astype(float)
    ncol = nx + nb
    # Column-wise matrix: x → rows b (1) and nb + s (load); u → row b (1).
    starts = np.concatenate([np.arange(0, 2 * nx + 1, 2), 2 * nx + 1 + np.arange(nb)])
    index = np.empty(2 * nx + nb, dtype=np.int32)
    value = np.empty(2 * nx + nb, dtype=float)
    index[0 : 2 * nx : 2] = cb
    index[1 : 2 * nx : 2] = nb + cs
    value[0 : 2 * nx : 2] = 1.0
    value[1 : 2 * nx : 2] = loads[cb]
    index[2 * nx :] = np.arange(nb)
    value[2 * nx :] = 1.0
    lp = highspy.HighsLp()
    lp.num_col_ = ncol
    lp.num_row_ = nb + ns
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(ncol)
    lp.col_upper_ = np.ones(ncol)
    lp.row_lower_ = np.concatenate([np.ones(nb), np.full(ns, -highspy.kHighsInf)])
    lp.row_upper_ = np.concatenate([np.ones(nb), np.maximum(caps, 0.0)])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = starts.astype(np.int32)
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    h.setOptionValue("solver", "simplex")
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"HiGHS: {h.modelStatusToString(h.getModelStatus())}")
    xv = np.asarray(h.getSolution().col_value)
    x, u = xv[:nx], xv[nx:]
    site = np.full(nb, -1, dtype=np.int64)
    whole = x > 1 - EPS
    site[cb[whole]] = cs[whole]
    settled = (site >= 0) | (u > 1 - EPS)
    split = np.flatnonzero(~settled)
    if len(split) == 0:
        return site
    # The few split buildings: a small MIP on the capacity the whole ones leave.
    used = np.bincount(site[site >= 0], weights=loads[site >= 0], minlength=ns)
    left = caps - used
    h2, _ = _highs()
    inf = highspy.kHighsInf
    var = {}
    for b in split:
        for s in cands[b]:
            var[(b, int(s))] = h2.getNumCol()
            h2.addCol(float(dist[b, s] * people[b]), 0.0, 1.0, 0, [], [])
        var[(b, -1)] = h2.getNumCol()
        h2.addCol(float(big_m * people[b]), 0.0, 1.0, 0, [], [])
    ids = np.arange(h2.getNumCol(), dtype=np.int32)
    h2.changeColsIntegrality(len(ids), ids, np.full(len(ids), highspy.HighsVarType.kInteger))
    for b in split:
        cols = [var[(b, int(s))] for s in cands[b]] + [var[(b, -1)]]
        h2.addRow(1.0, 1.0, len(cols), np.array(cols, dtype=np.int32), np.ones(len(cols)))
    touched = sorted({int(s) for b in split for s in cands[b]})
    for s in touched:
        cols = [var[(b, s)] for b in split if (b, s) in var]
        vals = [float(loads[b]) for b in split if (b, s) in var]
        h2.addRow(-inf, float(max(left[s], 0.0)), len(cols), np.array(cols, dtype=np.int32), np.array(vals))
    h2.setOptionValue("time_limit", 20.0)
    h2.run()
    xv2 = np.asarray(h2.getSolution().col_value)
    for (b, s), c in var.items():
        if s >= 0 and len(xv2) and xv2[c] > 0.5:
            site[b] = s
    return site


# ---------------------------------------------------------------------------------------------------------
# The planners


def plan(
    buildings: Iterable[Building],
    sites: Iterable[Site],
    *,
    start: datetime,
    end: datetime,
    slot_minutes: int = 30,
    fixed: Mapping[int, tuple[int, datetime] | Sequence[Assignment]] | None = None,
    closed_sites: Iterable[int] = frozenset(),
    show_up: float = 1.0,
    previous: Mapping[int, Sequence[Assignment]] | None = None,
) -> Plan:
    """Assign buildings to site × slot (see the module docstring). Raises ValueError on nonsense input.

    fixed: buildings whose slots have started (re-planning mid-campaign), kept as they are:
        {building: (site, its first slot's start)} — a building too big for one slot is laid again over
        consecutive slots from there — or {building: [its Assignments]}, kept exactly.
    closed_sites: sites that take no new assignment (their fixed ones stay).
    previous: the assignments of the plan being re-planned ({building: [its Assignments]}); a building
        whose previous slots are all still usable (site open, inside the window and the site's hours,
        people unchanged, room left under capacity) keeps them, so that printed notices stay right and
        only the buildings that must move (a site closed, its hours cut) are planned again.
    show_up: the expected share of people who come; capacity is checked on people × show_up.
    Infeasible (too little capacity in the window): what fits is placed, the rest listed in `unplaced`,
    status "partial" and a readable `message`.
    """
    clock = time.perf_counter()
    buildings, sites = _check(buildings, sites, start, end, slot_minutes, show_up)
    fixed = dict(fixed or {})
    closed = set(closed_sites)
    by_key = {b.key: b for b in buildings}
    site_by_key = {s.key: s for s in sites}
    fixed_runs: dict[int, list[Assignment]] = {}
    for bkey, spec in fixed.items():
        if bkey not in by_key:
            raise ValueError(f"Fixed building {bkey} is not among the buildings to plan.")
        if isinstance(spec, Assignment):
            spec = [spec]
        if isinstance(spec, (list, tuple)) and spec and all(isinstance(a, Assignment) for a in spec):
            fixed_runs[bkey] = list(spec)
            skeys = {a.site for a in spec}
        else:
            try:
                skey, when = spec
            except (TypeError, ValueError):
                raise ValueError(
                    f"Fixed building {bkey}: give (site, slot start) or its assignments, not {spec!r}."
                ) from None
            skeys = {skey}
        for skey in skeys:
            if skey not in site_by_key:
                raise ValueError(f"Fixed building {bkey} is at site {skey}, which is not among the sites.")
    slots = {s.key: _SiteSlots(s, start, end, slot_minutes) for s in sites}
    packer = _Packer(slots, show_up)

    # Fixed assignments first, as they are (they may sit outside the window or at a closed site, or
    # even over a slot's capacity: their slots have started). Given as assignments, they are kept
    # exactly; given as (site, first slot start), a building too big for one slot is laid again over
    # consecutive slots from that one, in the room the fixed buildings before it leave.
    for items in fixed_runs.values():
        for a in items:
            packer.assignments.append(a)
            ss = slots[a.site]
            j = ss.slot_of(a.start)
            if j is not None:
                ss.load[j] += a.people * show_up
    tuples = [(bkey, spec) for bkey, spec in fixed.items() if bkey not in fixed_runs]
    outside: dict[tuple[int, datetime], float] = defaultdict(float)  # load of fixed slots off the grid

    def room_at(ss: _SiteSlots, t: datetime) -> float:
        j = ss.index.get(t)
        return ss.cap - (ss.load[j] if j is not None else outside[(ss.site.key, t)])

    def add_at(ss: _SiteSlots, t: datetime, load: float) -> None:
        j = ss.index.get(t)
        if j is not None:
            ss.load[j] += load
        else:
            outside[(ss.site.key, t)] += load

    for bkey, (skey, when) in sorted(tuples, key=lambda t: (t[1][1], -by_key[t[0]].people, t[0])):
        b = by_key[bkey]
        ss = slots[skey]
        if b.people <= 0:
            continue
        j = ss.slot_of(when)
        t0 = ss.starts[j] if j is not None else when
        if b.people * show_up <= ss.cap + EPS:
            run = [(t0, b.people)]
        else:  # consecutive slots from its first, whole households in the room left (at least one each)
            hh, i, t, run = _households(b), 0, t0, []
            while i < len(hh):
                took, i = _fill(hh, i, room_at(ss, t), show_up)
                if took == 0:
                    took, i = hh[i], i + 1
                run.append((t, took))
                t += ss.step
        for t, p in run:
            add_at(ss, t, p * show_up)
            packer.assignments.append(Assignment(bkey, skey, t, t + ss.step, p))

    kept: set[int] = set()
    for bkey in sorted(previous or {}):
        items = list((previous or {})[bkey])
        b = by_key.get(bkey)
        if b is None or bkey in fixed or not items or sum(a.people for a in items) != b.people:
            continue
        spots = []
        for a in items:
            ss = slots.get(a.site)
            j = ss.index.get(a.start) if ss is not None and a.site not in closed else None
            if j is None or a.end != a.start + ss.step or ss.load[j] + a.people * show_up > ss.cap + EPS:
                break
            spots.append((ss, j, a))
        if len(spots) == len(items) and len({a.site for a in items}) == 1:
            for ss, j, a in spots:
                ss.load[j] += a.people * show_up
                packer.assignments.append(a)
            kept.add(bkey)

    todo = [b for b in buildings if b.key not in fixed and b.key not in kept and b.people > 0]
    open_sites = [s for s in sites if s.key not in closed and slots[s.key].starts and slots[s.key].cap > 0]
    unplaced: list[int] = []
    if todo and open_sites:
        bx = np.array([[b.x, b.y] for b in todo], dtype=float)
        sx = np.array([[s.x, s.y] for s in open_sites], dtype=float)
        dist = np.sqrt(((bx[:, None, :] - sx[None, :, :]) ** 2).sum(axis=2))
        people = np.array([b.people for b in todo], dtype=float)
        loads = people * show_up
        caps = np.array([slots[s.key].residual() for s in open_sites])
        ns = len(open_sites)
        order = np.argsort(dist, axis=1, kind="stable")
        k = min(K_NEAREST, ns)
        cands = [order[i, :k] for i in range(len(todo))]
        site_idx = _assign_sites(loads, people, dist, cands, caps)
        # Buildings left out while sites beyond their k nearest have room: once more, with the k
        # nearest of those sites as their candidates too.
        out = site_idx < 0
        if out.any() and k < ns:
            used = np.bincount(site_idx[~out], weights=loads[~out], minlength=ns)
            spare = np.flatnonzero(caps - used >= loads[out].min() - EPS)
            if len(spare):
                near = np.argsort(dist[:, spare], axis=1, kind="stable")[:, :k]
                wide = [
                    np.unique(np.concatenate([order[i, :k], spare[near[i]]])) if out[i] else order[i, :k]
                    for i in range(len(todo))
                ]
                site_idx = _assign_sites(loads, people, dist, wide, caps)
        members: dict[int, list[Building]] = {s.key: [] for s in open_sites}
        left: list[Building] = []
        for i, b in enumerate(todo):
            if site_idx[i] >= 0:
                members[open_sites[site_idx[i]].key].append(b)
            else:
                left.append(b)
        for skey, group in members.items():
            left += packer.pack_site(skey, group)
        # Left by the LP (no room over the window) or by the slots (whole households, whole buildings):
        # whatever slot still has room for them, nearest site first; else unplaced.
        # Last resort: a building no slot holds whole may span consecutive slots (households whole).
        pos = {b.key: i for i, b in enumerate(todo)}
        for b in sorted(left, key=lambda b: (-b.people, b.key)):
            keys = [open_sites[s].key for s in order[pos[b.key]]]
            if not any(packer.try_place(b, key) for key in keys) and not (
                len(_households(b)) > 1 and any(packer.try_place(b, key, split=True) for key in keys)
            ):
                unplaced.append(b.key)
    elif todo:
        unplaced = [b.key for b in todo]

    seconds = time.perf_counter() - clock
    placed = packer.assignments
    if not todo and not fixed:
        status, message = "empty", "No one to place."
    elif unplaced:
        up = sum(by_key[k].people for k in unplaced)
        status = "partial"
        message = (
            f"{len(unplaced)} buildings ({up} people) could not be placed: the open sites' slots inside "
            f"the window cannot hold them."
        )
    else:
        status, message = "optimal", f"All {sum(a.people for a in placed)} people placed."
    return Plan(
        assignments=sorted(placed, key=lambda a: (a.start, a.site, a.building)),
        solver=_solver_name(),
        status=status,
        seconds=seconds,
        unplaced=sorted(unplaced),
        message=message,
        show_up=show_up,
        slot_minutes=slot_minutes,
    )


def naive_plan(
    buildings: Iterable[Building],
    sites: Iterable[Site],
    *,
    start: datetime,
    end: datetime,
    slot_minutes: int = 30,
) -> Plan:
    """The plan without staggering: everyone to the nearest open site, at its opening (its first slot)."""
    t0 = time.perf_counter()
    buildings, sites = _check(buildings, sites, start, end, slot_minutes)
    slots = {s.key: _SiteSlots(s, start, end, slot_minutes) for s in sites}
    usable = [s for s in sites if slots[s.key].starts and slots[s.key].cap > 0]
    todo = [b for b in buildings if b.people > 0]
    out: list[Assignment] = []
    unplaced: list[int] = []
    if usable and todo:
        bx = np.array([[b.x, b.y] for b in todo], dtype=float)
        sx = np.array([[s.x, s.y] for s in usable], dtype=float)
        nearest = np.argmin(((bx[:, None, :] - sx[None, :, :]) ** 2).sum(axis=2), axis=1)
        for b, i in zip(todo, nearest, strict=True):
            ss = slots[usable[i].key]
            t = ss.starts[0]
            out.append(Assignment(b.key, ss.site.key, t, t + ss.step, b.people))
    else:
        unplaced = [b.key for b in todo]
    return Plan(
        assignments=out,
        solver="nearest site at opening",
        status="partial" if unplaced else ("optimal" if todo else "empty"),
        seconds=time.perf_counter() - t0,
        unplaced=unplaced,
        message="No site is open inside the window." if unplaced else "",
        slot_minutes=slot_minutes,
    )
