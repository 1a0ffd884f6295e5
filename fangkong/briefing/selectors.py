"""Reads of the briefing, always through `visible_to`: what a viewer sees of a frozen briefing (their
areas' figures, the change since the previous briefing, what an amendment changed) and the dashboard's
trends — all from the snapshot tables, never from the raw events."""

from __future__ import annotations

import datetime
from collections import defaultdict
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import NoReverseMatch, resolve, reverse
from django.utils.translation import gettext as _

from fangkong.areas.models import Area
from fangkong.core.figures import Figure, Section, sections
from fangkong.core.replica import replica_reads

from . import policy
from .models import Briefing, FigureValue, Item

VALUE_PERM = "briefing.view_figurevalue"
NEXT_LEVEL = {
    FigureValue.Level.TOTAL: FigureValue.Level.STREET,
    FigureValue.Level.STREET: FigureValue.Level.COMMUNITY,
}
TREND_DAYS = 30


def briefing_list(*, viewer, date: datetime.date | None = None) -> QuerySet[Briefing]:
    qs = Briefing.objects.visible_to(viewer).select_related("area", "generated_by")
    return qs.filter(date=date) if date else qs


def latest(*, viewer) -> Briefing | None:
    return (
        Briefing.objects.visible_to(viewer)
        .filter(state=Briefing.State.CURRENT)
        .select_related("area")
        .order_by("-date", "-version")
        .first()
    )


def previous_of(briefing: Briefing) -> Briefing | None:
    return (
        Briefing.objects.filter(area=briefing.area, state=Briefing.State.CURRENT, date__lt=briefing.date)
        .order_by("-date", "-version")
        .first()
    )


def label_text(label) -> str:
    return _(label) if isinstance(label, str) else str(label)


def fmt(value: float | None, figure: Figure | None = None) -> str:
    if value is None:
        return "–"
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return f"{text}%" if figure is not None and figure.ratio else text


def change_text(change: float | None, figure: Figure | None = None) -> str:
    if change is None:
        return _("no earlier briefing")
    if abs(change) < 1e-9:
        return _("unchanged")
    amount = fmt(abs(change), figure)
    return (_("up %s") if change > 0 else _("down %s")) % amount


def visible_sections(viewer, briefing: Briefing) -> list[Section]:
    wanted = set(briefing.sections or [])
    out = []
    for s in sections():
        perms = (s.perm,) if isinstance(s.perm, str) else s.perm
        if s.key in wanted and any(viewer.has_perm(p) for p in perms):
            out.append(s)
    return out


def _link_allowed(viewer, name: str, cache: dict) -> bool:
    """Whether the list behind a figure opens for `viewer` (a list view's permission), so a
    figures-only reader gets the figure without a link that would answer 403."""
    if name not in cache:
        try:
            match = resolve(reverse(name))
        except NoReverseMatch:
            cache[name] = False
            return False
        cls = getattr(match.func, "view_class", None)
        perms: list[str] = []
        if cls is not None and getattr(cls, "model", None) is not None:
            m = cls.model._meta
            perms = [f"{m.app_label}.view_{m.model_name}"]
        cache[name] = all(viewer.has_perm(p) for p in perms)
    return cache[name]


def figure_link(figure: Figure, *, area_id: int | None, date: datetime.date) -> str | None:
    if not figure.link:
        return None
    query = {k: str(v).format(date=date.isoformat()) for k, v in figure.link_query.items()}
    if area_id is not None:
        query["area"] = area_id
    return f"{reverse(figure.link)}?{urlencode(query)}"


def _combine(sec: Section, per_area: list[dict[str, float]]) -> dict[str, float]:
    """Figures of several areas together: counts add up, ratios are recomputed."""
    out: dict[str, float] = {}
    for f in sec.figures:
        if not f.ratio:
            out[f.key] = sum(v.get(f.key, 0.0) for v in per_area)
    for f in sec.figures:
        if f.ratio:
            num, den = out.get(f.ratio[0], 0.0), out.get(f.ratio[1], 0.0)
            out[f.key] = round(100.0 * num / den, 1) if den else 0.0
    return out


