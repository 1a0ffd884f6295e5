"""Queue simulation of a slot plan: the predicted wait per site and slot (M/D/c-like, numpy).

Each assignment sends its people (each one comes with the plan's show-up probability) to its site,
arriving inside its slot: uniformly at random ("uniform") or evenly spaced ("even"). A site is a FIFO
queue with `lanes` servers and a deterministic service time of 3600 / per_lane_hour seconds per person.
With equal service times and first-come first-served, customer k (in arrival order) starts at
S_k = max(a_k, S_{k-lanes} + D): a server frees exactly when customer k - lanes leaves. Along each of the
`lanes` interleaved sequences this is a running maximum, S_j = j·D + max_{i≤j}(a_i − i·D), computed
with numpy for hundreds of thousands of people per site at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from fangkong.screening.scheduling import Plan, Site

__all__ = ["Simulation", "SlotStat", "chart_data", "simulate", "queue_starts"]

ARRIVALS = ("uniform", "even")


@dataclass(frozen=True)
class SlotStat:
    site: int
    start: datetime
    arrivals: int
    mean_wait_min: float
    max_wait_min: float


@dataclass
class Simulation:
    per_slot: list[SlotStat]
    mean_wait: float  # minutes, over everyone who came
    max_wait: float  # minutes
    finish: datetime | None  # when the last person is sampled (None when no one came)
    people: int = 0  # how many came

    def by_slot(self) -> dict[datetime, tuple[int, float, float]]:
        """Slot start → (arrivals, mean wait, max wait) over every site."""
        acc: dict[datetime, list[float]] = {}
        for st in self.per_slot:
            a = acc.setdefault(st.start, [0, 0.0, 0.0])
            a[0] += st.arrivals
            a[1] += st.mean_wait_min * st.arrivals
            a[2] = max(a[2], st.max_wait_min)
        return {t: (int(n), (w / n if n else 0.0), mx) for t, (n, w, mx) in sorted(acc.items())}


def queue_starts(arrivals: np.ndarray, servers: int, service: float) -> np.ndarray:
    """Service start times of sorted arrival times (seconds) at a FIFO queue with equal service times."""
    n = len(arrivals)
    if n == 0:
        return arrivals.copy()
    c = max(int(servers), 1)
    m = -(-n // c)
    padded = np.full(m * c, np.inf)
    padded[:n] = arrivals
    grid = padded.reshape(m, c)  # column r holds customers r, r + c, r + 2c, ...
    j = np.arange(m, dtype=float)[:, None] * service
    starts = j + np.maximum.accumulate(grid - j, axis=0)
    return starts.reshape(-1)[:n]


def simulate(plan: Plan, sites: Iterable[Site], *, seed: int = 1, arrival: str = "uniform") -> Simulation:
    """Predicted waits of a plan (see the module docstring). Minutes throughout."""
    if arrival not in ARRIVALS:
        raise ValueError(f"Unknown arrival pattern {arrival!r}: use one of {', '.join(ARRIVALS)}.")
    site_by_key = {s.key: s for s in sites}
    rng = np.random.default_rng(seed)
    show_up = getattr(plan, "show_up", 1.0)
    by_site: dict[int, list] = {}
    for a in plan.assignments:
        if a.site not in site_by_key:
            raise ValueError(f"The plan uses site {a.site}, which is not among the sites given.")
        by_site.setdefault(a.site, []).append(a)
    if not by_site:
        return Simulation(per_slot=[], mean_wait=0.0, max_wait=0.0, finish=None, people=0)
    epoch = min(a.start for a in plan.assignments)
    per_slot: list[SlotStat] = []
    total_wait = 0.0
    total_n = 0
    max_wait = 0.0
    finish = None
    for skey in sorted(by_site):
        site = site_by_key[skey]
        service = 3600.0 / site.per_lane_hour if site.per_lane_hour > 0 else float("inf")
        slot_keys: list[datetime] = []
        slot_index: dict[datetime, int] = {}
        times, labels = [], []
        for a in by_site[skey]:
            n = int(rng.binomial(a.people, show_up)) if show_up < 1 else a.people
            if n <= 0:
                continue
            t0 = (a.start - epoch).total_seconds()
            length = max((a.end - a.start).total_seconds(), 1.0)
            if arrival == "uniform":
                t = t0 + rng.random(n) * length
            else:
                t = t0 + (np.arange(n) + 0.5) * (length / n)
            i = slot_index.setdefault(a.start, len(slot_keys))
            if i == len(slot_keys):
                slot_keys.append(a.start)
            times.append(t)
            labels.append(np.full(n, i, dtype=np.int32))
        if not times:
            continue
        t = np.concatenate(times)
        lab = np.concatenate(labels)
        order = np.argsort(t, kind="stable")
        t, lab = t[order], lab[order]
        if site.lanes <= 0 or not np.isfinite(service):
            raise ValueError(f"Site {skey} has people assigned but no lanes or throughput.")
        s = queue_starts(t, site.lanes, service)
        wait = (s - t) / 60.0
        count = np.bincount(lab, minlength=len(slot_keys))
        wsum = np.bincount(lab, weights=wait, minlength=len(slot_keys))
        wmax = np.zeros(len(slot_keys))
        np.maximum.at(wmax, lab, wait)
        for i, start in enumerate(slot_keys):
            if count[i]:
                per_slot.append(
                    SlotStat(skey, start, int(count[i]), float(wsum[i] / count[i]), float(wmax[i]))
                )
        total_wait += float(wait.sum())
        total_n += len(t)
        max_wait = max(max_wait, float(wait.max()))
        end = epoch + timedelta(seconds=float(s[-1] + service))  # starts are in arrival order, rising
        finish = end if finish is None else max(finish, end)
    per_slot.sort(key=lambda st: (st.start, st.site))
    return Simulation(
        per_slot=per_slot,
        mean_wait=total_wait / total_n if total_n else 0.0,
        max_wait=max_wait,
        finish=finish,
        people=total_n,
    )


def gettext_noop(message: str) -> str:
    """Marks a string for makemessages (Django's own would need settings at import time)."""
    return message


def _translate(message: str) -> str:
    try:
        from django.utils.translation import gettext

        return gettext(message)
    except Exception:  # outside a configured Django (a bare script): English
        return message


DEFAULT_LABELS = {  # marked for makemessages; chart_data() translates them in the active language
    "title": gettext_noop("Predicted wait per slot"),
    "planned": gettext_noop("Staggered plan"),
    "naive": gettext_noop("Naive (nearest site at opening)"),
    "max": gettext_noop("max"),
    "mean": gettext_noop("mean"),
    "minutes": gettext_noop("minutes"),
    "unit": gettext_noop("min"),
    "slot": gettext_noop("slot"),
}


def _local(dt: datetime, tz) -> datetime:
    if dt.tzinfo is None:
        return dt
    if tz is not None:
        return dt.astimezone(tz)
    try:
        from django.conf import settings
        from django.utils import timezone

        if settings.configured:
            return timezone.localtime(dt)
    except Exception:  # outside Django: keep the datetime's own zone
        pass
    return dt


def chart_data(
    planned: Simulation, naive: Simulation, *, labels: Mapping[str, str] | None = None, tz=None
) -> dict:
    """JSON-able data for plan-chart.js: per slot (every site together) the max and mean wait of both plans.

    The texts of DEFAULT_LABELS come translated in the active language; `labels` overrides any of them."""
    texts = {**{k: _translate(v) for k, v in DEFAULT_LABELS.items()}, **(labels or {})}
    p, n = planned.by_slot(), naive.by_slot()
    slots = sorted(set(p) | set(n))
    days = {_local(t, tz).date() for t in slots}
    fmt = "%H:%M" if len(days) <= 1 else "%m-%d %H:%M"

    def series(by, key):
        return [round(by[t][key], 1) if t in by else None for t in slots]

    def summary(sim: Simulation):
        return {
            "max_wait": round(sim.max_wait, 1),
            "mean_wait": round(sim.mean_wait, 1),
            "people": sim.people,
            "finish": _local(sim.finish, tz).strftime("%m-%d %H:%M") if sim.finish else None,
        }

    return {
        "slots": [_local(t, tz).strftime(fmt) for t in slots],
        "planned": {"max": series(p, 2), "mean": series(p, 1), "arrivals": series(p, 0), **summary(planned)},
        "naive": {"max": series(n, 2), "mean": series(n, 1), "arrivals": series(n, 0), **summary(naive)},
        "labels": texts,
    }
