"""Reads of the three rates (selectors): the ranking table, the trend and the orders behind a figure.

Everything reads the maintained rollup (services/rates.py) except `orders_behind`, which reads the
orders with the same definition, so that the list a leader opens from a figure has exactly the figure's
count (tests/test_rates.py checks it for every counter)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Length, Substr, TruncMonth, TruncWeek

from fangkong.areas.models import LEVEL_ORDER, STEP, Area
from fangkong.core.scoping import ALL, path_q, scope_paths
from fangkong.policies.selectors import policy_value

from .models import Outcome, RateRollup, Status, WorkOrder
from .models_insight import COUNTERS
from .services.rates import COMMUNITY_PATH_LEN, lead_handler, local_day_bounds

STREET_PATH_LEN = (LEVEL_ORDER.index("street") + 1) * STEP
PERM = "hotline.view_workorder"
STATS_PERM = "people.view_statistics"  # figures without orders (a leader)
LEVELS = ("street", "community", "handler")
PERIODS = ("day", "week", "month")
RATES = ("response", "resolution", "satisfaction")
# rate -> (numerator counters, denominator counter): the list behind a figure is one of these
PARTS = {
    "response": (("responded_on_time", "responded_late"), "received"),
    "resolution": (("resolved",), "closed"),
    "satisfaction": (("satisfied", "basically_satisfied"), "rated"),
}


@dataclass(frozen=True)
class Weights:
    late_response: float
    basically_satisfied: float


def weights(at: dt.datetime | None = None) -> Weights:
    return Weights(
        late_response=float(policy_value("hotline.rates.late_response_weight", at=at)),
        basically_satisfied=float(policy_value("hotline.rates.basically_satisfied_weight", at=at)),
    )


def rates_of(counts: dict, w: Weights) -> dict[str, float | None]:
    """The three rates (0..1, None without a denominator) of summed counters."""

    def div(a, b):
        return (a / b) if b else None

    return {
        "response": div(
            counts["responded_on_time"] + w.late_response * counts["responded_late"], counts["received"]
        ),
        "resolution": div(counts["resolved"], counts["closed"]),
        "satisfaction": div(
            counts["satisfied"] + w.basically_satisfied * counts["basically_satisfied"], counts["rated"]
        ),
    }


def _visible(qs: QuerySet, viewer, field: str = "area_path", perm: str = PERM) -> QuerySet:
    paths = scope_paths(viewer, perm)
    if paths is ALL:
        return qs
    if not paths:
        return qs.none()
    return qs.filter(path_q(field, paths))


def rollup_rows(*, viewer, first: dt.date, last: dt.date, within: str = "", perm: str = PERM) -> QuerySet:
    qs = RateRollup.objects.filter(day__gte=first, day__lte=last)
    if within:
        qs = qs.filter(area_path__startswith=within)
    return _visible(qs, viewer, perm=perm)


def _sums():
    return {c: Sum(c) for c in COUNTERS}


def ranking(
    *,
    viewer,
    level: str,
    first: dt.date,
    last: dt.date,
    within: str = "",
    at: dt.datetime | None = None,
    perm: str = PERM,
) -> list[dict]:
    """One row per street, community or handler: {"key", "label", "area_id"/"handler_id", counters…,
    "rates": {...}}, best satisfaction first (then resolution, response)."""
    if level not in LEVELS:
        raise ValueError(level)
    qs = rollup_rows(viewer=viewer, first=first, last=last, within=within, perm=perm)
    if level == "handler":
        rows = list(qs.exclude(handler_id=0).values("handler_id").annotate(**_sums()).order_by())
        users = get_user_model().objects.in_bulk([r["handler_id"] for r in rows])
        for r in rows:
            u = users.get(r["handler_id"])
            r["key"] = r["handler_id"]
            r["label"] = (u.get_full_name() or u.get_username()) if u else str(r["handler_id"])
    else:
        n = STREET_PATH_LEN if level == "street" else COMMUNITY_PATH_LEN
        rows = list(
            qs.annotate(g=Substr("area_path", 1, n), n=Length("area_path"))
            .filter(n__gte=n)
            .values("g")
            .annotate(**_sums())
            .order_by()
        )
        areas = {a.path: a for a in Area.objects.filter(path__in=[r["g"] for r in rows])}
        for r in rows:
            a = areas.get(r["g"])
            r["key"] = r["g"]
            r["label"] = a.name if a else r["g"]
            r["area_id"] = a.pk if a else None
    w = weights(at)
    for r in rows:
        r["rates"] = rates_of(r, w)

    def sort_key(r):
        rt = r["rates"]
        return tuple(
            -(rt[k] if rt[k] is not None else -1) for k in ("satisfaction", "resolution", "response")
        ) + (r["label"],)

    rows.sort(key=sort_key)
    return rows


def trend(
    *,
    viewer,
    period: str,
    first: dt.date,
    last: dt.date,
    within: str = "",
    handler_id: int | None = None,
    at: dt.datetime | None = None,
    perm: str = PERM,
) -> list[dict]:
    """One row per day, week (starting Monday) or month: {"period": date, counters…, "rates"}."""
    if period not in PERIODS:
        raise ValueError(period)
    qs = rollup_rows(viewer=viewer, first=first, last=last, within=within, perm=perm)
    if handler_id is not None:
        qs = qs.filter(handler_id=handler_id)
    bucket = {"day": "day", "week": TruncWeek("day"), "month": TruncMonth("day")}[period]
    if period == "day":
        rows = list(qs.values("day").annotate(**_sums()).order_by("day"))
        for r in rows:
            r["period"] = r.pop("day")
    else:
        rows = list(qs.annotate(p=bucket).values("p").annotate(**_sums()).order_by("p"))
        for r in rows:
            p = r.pop("p")
            r["period"] = p.date() if isinstance(p, dt.datetime) else p
    w = weights(at)
    for r in rows:
        r["rates"] = rates_of(r, w)
    return rows


def totals(*, viewer, first: dt.date, last: dt.date, within: str = "", handler_id: int | None = None) -> dict:
    qs = rollup_rows(viewer=viewer, first=first, last=last, within=within)
    if handler_id is not None:
        qs = qs.filter(handler_id=handler_id)
    out = qs.aggregate(**_sums())
    return {c: out[c] or 0 for c in COUNTERS}


def counter_q(counter: str) -> Q:
    """The orders a counter counts (the definition of services.rates.contribution, as a filter)."""
    S, Oc = Status, Outcome
    responded = Q(first_response_at__isnull=False)
    on_time = responded & (Q(response_due__isnull=True) | Q(first_response_at__lte=F("response_due")))
    return {
        "received": Q(),
        "responded_on_time": on_time,
        "responded_late": responded
        & Q(response_due__isnull=False)
        & Q(first_response_at__gt=F("response_due")),
        "closed": Q(status=S.CLOSED),
        "resolved": Q(status=S.CLOSED, outcome=Oc.RESOLVED),
        "rated": ~Q(rating="") & Q(rating__isnull=False),
        "satisfied": Q(rating="satisfied"),
        "basically_satisfied": Q(rating="basically_satisfied"),
        "dissatisfied": Q(rating="dissatisfied"),
    }[counter]


def orders_behind(
    *, viewer, counter: str, first: dt.date, last: dt.date, within: str = "", handler_id: int | None = None
) -> QuerySet:
    """The orders a figure counts: received on the local days first..last, in `within` (a path prefix),
    of `handler_id` if given, counted by `counter`; scoped to the viewer."""
    if counter not in COUNTERS:
        raise ValueError(counter)
    start, end = local_day_bounds(first, last)
    qs = WorkOrder.objects.filter(received_at__gte=start, received_at__lt=end).filter(counter_q(counter))
    if within:
        qs = qs.filter(area_path__startswith=within)
    if handler_id is not None:
        qs = qs.annotate(handler=lead_handler())
        qs = qs.filter(handler=handler_id) if handler_id else qs.filter(handler__isnull=True)
    return _visible(qs, viewer).order_by("-received_at", "-pk")
