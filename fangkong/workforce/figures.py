"""The workforce's figures (issue 20): per area and day, workers deployed against those needed, on duty
now, attendance, hours on duty and rest days overdue. `compute` serves the leadership briefing and the
command screen (core/figures.py); `series` and `table` serve the chart page and the API."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Exists, OuterRef, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_noop

from fangkong.core.figures import Figure, Section, count_by_community, day_window

KEYS = ("needed", "deployed", "on_duty", "shifts", "attended", "hours", "rest_overdue")


def _sum_by_community(qs, communities, field: str, *, path_field: str = "area_path") -> dict[int, int]:
    """{community id: sum of `field`} in one grouped query per path length; a row of a street (a street's
    own request) counts under the street when the street is among `communities`' parents: it is given
    under the street's id, which the briefing adds to the street and the whole."""
    communities = list(communities)
    out: dict[int, int] = {}
    for n in sorted({len(c.path) for c in communities}):
        ids = {c.path: c.pk for c in communities if len(c.path) == n}
        rows = qs.annotate(c=Substr(path_field, 1, n)).values("c").annotate(s=Sum(field)).order_by()
        for r in rows:
            if r["c"] in ids:
                out[ids[r["c"]]] = out.get(ids[r["c"]], 0) + int(r["s"] or 0)
    return out


def _street_requests(qs, communities) -> dict[int, int]:
    """Requests stated by a street itself (area is the street): counted under the street's id."""
    from fangkong.areas.models import Area, Level

    paths = {c.path[: len(c.path) - 4] for c in communities if len(c.path) > 4}
    streets = list(Area.objects.filter(path__in=paths, level=Level.STREET))
    out = {}
    for s in streets:
        n = qs.filter(area_path=s.path).aggregate(n=Sum("count"))["n"]
        if n:
            out[s.pk] = int(n)
    return out


def compute(as_of: dt.datetime, communities) -> dict[int, dict[str, float]]:
    """Per community on the day `as_of` reports: needed (open requests covering the day), deployed
    (assignments running), on duty (rostered workers on a shift at the cut-off), shifts started and
    attended (a check-in) among those begun by `as_of`, rostered hours, workers with rest days overdue."""
    from fangkong.gates.models import PostShift

    from .care_selectors import with_rest
    from .models import Assignment, Attendance, DeploymentRequest, Worker

    communities = list(communities)
    day, start, end = day_window(as_of)
    moment = end - dt.timedelta(seconds=1)
    # The need of the day: every request covering it, filled or not (a cancelled one asks for nobody).
    requests = (
        DeploymentRequest.objects.exclude(status=DeploymentRequest.Status.CANCELLED)
        .filter(start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
    )
    running = Assignment.objects.filter(start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))
    # Attendance counts the shifts begun by `as_of` (the live screen at noon does not count the night shift
    # as missed); at the cut-off that is every shift of the day.
    shifts = PostShift.objects.filter(worker__isnull=False, start__gte=start, start__lt=min(end, as_of))
    attended = shifts.filter(
        Exists(Attendance.objects.filter(shift=OuterRef("pk"), worker=OuterRef("worker")))
    )
    on_duty = PostShift.objects.filter(worker__isnull=False, start__lte=moment, end__gt=moment)
    overdue = with_rest(Worker.objects.filter(status=Worker.Status.ACTIVE), at=end).filter(rest_overdue__gt=0)
    out: dict[int, dict[str, float]] = defaultdict(dict)
    for key, counts in (
        ("needed", _sum_by_community(requests, communities, "count")),
        ("deployed", count_by_community(running, communities)),
        ("on_duty", count_by_community(on_duty, communities)),
        ("shifts", count_by_community(shifts, communities)),
        ("attended", count_by_community(attended, communities)),
        ("rest_overdue", count_by_community(overdue, communities)),
    ):
        for cid, n in counts.items():
            out[cid][key] = n
    for cid, n in _street_requests(requests, communities).items():
        out[cid]["needed"] = out[cid].get("needed", 0) + n
    # Rostered hours of the day's shifts, clipped to the day (a night shift counts its hours on each day).
    for s in PostShift.objects.filter(worker__isnull=False, start__lt=end, end__gt=start).values(
        "area_path", "start", "end"
    ):
        hours = (min(s["end"], end) - max(s["start"], start)).total_seconds() / 3600
        for c in communities:
            if s["area_path"].startswith(c.path):
                out[c.pk]["hours"] = round(out[c.pk].get("hours", 0) + hours, 1)
                break
    return {cid: row for cid, row in out.items() if row}


