"""Reads of the command screen (指挥大屏): today's figures live, recomputed by the sections' own
`compute` for the viewer's communities and cached at most LIVE_SECONDS, beside the morning's frozen
briefing and the trend of past days from the briefings. Scoped: a viewer's communities are those inside
their scopes; a list link is offered only when the viewer may open that list (figures-only roles get
counts, never names)."""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict

from django.core.cache import cache
from django.db.models import Avg, Q
from django.db.models.functions import Substr
from django.utils import timezone

from fangkong.areas.models import LEVEL_ORDER, Area, Level
from fangkong.core.figures import Section, sections
from fangkong.core.replica import replica_reads

from . import selectors
from .models import FigureValue

LIVE_SECONDS = 60  # today's figures are at most a minute old


def communities_for(viewer) -> list[Area]:
    """The communities the viewer's scopes cover. A scope below a community (a grid, a building) sees
    no community's figures: those would tell of households outside it."""
    from fangkong.areas.selectors import area_roots_for

    top = LEVEL_ORDER.index(Level.COMMUNITY)
    roots = [r for r in area_roots_for(viewer) if LEVEL_ORDER.index(r.level) <= top]
    if not roots:
        return []
    q = Q()
    for r in roots:
        q |= Q(path__startswith=r.path)
    return list(Area.objects.filter(q, level=Level.COMMUNITY).order_by("path"))


def _sections_for(viewer) -> list[Section]:
    out = []
    for s in sections():
        perms = (s.perm,) if isinstance(s.perm, str) else s.perm
        if any(viewer.has_perm(p) for p in perms):
            out.append(s)
    return out


