"""A week's duty roster of one community (排班): posts × shifts × workers, on plain data.

The solver is HiGHS through `highspy` (the MIP solver the project already uses for screening slots). The day
is cut into shifts of `shift_hours` (a divisor of 24, from policy); a post open in some hour of a shift needs
its `staff_needed` workers on that shift; the shift a worker works is the shift's span clipped to the post's
open hours, so every open post-hour is covered when every shift is. The model (one MIP per community — the
communities share no workers, so 400 of them are 400 small problems):

    x[w,p,t] ∈ {0,1}  worker w on post p in shift t (only where w is available that day, not busy then, and
                      p is open in t); u[p,t] ≥ 0 the workers missing on post p in shift t;
    cover           Σ_w x[w,t] + Σ_p u[p,t] = Σ_p need[p]   (x[w,t]: w works shift t; posts dealt out after)
    rest            any two shifts of a worker are ≥ min_rest_hours apart: Σ x over k+1 consecutive shifts ≤ 1
    hours / 24 h    Σ hours in any 24 consecutive hours ≤ max_hours_per_day
    hours / week    Σ hours ≤ max_hours_per_week
    days in a row   z[w,d] ≥ x (worked that day); Σ z over any max_consecutive_days + 1 days ≤ max_consecutive_days
                    (the days the worker already worked right before the week count too)
    fairness        nmax ≥ nights[w] ≥ nmin; hmax ≥ shifts[w] ≥ hmin
    minimise        1000·uncovered post-hours + 10·(nmax − nmin) + (hmax − hmin)   (nmax … integer)

The greedy baseline (`greedy_roster`) walks the shifts in time order and gives each open place to the
feasible worker with the fewest shifts so far; the MIP starts from the greedy roster (HiGHS `setSolution`),
so within its time limit it never returns a roster worse than the greedy one on the objective above.

A night shift is one that has hours between 00:00 and 06:00. `check_worker_shifts` checks any set of one
worker's shifts (arbitrary times, e.g. after an edit by hand) against the same rules; the roster service
calls it before it writes an edit.
"""

from __future__ import annotations

import time as _time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

__all__ = [
    "Rules",
    "PostDemand",
    "WorkerAvailability",
    "RosterShift",
    "Shortfall",
    "Roster",
    "greedy_roster",
    "solve_roster",
    "check_worker_shifts",
    "is_night",
    "night_spread",
]

NIGHT_HOURS = range(0, 6)  # a shift with any of these hours is a night shift
UNCOVERED_WEIGHT = 1000.0
NIGHT_WEIGHT = 10.0
HOURS_WEIGHT = 1.0
SHIFT_COST = 0.0  # the cover row is an equality: the number of shifts is fixed by the need


@dataclass(frozen=True)
class Rules:
    max_consecutive_days: int = 6
    max_hours_per_day: int = 8
    max_hours_per_week: int = 48
    min_rest_hours: int = 12
    shift_hours: int = 8

    def validate(self) -> None:
        if self.shift_hours not in (1, 2, 3, 4, 6, 8, 12, 24):
            raise ValueError(f"The shift length must divide 24 hours, not {self.shift_hours}.")
        for name in ("max_consecutive_days", "max_hours_per_day", "max_hours_per_week"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)}.")
        if self.min_rest_hours < 0:
            raise ValueError(f"min_rest_hours must not be negative, not {self.min_rest_hours}.")
        if self.max_hours_per_day < self.shift_hours:
            raise ValueError(
                f"A shift of {self.shift_hours} h is longer than the {self.max_hours_per_day} h allowed per day."
            )


@dataclass(frozen=True)
class PostDemand:
    key: int
    name: str
    staff_needed: int
    hours: frozenset[int]  # hours of the day (0–23) the post is staffed


@dataclass(frozen=True)
class WorkerAvailability:
    key: int
    name: str
    days: frozenset[date]  # days of the week the worker may work (assigned here, not resting, healthy)
    busy: tuple[tuple[datetime, datetime], ...] = ()  # shifts already held elsewhere / kept (rest applies)
    prior_streak: int = 0  # days worked in a row right before the week


@dataclass(frozen=True)
class RosterShift:
    post: int
    worker: int
    start: datetime
    end: datetime

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