def viewer_areas(*, viewer, briefing: Briefing, focus: int | None = None) -> tuple[list[Area], list[Area]]:
    """(tops, rows): the areas whose figures make the headline (the viewer's own, or `focus` when they
    may see it) and the rows of the tables below (the streets of the district, a street's communities)."""
    # Every figure of a briefing covers the same areas: the areas of one figure are the areas of all.
    registered = {s.key: s for s in sections()}
    first = next((registered[k] for k in briefing.sections or [] if k in registered), None)
    probe = {"key": f"{first.key}.{first.figures[0].key}"} if first else {}
    seen = list(
        FigureValue.objects.visible_to(viewer, VALUE_PERM)
        .filter(briefing=briefing, **probe)
        .order_by()
        .values_list("area_id", "area_path", "level")
        .distinct()
    )
    if not seen:
        return [], []
    paths = sorted(seen, key=lambda r: (len(r[1]), r[1]))
    if focus is not None and any(r[0] == focus for r in seen):
        tops = [r for r in seen if r[0] == focus]
    else:
        tops = []
        for r in paths:
            if not any(r[1].startswith(t[1]) for t in tops):
                tops.append(r)
    if len(tops) == 1:
        top = tops[0]
        below = NEXT_LEVEL.get(top[2])
        rows = [r for r in paths if r[2] == below and r[1].startswith(top[1])] if below else []
    else:
        rows = list(tops)
    areas = Area.objects.in_bulk([r[0] for r in tops + rows])
    return [areas[r[0]] for r in tops], [areas[r[0]] for r in sorted(rows, key=lambda r: r[1])]


def _values(briefing: Briefing | None, area_ids: list[int], viewer) -> dict[str, dict[int, float]]:
    out: dict[str, dict[int, float]] = defaultdict(dict)
    if briefing is None:
        return out
    rows = (
        FigureValue.objects.visible_to(viewer, VALUE_PERM)
        .filter(briefing=briefing, area_id__in=area_ids)
        .order_by()
        .values_list("key", "area_id", "value")
    )
    for key, aid, value in rows:
        out[key][aid] = value
    return out


def _per_area(sec: Section, values, area_ids: list[int]) -> dict[int, dict[str, float]]:
    return {
        aid: {f.key: values.get(f"{sec.key}.{f.key}", {}).get(aid, 0.0) for f in sec.figures}
        for aid in area_ids
    }


CN_NUMERALS = "一二三四五六七八九十"


def numeral(n: int) -> str:
    from django.utils.translation import get_language

    if (get_language() or "").startswith("zh") and 1 <= n <= len(CN_NUMERALS):
        return f"{CN_NUMERALS[n - 1]}、"
    return f"{n}."


def as_of_text(moment: datetime.datetime) -> str:
    """ "11/26 at 24:00" for a cut-off at midnight (the day it ends), the time of day otherwise."""
    from django.utils import timezone

    local = timezone.localtime(moment)
    day, hour = local.date(), local.hour
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        day, hour = day - datetime.timedelta(days=1), 24
    return _("%(month)s/%(day)s at %(hour)02d:%(minute)02d") % {
        "month": day.month,
        "day": day.day,
        "hour": hour,
        "minute": local.minute,
    }


