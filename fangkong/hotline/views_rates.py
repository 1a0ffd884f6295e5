"""Pages of the three rates: the ranking table with the trend chart, the chart's data and the orders
behind each figure. Thin: parse, call the selectors in rates.py, render."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from fangkong.areas.models import Area
from fangkong.core.dates import DateError, parse_date
from fangkong.core.scoping import scope_paths, user_can_see_path

from . import rates
from .models_insight import COUNTERS

MAX_DAYS = 366


def _allowed(user, *, orders: bool = False) -> str:
    """The permission whose scope limits the figures: the orders' own, or for figures only (a leader
    without access to orders) the statistics permission. The orders behind a figure need the former."""
    if user.has_perm(rates.PERM):
        return rates.PERM
    if not orders and user.has_perm(rates.STATS_PERM):
        return rates.STATS_PERM
    raise PermissionDenied


def _window(request) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        first = parse_date(request.GET.get("first")) or today.replace(day=1)
        last = parse_date(request.GET.get("last")) or today
    except DateError:
        first, last = today.replace(day=1), today
    if last < first:
        first, last = last, first
    if (last - first).days > MAX_DAYS:
        first = last - dt.timedelta(days=MAX_DAYS)
    return first, last


def _area(request, perm: str = rates.PERM):
    """The area (street or community) the page is limited to: one the viewer may see, else 404."""
    raw = request.GET.get("area", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    area = Area.objects.filter(pk=int(raw)).first()
    if area is None or not user_can_see_path(request.user, perm, area.path):
        raise Http404
    return area


def _handler(request) -> int | None:
    raw = request.GET.get("handler", "")
    if raw == "":
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise Http404
    return int(raw)


def _choice(request, name, options, default):
    value = request.GET.get(name, default)
    return value if value in options else default


def _pct(v):
    return None if v is None else round(v * 100, 1)


@login_required
def rates_page(request):
    perm = _allowed(request.user)
    first, last = _window(request)
    area = _area(request, perm)
    paths = scope_paths(request.user, perm)
    wide = paths is None or any(len(p) <= rates.STREET_PATH_LEN for p in paths)
    level = _choice(request, "level", rates.LEVELS, "street" if wide else "community")
    period = _choice(request, "period", rates.PERIODS, "day")
    within = area.path if area else ""
    rows = rates.ranking(viewer=request.user, level=level, first=first, last=last, within=within, perm=perm)
    base = {"first": first.isoformat(), "last": last.isoformat()}
    orders_url = reverse("hotline:rates-orders") if perm == rates.PERM else None
    for r in rows:
        q = dict(base)
        # a street the viewer sees only part of (a community worker's street): its figures, no links (the
        # street is not theirs to open)
        area_ok = level == "handler" or (
            r.get("area_id") is not None and user_can_see_path(request.user, perm, r["key"])
        )
        if level == "handler":
            q["handler"] = r["key"]
            if area:
                q["area"] = area.pk
        elif r.get("area_id"):
            q["area"] = r["area_id"]
        behind = orders_url if area_ok else None
        r["cells"] = []
        for rate in rates.RATES:
            nums, den = rates.PARTS[rate]
            r["cells"].append(
                {
                    "rate": rate,
                    "pct": _pct(r["rates"][rate]),
                    "den": r[den],
                    "den_url": behind and f"{behind}?{urlencode({**q, 'counter': den})}",
                    "parts": [
                        (c, r[c], behind and f"{behind}?{urlencode({**q, 'counter': c})}") for c in nums
                    ],
                }
            )
        if level != "handler" and area_ok:
            r["drill_url"] = (
                reverse("hotline:rates")
                + "?"
                + urlencode(
                    {**base, "area": r["area_id"], "level": "community" if level == "street" else "handler"}
                )
            )
    data_q = {**base, "period": period}
    if area:
        data_q["area"] = area.pk
    return render(
        request,
        "hotline/rates.html",
        {
            "title": _("The three rates"),
            "rows": rows,
            "level": level,
            "levels": [(k, LEVEL_LABELS()[k]) for k in rates.LEVELS],
            "period": period,
            "periods": [(k, PERIOD_LABELS()[k]) for k in rates.PERIODS],
            "first": first,
            "last": last,
            "area": area,
            "counter_labels": COUNTER_LABELS(),
            "rate_labels": RATE_LABELS(),
            "data_url": reverse("hotline:rates-data") + "?" + urlencode(data_q),
            "weights": rates.weights(),
        },
    )


@login_required
def rates_data(request):
    perm = _allowed(request.user)
    first, last = _window(request)
    area = _area(request, perm)
    period = _choice(request, "period", rates.PERIODS, "day")
    rows = rates.trend(
        viewer=request.user,
        period=period,
        first=first,
        last=last,
        within=area.path if area else "",
        handler_id=_handler(request),
        perm=perm,
    )
    return JsonResponse(
        {
            "periods": [r["period"].isoformat() for r in rows],
            "received": [r["received"] for r in rows],
            "rates": {k: [_pct(r["rates"][k]) for r in rows] for k in rates.RATES},
            "labels": {**RATE_LABELS(), "received": COUNTER_LABELS()["received"]},
        }
    )


@login_required
def rates_orders(request):
    """The orders behind one figure: its count is the figure's."""
    _allowed(request.user, orders=True)
    counter = request.GET.get("counter", "received")
    if counter not in COUNTERS:
        raise Http404
    first, last = _window(request)
    area = _area(request)
    handler = _handler(request)
    qs = rates.orders_behind(
        viewer=request.user,
        counter=counter,
        first=first,
        last=last,
        within=area.path if area else "",
        handler_id=handler,
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "hotline/rates_orders.html",
        {
            "title": _("Orders behind the figure"),
            "counter": COUNTER_LABELS()[counter],
            "count": page.paginator.count,
            "page": page,
            "first": first,
            "last": last,
            "area": area,
            "query": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
            "scoped_all": scope_paths(request.user, rates.PERM) is None,
        },
    )


def LEVEL_LABELS():
    return {"street": _("street / township"), "community": _("community / village"), "handler": _("handler")}


def PERIOD_LABELS():
    return {"day": _("per day"), "week": _("per week"), "month": _("per month")}


def RATE_LABELS():
    return {
        "response": _("Response rate"),
        "resolution": _("Resolution rate"),
        "satisfaction": _("Satisfaction rate"),
    }


def COUNTER_LABELS():
    return {
        "received": _("Orders received"),
        "responded_on_time": _("Responded in time"),
        "responded_late": _("Responded late"),
        "closed": pgettext("work order", "Closed"),
        "resolved": _("Closed resolved"),
        "rated": _("Rated"),
        "satisfied": _("Satisfied"),
        "basically_satisfied": _("Basically satisfied"),
        "dissatisfied": _("Dissatisfied"),
    }
