"""Rosters (排班): a week generated per community by the solver (workforce.rostering), and edits by hand —
add, remove, swap a worker on a shift — each checked against the rest rules from policy before anything is
written. Generated shifts are gates.PostShift rows (the one shift model of the product) with their worker."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.areas.models import Area, Level
from fangkong.core.audit import _entry, record, snapshot
from fangkong.core.models import ChangeLog

from .. import selectors
from ..models import Attendance, Worker
from ..rostering import (
    PostDemand,
    Roster,
    RosterShift,
    Rules,
    WorkerAvailability,
    check_worker_shifts,
    greedy_roster,
    solve_roster,
)


@dataclass
class RosterResult:
    community: Area
    monday: datetime.date
    created: int
    removed: int
    kept: int
    roster: Roster
    shortfalls: list = field(default_factory=list)

    @property
    def message(self) -> str:
        """The shortfalls in the reader's language, naming the post and the hours."""
        if not self.roster.shortfalls:
            return ""
        parts = [
            _("%(post)s %(start)s–%(end)s short of %(n)s")
            % {
                "post": s.post_name,
                "start": timezone.localtime(s.start).strftime("%m-%d %H:%M"),
                "end": timezone.localtime(s.end).strftime("%H:%M"),
                "n": s.missing,
            }
            for s in self.roster.shortfalls[:12]
        ]
        more = len(self.roster.shortfalls) - 12
        if more > 0:
            parts.append(_("and %(n)s more") % {"n": more})
        return "; ".join(parts)


def _inputs(communities: list[Area], monday: datetime.date, not_before: datetime.datetime) -> dict:
    """The solver's plain data for many communities in a handful of queries: {community pk: (posts, demands,
    team, workers, replace_ids, kept)}."""
    from fangkong.core.scoping import path_q
    from fangkong.gates.models import Post, PostShift

    start, end = selectors.week_bounds(monday)
    find = selectors._community_of_path(communities)
    posts_of = defaultdict(list)
    for p in Post.objects.filter(path_q("area_path", [c.path for c in communities]), active=True).order_by(
        "name", "id"
    ):
        c = find(p.area_path)
        if c is not None:
            posts_of[c.pk].append(p)
    all_posts = [p for ps in posts_of.values() for p in ps]
    teams = selectors.community_teams(communities, monday=monday)
    ids = sorted({w.pk for team in teams.values() for w, _d in team})
    # What stays: shifts under way or past, and shifts with a check-in; all others of the week are replaced.
    from django.db.models import Exists, OuterRef

    week = list(
        PostShift.objects.filter(post_id__in=[p.pk for p in all_posts], start__lt=end, end__gt=start)
        .annotate(attended=Exists(Attendance.objects.filter(shift_id=OuterRef("pk"))))
        .values_list("id", "post_id", "start", "end", "worker_id", "attended")
    )
    post_home = {p.pk: find(p.area_path).pk for p in all_posts}
    replace_ids, replace_of, kept = set(), defaultdict(set), defaultdict(list)
    for sid, post_id, s, e, wid, attended in week:
        if s >= not_before and not attended:
            replace_ids.add(sid)
            replace_of[post_home[post_id]].add(sid)
        else:
            kept[post_home[post_id]].append(RosterShift(post_id, wid or 0, s, e))
    pad = datetime.timedelta(days=8)
    busy: dict[int, list] = defaultdict(list)
    for wid, s, e, sid in PostShift.objects.filter(
        worker_id__in=ids, start__lt=end + pad, end__gt=start - pad
    ).values_list("worker_id", "start", "end", "id"):
        if sid not in replace_ids:
            busy[wid].append((s, e))
    tz = timezone.get_current_timezone()
    out = {}
    for c in communities:
        posts = posts_of.get(c.pk, [])
        demands = [PostDemand(p.pk, p.name, p.staff_needed, frozenset(p.staffed_hours())) for p in posts]
        workers = []
        for w, days in teams.get(c.pk, []):
            mine = busy.get(w.pk, [])
            # Days worked in a row right before the week (from the kept shifts).
            streak, d = 0, monday - datetime.timedelta(days=1)
            worked = {timezone.localtime(s, tz).date() for s, _e in mine}
            while d in worked:
                streak += 1
                d -= datetime.timedelta(days=1)
            workers.append(WorkerAvailability(w.pk, w.name, days, tuple(mine), streak))
        out[c.pk] = (
            posts,
            demands,
            teams.get(c.pk, []),
            workers,
            replace_of.get(c.pk, set()),
            kept.get(c.pk, []),
        )
    return out