@replica_reads  # the briefing's reads may come from the read replica (core/replica.py)
def report(*, viewer, briefing: Briefing, focus: int | None = None) -> dict:
    """What `viewer` sees of `briefing`: numbered sections with their sentence, headline figures with
    the change since the previous briefing and red marks, a table per street (or community) and, for an
    amended briefing, the figures the amendment changed with their earlier value."""
    tops, rows = viewer_areas(viewer=viewer, briefing=briefing, focus=focus)
    ids = [a.pk for a in tops] + [a.pk for a in rows if a not in tops]
    previous = previous_of(briefing)
    now_v = _values(briefing, ids, viewer)
    prev_v = _values(previous, ids, viewer)
    amended_v = _values(briefing.amends, ids, viewer) if briefing.amends_id else {}
    top_ids = [a.pk for a in tops]
    single = tops[0] if len(tops) == 1 else None
    if single is None:
        headline_label = _("Your areas")
    elif single.pk == briefing.area_id:
        headline_label = _("The whole of %(area)s") % {"area": single.name}
    else:
        headline_label = single.name
    links: dict[str, bool] = {}
    lines: dict[str | None, float | None] = {}
    out_sections = []
    for number, sec in enumerate(visible_sections(viewer, briefing), start=1):
        shown = [f for f in sec.figures if f.shown]
        now_a = _per_area(sec, now_v, ids)
        prev_a = _per_area(sec, prev_v, ids) if previous else {}
        amend_a = _per_area(sec, amended_v, ids) if briefing.amends_id else {}
        head = _combine(sec, [now_a[i] for i in top_ids])
        head_prev = _combine(sec, [prev_a[i] for i in top_ids]) if previous else None
        head_amend = _combine(sec, [amend_a[i] for i in top_ids]) if briefing.amends_id else None

        def cell(f, value, prev, amended, area_id, sec=sec):
            change = None if prev is None else value - prev.get(f.key, 0.0)
            if f.threshold_policy not in lines:  # one policy lookup per red line, not per cell
                lines[f.threshold_policy] = policy.red_line(f.threshold_policy, briefing.as_of)
            line = lines[f.threshold_policy]
            red = line is not None and ((value > line) if f.higher_is_worse else (value < line))
            was = None if amended is None else amended.get(f.key, 0.0)
            link = (
                figure_link(f, area_id=area_id, date=briefing.date)
                if f.link and _link_allowed(viewer, f.link, links)
                else None
            )
            return {
                "key": f"{sec.key}.{f.key}",
                "figure": f,
                "label": label_text(f.label),
                "unit": label_text(f.unit) if f.unit and f.unit != "%" else "",
                "value": value,
                "text": fmt(value, f),
                "change": change,
                "change_text": ""
                if change is None
                else (f"+{fmt(change, f)}" if change > 0 else fmt(change, f)),
                "worse": change is not None and change != 0 and ((change > 0) == f.higher_is_worse),
                "red": red,
                "red_line": line,
                "amended": was is not None and abs(was - value) > 1e-9,
                "was": fmt(was, f) if was is not None else "",
                "link": link,
            }

        headline = [cell(f, head[f.key], head_prev, head_amend, single.pk if single else None) for f in shown]
        table_rows = [
            {
                "area": a,
                "cells": [
                    cell(
                        f,
                        now_a[a.pk][f.key],
                        prev_a.get(a.pk) if previous else None,
                        amend_a.get(a.pk) if briefing.amends_id else None,
                        a.pk,
                    )
                    for f in shown
                ],
                "drill": a.level != "community",
            }
            for a in rows
        ]
        words = {"area": headline_label}
        for f in sec.figures:
            words[f.key] = fmt(head[f.key], f)
            words[f"{f.key}__change"] = change_text(
                None if head_prev is None else head[f.key] - head_prev.get(f.key, 0.0), f
            )
        try:
            sentence = _(sec.sentence).format_map(words) if sec.sentence else ""
        except (KeyError, IndexError, ValueError):
            sentence = sec.sentence.format_map(defaultdict(str, words)) if sec.sentence else ""
        out_sections.append(
            {
                "number": number,
                "numeral": numeral(number),
                "key": sec.key,
                "title": label_text(sec.title),
                "sentence": sentence,
                "headline": headline,
                "columns": [label_text(f.label) for f in shown],
                "rows": table_rows,
                "amended": any(c["amended"] for c in headline)
                or any(c["amended"] for r in table_rows for c in r["cells"]),
            }
        )
    return {
        "briefing": briefing,
        "as_of_text": as_of_text(briefing.as_of),
        "previous": previous,
        "tops": tops,
        "rows": rows,
        "headline_label": headline_label,
        "sections": out_sections,
        "items": items_for(viewer=viewer, briefing=briefing),
        "carried": carried_tasks(viewer=viewer, briefing=briefing),
    }