@dataclass(frozen=True)
class Shortfall:
    post: int
    post_name: str
    start: datetime
    end: datetime
    missing: int  # workers missing on this shift

    @property
    def post_hours(self) -> float:
        return self.missing * (self.end - self.start).total_seconds() / 3600

    def describe(self) -> str:
        return f"{self.post_name}: {self.start:%m-%d %H:%M}–{self.end:%H:%M} {self.missing} worker(s) short"


@dataclass
class Roster:
    shifts: list[RosterShift]
    shortfalls: list[Shortfall]
    solver: str
    seconds: float
    workers: tuple[int, ...] = ()
    status: str = "optimal"
    message: str = ""
    nights: dict[int, int] = field(default_factory=dict)

    @property
    def uncovered_post_hours(self) -> float:
        return sum(s.post_hours for s in self.shortfalls)

    @property
    def night_spread(self) -> int:
        return night_spread(self.nights, self.workers)


def night_spread(nights: dict[int, int], workers: Iterable[int]) -> int:
    values = [nights.get(w, 0) for w in workers]
    return (max(values) - min(values)) if values else 0


def is_night(start: datetime, end: datetime) -> bool:
    t = start
    while t < end:
        if t.hour in NIGHT_HOURS:
            return True
        t = (t + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    return False


# ---------------------------------------------------------------------------------------------------------
# The week's grid


class _Grid:
    """Shifts of the week, the places to fill, and the variables each worker may take."""

    def __init__(
        self,
        *,
        week_start: date,
        days: int,
        tz: tzinfo,
        posts,
        workers,
        rules: Rules,
        not_before=None,
        kept=(),
    ):
        rules.validate()
        self.rules = rules
        self.s = rules.shift_hours
        self.per_day = 24 // self.s
        self.days = [week_start + timedelta(days=i) for i in range(days)]
        self.nt = days * self.per_day
        self.tz = tz
        self.posts = [p for p in posts if p.staff_needed > 0 and p.hours]
        self.workers = list(workers)
        # Shift t's start: local midnight of its day + block × s hours (aware datetimes in tz).
        self.t_start = []
        for d in self.days:
            midnight = datetime(d.year, d.month, d.day, tzinfo=tz)
            for b in range(self.per_day):
                self.t_start.append(midnight + timedelta(hours=b * self.s))
        # Open hours of each post in each block of the day → span (first hour, last hour + 1) and hours.
        self.span = {}
        for p in self.posts:
            for b in range(self.per_day):
                open_h = [h for h in range(b * self.s, (b + 1) * self.s) if h in p.hours]
                if open_h:
                    self.span[(p.key, b)] = (min(open_h), max(open_h) + 1, len(open_h))
        # Shifts starting before `not_before` (already under way or past) are neither filled nor reported.
        self.open_t = [not_before is None or st >= not_before for st in self.t_start]
        self.night = [
            any(h in NIGHT_HOURS for h in range((t % self.per_day) * self.s, (t % self.per_day + 1) * self.s))
            for t in range(self.nt)
        ]
        # Rest: two shifts closer than min_rest (gap = (t2 − t1 − 1)·s) can't both be worked; k = widest such.
        r = rules.min_rest_hours
        # gap(t, t+d) = (d − 1)·s < r ⟺ conflict; k_rest = the largest d in conflict.
        self.k_rest = 0 if r <= 0 else -(-r // self.s)
        self.win24 = self.per_day
        self.max_day_shifts = rules.max_hours_per_day // self.s
        self.max_week_shifts = rules.max_hours_per_week // self.s
        # Variables.
        self.day_index = {d: i for i, d in enumerate(self.days)}
        self.cands: dict[int, list[tuple[int, int]]] = {}
        for w in self.workers:
            ok = []
            for t in range(self.nt):
                if not self.open_t[t] or self.days[t // self.per_day] not in w.days:
                    continue
                if self._busy_conflict(w, t):
                    continue
                for p in self.posts:
                    if (p.key, t % self.per_day) in self.span:
                        ok.append((p.key, t))
            self.cands[w.key] = ok
        # Shifts a worker already holds inside the week (kept, or elsewhere) count toward the week's hours and
        # the days in a row: shifts used and days worked, per worker.
        w_start = self.t_start[0] if self.t_start else None
        w_end = w_start + timedelta(days=days) if w_start else None
        self.busy_shifts: dict[int, int] = {}
        self.busy_days: dict[int, set[int]] = {}
        for w in self.workers:
            hours, ds = 0.0, set()
            for bs, be in w.busy:
                if w_start is not None and bs < w_end and be > w_start:
                    hours += (min(be, w_end) - max(bs, w_start)).total_seconds() / 3600
                    ds.add((max(bs, w_start).astimezone(tz).date() - week_start).days)
            self.busy_shifts[w.key] = int(-(-hours // self.s))
            self.busy_days[w.key] = {d for d in ds if 0 <= d < days}
        self.kept: dict[tuple[int, int], int] = {}
        self.kept = self._kept_cover(kept)

    def block(self, t: int) -> tuple[datetime, datetime]:
        return self.t_start[t], self.t_start[t] + timedelta(hours=self.s)

    def clipped(self, post: int, t: int) -> tuple[datetime, datetime]:
        lo, hi, _n = self.span[(post, t % self.per_day)]
        midnight = self.t_start[t] - timedelta(hours=(t % self.per_day) * self.s)
        return midnight + timedelta(hours=lo), midnight + timedelta(hours=hi)

    def _busy_conflict(self, w: WorkerAvailability, t: int) -> bool:
        a, b = self.block(t)
        rest = timedelta(hours=self.rules.min_rest_hours)
        for s, e in w.busy:
            if s < b and a < e:
                return True
            if e <= a and a - e < rest:
                return True
            if b <= s and s - b < rest:
                return True
        return False

    def _kept_cover(self, kept) -> dict[tuple[int, int], int]:
        """Places already filled by kept shifts (checked in on, or fixed): a kept shift fills a place when it
        spans the place's open hours in that shift."""
        out: dict[tuple[int, int], int] = defaultdict(int)
        for k in kept:
            for t in range(self.nt):
                if (k.post, t % self.per_day) in self.span:
                    s, e = self.clipped(k.post, t)
                    if k.start <= s and e <= k.end:
                        out[(k.post, t)] += 1
        return out

    def need(self, p: PostDemand, t: int) -> int:
        return max(p.staff_needed - self.kept.get((p.key, t), 0), 0)

    def places(self):
        for p in self.posts:
            for t in range(self.nt):
                if self.open_t[t] and (p.key, t % self.per_day) in self.span and self.need(p, t) > 0:
                    yield p, t

    def shortfalls(self, assigned: dict[tuple[int, int], int]) -> list[Shortfall]:
        out = []
        for p, t in self.places():
            miss = self.need(p, t) - assigned.get((p.key, t), 0)
            if miss > 0:
                s, e = self.clipped(p.key, t)
                out.append(Shortfall(p.key, p.name, s, e, miss))
        return out

    def roster(
        self, chosen: Iterable[tuple[int, int, int]], solver: str, started: float, status: str
    ) -> Roster:
        shifts, assigned, nights = [], defaultdict(int), defaultdict(int)
        for w, p, t in sorted(chosen, key=lambda c: (c[2], c[1], c[0])):
            s, e = self.clipped(p, t)
            shifts.append(RosterShift(p, w, s, e))
            assigned[(p, t)] += 1
            if self.night[t]:
                nights[w] += 1
        short = self.shortfalls(assigned)
        workers = tuple(w.key for w in self.workers if w.days)
        msg = "; ".join(s.describe() for s in short[:20])
        if len(short) > 20:
            msg += f"; … {len(short) - 20} more"
        return Roster(
            shifts=shifts,
            shortfalls=short,
            solver=solver,
            seconds=_time.perf_counter() - started,
            workers=workers,
            status=("partial" if short else status),
            message=msg,
            nights=dict(nights),
        )


# ---------------------------------------------------------------------------------------------------------
# Greedy baseline


class _State:
    """One worker's shifts so far, to test a new one against every rule."""

    def __init__(self, g: _Grid, w: WorkerAvailability):
        self.g = g
        self.w = w
        self.taken = [False] * g.nt
        self.count = 0
        self.nights = 0
        self.used = g.busy_shifts.get(w.key, 0)  # shifts already held this week (toward the week's hours)
        self.day_worked = [i in g.busy_days.get(w.key, ()) for i in range(len(g.days))]

    def can_take(self, t: int) -> bool:
        g = self.g
        if self.taken[t] or self.count + self.used >= g.max_week_shifts:
            return False
        for d in range(1, g.k_rest + 1):
            if (t - d >= 0 and self.taken[t - d]) or (t + d < g.nt and self.taken[t + d]):
                return False
        # Any 24 h window (per_day consecutive blocks) containing t.
        for a in range(max(0, t - g.win24 + 1), min(t, g.nt - g.win24) + 1 if g.nt >= g.win24 else 1):
            if sum(self.taken[a : a + g.win24]) + 1 > g.max_day_shifts:
                return False
        if g.nt < g.win24 and sum(self.taken) + 1 > g.max_day_shifts:
            return False
        di = t // g.per_day
        if not self.day_worked[di]:
            c = g.rules.max_consecutive_days
            worked = [True] * self.w.prior_streak + list(self.day_worked)
            worked[self.w.prior_streak + di] = True
            run = 0
            for x in worked:
                run = run + 1 if x else 0
                if run > c:
                    return False
        return True

    def take(self, t: int) -> None:
        self.taken[t] = True
        self.count += 1
        self.nights += self.g.night[t]
        self.day_worked[t // self.g.per_day] = True

    def drop(self, t: int) -> None:
        g = self.g
        self.taken[t] = False
        self.count -= 1
        self.nights -= g.night[t]
        d = t // g.per_day
        self.day_worked[d] = any(self.taken[d * g.per_day : (d + 1) * g.per_day]) or d in g.busy_days.get(
            self.w.key, ()
        )


def _rebalance(g: _Grid, chosen: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Local moves on a feasible roster: a night shift (then any shift) of a worker with the most goes to a
    worker with the fewest who may take it under every rule — the MIP's starting point, not the baseline."""
    active = [w for w in g.workers if g.cands[w.key]]
    if len(active) < 2:
        return chosen
    ok = {w.key: {t for _p, t in g.cands[w.key]} for w in active}
    states = {w.key: _State(g, w) for w in active}
    where: dict[tuple[int, int], int] = {}  # (worker, t) → post
    for wk, p, t in chosen:
        if wk in states:
            states[wk].take(t)
            where[(wk, t)] = p
    for metric, only_night in (("nights", True), ("count", False)):
        for _ in range(4 * g.nt):
            vals = {wk: getattr(st, metric) for wk, st in states.items()}
            hi, lo = max(vals.values()), min(vals.values())
            if hi - lo <= 1:
                break
            moved = False
            # From a worker with the most (or, failing that, more than others) to one with two fewer or more.
            pairs = sorted(
                (
                    (a, b)
                    for a in vals
                    for b in vals
                    if vals[a] - vals[b] >= 2 and (vals[a] == hi or vals[b] == lo)
                ),
                key=lambda ab: (-(vals[ab[0]] - vals[ab[1]]), ab),
            )
            for a, b in pairs:
                for t in range(g.nt):
                    if not states[a].taken[t] or (only_night and not g.night[t]) or t not in ok[b]:
                        continue
                    # Hours: never move a night away when balancing hours (it would undo the first pass).
                    if not only_night and g.night[t]:
                        continue
                    if states[b].can_take(t):
                        states[a].drop(t)
                        states[b].take(t)
                        where[(b, t)] = where.pop((a, t))
                        moved = True
                        break
                if moved:
                    break
                if only_night:  # a swap: a's night for one of b's day shifts (counts stay as they are)
                    moved = _swap_night(g, states, where, ok, a, b)
                    if moved:
                        break
            if not moved:
                break
    kept = [(wk, p, t) for wk, p, t in chosen if wk not in states]
    return kept + [(wk, p, t) for (wk, t), p in where.items()]


def _swap_night(g: _Grid, states, where, ok, a: int, b: int) -> bool:
    for t in range(g.nt):
        if not (states[a].taken[t] and g.night[t]) or t not in ok[b] or states[b].taken[t]:
            continue
        for t2 in range(g.nt):
            if not states[b].taken[t2] or g.night[t2] or t2 not in ok[a] or states[a].taken[t2]:
                continue
            states[a].drop(t)
            states[b].drop(t2)
            if states[b].can_take(t):
                states[b].take(t)
                if states[a].can_take(t2):
                    states[a].take(t2)
                    where[(b, t)], where[(a, t2)] = where.pop((a, t)), where.pop((b, t2))
                    return True
                states[b].drop(t)
            states[a].take(t)
            states[b].take(t2)
    return False


def _greedy(g: _Grid, *, night_aware: bool = False) -> list[tuple[int, int, int]]:
    states = {w.key: _State(g, w) for w in g.workers}
    can = defaultdict(set)  # (p, t) → workers who may take it
    for wk, cs in g.cands.items():
        for p, t in cs:
            can[(p, t)].add(wk)
    chosen = []
    by_t = defaultdict(list)
    for p, t in g.places():
        by_t[t].append(p)
    for t in range(g.nt):
        for p in by_t.get(t, []):
            for _ in range(g.need(p, t)):
                best = None
                for wk in can.get((p.key, t), ()):
                    st = states[wk]
                    if st.can_take(t):
                        if night_aware:
                            rank = (st.nights, st.count, wk) if g.night[t] else (st.count, -st.nights, wk)
                        else:
                            rank = (st.count, wk)
                        if best is None or rank < best[0]:
                            best = (rank, wk)
                if best is None:
                    break
                states[best[1]].take(t)
                chosen.append((best[1], p.key, t))
    return chosen


def greedy_roster(
    posts: Sequence[PostDemand],
    workers: Sequence[WorkerAvailability],
    *,
    week_start: date,
    tz: tzinfo,
    rules: Rules,
    days: int = 7,
    not_before: datetime | None = None,
    kept: Sequence[RosterShift] = (),
) -> Roster:
    """The baseline: shifts in time order, each place to the feasible worker with the fewest shifts so far."""
    started = _time.perf_counter()
    g = _Grid(
        week_start=week_start,
        days=days,
        tz=tz,
        posts=posts,
        workers=workers,
        rules=rules,
        not_before=not_before,
        kept=kept,
    )
    return g.roster(_greedy(g), "greedy (fewest shifts first)", started, "feasible")


# ---------------------------------------------------------------------------------------------------------
# The MIP


def solve_roster(
    posts: Sequence[PostDemand],
    workers: Sequence[WorkerAvailability],
    *,
    week_start: date,
    tz: tzinfo,
    rules: Rules,
    days: int = 7,
    time_limit: float = 2.0,
    not_before: datetime | None = None,
    kept: Sequence[RosterShift] = (),
) -> Roster:
    """The week's roster by HiGHS (see the module's docstring), starting from the greedy one. Shifts that
    start before `not_before` are left alone (regenerating a week already under way)."""
    import highspy
    import numpy as np

    started = _time.perf_counter()
    g = _Grid(
        week_start=week_start,
        days=days,
        tz=tz,
        posts=posts,
        workers=workers,
        rules=rules,
        not_before=not_before,
        kept=kept,
    )
    greedy = _greedy(g)
    # The MIP's first incumbent: the better of the plain greedy roster and a night-aware one (fewest
    # nights first at night); when it meets the bound, HiGHS stops at the root.
    seed = _rebalance(g, _greedy(g, night_aware=True))
    if _score(g, seed) < _score(g, greedy):
        greedy = seed
    places = list(g.places())
    if not places:
        return g.roster([], "HiGHS", started, "empty")
    if not any(g.cands.values()):
        return g.roster([], "HiGHS", started, "partial")
    if _score(g, greedy) <= _lower_bound(g, places) + 1e-9:
        # The starting roster meets the bound (every place filled, nights and shifts as even as whole shifts
        # allow): it is optimal, and the MIP would only prove it.
        return g.roster(greedy, "HiGHS (start meets the bound)", started, "optimal")

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", 1e-4)
    h.setOptionValue(
        "mip_abs_gap", 1.5
    )  # within one shift of hours spread; nights (10) and cover (1000) exact
    h.setOptionValue(
        "mip_pool_soft_limit", 200
    )  # the cut pool's default (10,000) costs most of the time here
    inf = highspy.kHighsInf

    costs, lower, upper, integer = [], [], [], []

    def col(cost: float, lo: float, hi: float, is_int: bool) -> int:
        costs.append(cost)
        lower.append(lo)
        upper.append(hi)
        integer.append(is_int)
        return len(costs) - 1

    # One column per worker and shift: the rules depend only on WHEN a worker works, and any worker on
    # shift t may take any post open then, so posts are dealt out after the solve (no post symmetry).
    x = {}
    by_wt = defaultdict(list)  # (w, t) → columns
    by_t = defaultdict(list)
    for w in g.workers:
        for t in sorted({t for _p, t in g.cands[w.key]}):
            c = col(SHIFT_COST, 0.0, 1.0, True)
            x[(w.key, t)] = c
            by_wt[(w.key, t)].append(c)
            by_t[t].append(c)
    u = {}
    for p, t in places:
        n_open = g.span[(p.key, t % g.per_day)][2]
        u[(p.key, t)] = col(UNCOVERED_WEIGHT * n_open, 0.0, float(g.need(p, t)), False)
    active = [w for w in g.workers if g.cands[w.key]]
    fair = bool(active)
    if fair:
        # Integer, and bounded by the whole-shift average: the most ≥ ⌈need / workers⌉, the fewest ≤ ⌊…⌋ (the
        # LP's own spread would be 0 and the search would spend its time proving what division tells).
        n_act = len(active)
        night_need = sum(g.need(p, t) for p, t in places if g.night[t])
        all_need = sum(g.need(p, t) for p, t in places)
        nmax = col(NIGHT_WEIGHT, float(-(-night_need // n_act)), inf, True)
        nmin = col(-NIGHT_WEIGHT, 0.0, float(night_need // n_act), True)
        hmax = col(HOURS_WEIGHT, float(-(-all_need // n_act)), inf, True)
        hmin = col(-HOURS_WEIGHT, 0.0, float(all_need // n_act), True)
    c_limit = g.rules.max_consecutive_days
    per_day_max = min(-(-g.per_day // max(g.k_rest + 1, 1)), g.max_day_shifts)
    z = {}
    for w in active:
        if c_limit < len(g.days) + w.prior_streak:
            for di in range(len(g.days)):
                z[(w.key, di)] = col(0.0, 0.0, 1.0, False)

    rows_lo, rows_hi, rows_idx, rows_val = [], [], [], []

    def row(lo: float, hi: float, idx: list[int], val: list[float]) -> None:
        if idx:
            rows_lo.append(lo)
            rows_hi.append(hi)
            rows_idx.append(idx)
            rows_val.append(val)

    need_t = defaultdict(int)
    u_t = defaultdict(list)
    for p, t in places:
        need_t[t] += g.need(p, t)
        u_t[t].append(u[(p.key, t)])
    for t, need in need_t.items():
        cs = by_t.get(t, []) + u_t[t]
        # Exactly the need: nobody beyond it (an extra night worker would only flatter the night spread).
        row(float(need), float(need), cs, [1.0] * len(cs))
    for w in active:
        wk = w.key
        cols_t = [by_wt.get((wk, t), []) for t in range(g.nt)]
        # rest: any k_rest + 1 consecutive shifts hold at most one (also covers "one place per shift")
        width = max(g.k_rest + 1, 1)
        for a in range(0, max(g.nt - width + 1, 1)):
            idx = [c for t in range(a, min(a + width, g.nt)) for c in cols_t[t]]
            if len(idx) > 1:
                row(-inf, 1.0, idx, [1.0] * len(idx))
        # 24 h windows (only binding when more shifts would fit than allowed)
        if g.max_day_shifts < g.per_day and g.max_day_shifts < -(-g.per_day // width):
            for a in range(0, max(g.nt - g.win24 + 1, 1)):
                idx = [c for t in range(a, min(a + g.win24, g.nt)) for c in cols_t[t]]
                if len(idx) > g.max_day_shifts:
                    row(-inf, float(g.max_day_shifts), idx, [1.0] * len(idx))
        all_idx = [c for cs in cols_t for c in cs]
        week_cap = max(g.max_week_shifts - g.busy_shifts.get(wk, 0), 0)
        if len(all_idx) > week_cap:
            row(-inf, float(week_cap), all_idx, [1.0] * len(all_idx))
        if (wk, 0) in z:
            for di in range(len(g.days)):
                idx = [c for t in range(di * g.per_day, (di + 1) * g.per_day) for c in cols_t[t]]
                # Σ x_day ≤ (most shifts a day can hold under the rest rule) · z
                row(-inf, 0.0, idx + [z[(wk, di)]], [1.0] * len(idx) + [-float(per_day_max)])
            span = c_limit + 1
            busy_d = g.busy_days.get(wk, set())
            padded = [None] * w.prior_streak + [
                None if di in busy_d else z[(wk, di)] for di in range(len(g.days))
            ]
            for a in range(0, len(padded) - span + 1):
                window = padded[a : a + span]
                fixed = sum(1 for v in window if v is None)
                idx = [v for v in window if v is not None]
                row(-inf, float(c_limit - fixed), idx, [1.0] * len(idx))
        if fair:
            night_idx = [c for t in range(g.nt) if g.night[t] for c in cols_t[t]]
            # nmax − nights ≥ 0; nights − nmin ≥ 0; same for shifts.
            row(0.0, inf, [nmax] + night_idx, [1.0] + [-1.0] * len(night_idx))
            row(0.0, inf, night_idx + [nmin], [1.0] * len(night_idx) + [-1.0])
            row(0.0, inf, [hmax] + all_idx, [1.0] + [-1.0] * len(all_idx))
            row(0.0, inf, all_idx + [hmin], [1.0] * len(all_idx) + [-1.0])

    lp = highspy.HighsLp()
    ncol = len(costs)
    lp.num_col_ = ncol
    lp.num_row_ = len(rows_lo)
    lp.col_cost_ = np.array(costs, dtype=float)
    lp.col_lower_ = np.array(lower, dtype=float)
    lp.col_upper_ = np.array(upper, dtype=float)
    lp.row_lower_ = np.array(rows_lo, dtype=float)
    lp.row_upper_ = np.array(rows_hi, dtype=float)
    starts = np.zeros(len(rows_idx) + 1, dtype=np.int32)
    starts[1:] = np.cumsum([len(i) for i in rows_idx])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = starts
    lp.a_matrix_.index_ = np.array([c for i in rows_idx for c in i], dtype=np.int32)
    lp.a_matrix_.value_ = np.array([v for vs in rows_val for v in vs], dtype=float)
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in integer
    ]
    h.passModel(lp)

    # The greedy roster as the first incumbent.
    start = np.zeros(ncol)
    for wk, _p, t in greedy:
        start[x[(wk, t)]] = 1.0
    covered = defaultdict(int)
    for _wk, p, t in greedy:
        covered[(p, t)] += 1
    need_p = {pp.key: pp for pp in g.posts}
    for (p, t), c in u.items():
        start[c] = max(0, g.need(need_p[p], t) - covered[(p, t)])
    if fair:
        nights = defaultdict(int)
        counts = defaultdict(int)
        for wk, _p, t in greedy:
            counts[wk] += 1
            nights[wk] += g.night[t]
        start[nmax] = max(max(nights[w.key] for w in active), lower[nmax])
        start[nmin] = min(min(nights[w.key] for w in active), upper[nmin])
        start[hmax] = max(max(counts[w.key] for w in active), lower[hmax])
        start[hmin] = min(min(counts[w.key] for w in active), upper[hmin])
    worked_days = {(wk, t // g.per_day) for wk, _p, t in greedy}
    for (wk, di), c in z.items():
        start[c] = 1.0 if (wk, di) in worked_days else 0.0
    sol = highspy.HighsSolution()
    sol.col_value = list(start)
    h.setSolution(sol)
    h.run()
    status = h.getModelStatus()
    values = np.asarray(h.getSolution().col_value) if h.getInfo().primal_solution_status else None
    version = f"HiGHS {h.version()}"
    if values is None or len(values) != ncol:
        return g.roster(greedy, f"{version} (no solution; greedy kept)", started, "feasible")
    on = defaultdict(list)
    for (wk, t), c in x.items():
        if values[c] > 0.5:
            on[t].append(wk)
    chosen = _deal(g, on)
    st = "optimal" if status == highspy.HighsModelStatus.kOptimal else "time limit"
    return g.roster(chosen, f"{version} MIP", started, st)


def _lower_bound(g: _Grid, places) -> float:
    """No roster scores below this: nothing uncovered, and the spreads whole shifts force (⌈x/n⌉ − ⌊x/n⌋)."""
    n = sum(1 for w in g.workers if g.cands[w.key])
    if not n:
        return 0.0
    nights = sum(g.need(p, t) for p, t in places if g.night[t])
    shifts = sum(g.need(p, t) for p, t in places)
    return NIGHT_WEIGHT * (-(-nights // n) - nights // n) + HOURS_WEIGHT * (-(-shifts // n) - shifts // n)


def _score(g: _Grid, chosen: list[tuple[int, int, int]]) -> float:
    """The MIP's objective of a roster (without the bounds' rounding)."""
    covered = defaultdict(int)
    nights = defaultdict(int)
    counts = defaultdict(int)
    for wk, p, t in chosen:
        covered[(p, t)] += 1
        nights[wk] += g.night[t]
        counts[wk] += 1
    short = sum(
        max(g.need(p, t) - covered[(p.key, t)], 0) * g.span[(p.key, t % g.per_day)][2] for p, t in g.places()
    )
    act = [w.key for w in g.workers if g.cands[w.key]]
    if not act:
        return UNCOVERED_WEIGHT * short
    n = [nights[w] for w in act]
    c = [counts[w] for w in act]
    return UNCOVERED_WEIGHT * short + NIGHT_WEIGHT * (max(n) - min(n)) + HOURS_WEIGHT * (max(c) - min(c))


def _deal(g: _Grid, on: dict[int, list[int]]) -> list[tuple[int, int, int]]:
    """The workers on each shift dealt out to the posts open then, the posts with most open hours first."""
    chosen = []
    posts_t = defaultdict(list)
    for p, t in g.places():
        posts_t[t].append(p)
    for t, workers in on.items():
        queue = sorted(workers)
        order = sorted(posts_t.get(t, []), key=lambda p: (-g.span[(p.key, t % g.per_day)][2], p.key))
        for p in order:
            for _ in range(g.need(p, t)):
                if queue:
                    chosen.append((queue.pop(0), p.key, t))
        # A worker beyond every post's need (the solver may over-staff only at no gain): not rostered.
    return chosen


# ---------------------------------------------------------------------------------------------------------
# Checking one worker's shifts (edits by hand)


def check_worker_shifts(
    intervals: Sequence[tuple[datetime, datetime]],
    *,
    rules: Rules,
    tz: tzinfo,
) -> list[str]:
    """Every rule the worker's shifts break (English sentences; empty = fine). Shifts may be anywhere in time.

    Rules: no two shifts overlap; two shifts that do not touch are ≥ min_rest_hours apart (a shift that
    starts when the last ends continues it); at most max_hours_per_day in any 24 hours; at most
    max_hours_per_week in any calendar week (Monday–Sunday, local); at most max_consecutive_days days in a
    row with a shift starting on them (local dates)."""
    out: list[str] = []
    iv = sorted((s, e) for s, e in intervals if e > s)
    rest = timedelta(hours=rules.min_rest_hours)
    for (s1, e1), (s2, _e2) in zip(iv, iv[1:], strict=False):
        if s2 < e1:
            out.append(f"shifts overlap: {s1.astimezone(tz):%m-%d %H:%M} and {s2.astimezone(tz):%m-%d %H:%M}")
        elif s2 > e1 and s2 - e1 < rest:
            out.append(
                f"only {(s2 - e1).total_seconds() / 3600:g} h of rest between {e1.astimezone(tz):%m-%d %H:%M} and "
                f"{s2.astimezone(tz):%m-%d %H:%M} (at least {rules.min_rest_hours} h)"
            )
    day = timedelta(hours=24)

    def hours_in(a: datetime, b: datetime) -> float:
        return sum(max((min(e, b) - max(s, a)).total_seconds(), 0) for s, e in iv) / 3600

    worst = 0.0
    worst_at = None
    for s, e in iv:
        for a in (s, e - day):
            hrs = hours_in(a, a + day)
            if hrs > worst + 1e-9:
                worst, worst_at = hrs, a
    if worst > rules.max_hours_per_day + 1e-9 and worst_at is not None:
        out.append(
            f"{worst:g} h within 24 h from {worst_at.astimezone(tz):%m-%d %H:%M} "
            f"(at most {rules.max_hours_per_day} h)"
        )
    weeks: dict[date, float] = defaultdict(float)
    for s, e in iv:
        local = s.astimezone(tz)
        monday = local.date() - timedelta(days=local.weekday())
        weeks[monday] += (e - s).total_seconds() / 3600
    for monday, hrs in sorted(weeks.items()):
        if hrs > rules.max_hours_per_week + 1e-9:
            out.append(f"{hrs:g} h in the week of {monday:%m-%d} (at most {rules.max_hours_per_week} h)")
    days = sorted({s.astimezone(tz).date() for s, _e in iv})
    run, prev = 0, None
    for d in days:
        run = run + 1 if prev is not None and d - prev == timedelta(days=1) else 1
        prev = d
        if run == rules.max_consecutive_days + 1:
            out.append(f"{run} days in a row up to {d:%m-%d} (at most {rules.max_consecutive_days})")
    return out