def rosters_generate(
    *,
    actor,
    communities: list[Area],
    monday: datetime.date,
    time_limit: float = 2.0,
    solver: str = "highs",
    now: datetime.datetime | None = None,
) -> list[RosterResult]:
    """The week's roster of each community, written as PostShift rows (with their change log) in one
    transaction. Decomposed: the communities share no workers, so each is its own small MIP; the reads and
    the writes are set-based over all of them. Shifts that started already, or that someone checked in on,
    stay; the other shifts of the week are replaced."""
    from fangkong.gates.models import PostShift

    now = now or timezone.now()
    if monday.weekday() != 0:
        raise ValidationError({"week": _("A roster week starts on a Monday.")})
    communities = list(communities)
    allowed = set(
        selectors.roster_communities(viewer=actor)
        .filter(pk__in=[c.pk for c in communities])
        .values_list("pk", flat=True)
    )
    if any(c.level != Level.COMMUNITY or c.pk not in allowed for c in communities):
        raise ValidationError({"community": _("Choose a community in your jurisdiction.")})
    tz = timezone.get_current_timezone()
    week_start, week_end = selectors.week_bounds(monday)
    # Shifts not yet started are replaced; the demand runs from the start of the shift under way (a post
    # left empty now gets its worker now; a shift someone is already on covers it).
    not_before = max(week_start, now)

    def demand_from(rules) -> datetime.datetime:
        local = timezone.localtime(now, tz)
        block = local.replace(
            hour=local.hour - local.hour % rules.shift_hours, minute=0, second=0, microsecond=0
        )
        return max(week_start, block)

    rules_of = selectors.roster_rules_many(communities, at=now)
    solve = solve_roster if solver == "highs" else greedy_roster
    kwargs = {"time_limit": time_limit} if solver == "highs" else {}
    out = []
    with transaction.atomic():
        # One generation at a time per community (a double click queues behind the first).
        list(Area.objects.select_for_update().filter(pk__in=[c.pk for c in communities]).values_list("pk"))
        inputs = _inputs(communities, monday, not_before)
        rows, replace, results = [], set(), []
        for c in communities:
            posts, demands, team, workers, replace_ids, kept = inputs[c.pk]
            roster = solve(
                demands,
                workers,
                week_start=monday,
                tz=tz,
                rules=rules_of[c.path],
                not_before=demand_from(rules_of[c.path]),
                kept=kept,
                **kwargs,
            )
            by_post = {p.pk: p for p in posts}
            by_worker = {w.pk: w for w, _d in team}
            mine = [
                PostShift(
                    post=by_post[s.post],
                    area_id=by_post[s.post].area_id,
                    area_path=by_post[s.post].area_path,
                    worker=by_worker[s.worker],
                    volunteer_id=by_worker[s.worker].user_id,
                    start=s.start,
                    end=s.end,
                )
                for s in roster.shifts
            ]
            rows += mine
            replace |= replace_ids
            results.append((c, roster, len(mine), len(replace_ids), len(kept)))
        if replace:
            PostShift.objects.filter(pk__in=replace).delete()
        PostShift.objects.bulk_create(rows, batch_size=2000)
        # One change-log entry per community and week (who generated it, when, how many shifts replaced and
        # written); the shifts themselves carry their worker and times. Edits by hand log each shift.
        entries = []
        for c, _roster, created, removed, _kept in results:
            entries.append(
                _entry(
                    c,
                    ChangeLog.Action.UPDATE,
                    actor=actor,
                    after={"week": monday.isoformat(), "shifts": created, "replaced": removed},
                    message=gettext_noop(
                        "roster of the week of %(week)s generated: %(n)s shifts (%(replaced)s replaced)"
                    ),
                    params={"week": monday.isoformat(), "n": created, "replaced": removed},
                )
            )
        ChangeLog.objects.bulk_create(entries, batch_size=2000)
    for c, roster, created, removed, kept in results:
        out.append(RosterResult(c, monday, created, removed, kept, roster, roster.shortfalls))
    return out