def _compute(communities: list[Area], now: datetime.datetime) -> dict:
    """{section: {community id: {figure: value}}} as of `now`, from one compute per section; shared by
    every viewer of the same communities for LIVE_SECONDS."""
    ids = ",".join(str(c.pk) for c in communities)
    key = "briefing:live:" + hashlib.sha1(ids.encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None and now - cached["at"] < datetime.timedelta(seconds=LIVE_SECONDS):
        return cached
    values = {}
    for sec in sections():
        per = sec.compute(now, communities) or {}
        values[sec.key] = {c.pk: dict(per.get(c.pk) or {}) for c in communities}
    fresh = {"at": now, "values": values}
    cache.set(key, fresh, LIVE_SECONDS)
    return fresh


def _coordinates(communities: list[Area]) -> dict[int, tuple[float, float]]:
    """Where each community is drawn: its own coordinates, else the mean of its buildings' (one grouped
    query per length of community path)."""
    out = {c.pk: (float(c.longitude), float(c.latitude)) for c in communities if c.latitude is not None}
    missing = [c for c in communities if c.pk not in out]
    for n in sorted({len(c.path) for c in missing}):
        ids = {c.path: c.pk for c in missing if len(c.path) == n}
        rows = (
            Area.objects.filter(latitude__isnull=False, path__regex=rf"^.{{{n}}}.")
            .annotate(prefix=Substr("path", 1, n))
            .filter(prefix__in=list(ids))
            .values("prefix")
            .annotate(lat=Avg("latitude"), lng=Avg("longitude"))
        )
        for r in rows:
            out[ids[r["prefix"]]] = (float(r["lng"]), float(r["lat"]))
    return out


def _frozen(viewer, briefing, ids: list[int]) -> dict[str, dict[int, float]]:
    out: dict[str, dict[int, float]] = defaultdict(dict)
    if briefing is None:
        return out
    rows = (
        FigureValue.objects.visible_to(viewer, selectors.VALUE_PERM)
        .filter(briefing=briefing, level=FigureValue.Level.COMMUNITY, area_id__in=ids)
        .order_by()
        .values_list("key", "area_id", "value")
    )
    for key, aid, value in rows:
        out[key][aid] = value
    return out


@replica_reads  # the command screen's reads may come from the read replica (core/replica.py)
def command(*, viewer, now: datetime.datetime | None = None) -> dict:
    """What the command screen shows `viewer` (JSON-ready)."""
    now = now or timezone.now()
    communities = communities_for(viewer)
    ids = [c.pk for c in communities]
    live = _compute(communities, now) if communities else {"at": now, "values": {}}
    briefing = selectors.latest(viewer=viewer)
    frozen = _frozen(viewer, briefing, ids)
    today = timezone.localdate(now)
    link_cache: dict = {}
    # One community in scope: lists open on it; several: the lists show what the viewer may see anyway.
    area_id = ids[0] if len(ids) == 1 else None
    coords = _coordinates(communities)
    out_sections, per_community, trend_keys, metrics = [], defaultdict(dict), [], []
    for sec in _sections_for(viewer):
        values = live["values"].get(sec.key, {})
        total = selectors._combine(sec, [values.get(i, {}) for i in ids])
        was = selectors._combine(
            sec, [{f.key: frozen.get(f"{sec.key}.{f.key}", {}).get(i, 0.0) for f in sec.figures} for i in ids]
        )
        figures = []
        for f in sec.figures:
            if not f.shown:
                continue
            key = f"{sec.key}.{f.key}"
            link = None
            if f.link and selectors._link_allowed(viewer, f.link, link_cache):
                link = selectors.figure_link(f, area_id=area_id, date=today)
            value = total.get(f.key, 0.0)
            before = was.get(f.key, 0.0) if briefing is not None else None
            change = None if before is None else round(value - before, 1)
            figures.append(
                {
                    "key": key,
                    "label": selectors.label_text(f.label),
                    "unit": selectors.label_text(f.unit) if f.unit else "",
                    "value": value,
                    "text": selectors.fmt(value, f),
                    "briefing_text": None if before is None else selectors.fmt(before, f),
                    "change": change,
                    # a change of zero is not coloured; red when it moved the bad way
                    "tone": ""
                    if not change
                    else ("worse" if (change > 0) == f.higher_is_worse else "better"),
                    "link": link,
                }
            )
            for i in ids:
                per_community[i][key] = selectors._combine(sec, [values.get(i, {})]).get(f.key, 0.0)
            if not f.ratio:
                # The map's dots open the list behind the figure for that community (JS adds &area=).
                base = selectors.figure_link(f, area_id=None, date=today) if link else None
                label = f"{selectors.label_text(sec.title)} · {figures[-1]['label']}"
                metrics.append({"key": key, "label": label, "link": base})
        counted = sorted(
            (f for f in sec.figures if f.shown and not f.ratio), key=lambda f: not f.higher_is_worse
        )
        trend_keys += [(f"{sec.key}.{f.key}", selectors.label_text(f.label)) for f in counted[:2]]
        out_sections.append({"key": sec.key, "title": selectors.label_text(sec.title), "figures": figures})
    # A metric that is zero in every community is not drawn on the map.
    metrics = [m for m in metrics if any(per_community[i].get(m["key"]) for i in ids)]
    trend = {"days": [], "series": []}
    if briefing is not None and trend_keys and communities:
        t = selectors.trends(
            viewer=viewer, briefing=briefing, tops=communities, keys=[k for k, _ in trend_keys]
        )
        days = t["days"]
        totals = {k: sum(per_community[i].get(k, 0.0) for i in ids) for k, _ in trend_keys}
        series = []
        for k, label in trend_keys:
            data = [*t["series"][k], totals[k]] if days[-1] < today.isoformat() else t["series"][k]
            if any(data):  # zero everywhere: not drawn
                series.append({"key": k, "name": label, "data": data})
        trend = {
            "days": [*days, today.isoformat()] if days[-1] < today.isoformat() else days,
            "series": series,
        }
    return {
        "as_of": timezone.localtime(live["at"]).strftime("%H:%M"),
        "at": live["at"].isoformat(),
        "briefing": None
        if briefing is None
        else {"date": briefing.date.isoformat(), "as_of": selectors.as_of_text(briefing.as_of)},
        "sections": out_sections,
        "metrics": metrics,
        "communities": [
            {
                "id": c.pk,
                "name": c.name,
                "lng": coords[c.pk][0],
                "lat": coords[c.pk][1],
                "values": per_community[c.pk],
            }
            for c in communities
            if c.pk in coords
        ],
        "trend": trend,
    }
