"""Reads of policy: `policy_value` is what every other app calls for a number from policy."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.db.models.functions import Length
from django.utils import timezone

from .models import Policy, PolicyDefinition


class PolicyMissing(LookupError):
    pass


def _area_paths(area) -> list[str]:
    if area is None:
        return [""]
    path = area if isinstance(area, str) else area.path
    return ["", *(path[:i] for i in range(4, len(path) + 1, 4))]


def policy_in_force(key: str, *, at: datetime.datetime | None = None, area=None) -> Policy:
    """The version in force at `at` for `area`: the most specific area wins, then the latest start."""
    at = at or timezone.now()
    if isinstance(at, datetime.date) and not isinstance(at, datetime.datetime):
        at = timezone.make_aware(datetime.datetime.combine(at, datetime.time(12)))
    found = (
        Policy.objects.filter(definition__key=key, effective_from__lte=at, area_path__in=_area_paths(area))
        .exclude(effective_to__lte=at)
        .select_related("definition")
        .order_by(Length("area_path").desc(), "-effective_from", "-version")
        .first()
    )
    if found is None:
        raise PolicyMissing(f"no policy {key!r} in force at {at:%Y-%m-%d %H:%M} for this area")
    return found


def policy_value(key: str, *, at: datetime.datetime | None = None, area=None):
    return policy_in_force(key, at=at, area=area).typed_value


def policy_values_by_area(key: str, *, at: datetime.datetime | None = None) -> dict[str, object]:
    """{area path: value} of every area's version of `key` in force at `at` ("" is city-wide), for
    callers that apply a policy to many areas at once; `value_for_path` picks an area's value the way
    policy_in_force does (the most specific area wins)."""
    at = at or timezone.now()
    out: dict[str, object] = {}
    versions = (
        Policy.objects.filter(definition__key=key, effective_from__lte=at)
        .exclude(effective_to__lte=at)
        .select_related("definition")
        .order_by("area_path", "-effective_from", "-version")
    )
    for p in versions:
        out.setdefault(p.area_path, p.typed_value)
    return out


def value_for_path(values: dict[str, object], path: str):
    """The value of the longest area path in `values` that contains `path` (None if none does)."""
    best = None
    for area_path, value in values.items():
        if path.startswith(area_path) and (best is None or len(area_path) > len(best[0])):
            best = (area_path, value)
    return best[1] if best else None


def policy_stamp_sql() -> str:
    return f"SELECT max(id) FROM {Policy._meta.db_table}"


def policy_stamp() -> int:
    """The newest version's id. Versions are only ever added, so this changes with every policy change:
    caches of policy values key on it (the gate rules do). A prepared statement: it runs on every gate
    scan (gates.selectors.scan_lookups sends it with the scan's other reads)."""
    from fangkong.core import sql

    return sql.fetchone(policy_stamp_sql())[0] or 0


def policy_list(*, viewer, key: str | None = None) -> QuerySet[Policy]:
    qs = Policy.objects.visible_to(viewer).select_related("definition", "area", "created_by")
    return qs.filter(definition__key=key) if key else qs


def definition_list() -> QuerySet[PolicyDefinition]:
    return PolicyDefinition.objects.all()


def current_policies(*, viewer, area=None) -> list[tuple[PolicyDefinition, Policy | None]]:
    out = []
    for d in PolicyDefinition.objects.all():
        try:
            out.append((d, policy_in_force(d.key, area=area)))
        except PolicyMissing:
            out.append((d, None))
    return out