def items_for(*, viewer, briefing: Briefing) -> list[Item]:
    return list(
        Item.objects.visible_to(viewer)
        .filter(briefing=briefing)
        .select_related("area")
        .order_by("kind", "pk")
    )


def carried_tasks(*, viewer, briefing: Briefing) -> list[Item]:
    """Tasks set at earlier meetings: their state as this briefing is read (open ones first)."""
    return list(
        Item.objects.visible_to(viewer)
        .filter(kind=Item.Kind.TASK, briefing__area=briefing.area, briefing__date__lt=briefing.date)
        .exclude(state=Item.State.DONE, done_at__date__lt=briefing.date)
        .select_related("area", "briefing")
        .order_by("state", "deadline", "pk")[:100]
    )


@replica_reads
def trends(*, viewer, briefing: Briefing, tops: list[Area], keys: list[str]) -> dict:
    """{key: [(date, value)]} over the 30 days to `briefing`'s date, the tops summed (current versions)."""
    since = briefing.date - datetime.timedelta(days=TREND_DAYS - 1)
    current = list(
        Briefing.objects.filter(
            area_id=briefing.area_id, state=Briefing.State.CURRENT, date__gte=since, date__lte=briefing.date
        ).values_list("pk", flat=True)
    )
    rows = (
        FigureValue.objects.visible_to(viewer, VALUE_PERM)
        .filter(briefing_id__in=current, area_id__in=[a.pk for a in tops], key__in=keys)
        .order_by()
        .values_list("key", "date", "value")
    )
    sums: dict[str, dict[datetime.date, float]] = defaultdict(lambda: defaultdict(float))
    for key, date, value in rows:
        sums[key][date] += value
    days = [since + datetime.timedelta(days=i) for i in range(TREND_DAYS)]
    return {
        "days": [d.isoformat() for d in days],
        "series": {k: [sums[k].get(d) for d in days] for k in keys},
    }


@replica_reads
def dashboard(*, viewer, briefing: Briefing, focus: int | None = None) -> dict:
    data = report(viewer=viewer, briefing=briefing, focus=focus)
    by_key = {s.key: s for s in sections()}
    keys = []
    charts = []
    for s in data["sections"]:
        sec = by_key[s["key"]]
        # What the meeting watches first: the figures where more is worse (registry sizes last).
        counted = sorted(
            (f for f in sec.figures if f.shown and not f.ratio), key=lambda f: not f.higher_is_worse
        )[:3]
        keys += [f"{sec.key}.{f.key}" for f in counted]
        first = counted[0] if counted else None
        charts.append(
            {
                "key": sec.key,
                "title": s["title"],
                "trend": [(f"{sec.key}.{f.key}", label_text(f.label)) for f in counted],
                "bars": {
                    "label": label_text(first.label) if first else "",
                    "areas": [r["area"].name for r in s["rows"]],
                    "values": [
                        next(c["value"] for c in r["cells"] if c["key"] == f"{sec.key}.{first.key}")
                        for r in s["rows"]
                    ]
                    if first
                    else [],
                },
            }
        )
    trend = trends(viewer=viewer, briefing=briefing, tops=data["tops"], keys=keys) if data["tops"] else {}
    chart_data = {
        "days": trend.get("days", []),
        "charts": [
            {
                "key": c["key"],
                "title": c["title"],
                "series": [
                    {"name": label, "data": trend.get("series", {}).get(k, [])} for k, label in c["trend"]
                ],
                "bars": c["bars"],
            }
            for c in charts
        ],
    }
    data["chart_data"] = chart_data
    return data
