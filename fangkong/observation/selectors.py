"""Reads of observation, always through visible_to(viewer)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from fangkong.areas.models import STEP, Area, Place
from fangkong.core.scoping import ALL, path_q, scope_paths

from .models import (
    OPEN_STATUSES,
    Alert,
    CareGroup,
    CareGroupMember,
    HealthReport,
    ObservationOrder,
    OrderStatus,
    OrderType,
    Room,
    Stay,
)

RUNNING = (OrderStatus.ACTIVE, OrderStatus.EXTENDED)
COMMUNITY_DEPTH = 4  # city, district, street, community


def order_list(*, viewer, perm: str | None = None) -> QuerySet[ObservationOrder]:
    return ObservationOrder.objects.visible_to(viewer, perm).select_related("person", "area")


def orders_running(
    *, viewer, day: datetime.date | None = None, perm: str | None = None
) -> QuerySet[ObservationOrder]:
    day = day or timezone.localdate()
    return order_list(viewer=viewer, perm=perm).filter(status__in=RUNNING, start__lte=day)


def reported_on(day):
    return Exists(HealthReport.objects.filter(order=OuterRef("pk"), date=day))


def missing_reports(*, viewer, day: datetime.date | None = None) -> QuerySet[ObservationOrder]:
    """Running orders with no health report on `day` (one query)."""
    day = day or timezone.localdate()
    return orders_running(viewer=viewer, day=day).filter(planned_end__gte=day).exclude(reported_on(day))


def alert_list(*, viewer) -> QuerySet[Alert]:
    return Alert.objects.visible_to(viewer).select_related("order__person", "report", "area")


def report_list(*, viewer) -> QuerySet[HealthReport]:
    return HealthReport.objects.visible_to(viewer).select_related("order__person", "reported_by")


def population_today(*, viewer, day: datetime.date | None = None) -> dict:
    """Running orders counted by community and type: {"rows": [(area name, {type: n}, total)], "types",
    "totals"} — one aggregate query plus one for the area names. Figures only (no person), so scoped by
    the figures permission, which the leadership role holds without seeing any order."""
    day = day or timezone.localdate()
    prefix_len = STEP * COMMUNITY_DEPTH
    rows = (
        orders_running(viewer=viewer, day=day, perm="people.view_statistics")
        .order_by()
        .annotate(community=Substr("area_path", 1, prefix_len))
        .values("community", "order_type")
        .annotate(n=Count("id"))
    )
    by_area: dict[str, dict] = defaultdict(dict)
    for r in rows:
        by_area[r["community"]][r["order_type"]] = r["n"]
    names = dict(Area.objects.filter(path__in=list(by_area)).values_list("path", "name"))
    types = [(t.value, t.label) for t in OrderType]
    out, totals = [], defaultdict(int)
    for path in sorted(by_area):
        counts = by_area[path]
        for t, n in counts.items():
            totals[t] += n
        out.append(
            {
                "area": names.get(path, path),
                "path": path,
                "counts": [counts.get(t, 0) for t, _l in types],
                "total": sum(counts.values()),
            }
        )
    return {
        "rows": out,
        "types": types,
        "totals": [totals.get(t, 0) for t, _l in types],
        "total": sum(totals.values()),
    }


def care_member_daily(*, user, day: datetime.date | None = None) -> dict:
    """A care-group member's list for the day: households to call, reports missing, needs open — one
    query per section, however many households (up to policy care_group.max_households)."""
    day = day or timezone.localdate()
    households = CareGroup.objects.filter(active=True, members__user=user).values("area_id")
    running = ObservationOrder.objects.filter(
        area_id__in=households, status__in=RUNNING, start__lte=day
    ).select_related("person", "area")
    calls = list(running.annotate(reported=reported_on(day)).order_by("area_path", "person__name"))
    missing = [o for o in calls if not o.reported and o.planned_end >= day]
    needs = list(
        HealthReport.objects.filter(area_id__in=households, needs_done=False)
        .exclude(needs=[])
        .select_related("order__person", "area")
        .order_by("-date", "-id")[:500]
    )
    groups = list(
        CareGroupMember.objects.filter(user=user, group__active=True).values_list("group__area_id", flat=True)
    )
    return {"day": day, "calls": calls, "missing": missing, "needs": needs, "households": len(groups)}


def occupancy(*, viewer, start: datetime.date, days: int = 7) -> list[dict]:
    """Occupied beds per site per day (stays visible to the viewer) against the rooms' capacity."""
    end = start + datetime.timedelta(days=days)
    stays = list(
        Stay.objects.visible_to(viewer)
        .filter(checked_in_at__date__lt=end)
        .filter(Q(checked_out_at__isnull=True) | Q(checked_out_at__date__gte=start))
        .values("site_id", "site__name", "checked_in_at", "checked_out_at")
    )
    site_ids = {s["site_id"] for s in stays}
    capacity = dict(
        Room.objects.filter(site_id__in=site_ids, active=True)
        .values("site_id")
        .annotate(c=Count("id"))
        .values_list("site_id", "c")
    )
    beds = {
        r["site_id"]: r["n"]
        for r in Room.objects.filter(site_id__in=site_ids, active=True)
        .values("site_id")
        .annotate(n=Sum("capacity"))
    }
    out = []
    for site_id in sorted(site_ids):
        name = next(s["site__name"] for s in stays if s["site_id"] == site_id)
        per_day = []
        for i in range(days):
            d = start + datetime.timedelta(days=i)
            n = sum(
                1
                for s in stays
                if s["site_id"] == site_id
                and timezone.localdate(s["checked_in_at"]) <= d
                and (s["checked_out_at"] is None or timezone.localdate(s["checked_out_at"]) > d)
            )
            per_day.append((d, n))
        out.append(
            {
                "site_id": site_id,
                "site": name,
                "beds": beds.get(site_id, 0),
                "rooms": capacity.get(site_id, 0),
                "days": per_day,
            }
        )
    return out


def open_orders_count(*, viewer) -> int:
    return ObservationOrder.objects.visible_to(viewer).filter(status__in=OPEN_STATUSES).count()


def sites_serving(*, viewer, perm: str = "observation.add_stay") -> QuerySet[Place]:
    """The centralized sites a user may send people to: those in the user's areas and those on the areas
    above them (the sites are run by the street or the district and serve every community below)."""
    qs = Place.objects.filter(kind=Place.Kind.OBSERVATION_SITE, active=True).order_by("name")
    paths = scope_paths(viewer, perm)
    if paths is ALL:
        return qs
    if not paths:
        return qs.none()
    above = {p[:i] for p in paths for i in range(STEP, len(p), STEP)}
    return qs.filter(path_q("area_path", paths) | Q(area_path__in=above))
