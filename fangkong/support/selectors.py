"""Reads of the support app, always through visible_to(viewer); the resident's signed link; the figures
of a closure per day (the chart and the leadership briefing read the same function)."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict

from django.core import signing
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from fangkong.areas.models import Area, Level

from .models import (
    DONE_STATES,
    KIND_TEAM,
    OPEN_STATES,
    Closure,
    DoorKnock,
    Request,
    RequestKind,
    RequestState,
    TeamMember,
)

BUILDING_PATH_LEN = 24  # city, district, street, community, grid, building: 4 characters each
LINK_SALT = "fangkong.support.household"
LINK_MAX_AGE = 60 * 60 * 24 * 30  # a household's link lasts a month; a new QR is printed after that


# -- the household's signed link ------------------------------------------------------------------------


def household_token(closure: Closure, household: Area) -> str:
    return signing.dumps({"c": closure.pk, "h": household.pk}, salt=LINK_SALT, compress=True)


def household_from_token(token: str) -> tuple[str, Closure | None, Area | None]:
    """("ok", closure, household), or ("expired" | "invalid", None, None)."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        return "expired", None, None
    except signing.BadSignature:
        return "invalid", None, None
    if not isinstance(data, dict):
        return "invalid", None, None
    closure = Closure.objects.filter(pk=data.get("c")).first()
    household = Area.objects.filter(pk=data.get("h"), level=Level.HOUSEHOLD).first()
    if closure is None or household is None or not household.path.startswith(closure.area_path):
        return "invalid", None, None
    return "ok", closure, household


# -- lists -------------------------------------------------------------------------------------------------


