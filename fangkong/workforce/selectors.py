"""Reads of the workforce, always scoped: the registry (a street sees its workers, a community its team,
a worker themself), registrations to review, needs against supply, and the registry's criteria per
community for the district's assignment."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from fangkong.areas.models import STEP, Area, Level
from fangkong.core.scoping import ALL, path_q, scope_paths

from .models import (
    Assignment,
    Attendance,
    DeploymentRequest,
    MissedCheckIn,
    PostCode,
    RegistrationLink,
    RestDay,
    Worker,
)
from .rostering import Rules

# The registry's figures a community is ranked by for the district's assignment.
CRITERIA = {
    "population": "population",
    "not_returned": "households not yet returned",
    "under_observation": "people under observation",
    "open_requests": "open requests",
}


def criterion_choices():
    from django.utils.translation import gettext_lazy as _

    return [
        ("population", _("population")),
        ("not_returned", _("households not yet returned")),
        ("under_observation", _("people under observation")),
        ("open_requests", _("open requests")),
    ]


def on_assignment():
    """Workers with an open assignment (a condition for filter/exclude)."""
    return Exists(Assignment.objects.filter(worker=OuterRef("pk"), end__isnull=True))


# -- the registry ---------------------------------------------------------------------------------------


def worker_list(*, viewer, perm: str = "workforce.view_worker") -> QuerySet[Worker]:
    """The workers a viewer sees: those of their jurisdiction, and always their own record."""
    qs = Worker.objects.visible_to(viewer, perm)
    if viewer is not None and viewer.is_authenticated and scope_paths(viewer, perm) is not ALL:
        qs = Worker.objects.filter(Q(pk__in=qs.values("pk")) | Q(user=viewer))
    return qs


def worker_of(user) -> Worker | None:
    if user is None or not user.is_authenticated:
        return None
    return Worker.objects.filter(user=user).select_related("area").first()


def worker_search(qs: QuerySet[Worker], q: str) -> QuerySet[Worker]:
    """By name, unit, or exact phone or document number (their HMAC index)."""
    from fangkong.core import crypto
    from fangkong.core.identity import normalise_id, normalise_phone

    q = (q or "").strip()
    if not q:
        return qs
    cond = Q(name__icontains=q) | Q(home_unit__icontains=q)
    phone = normalise_phone(q)
    if phone.isdigit() and len(phone) == 11:
        cond |= Q(phone_hash=crypto.blind_index(phone, kind="phone"))
    number = normalise_id(q)
    if len(number) >= 5:
        cond |= Q(id_hash=crypto.blind_index(number, kind="id"))
    return qs.filter(cond)


def pending_registrations(*, viewer) -> QuerySet[Worker]:
    return (
        Worker.objects.visible_to(viewer, "workforce.change_worker")
        .filter(status=Worker.Status.PENDING)
        .select_related("area", "registration_link")
        .order_by("created_at", "id")
    )


def link_list(*, viewer) -> QuerySet[RegistrationLink]:
    return (
        RegistrationLink.objects.visible_to(viewer)
        .select_related("area")
        .annotate(registered=Count("registrations"))
    )


def open_requests(*, viewer) -> QuerySet[DeploymentRequest]:
    return DeploymentRequest.objects.visible_to(viewer).filter(status=DeploymentRequest.Status.OPEN)


def worker_assignments(*, viewer, worker: Worker) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(worker=worker)
        .select_related("area", "assigned_by")
        .order_by("-start", "-id")
    )


# -- criteria per community -------------------------------------------------------------------------------


def communities_for_assignment(*, viewer, within: Area | None = None) -> list[Area]:
    qs = Area.objects.filter(level=Level.COMMUNITY)
    if viewer is not None:
        paths = scope_paths(viewer, "workforce.add_assignment")
        if paths is not ALL:
            qs = qs.filter(path_q("path", paths))
    if within is not None:
        qs = qs.filter(path__startswith=within.path)
    return list(qs.order_by("path"))


def _by_prefix(qs, communities: list[Area], value) -> dict[int, int]:
    """Group `qs` (rows with area_path) by the community path prefix: {community id: value}."""
    out: dict[int, int] = {}
    by_len: dict[int, dict[str, int]] = defaultdict(dict)
    for a in communities:
        by_len[len(a.path)][a.path] = a.pk
    for length, paths in by_len.items():
        # One prefix filter per street (few) keeps the scan on the path index's range.
        streets = sorted({p[: length - STEP] for p in paths})
        rows = (
            qs.filter(path_q("area_path", streets))
            .annotate(prefix=Substr("area_path", 1, length))
            .values("prefix")
            .annotate(v=value)
            .values_list("prefix", "v")
        )
        for prefix, v in rows:
            if prefix in paths:
                out[paths[prefix]] = int(v or 0)
    return out


def community_scores(*, communities: list[Area], criteria=tuple(CRITERIA)) -> dict[str, dict[int, int]]:
    """{criterion: {community id: figure}} from the registry, one aggregate query per criterion."""
    from fangkong.people.models import Person, PersonStatus

    out: dict[str, dict[int, int]] = {}
    if not communities:
        return {c: {} for c in criteria}
    if "population" in criteria:
        out["population"] = _by_prefix(Person.objects.all(), communities, Count("id"))
    if "not_returned" in criteria:
        out["not_returned"] = _by_prefix(
            Person.objects.filter(return_status=Person.Return.NOT_RETURNED),
            communities,
            Count("area_id", distinct=True),
        )
    if "under_observation" in criteria:
        out["under_observation"] = _by_prefix(
            Person.objects.filter(
                status__in=[PersonStatus.HOME_OBSERVATION, PersonStatus.CENTRALIZED_OBSERVATION]
            ),
            communities,
            Count("id"),
        )
    if "open_requests" in criteria:
        need: dict[int, int] = defaultdict(int)
        for _req, area_id, remaining in open_request_needs(communities=communities):
            need[area_id] += remaining
        out["open_requests"] = dict(need)
    return out


def open_request_needs(*, communities: list[Area]) -> list[tuple[int, int, int]]:
    """(request id, community id, workers still needed) of the open requests stated by these
    communities, oldest first."""
    ids = [a.pk for a in communities]
    rows = []
    for i in range(0, len(ids), 1000):
        rows += list(
            DeploymentRequest.objects.filter(
                area_id__in=ids[i : i + 1000], status=DeploymentRequest.Status.OPEN
            )
            .annotate(n=Count("assignments", filter=Q(assignments__end__isnull=True)))
            .order_by("start", "id")
            .values_list("id", "area_id", "count", "n")
        )
    return [(rid, aid, count - n) for rid, aid, count, n in rows if count > n]


# -- needs against supply ---------------------------------------------------------------------------------


def needs_and_supply(*, viewer, within: Area | None = None) -> list[dict]:
    """Per street or community of the viewer's jurisdiction (the children of `within`, else of the
    viewer's own areas): workers requested (open requests), assigned (open assignments), in the team
    (active workers), pending registrations, and the gap."""
    paths = scope_paths(viewer, "workforce.view_deploymentrequest")
    if within is None:
        roots = Area.objects.filter(level__in=[Level.DISTRICT, Level.STREET, Level.COMMUNITY])
        if paths is not ALL:
            roots = roots.filter(path__in=paths)
        root = roots.order_by("path").first()
        if root is None:
            return []
        within = root
    if within.level == Level.COMMUNITY:
        areas = [within]
    else:
        areas = list(within.children.filter(level__in=[Level.STREET, Level.COMMUNITY]).order_by("path"))
    if paths is not ALL:
        areas = [a for a in areas if any(a.path.startswith(p) or p.startswith(a.path) for p in paths)]
    if not areas:
        return []
    length = len(areas[0].path)

    def grouped(qs, value) -> dict[str, int]:
        if paths is not ALL:
            qs = qs.filter(path_q("area_path", paths))
        rows = (
            qs.filter(area_path__startswith=within.path)
            .annotate(prefix=Substr("area_path", 1, length))
            .values("prefix")
            .annotate(v=value)
            .values_list("prefix", "v")
        )
        return {p: int(v or 0) for p, v in rows}

    requested = grouped(DeploymentRequest.objects.filter(status=DeploymentRequest.Status.OPEN), Sum("count"))
    assigned = grouped(Assignment.objects.filter(end__isnull=True), Count("id"))
    team = grouped(Worker.objects.filter(status=Worker.Status.ACTIVE), Count("id"))
    pending = grouped(Worker.objects.filter(status=Worker.Status.PENDING), Count("id"))
    out = []
    for a in areas:
        row = {
            "area": a,
            "requested": requested.get(a.path, 0),
            "assigned": assigned.get(a.path, 0),
            "team": team.get(a.path, 0),
            "pending": pending.get(a.path, 0),
        }
        row["gap"] = max(row["requested"] - row["assigned"], 0)
        out.append(row)
    return out


def supply_summary(*, viewer) -> dict:
    """Available workers (active, healthy, not on an open assignment) of the viewer's jurisdiction by kind."""
    qs = (
        Worker.objects.visible_to(viewer)
        .filter(status=Worker.Status.ACTIVE, health_status=Worker.Health.HEALTHY)
        .exclude(on_assignment())
    )
    counts = dict(qs.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return {
        "by_kind": [(label, counts.get(k, 0)) for k, label in Worker.Kind.choices],
        "total": sum(counts.values()),
    }


# == rosters and attendance (wf2) ==========================================================================

ROSTER_PERM = "gates.add_postshift"

# -- rosters ----------------------------------------------------------------------------------------------


ROSTER_KEYS = (
    "max_consecutive_days",
    "max_hours_per_day",
    "max_hours_per_week",
    "min_rest_hours",
    "shift_hours",
)


def roster_rules_many(areas, *, at: datetime.datetime | None = None) -> dict[str, Rules]:
    """{area path: Rules} for many areas in one query per key (policy_values_by_area)."""
    from fangkong.policies.selectors import PolicyMissing, policy_values_by_area, value_for_path

    values = {k: policy_values_by_area(f"workforce.{k}", at=at) for k in ROSTER_KEYS}
    out = {}
    for a in areas:
        path = a if isinstance(a, str) else a.path
        got = {}
        for k in ROSTER_KEYS:
            v = value_for_path(values[k], path)
            if v is None:
                raise PolicyMissing(f"no policy 'workforce.{k}' in force for this area")
            got[k] = int(v)
        out[path] = Rules(**got)
    return out


def roster_rules(area, *, at: datetime.datetime | None = None) -> Rules:
    """The rest and hour rules of rosters in `area` from policy (轮休, 003)."""
    from fangkong.policies.selectors import policy_value

    path = area if isinstance(area, str) else area.path

    def v(key):
        return int(policy_value(f"workforce.{key}", at=at, area=path))

    return Rules(
        max_consecutive_days=v("max_consecutive_days"),
        max_hours_per_day=v("max_hours_per_day"),
        max_hours_per_week=v("max_hours_per_week"),
        min_rest_hours=v("min_rest_hours"),
        shift_hours=v("shift_hours"),
    )


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of `day`'s week."""
    return day - datetime.timedelta(days=day.weekday())


def week_bounds(monday: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(monday, datetime.time(0), tzinfo=tz)
    return start, start + datetime.timedelta(days=7)


def roster_communities(*, viewer) -> QuerySet[Area]:
    """The communities whose rosters `viewer` may build (where they may add shifts)."""
    return Area.objects.visible_to(viewer, ROSTER_PERM).filter(level=Level.COMMUNITY).order_by("path")


def community_posts(community: Area) -> QuerySet:
    from fangkong.gates.models import Post

    return Post.objects.filter(area_path__startswith=community.path, active=True).order_by("name", "id")


def community_workers(community: Area, *, monday: datetime.date) -> list[tuple[Worker, frozenset]]:
    """The community's active workers with the days of the week they may work: the days an assignment puts
    them in this community (a worker with no assignment who belongs to the community: every day), less their
    rest days; none when they are not healthy."""
    return community_teams([community], monday=monday)[community.pk]


def _community_of_path(communities: list[Area]):
    by_path = {c.path: c for c in communities}
    lengths = sorted({len(p) for p in by_path}, reverse=True)

    def find(path: str):
        for n in lengths:
            c = by_path.get(path[:n])
            if c is not None:
                return c
        return None

    return find


def community_teams(
    communities: list[Area], *, monday: datetime.date
) -> dict[int, list[tuple[Worker, frozenset]]]:
    """`community_workers` of many communities in a handful of queries (the roster of a district's week)."""
    days = [monday + datetime.timedelta(days=i) for i in range(7)]
    sunday = days[-1]
    paths = [c.path for c in communities]
    find = _community_of_path(communities)
    assigned = defaultdict(list)  # (worker, community pk) → [(start, end)]
    for a in Assignment.objects.filter(
        Q(end__isnull=True) | Q(end__gte=monday), area_path__in=paths, start__lte=sunday
    ).values("worker_id", "area_path", "start", "end"):
        c = find(a["area_path"])
        if c is not None:
            assigned[(a["worker_id"], c.pk)].append((a["start"], a["end"]))
    by_worker = defaultdict(list)
    for (wid, cpk), spans in assigned.items():
        by_worker[wid].append((cpk, spans))
    ids = sorted(by_worker)
    workers = Worker.objects.filter(status=Worker.Status.ACTIVE).filter(
        Q(pk__in=ids) | (path_q("area_path", paths) & Q(assignments__isnull=True))
    )
    workers = list(workers.distinct().order_by("name", "id"))
    rest = defaultdict(set)
    for r in RestDay.objects.filter(
        worker__in=[w.pk for w in workers], date__gte=monday, date__lte=sunday
    ).values("worker_id", "date"):
        rest[r["worker_id"]].add(r["date"])
    out: dict[int, list] = {c.pk: [] for c in communities}
    for w in workers:
        homes = by_worker.get(w.pk, [])
        if not homes:
            home = find(w.area_path)
            if home is None:
                continue
            homes = [(home.pk, [(monday, None)])]
        for cpk, spans in homes:
            if w.health_status != Worker.Health.HEALTHY:
                out[cpk].append((w, frozenset()))
                continue
            ok = {d for d in days for s, e in spans if s <= d and (e is None or d <= e)}
            out[cpk].append((w, frozenset(ok - rest[w.pk])))
    return out


def roster_grid(*, viewer, community: Area, monday: datetime.date) -> dict:
    """The week by post and day: {"days": [...], "rows": [(post, [[shift, …] per day])], "count": n}."""
    from fangkong.gates.models import PostShift

    start, end = week_bounds(monday)
    posts = list(community_posts(community).visible_to(viewer, "gates.view_post"))
    shifts = (
        PostShift.objects.visible_to(viewer, "gates.view_postshift")
        .filter(post__in=posts, start__lt=end, end__gt=start)
        .select_related("worker", "volunteer")
        .order_by("start", "id")
    )
    attended = set(Attendance.objects.filter(shift__in=shifts).values_list("shift_id", flat=True))
    days = [monday + datetime.timedelta(days=i) for i in range(7)]
    by = defaultdict(list)
    n = 0
    for s in shifts:
        s.attended = s.pk in attended
        by[(s.post_id, timezone.localtime(s.start).date())].append(s)
        n += 1
    rows = [(p, [by.get((p.pk, d), []) for d in days]) for p in posts]
    return {"days": days, "rows": rows, "count": n}


def worker_intervals(
    worker_id: int,
    *,
    around_start: datetime.datetime,
    around_end: datetime.datetime,
    exclude: int | None = None,
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The worker's shifts near a period (eight days either side: enough for every rest rule)."""
    from fangkong.gates.models import PostShift

    pad = datetime.timedelta(days=8)
    qs = PostShift.objects.filter(worker_id=worker_id, start__lt=around_end + pad, end__gt=around_start - pad)
    if exclude:
        qs = qs.exclude(pk=exclude)
    return list(qs.values_list("start", "end"))


def uncovered_posts(*, viewer, now: datetime.datetime | None = None, hours: int = 24) -> list[tuple]:
    """(post, [(hour start, missing)]) of the active posts `viewer` sees whose staffed hours in the next
    `hours` hours have fewer workers rostered than they need."""
    from fangkong.gates.models import Post, PostShift

    now = now or timezone.now()
    top = now.replace(minute=0, second=0, microsecond=0)
    until = top + datetime.timedelta(hours=hours)
    posts = list(
        Post.objects.visible_to(viewer, "gates.view_post").filter(active=True).order_by("area_path", "name")
    )
    if not posts:
        return []
    cover = defaultdict(list)
    for post_id, s, e in PostShift.objects.filter(post__in=posts, start__lt=until, end__gt=top).values_list(
        "post_id", "start", "end"
    ):
        cover[post_id].append((s, e))
    out = []
    for p in posts:
        staffed = set(p.staffed_hours())
        short = []
        t = top
        while t < until:
            if timezone.localtime(t).hour in staffed:
                # An hour is covered by a worker when one of their shifts spans the whole hour.
                n = sum(1 for s, e in cover[p.pk] if s <= t and e >= t + datetime.timedelta(hours=1))
                if n < p.staff_needed:
                    short.append((t, p.staff_needed - n))
            t += datetime.timedelta(hours=1)
        if short:
            out.append((p, short))
    return out


def uncovered_post_ids(*, viewer, now: datetime.datetime | None = None) -> list[int]:
    return [p.pk for p, _short in uncovered_posts(viewer=viewer, now=now)]


# -- attendance ---------------------------------------------------------------------------------------------


def post_code_current(post) -> PostCode | None:
    return PostCode.objects.filter(post=post, active=True).first()


def post_code_resolve(token: str) -> PostCode | None:
    """The code a scanned token names, active or revoked (the check-in page tells the two apart)."""
    if not token or len(token) > 64:
        return None
    return PostCode.objects.select_related("post", "post__place").filter(token=token).first()


def shift_now(*, worker: Worker, post, at: datetime.datetime, early_minutes: int = 30):
    """The worker's shift on `post` under way at `at` (or starting within `early_minutes`)."""
    from fangkong.gates.models import PostShift

    return (
        PostShift.objects.filter(
            worker=worker, post=post, start__lte=at + datetime.timedelta(minutes=early_minutes), end__gt=at
        )
        .order_by("start")
        .first()
    )


def shift_now_of_user(*, user_id, post, at: datetime.datetime, early_minutes: int = 30):
    """`shift_now` found by the worker's user account (with the worker), in one query."""
    from fangkong.gates.models import PostShift

    if not user_id:
        return None
    return (
        PostShift.objects.select_related("worker")
        .filter(
            worker__user_id=user_id,
            post=post,
            start__lte=at + datetime.timedelta(minutes=early_minutes),
            end__gt=at,
        )
        .order_by("start")
        .first()
    )


def open_attendance(*, worker: Worker, post) -> Attendance | None:
    return (
        Attendance.objects.filter(worker=worker, shift__post=post, checked_out_at__isnull=True)
        .select_related("shift")
        .order_by("-checked_in_at")
        .first()
    )


def on_duty(*, place=None, post=None, at: datetime.datetime | None = None) -> list[Attendance]:
    """Who is on the post (or at the place's posts) now: checked in, not out, on a shift under way."""
    at = at or timezone.now()
    qs = Attendance.objects.filter(
        checked_out_at__isnull=True, checked_in_at__lte=at, shift__end__gt=at
    ).select_related("worker", "shift", "shift__post")
    if post is not None:
        qs = qs.filter(shift__post=post)
    elif place is not None:
        qs = qs.filter(shift__post__place=place)
    else:
        return []
    return list(qs.order_by("shift__post__name", "checked_in_at"))


def attendance_figures(
    *, viewer, day: datetime.date | None = None, now: datetime.datetime | None = None
) -> dict:
    """Today's (or `day`'s) shifts that have started by now and how many were checked in: the attendance
    rate the community's attendance page shows."""
    from fangkong.gates.models import PostShift

    now = now or timezone.now()
    day = day or timezone.localdate(now)
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time(0), tzinfo=tz)
    end = min(start + datetime.timedelta(days=1), now)
    shifts = PostShift.objects.visible_to(viewer, "gates.view_postshift").filter(
        worker__isnull=False, start__gte=start, start__lt=end
    )
    due = shifts.count()
    attended = Attendance.objects.filter(shift__in=shifts).values("shift_id").distinct().count()
    late = Attendance.objects.filter(shift__in=shifts, late=True).count()
    return {
        "day": day,
        "due": due,
        "attended": attended,
        "late": late,
        "missed": due - attended,
        "rate": round(100 * attended / due) if due else None,
    }


def attendance_list(*, viewer) -> QuerySet[Attendance]:
    return Attendance.objects.visible_to(viewer).select_related("worker", "shift", "shift__post")


def missed_list(*, viewer) -> QuerySet[MissedCheckIn]:
    return MissedCheckIn.objects.visible_to(viewer).select_related("worker", "shift", "shift__post")