def roster_generate(
    *, actor, community: Area, monday: datetime.date, time_limit: float = 2.0, now=None
) -> RosterResult:
    return rosters_generate(
        actor=actor, communities=[community], monday=monday, time_limit=time_limit, now=now
    )[0]


# -- edits by hand ------------------------------------------------------------------------------------------


def _rule_errors(worker: Worker, *, start, end, rules: Rules, exclude: int | None = None) -> list[str]:
    """The rules that putting `worker` on [start, end) would newly break (those already broken are not theirs
    to fix here)."""
    tz = timezone.get_current_timezone()
    before = selectors.worker_intervals(worker.pk, around_start=start, around_end=end, exclude=exclude)
    old = set(check_worker_shifts(before, rules=rules, tz=tz))
    new = check_worker_shifts([*before, (start, end)], rules=rules, tz=tz)
    return [m for m in new if m not in old]


def _check(worker: Worker, *, post, start, end, rules: Rules, exclude: int | None = None) -> None:
    errors = _rule_errors(worker, start=start, end=end, rules=rules, exclude=exclude)
    if errors:
        raise ValidationError(
            _("%(worker)s cannot take this shift: %(rules)s")
            % {"worker": worker.name, "rules": "; ".join(_translate_rule(e) for e in errors)}
        )


def _translate_rule(message: str) -> str:
    """The checker's English sentence in the reader's language (its numbers kept)."""
    import re

    patterns = [
        (r"shifts overlap: (.+) and (.+)", _("overlaps another shift (%(a)s and %(b)s)"), ("a", "b")),
        (
            r"only (.+) h of rest between (.+) and (.+) \(at least (\d+) h\)",
            _("only %(h)s h of rest between %(a)s and %(b)s (at least %(min)s h)"),
            ("h", "a", "b", "min"),
        ),
        (
            r"(.+) h within 24 h from (.+) \(at most (\d+) h\)",
            _("%(h)s h within 24 h from %(a)s (at most %(max)s h)"),
            ("h", "a", "max"),
        ),
        (
            r"(.+) h in the week of (.+) \(at most (\d+) h\)",
            _("%(h)s h in the week of %(a)s (at most %(max)s h)"),
            ("h", "a", "max"),
        ),
        (
            r"(\d+) days in a row up to (.+) \(at most (\d+)\)",
            _("%(n)s days in a row up to %(a)s (at most %(max)s)"),
            ("n", "a", "max"),
        ),
    ]
    for pattern, text, names in patterns:
        m = re.fullmatch(pattern, message)
        if m:
            return text % dict(zip(names, m.groups(), strict=True))
    return message


def _post_in_scope(actor, post_id):
    from fangkong.gates.models import Post

    post = (
        Post.objects.visible_to(actor, "gates.add_postshift")
        .filter(pk=post_id, active=True)
        .select_related("place")
        .first()
    )
    if post is None:
        raise ValidationError({"post": _("No such post.")})
    return post


def _shift_in_scope(actor, shift_id, perm: str):
    from fangkong.gates.models import PostShift

    shift = (
        PostShift.objects.visible_to(actor, perm)
        .select_for_update(of=("self",))
        .select_related("post", "worker")
        .filter(pk=shift_id)
        .first()
    )
    if shift is None:
        raise ValidationError(_("No such shift."))
    return shift


