"""The hotline section of the leadership briefing and the command screen: orders received on the day
and the three rates over the 30 days up to it, per community (orders still at a street's triage count
under the street). Read from the maintained rollup (services/rates.py), never from the orders.

The rates are ratios of counted figures, so they are recomputed at street and district level, not
averaged: the weighted numerators (a late response or a "basically satisfied" counts with its policy
weight) are hidden figures of their own."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum
from django.utils.translation import gettext_noop

from fangkong.areas.models import STEP, Area, Level
from fangkong.core.figures import Figure, Section, day_window

from .models import RateRollup
from .models_insight import COUNTERS
from .rates import weights

RATE_DAYS = 30


def compute(as_of, communities) -> dict[int, dict[str, float]]:
    communities = list(communities)
    out: dict[int, dict[str, float]] = {c.pk: {} for c in communities}
    if not communities:
        return out
    day, _start, _end = day_window(as_of)
    first = day - dt.timedelta(days=RATE_DAYS - 1)
    w = weights(as_of)
    holders = {c.path: c.pk for c in communities}
    street_paths = {c.path[: len(c.path) - STEP] for c in communities}
    holders.update({s.path: s.pk for s in Area.objects.filter(level=Level.STREET, path__in=street_paths)})
    rows = (
        RateRollup.objects.filter(day__gte=first, day__lte=day, area_path__in=list(holders))
        .values("area_path", "day")
        .annotate(**{c: Sum(c) for c in COUNTERS})
        .order_by()
    )
    for r in rows:
        aid = holders[r["area_path"]]
        f = out.setdefault(aid, {})

        def add(key, v, f=f):
            f[key] = f.get(key, 0) + v

        if r["day"] == day:
            add("received", r["received"])
        add("received_30", r["received"])
        add("response_credit", r["responded_on_time"] + w.late_response * r["responded_late"])
        add("closed", r["closed"])
        add("resolved", r["resolved"])
        add("rated", r["rated"])
        add("satisfaction_credit", r["satisfied"] + w.basically_satisfied * r["basically_satisfied"])
    return out


def section() -> Section:
    day = {"first": "{date}", "last": "{date}"}
    return Section(
        key="hotline",
        title=gettext_noop("Hotline 12345"),
        order=65,
        perm=("hotline.view_workorder", "people.view_statistics"),
        figures=(
            Figure(
                "received",
                gettext_noop("Hotline orders received"),
                unit=gettext_noop("orders"),
                link="hotline:rates",
                link_query=day,
            ),
            Figure("received_30", gettext_noop("Orders received in 30 days"), shown=False),
            Figure("response_credit", gettext_noop("Responses in time (weighted)"), shown=False),
            Figure(
                "response_rate",
                gettext_noop("Response rate (30 days)"),
                unit="%",
                ratio=("response_credit", "received_30"),
                higher_is_worse=False,
                link="hotline:rates",
            ),
            Figure("closed", gettext_noop("Orders closed"), shown=False),
            Figure("resolved", gettext_noop("Orders closed resolved"), shown=False),
            Figure(
                "resolution_rate",
                gettext_noop("Resolution rate (30 days)"),
                unit="%",
                ratio=("resolved", "closed"),
                higher_is_worse=False,
                link="hotline:rates",
            ),
            Figure("rated", gettext_noop("Orders rated"), shown=False),
            Figure("satisfaction_credit", gettext_noop("Satisfied (weighted)"), shown=False),
            Figure(
                "satisfaction_rate",
                gettext_noop("Satisfaction rate (30 days)"),
                unit="%",
                ratio=("satisfaction_credit", "rated"),
                higher_is_worse=False,
                link="hotline:rates",
            ),
        ),
        compute=compute,
        sentence=gettext_noop(
            "{area}: {received} hotline orders received; response rate {response_rate}, resolution rate "
            "{resolution_rate}, satisfaction rate {satisfaction_rate}"
        ),
    )
