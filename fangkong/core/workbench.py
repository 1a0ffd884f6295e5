"""The workbench (工作台): each app's to-do kinds, each role's landing page and the header search, as
registries like the briefing's `figures.py`. Nothing here names an app.

An app registers from its `AppConfig.ready()` (its `<app>/workbench.py`):

    from fangkong.core.workbench import Kind, Landing, Search, register_kind, register_landing, register_search

    register_kind(Kind(
        key="gates.returnees_review",
        label=gettext_noop("Returnee notices to review"),
        link="gates:returnee-list",          # a ScopedListView's url name
        query={"stage": "notified"},         # its filter: the link's query string (a value may be a callable)
        deadline="arrival_date",            # a field of the row: the oldest one is the line's deadline
        order=20,
    ))
    register_landing(Landing(role="gate_volunteer", link="gates:check"))
    register_search(Search(key="tracing.case", label=..., perm="tracing.view_case", find=find_cases))

A kind counts the rows of the very list its link opens: the list view's own permission, base queryset,
scope and FilterSet read the query, so the count on the workbench and the rows behind it cannot drift
apart. `deadline` may also be a callable `(queryset, now) -> date | datetime | None` where the deadline
is not a column (a report due by the end of today).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Min
from django.http import HttpRequest, QueryDict
from django.urls import resolve, reverse
from django.utils import timezone


@dataclass(frozen=True)
class Kind:
    key: str  # "<app>.<name>", unique
    label: str  # gettext_noop: translated when shown
    link: str  # url name of a ScopedListView
    query: dict[str, Any] = field(default_factory=dict)
    deadline: str | Callable | None = None
    order: int = 100


@dataclass(frozen=True)
class Landing:
    """Where a role lands on opening the system (instead of the workbench); `applies(user)` narrows it
    (a runner is a team member, not a role)."""

    link: str  # url name
    role: str | None = None  # role code; None: any user for whom `applies` holds
    applies: Callable | None = None
    order: int = 100


@dataclass(frozen=True)
class Search:
    """One kind of record the header search finds: `find(user, q)` answers at most `limit` visible
    records as (label, url, detail) tuples."""

    key: str
    label: str  # gettext_noop
    perm: str | tuple[str, ...]
    find: Callable
    order: int = 100


@dataclass
class Line:
    """One line of a user's workbench."""

    kind: Kind
    count: int
    oldest: dt.date | dt.datetime | None
    url: str
    when: str  # "overdue", "today" or "later"

    @property
    def has_time(self) -> bool:
        return isinstance(self.oldest, dt.datetime)


_KINDS: dict[str, Kind] = {}
_LANDINGS: list[Landing] = []
_SEARCHES: dict[str, Search] = {}


def register_kind(kind: Kind) -> Kind:
    _KINDS[kind.key] = kind
    return kind


def register_landing(landing: Landing) -> Landing:
    if landing not in _LANDINGS:
        _LANDINGS.append(landing)
    return landing


def register_search(search: Search) -> Search:
    _SEARCHES[search.key] = search
    return search


def kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.key))


def searches() -> list[Search]:
    return sorted(_SEARCHES.values(), key=lambda s: (s.order, s.key))


def query_of(kind: Kind, now: dt.datetime | None = None) -> dict[str, str]:
    now = now or timezone.now()
    return {k: str(v(now) if callable(v) else v) for k, v in kind.query.items()}


def url_of(kind: Kind, now: dt.datetime | None = None) -> str:
    query = query_of(kind, now)
    return reverse(kind.link) + (f"?{urlencode(query)}" if query else "")


def list_rows(kind: Kind, user, now: dt.datetime | None = None):
    """The rows the kind's list shows `user` for its query, or None if the user may not open it."""
    url = reverse(kind.link)
    match = resolve(url)
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = url
    request.GET = QueryDict(urlencode(query_of(kind, now)))
    request.user = user
    view = match.func.view_class(**getattr(match.func, "view_initkwargs", {}))
    view.setup(request, *match.args, **match.kwargs)
    if not view.has_permission():
        return None
    filterset = view.get_filterset(view.get_filterset_class())
    if filterset.is_bound and not filterset.is_valid():
        return None
    return filterset.qs


def _when(oldest, now: dt.datetime) -> str:
    if oldest is None:
        return "later"
    if isinstance(oldest, dt.datetime):
        local = timezone.localtime(oldest)
        if oldest < now:
            return "overdue"
        return "today" if local.date() == timezone.localtime(now).date() else "later"
    today = timezone.localtime(now).date()
    return "overdue" if oldest < today else "today" if oldest == today else "later"


def line_for(kind: Kind, user, now: dt.datetime | None = None) -> Line | None:
    now = now or timezone.now()
    qs = list_rows(kind, user, now)
    if qs is None:
        return None
    qs = qs.order_by()
    if isinstance(kind.deadline, str):
        agg = qs.aggregate(n=Count("pk"), oldest=Min(kind.deadline))
        count, oldest = agg["n"], agg["oldest"]
    else:
        count = qs.count()
        oldest = kind.deadline(qs, now) if (kind.deadline and count) else None
    return Line(kind=kind, count=count, oldest=oldest, url=url_of(kind, now), when=_when(oldest, now))


WHEN_ORDER = {"overdue": 0, "today": 1, "later": 2}


def workbench(user, now: dt.datetime | None = None) -> list[Line]:
    """The user's to-do lines with something in them: overdue first, then due today, then the rest
    (oldest deadline first within each)."""
    now = now or timezone.now()
    lines = [line for k in kinds() if (line := line_for(k, user, now)) is not None and line.count]

    def key(line: Line):
        oldest = line.oldest
        if isinstance(oldest, dt.datetime):
            stamp = oldest.timestamp()
        elif isinstance(oldest, dt.date):
            stamp = timezone.make_aware(dt.datetime.combine(oldest, dt.time())).timestamp()
        else:
            stamp = float("inf")
        return (WHEN_ORDER[line.when], stamp, line.kind.order)

    return sorted(lines, key=key)


def landing_for(user) -> str | None:
    """The url of the page the user lands on, or None for the workbench. A user who also holds a role
    without a landing of its own (a worker who is also a gate volunteer) keeps the workbench."""
    if not user.is_authenticated or user.is_superuser:
        return None
    roles = {s.role.code for s in user.active_scopes()}
    found = []
    for landing in sorted(_LANDINGS, key=lambda x: x.order):
        if landing.role is not None and landing.role not in roles:
            continue
        if landing.applies is not None and not landing.applies(user):
            continue
        found.append(landing)
    if not found:
        return None
    covered = {x.role for x in found}
    if None not in covered and roles - covered:
        return None
    return reverse(found[0].link)


def search(user, q: str) -> list[tuple[Search, list]]:
    """Every registered kind of record the user may see that matches `q`, with its hits."""
    out = []
    for s in searches():
        perms = (s.perm,) if isinstance(s.perm, str) else s.perm
        if not any(user.has_perm(p) for p in perms):
            continue
        hits = s.find(user, q)
        if hits:
            out.append((s, hits))
    return out
