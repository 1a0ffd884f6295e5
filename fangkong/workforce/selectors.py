"""Reads of the workforce: always scoped by the viewer."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Q, QuerySet
from django.utils import timezone

from fangkong.areas.models import Area, Level

from .models import Assignment, Attendance, MissedCheckIn, PostCode, RestDay, Worker
from .rostering import Rules

ROSTER_PERM = "gates.add_postshift"

# -- rosters ----------------------------------------------------------------------------------------------


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
    days = [monday + datetime.timedelta(days=i) for i in range(7)]
    sunday = days[-1]
    assigned = defaultdict(list)
    for a in Assignment.objects.filter(
        Q(end__isnull=True) | Q(end__gte=monday), area_path=community.path, start__lte=sunday
    ).values("worker_id", "start", "end"):
        assigned[a["worker_id"]].append((a["start"], a["end"]))
    workers = Worker.objects.filter(status=Worker.Status.ACTIVE).filter(
        Q(pk__in=list(assigned)) | Q(area_path__startswith=community.path, assignments__isnull=True)
    )
    workers = list(workers.distinct().order_by("name", "id"))
    rest = defaultdict(set)
    for r in RestDay.objects.filter(worker__in=workers, date__gte=monday, date__lte=sunday).values(
        "worker_id", "date"
    ):
        rest[r["worker_id"]].add(r["date"])
    out = []
    for w in workers:
        if w.health_status != Worker.Health.HEALTHY:
            out.append((w, frozenset()))
            continue
        if w.pk in assigned:
            ok = {d for d in days for s, e in assigned[w.pk] if s <= d and (e is None or d <= e)}
        else:
            ok = set(days)
        out.append((w, frozenset(ok - rest[w.pk])))
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
