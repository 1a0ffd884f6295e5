"""Rosters (排班): a week generated per community by the solver (workforce.rostering), and edits by hand —
add, remove, swap a worker on a shift — each checked against the rest rules from policy before anything is
written. Generated shifts are gates.PostShift rows (the one shift model of the product) with their worker."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.areas.models import Area, Level
from fangkong.core.audit import record, record_bulk, snapshot
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


def _may_roster(actor, community: Area) -> bool:
    return selectors.roster_communities(viewer=actor).filter(pk=community.pk).exists()


def _inputs(community: Area, monday: datetime.date, not_before: datetime.datetime):
    """The solver's plain data for one community: posts, workers, and the shifts kept from before."""
    from fangkong.gates.models import PostShift

    start, end = selectors.week_bounds(monday)
    posts = list(selectors.community_posts(community).select_related("place"))
    demands = [PostDemand(p.pk, p.name, p.staff_needed, frozenset(p.staffed_hours())) for p in posts]
    team = selectors.community_workers(community, monday=monday)
    ids = [w.pk for w, _d in team]
    # What stays: shifts under way or past, and shifts with a check-in; all others of the week are replaced.
    week = PostShift.objects.filter(post__in=posts, start__lt=end, end__gt=start)
    attended = set(Attendance.objects.filter(shift__in=week).values_list("shift_id", flat=True))
    replace_ids, kept = set(), []
    for s in week.only("id", "post_id", "start", "end", "worker_id"):
        if s.start >= not_before and s.id not in attended:
            replace_ids.add(s.id)
        else:
            kept.append(RosterShift(s.post_id, s.worker_id or 0, s.start, s.end))
    pad = datetime.timedelta(days=8)
    busy: dict[int, list] = {}
    for wid, s, e, sid in PostShift.objects.filter(
        worker_id__in=ids, start__lt=end + pad, end__gt=start - pad
    ).values_list("worker_id", "start", "end", "id"):
        if sid not in replace_ids:
            busy.setdefault(wid, []).append((s, e))
    tz = timezone.get_current_timezone()
    workers = []
    for w, days in team:
        mine = busy.get(w.pk, [])
        # Days worked in a row right before the week (from the kept shifts).
        streak, d = 0, monday - datetime.timedelta(days=1)
        worked = {timezone.localtime(s, tz).date() for s, _e in mine}
        while d in worked:
            streak += 1
            d -= datetime.timedelta(days=1)
        workers.append(WorkerAvailability(w.pk, w.name, days, tuple(mine), streak))
    return posts, demands, team, workers, replace_ids, kept


def rosters_generate(
    *,
    actor,
    communities: list[Area],
    monday: datetime.date,
    time_limit: float = 2.0,
    solver: str = "highs",
    now: datetime.datetime | None = None,
) -> list[RosterResult]:
    """The week's roster of each community (decomposed: the communities share no workers), written as
    PostShift rows in one transaction per community. Shifts that started already, or that someone checked
    in on, stay; the other shifts of the week are replaced."""
    from fangkong.gates.models import PostShift

    now = now or timezone.now()
    if monday.weekday() != 0:
        raise ValidationError({"week": _("A roster week starts on a Monday.")})
    tz = timezone.get_current_timezone()
    week_start, _week_end = selectors.week_bounds(monday)
    not_before = max(week_start, now)
    out = []
    for community in communities:
        if community.level != Level.COMMUNITY or not _may_roster(actor, community):
            raise ValidationError({"community": _("Choose a community in your jurisdiction.")})
        rules = selectors.roster_rules(community, at=now)
        with transaction.atomic():
            # One generation at a time per community (a double click queues behind the first).
            Area.objects.select_for_update().filter(pk=community.pk).first()
            posts, demands, team, workers, replace_ids, kept = _inputs(community, monday, not_before)
            solve = solve_roster if solver == "highs" else greedy_roster
            kwargs = {"time_limit": time_limit} if solver == "highs" else {}
            roster = solve(
                demands,
                workers,
                week_start=monday,
                tz=tz,
                rules=rules,
                not_before=not_before,
                kept=kept,
                **kwargs,
            )
            by_post = {p.pk: p for p in posts}
            by_worker = {w.pk: w for w, _d in team}
            removed = list(PostShift.objects.filter(pk__in=replace_ids).select_related("post", "worker"))
            if removed:
                record_bulk(
                    removed, ChangeLog.Action.DELETE, actor=actor, message=gettext_noop("roster regenerated")
                )
                PostShift.objects.filter(pk__in=replace_ids).delete()
            rows = [
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
            PostShift.objects.bulk_create(rows, batch_size=1000)
            record_bulk(rows, ChangeLog.Action.CREATE, actor=actor, message=gettext_noop("roster generated"))
            kept = PostShift.objects.filter(
                post__in=posts, start__lt=week_start + datetime.timedelta(days=7)
            ).filter(end__gt=week_start).count() - len(rows)
        out.append(RosterResult(community, monday, len(rows), len(removed), kept, roster, roster.shortfalls))
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
