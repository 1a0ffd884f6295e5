"""Reads of the tree. Counts group by path prefix: one query per page, whatever the tree size."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr

from .models import LEVEL_ORDER, Area, Level, Place


def area_list(*, viewer) -> QuerySet[Area]:
    return Area.objects.visible_to(viewer)


def area_roots_for(viewer) -> list[Area]:
    """The top areas a user may walk from (their scopes' areas, or the districts for a superuser)."""
    if viewer.is_superuser:
        return list(Area.objects.filter(level__in=["district"]).order_by("path")) or list(
            Area.objects.filter(depth=1)
        )
    seen: dict[str, Area] = {}
    for s in viewer.active_scopes():
        if not any(s.area.path.startswith(p) for p in seen):
            seen = {p: a for p, a in seen.items() if not p.startswith(s.area.path)}
            seen[s.area.path] = s.area
    return sorted(seen.values(), key=lambda a: a.path)


def _ordered(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [(lvl, Level(lvl).label, counts[lvl]) for lvl in LEVEL_ORDER if counts.get(lvl)]


def children_with_counts(*, area: Area) -> list[tuple[Area, list[tuple[str, str, int]]]]:
    """Children of `area`, each with its number of descendants per level: (code, label, n)."""
    children = list(area.children.order_by("path"))
    n = len(area.path) + 4
    rows = (
        Area.objects.filter(path__startswith=area.path, depth__gt=area.depth + 1)
        .annotate(child=Substr("path", 1, n))
        .values("child", "level")
        .annotate(n=Count("id"))
    )
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for r in rows:
        counts[r["child"]][r["level"]] = r["n"]
    return [(c, _ordered(counts.get(c.path, {}))) for c in children]


def level_counts(*, area: Area) -> list[tuple[str, str, int]]:
    rows = dict(
        Area.objects.filter(path__startswith=area.path, depth__gt=area.depth)
        .values_list("level")
        .annotate(n=Count("id"))
    )
    return _ordered(rows)


def place_list(*, viewer) -> QuerySet[Place]:
    return Place.objects.visible_to(viewer).select_related("area")


def children_chart(*, children: list[tuple[Area, list[tuple[str, str, int]]]]) -> dict | None:
    """Leaders read charts: the deepest level counted below each child, as an ECharts bar series."""
    if not children:
        return None
    deepest = None
    for _child, counts in children:
        for code, label, _n in counts:
            if deepest is None or LEVEL_ORDER.index(code) > LEVEL_ORDER.index(deepest[0]):
                deepest = (code, str(label))
    if deepest is None:
        return None
    return {
        "level": deepest[0],
        "label": deepest[1],
        "names": [c.name for c, _counts in children],
        "values": [next((n for code, _l, n in counts if code == deepest[0]), 0) for _c, counts in children],
    }