def overdue_first(qs: QuerySet[Request], now=None) -> QuerySet[Request]:
    """Urgent, then vulnerable (priority), then overdue, then by deadline."""
    now = now or timezone.now()
    return qs.annotate(
        late=Case(
            When(state__in=OPEN_STATES, deadline__lt=now, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("priority", "late", "deadline", "pk")


def request_list(*, viewer, perm: str | None = None) -> QuerySet[Request]:
    return Request.objects.visible_to(viewer, perm).select_related("area", "closure", "assignee", "person")


def closure_list(*, viewer) -> QuerySet[Closure]:
    return Closure.objects.visible_to(viewer).select_related("area")


def board(*, viewer, closure: Closure, state: str = "", kind: str = "", limit: int = 150) -> dict:
    """The team lead's board. Urgent and overdue requests of the whole closure come first, in their own
    list across buildings (urgent, then overdue, vulnerable households first); then the other requests by
    building (the household's building), the buildings in the order of their most pressing request, so a
    vulnerable household comes first whichever building it lives in. One query for the rows, one for the
    counts, one for the buildings."""
    qs = request_list(viewer=viewer).filter(closure=closure)
    if kind:
        qs = qs.filter(kind=kind)
    counts = dict(qs.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    if state:
        qs = qs.filter(state=state)
    else:
        qs = qs.filter(state__in=OPEN_STATES)
    now = timezone.now()
    # The limit keeps what must be seen: urgent, then overdue, then vulnerable households, then the rest.
    rows = list(overdue_first(qs, now=now).order_by("-urgent", "late", "priority", "deadline", "pk")[:limit])
    kinds = {k: str(v) for k, v in RequestKind.choices}
    states = {k: str(v) for k, v in RequestState.choices}
    building_paths = {r.area_path[:BUILDING_PATH_LEN] for r in rows}
    found = Area.objects.filter(path__in=building_paths).values_list("path", "name", "pk")
    names = {p: n for p, n, _pk in found}
    ids = {p: pk for p, _n, pk in found}
    for r in rows:  # labels looked up once per value, not translated again for every row
        r.kind_label, r.state_label = kinds[r.kind], states[r.state]
        r.building_name = names.get(r.area_path[:BUILDING_PATH_LEN], "")
    # One order for the whole board: urgent first, then overdue; each part vulnerable households first.
    attention = sorted(
        (r for r in rows if r.urgent or r.overdue),
        key=lambda r: (not r.urgent, not r.vulnerable, r.deadline, r.pk),
    )
    by_building = defaultdict(list)
    for r in rows:  # `rows` is in the board's order: a building comes where its first request does
        if not (r.urgent or r.overdue):
            by_building[r.area_path[:BUILDING_PATH_LEN]].append(r)
    buildings = [
        {"path": p, "name": names.get(p, p), "id": ids.get(p), "requests": reqs}
        for p, reqs in by_building.items()
    ]
    total_open = sum(n for s, n in counts.items() if (s == state if state else s in OPEN_STATES))
    return {
        "counts": counts,
        "attention": attention,
        "buildings": buildings,
        "shown": len(rows),
        "total_open": total_open,
    }


def default_members(members: list[TeamMember]) -> dict[str, TeamMember | None]:
    """The member each request type goes to by default: the first member (the lead first) of the team
    whose duty the type is; nobody where that team has no member yet."""
    first: dict[str, TeamMember] = {}
    for m in members:
        first.setdefault(m.team.kind, m)
    return {k: first.get(team) for k, team in KIND_TEAM.items()}


def negative_hours(closure: Closure) -> int | None:
    """The policy's window for a serving resident's negative test, in hours as the notices say it
    ("48小时内核酸阴性"); the policy counts it in days."""
    from fangkong.policies.selectors import PolicyMissing, policy_value

    from .services.common import NEGATIVE_DAYS_KEY

    try:
        return int(policy_value(NEGATIVE_DAYS_KEY, at=timezone.now(), area=closure.area)) * 24
    except PolicyMissing:
        return None


def members_of(closure: Closure) -> QuerySet[TeamMember]:
    return (
        TeamMember.objects.filter(team__closure=closure, active=True)
        .select_related("team")
        .order_by("team__kind", "-lead", "name")
    )


def runner_tasks(*, user) -> QuerySet[Request]:
    """A runner's tasks: open or delivered-today requests assigned to any team membership of the user."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return overdue_first(
        Request.objects.filter(assignee__user=user, assignee__active=True)
        .filter(Q(state__in=OPEN_STATES) | Q(state__in=DONE_STATES, delivered_at__gte=today))
        .select_related("area__parent", "closure")
        .prefetch_related("steps")
    )


def runner_requests(*, user) -> QuerySet[Request]:
    """The requests a runner may act on by id: their own tasks, and those of the areas where they may see
    requests (then the service answers "assigned to someone else" inside their own community). An id outside
    both answers like a missing one."""
    from fangkong.core.scoping import ALL, path_q, scope_paths

    paths = scope_paths(user, "support.view_request")
    if paths is ALL:
        return Request.objects.all()
    mine = Q(assignee__user=user) if user is not None and user.is_authenticated else Q(pk__in=[])
    if paths:
        mine |= path_q("area_path", paths)
    return Request.objects.filter(mine)


def closure_of_user(user) -> QuerySet[Closure]:
    return Closure.objects.filter(teams__members__user=user, teams__members__active=True).distinct()


def knock_list(*, viewer, closure: Closure) -> QuerySet[DoorKnock]:
    return DoorKnock.objects.visible_to(viewer).filter(closure=closure).select_related("area", "entrance")


# -- figures -------------------------------------------------------------------------------------------------


def _figures(requests: list[dict], knocks: int, day: datetime.date, at: datetime.datetime) -> dict:
    by_kind = defaultdict(int)
    by_state = defaultdict(int)
    medicine = same_day = delivered_today = overdue = 0
    durations = []
    for r in requests:
        made = timezone.localdate(r["created_at"]) == day
        if made:
            by_kind[r["kind"]] += 1
        if r["state"] in OPEN_STATES and r["deadline"] < at:
            overdue += 1
        if r["kind"] == RequestKind.MEDICINE and made:
            medicine += 1
        if r["delivered_at"] and timezone.localdate(r["delivered_at"]) == day:
            delivered_today += 1
            durations.append((r["delivered_at"] - r["created_at"]).total_seconds() / 60)
            if timezone.localdate(r["created_at"]) == day:
                same_day += 1
        by_state[r["state"]] += 1
    return {
        "requests": sum(by_kind.values()),
        "by_kind": {k: by_kind.get(k, 0) for k in RequestKind.values},
        "by_state": {s: by_state.get(s, 0) for s in RequestState.values},
        "medicine_orders": medicine,
        "delivered": delivered_today,
        "delivered_same_day": same_day,
        "same_day_share": round(same_day / delivered_today, 3) if delivered_today else None,
        "median_minutes": round(statistics.median(durations)) if durations else None,
        "overdue": overdue,
        "vulnerable_visited": knocks,
    }


def closure_figures(closure: Closure, day: datetime.date) -> dict:
    """A closure's figures for one day: requests filed that day by type, every request of the closure by
    state (as of now), medicine orders filed that day, deliveries that day with the median minutes from
    filing to delivery and the share filed and delivered the same day, open requests past their deadline
    (at the end of that day, or now for today), vulnerable households visited by the door-knock action."""
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0)))
    at = min(timezone.now(), end)
    rows = list(
        Request.objects.filter(closure=closure, created_at__lt=end).values(
            "kind", "state", "created_at", "deadline", "delivered_at"
        )
    )
    knocks = (
        DoorKnock.objects.filter(closure=closure, vulnerable=True, visited_at__lt=end)
        .exclude(outcome=DoorKnock.Outcome.PENDING)
        .count()
    )
    return _figures(rows, knocks, day, at)


def closure_series(closure: Closure, *, days: int = 14) -> dict:
    """The chart: each day from the closure's start (at most `days`) with its figures."""
    today = timezone.localdate()
    first = max(timezone.localdate(closure.start), today - datetime.timedelta(days=days - 1))
    last = min(today, timezone.localdate(closure.ended_at)) if closure.ended_at else today
    out = []
    d = first
    while d <= last:
        out.append({"day": d.isoformat(), **closure_figures(closure, d)})
        d += datetime.timedelta(days=1)
    return {"days": out, "kinds": [[k, str(lbl)] for k, lbl in RequestKind.choices]}


def households_by_phone(*, viewer, phone: str) -> list[dict]:
    """The phone line's lookup: households of residents whose phone is the caller's (exact, through the
    HMAC index), or whose name matches, among the households the operator may file requests for."""
    from fangkong.core import crypto
    from fangkong.core.identity import normalise_phone
    from fangkong.people.models import Person

    people = Person.objects.visible_to(viewer, "support.add_request").select_related("area__parent__parent")
    digits = normalise_phone(phone) if any(ch.isdigit() for ch in phone) else ""
    if digits:
        people = people.filter(phone_hash=crypto.blind_index(digits, kind="phone"))
    else:
        people = people.filter(Q(name=phone) | Q(name_initials=phone.lower()))
    out, seen = [], set()
    for p in people[:20]:
        if p.area_id in seen:
            continue
        seen.add(p.area_id)
        h = p.area
        out.append(
            {
                "household": h.pk,
                "label": f"{h.parent.parent.name} {h.parent.name} {h.name}"
                if h.parent and h.parent.parent
                else h.name,
                "name": p.name,
                "vulnerable": p.vulnerable_entries.filter(active=True).exists(),
            }
        )
    return out


def stock(closure: Closure) -> list[dict]:
    """Stock per checkpoint and item: received, distributed, left; `short` when nothing is left."""
    from django.db.models import Sum

    from .models import Distribution, SupplyLot

    got = (
        SupplyLot.objects.filter(closure=closure)
        .values("checkpoint_id", "checkpoint__name", "item")
        .annotate(n=Sum("quantity"))
    )
    out = {
        (r["checkpoint_id"], r["item"]): {
            "checkpoint": r["checkpoint__name"],
            "item": r["item"],
            "received": r["n"],
            "distributed": 0,
        }
        for r in got
    }
    for r in (
        Distribution.objects.filter(closure=closure)
        .values("checkpoint_id", "item")
        .annotate(n=Sum("quantity"))
    ):
        if (r["checkpoint_id"], r["item"]) in out:
            out[(r["checkpoint_id"], r["item"])]["distributed"] = r["n"]
    rows = list(out.values())
    for r in rows:
        r["left"] = r["received"] - r["distributed"]
        r["short"] = r["left"] <= 0
    return sorted(rows, key=lambda r: (r["checkpoint"], r["item"]))


def distributions_by_building(closure: Closure) -> list[dict]:
    from django.db.models import Sum

    from .models import Distribution

    return list(
        Distribution.objects.filter(closure=closure)
        .values("area_id", "area__name", "item")
        .annotate(n=Sum("quantity"))
        .order_by("area__name", "item")
    )