def communities_for(viewer):
    """The communities (and streets) under the viewer's jurisdiction for workforce figures."""
    from fangkong.areas.models import Area, Level
    from fangkong.core.scoping import ALL, path_q, scope_paths

    paths = None
    for perm in ("workforce.view_worker", "people.view_statistics"):
        p = scope_paths(viewer, perm)
        if p is ALL:
            paths = ALL
            break
        if p:
            paths = sorted(set(paths or []) | set(p))
    qs = Area.objects.filter(level=Level.COMMUNITY)
    if paths is ALL:
        return qs.order_by("path")
    if not paths:
        return qs.none()
    return qs.filter(path_q("path", paths)).order_by("path")


def derived(row: dict) -> dict:
    """A row of counts with its rates: attendance (attended / shifts, %) and hours per deployed worker."""
    row = {k: row.get(k, 0) for k in KEYS}
    row["attendance_rate"] = round(100 * row["attended"] / row["shifts"], 1) if row["shifts"] else None
    row["hours_per_worker"] = round(row["hours"] / row["deployed"], 1) if row["deployed"] else None
    row["gap"] = max(row["needed"] - row["deployed"], 0)
    return row


def table(viewer, *, day: dt.date | None = None) -> list[dict]:
    """One row per community of the viewer for `day` (default today, up to now): its name and figures."""
    communities = list(communities_for(viewer))
    as_of = _as_of(day)
    data = compute(as_of, communities)
    return [{"area_id": c.pk, "name": c.name, **derived(data.get(c.pk, {}))} for c in communities]


def _as_of(day: dt.date | None) -> dt.datetime:
    now = timezone.now()
    if day is None or day >= timezone.localdate():
        return now
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def series(viewer, *, days: int = 14, until: dt.date | None = None) -> list[dict]:
    """The viewer's totals per day for the last `days` days (the chart)."""
    communities = list(communities_for(viewer))
    until = until or timezone.localdate()
    out = []
    for i in range(days - 1, -1, -1):
        day = until - dt.timedelta(days=i)
        data = compute(_as_of(day), communities)
        total = {k: sum(r.get(k, 0) for r in data.values()) for k in KEYS}
        out.append({"date": day.isoformat(), **derived(total)})
    return out


def section() -> Section:
    workers = "workforce:care-overview"
    return Section(
        key="workforce",
        title=gettext_noop("Cadres and volunteers"),
        order=55,
        perm=("workforce.view_worker", "people.view_statistics"),
        figures=(
            Figure(
                "deployed",
                gettext_noop("Cadres and volunteers deployed"),
                unit=gettext_noop("people"),
                link=workers,
                higher_is_worse=False,
            ),
            Figure("needed", gettext_noop("Workers needed"), unit=gettext_noop("people")),
            Figure(
                "on_duty",
                gettext_noop("On duty now"),
                unit=gettext_noop("people"),
                higher_is_worse=False,
            ),
            Figure("shifts", gettext_noop("Shifts started"), shown=False),
            Figure("attended", gettext_noop("Shifts attended"), shown=False),
            Figure(
                "attendance",
                gettext_noop("Attendance"),
                unit="%",
                ratio=("attended", "shifts"),
                higher_is_worse=False,
            ),
            Figure(
                "rest_overdue",
                gettext_noop("Workers with rest days overdue"),
                unit=gettext_noop("people"),
                link=workers,
                link_query={"rest_overdue": "true"},
            ),
        ),
        compute=compute,
        sentence=gettext_noop(
            "{area}: {deployed} cadres and volunteers deployed against {needed} needed, {on_duty} on duty "
            "at the cut-off; {attended} of {shifts} shifts attended; {rest_overdue} with rest days overdue."
        ),
    )