def _worker_for_post(actor, worker_id, post, start: datetime.datetime) -> Worker:
    """A worker of the post's community team on that day; another community's id reads as unknown."""
    from .workers import community_of

    community = community_of(post.area)
    day = timezone.localtime(start).date()
    team = dict(
        (w.pk, (w, days)) for w, days in selectors.community_workers(community, monday=selectors.week_of(day))
    )
    try:
        worker, days = team[int(worker_id)]
    except (KeyError, TypeError, ValueError):
        raise ValidationError({"worker": _("No such worker in this community's team.")}) from None
    # Serialise edits of one worker's shifts (two planners at once cannot both break the rest rule).
    Worker.objects.select_for_update().filter(pk=worker.pk).first()
    if worker.health_status != Worker.Health.HEALTHY:
        raise ValidationError(
            {
                "worker": _("%(worker)s is not fit for duty (%(health)s).")
                % {"worker": worker.name, "health": worker.get_health_status_display()}
            }
        )
    if day not in days:
        _not_resting(worker, start, start + datetime.timedelta(minutes=1))
        raise ValidationError(
            {
                "worker": _("%(worker)s is not in this community's team on %(day)s.")
                % {"worker": worker.name, "day": day}
            }
        )
    return worker


def _not_resting(worker: Worker, start, end) -> None:
    from ..models import RestDay

    days = {timezone.localtime(start).date(), timezone.localtime(end - datetime.timedelta(seconds=1)).date()}
    if RestDay.objects.filter(worker=worker, date__in=days).exists():
        raise ValidationError({"worker": _("%(worker)s has a rest day then.") % {"worker": worker.name}})


@transaction.atomic
def roster_shift_add(
    *, actor, post_id: int, worker_id: int, start: datetime.datetime, end: datetime.datetime
):
    """Put a worker on a post from start to end, if the rest rules allow."""
    from fangkong.gates.models import PostShift

    if start is None or end is None or end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    if end - start > datetime.timedelta(hours=24):
        raise ValidationError({"end": _("A shift lasts at most 24 hours.")})
    post = _post_in_scope(actor, post_id)
    worker = _worker_for_post(actor, worker_id, post, start)
    _not_resting(worker, start, end)
    rules = selectors.roster_rules(post.area_path, at=start)
    _check(worker, post=post, start=start, end=end, rules=rules)
    shift = PostShift.objects.create(
        post=post,
        area_id=post.area_id,
        area_path=post.area_path,
        worker=worker,
        volunteer_id=worker.user_id,
        start=start,
        end=end,
    )
    record(shift, ChangeLog.Action.CREATE, actor=actor, message=gettext_noop("added to the roster"))
    return shift


@transaction.atomic
def roster_shift_remove(*, actor, shift_id: int) -> None:
    """Take a shift off the roster (not one someone already checked in on)."""
    shift = _shift_in_scope(actor, shift_id, "gates.delete_postshift")
    if Attendance.objects.filter(shift=shift).exists():
        raise ValidationError(_("Someone checked in on this shift: it stays on the roster."))
    record(shift, ChangeLog.Action.DELETE, actor=actor, message=gettext_noop("removed from the roster"))
    shift.delete()


@transaction.atomic
def roster_shift_swap(*, actor, shift_id: int, worker_id: int):
    """Give a shift to another worker, if the rest rules allow."""
    shift = _shift_in_scope(actor, shift_id, "gates.change_postshift")
    if Attendance.objects.filter(shift=shift).exists():
        raise ValidationError(_("Someone checked in on this shift: it cannot change hands."))
    worker = _worker_for_post(actor, worker_id, shift.post, shift.start)
    if worker.pk == shift.worker_id:
        raise ValidationError({"worker": _("%(worker)s is already on this shift.") % {"worker": worker.name}})
    _not_resting(worker, shift.start, shift.end)
    rules = selectors.roster_rules(shift.area_path, at=shift.start)
    _check(worker, post=shift.post, start=shift.start, end=shift.end, rules=rules, exclude=shift.pk)
    before = snapshot(shift)
    shift.worker = worker
    shift.volunteer_id = worker.user_id
    shift.save(update_fields=["worker", "volunteer", "updated_at"])
    record(
        shift,
        ChangeLog.Action.UPDATE,
        actor=actor,
        before=before,
        message=gettext_noop("swapped on the roster"),
    )
    return shift
