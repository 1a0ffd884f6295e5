"""Figures each app contributes to the leadership briefing and dashboard: one registry, like the leak
test's factories. An app that is not installed simply has no section.

An app registers its section from its `AppConfig.ready()`:

    from fangkong.core.figures import Figure, Section, register_section

    register_section(Section(
        key="observation",
        title=gettext_noop("Observation"),
        order=30,
        perm="observation.view_observationorder",   # or "people.view_statistics": figures only
        figures=(
            Figure("orders_running", gettext_noop("Under observation"), unit=gettext_noop("people"),
                   link="observation:order-list", link_query={"state": "running"}),
            Figure("reports_missing", gettext_noop("Daily reports missing"), threshold_policy="…"),
        ),
        compute=observation_figures,          # (as_of, communities) -> {area_id: {figure key: number}}
        sentence=gettext_noop("{area}: {orders_running} people under observation"),  # {area}: whose
    ))

`compute(as_of, communities)` reads the raw tables once, at snapshot time (a job or a command, never a
page view), and answers per community area id: `{area_id: {"orders_running": 12, ...}}`. What belongs to
a street itself, not to one of its communities (a street's centralized site), may be answered under the
street's id: it adds to that street and to the whole. Figures are
counts that add up from community to street to district; a rate is a `Figure(ratio=(num, den))` of two
counted figures of the same section (hidden ones with `shown=False` if they are not figures of their own),
so it is recomputed at every level instead of averaged.

A `link_query` value may name the briefing's day as "{date}" (ISO), e.g. `{"day": "{date}"}`: the list
behind a figure of a past briefing is the list of that day. `day_window(as_of)` gives the day a
briefing counts and `count_by_community(qs, communities)` the usual grouped count.

Every `compute` reads from the read replica when one is configured and usable (core/replica.py).

The briefing app stores the answers in its snapshot tables and is the only reader of this registry on
pages; the consistency check calls `compute` again and compares.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Figure:
    key: str  # unique within its section; the briefing stores "<section>.<key>"
    label: str  # gettext_noop: translated when shown
    unit: str = ""  # gettext_noop ("people", "tubes", "%"…)
    # The list behind the figure: a url name; the briefing adds ?area=<id> and link_query.
    link: str | None = None
    link_query: dict[str, Any] = field(default_factory=dict)
    ratio: tuple[str, str] | None = None  # (numerator key, denominator key): shown as a percentage
    higher_is_worse: bool = True  # for the change arrow and the red mark
    threshold_policy: str | None = None  # policy key whose value is the red line, if any
    shown: bool = True  # False: only a numerator or denominator of a ratio


Compute = Callable[[datetime, Iterable[Any]], dict[int, dict[str, float]]]


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # gettext_noop
    order: int
    perm: str | tuple[str, ...]  # any one of them lets a user see the section
    figures: tuple[Figure, ...]
    compute: Compute
    # gettext_noop with {figure key}, {figure key__change} ("up 3") and {area} (whose figures) placeholders
    sentence: str = ""

    def figure(self, key: str) -> Figure:
        for f in self.figures:
            if f.key == key:
                return f
        raise KeyError(key)


_SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> Section:
    keys = [f.key for f in section.figures]
    if len(keys) != len(set(keys)):
        raise ValueError(f"section {section.key}: duplicate figure keys")
    for f in section.figures:
        if f.ratio and not set(f.ratio) <= set(keys):
            raise ValueError(f"section {section.key}: ratio {f.key} names a figure it does not have")
    # Figures are pure reads of the raw tables as of a moment: they may come from the read replica
    # (core/replica.py; the primary inside a transaction, or when the replica lags or is down).
    from .replica import replica_reads

    section = replace(section, compute=replica_reads(section.compute))
    _SECTIONS[section.key] = section
    return section


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def section(key: str) -> Section:
    return _SECTIONS[key]


def day_window(as_of: datetime) -> tuple[Any, datetime, datetime]:
    """The day a briefing as of `as_of` reports on, and that day's [start, end) clipped to `as_of`
    (a cut-off at 24:00 is the next midnight: the day before it is the day reported)."""
    import datetime as dt

    from django.utils import timezone

    local = timezone.localtime(as_of)
    day = (local - dt.timedelta(microseconds=1)).date()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))
    return day, start, min(as_of, start + dt.timedelta(days=1))


def count_by_community(qs, communities, *, path_field: str = "area_path", by: str | None = None):
    """{community id: n} (or, with `by`, {community id: {value of `by`: n}}) in one grouped query per
    length of community path (no joins: the path prefix is the community)."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    communities = list(communities)
    out: dict[int, Any] = {}
    for n in sorted({len(c.path) for c in communities}):
        ids = {c.path: c.pk for c in communities if len(c.path) == n}
        sub = qs
        if len(ids) == 1:
            sub = sub.filter(**{f"{path_field}__startswith": next(iter(ids))})
        fields = ["c", by] if by else ["c"]
        rows = sub.annotate(c=Substr(path_field, 1, n)).values(*fields).annotate(n=Count("pk")).order_by()
        for r in rows:
            cid = ids.get(r["c"])
            if cid is None:
                continue
            if by:
                out.setdefault(cid, {})[r[by]] = r["n"]
            else:
                out[cid] = r["n"]
    return out
