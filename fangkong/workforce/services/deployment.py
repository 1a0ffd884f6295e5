"""Deployment (下沉): needs stated by streets and communities, assignments to a community's team
("编入社区防控工作团队，同岗同责"), and the district's bulk assignment by criteria in one action.

`assign_by_criteria` is set-based: one read of the available workers, one aggregate per criterion over
the registry, one multi-row INSERT of the assignments, one UPDATE of the workers' teams (unnest arrays
on PostgreSQL) and the change log in one multi-row INSERT per model (4,500 workers to 400 communities
in a few seconds; bench/workforce.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.areas.models import Area, Level
from fangkong.core.audit import model_update, record, record_bulk
from fangkong.core.models import ChangeLog
from fangkong.core.scoping import ALL, path_q, scope_paths, user_can_see_path

from .. import selectors
from ..models import Assignment, DeploymentRequest, Duty, Skill, Worker
from ..selectors import on_assignment
from .workers import _actor, check_area

JOINED = gettext_noop("joined the community's prevention team (同岗同责)")


def clean_duties(duties) -> list[str]:
    duties = list(dict.fromkeys(duties or []))
    unknown = [d for d in duties if d not in Duty.values]
    if unknown:
        raise ValidationError({"duties": _("Unknown duty: %(d)s.") % {"d": "、".join(map(str, unknown))}})
    return duties


# -- requests ---------------------------------------------------------------------------------------------


@transaction.atomic
def request_create(
    *,
    actor,
    area: Area,
    count: int,
    duties=(),
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    note: str = "",
) -> DeploymentRequest:
    """A street's or community's need: how many workers, for which duties, from when."""
    check_area(actor, "workforce.add_deploymentrequest", area)
    if area.level not in (Level.STREET, Level.COMMUNITY):
        raise ValidationError({"area": _("A need is stated by a street or a community.")})
    try:
        count = int(count)
    except (TypeError, ValueError):
        count = 0
    if not 1 <= count <= 10_000:
        raise ValidationError({"count": _("Ask for 1 to 10,000 workers.")})
    start = start or timezone.localdate()
    if end is not None and end < start:
        raise ValidationError({"end": _("The end must be after the start.")})
    req = DeploymentRequest.objects.create(
        area=area,
        area_path=area.path,
        count=count,
        duties=clean_duties(duties),
        start=start,
        end=end,
        note=(note or "").strip()[:300],
        created_by=_actor(actor),
    )
    record(req, ChangeLog.Action.CREATE, actor=actor)
    return req


@transaction.atomic
def request_cancel(*, actor, request: DeploymentRequest) -> DeploymentRequest:
    request = DeploymentRequest.objects.select_for_update().get(pk=request.pk)
    check_area(actor, "workforce.change_deploymentrequest", request.area)
    if request.status != DeploymentRequest.Status.OPEN:
        raise ValidationError(_("Only an open request can be cancelled."))
    model_update(request, {"status": DeploymentRequest.Status.CANCELLED}, actor=actor)
    return request


def _refresh_requests(actor, request_ids) -> None:
    """Mark open requests filled once their open assignments reach the count."""
    from django.db.models import Count

    reqs = DeploymentRequest.objects.filter(pk__in=set(request_ids), status=DeploymentRequest.Status.OPEN)
    for req in reqs.annotate(n=Count("assignments", filter=Q(assignments__end__isnull=True))):
        if req.n >= req.count:
            model_update(req, {"status": DeploymentRequest.Status.FILLED}, actor=actor)


# -- one assignment ---------------------------------------------------------------------------------------


def _check_community(actor, area: Area) -> Area:
    check_area(actor, "workforce.add_assignment", area)
    if area.level != Level.COMMUNITY:
        raise ValidationError({"area": _("A worker joins a community's team: choose a community.")})
    return area


@transaction.atomic
def assignment_create(
    *,
    actor,
    worker: Worker,
    area: Area,
    duty: str = Duty.OTHER,
    start: datetime.date | None = None,
    request: DeploymentRequest | None = None,
) -> Assignment:
    """Put one worker into a community's team from `start`; an open assignment elsewhere ends then."""
    _check_community(actor, area)
    worker = Worker.objects.select_for_update().filter(pk=worker.pk).first()
    if worker is None or (
        actor is not None and not user_can_see_path(actor, "workforce.view_worker", worker.area_path)
    ):
        raise ValidationError({"worker": _("No such worker.")})
    if worker.status != Worker.Status.ACTIVE:
        raise ValidationError({"worker": _("Only an active worker can be assigned.")})
    if duty not in Duty.values:
        raise ValidationError({"duty": _("Unknown duty: %(d)s.") % {"d": duty}})
    if (
        request is not None
        and not request.area_path.startswith(area.path)
        and not area.path.startswith(request.area_path)
    ):
        raise ValidationError({"request": _("The request is not of this community.")})
    start = start or timezone.localdate()
    for old in Assignment.objects.filter(worker=worker, end__isnull=True):
        model_update(old, {"end": max(old.start, start)}, actor=actor, message=gettext_noop("reassigned"))
    a = Assignment.objects.create(
        worker=worker,
        area=area,
        area_path=area.path,
        request=request,
        duty=duty,
        start=start,
        assigned_by=_actor(actor),
    )
    record(a, ChangeLog.Action.CREATE, actor=actor)
    model_update(worker, {"area": area}, actor=actor, message=JOINED)
    if request is not None:
        _refresh_requests(actor, [request.pk])
    return a


@transaction.atomic
def assignment_end(*, actor, assignment: Assignment, end: datetime.date | None = None) -> Assignment:
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    check_area(actor, "workforce.change_assignment", assignment.area)
    if assignment.end is not None:
        raise ValidationError(_("This assignment has already ended."))
    end = end or timezone.localdate()
    if end < assignment.start:
        raise ValidationError({"end": _("The end must be after the start.")})
    model_update(assignment, {"end": end}, actor=actor)
    return assignment


# -- by criteria ------------------------------------------------------------------------------------------


@dataclass
class DeployResult:
    assigned: int = 0
    per_community: list[tuple[Area, int]] = field(default_factory=list)
    requests_filled: int = 0


def allocate(total: int, weights: list[float], caps: list[int] | None = None) -> list[int]:
    """`total` split over the weights (largest remainder), never above a cap; weights all zero share
    evenly. Pure, no queries."""
    n = len(weights)
    if n == 0 or total <= 0:
        return [0] * n
    caps = caps if caps is not None else [total] * n
    out = [0] * n
    left = min(total, sum(caps))
    open_idx = [i for i in range(n) if caps[i] > 0]
    while left > 0 and open_idx:
        w = [max(weights[i], 0.0) for i in open_idx]
        if sum(w) <= 0:
            w = [1.0] * len(open_idx)
        s = sum(w)
        shares = [left * x / s for x in w]
        give = [min(int(sh), caps[i] - out[i]) for sh, i in zip(shares, open_idx, strict=True)]
        rest = left - sum(give)
        order = sorted(
            range(len(open_idx)), key=lambda k: (-(shares[k] - int(shares[k])), -w[k], open_idx[k])
        )
        for k in order:
            if rest <= 0:
                break
            if give[k] < caps[open_idx[k]] - out[open_idx[k]]:
                give[k] += 1
                rest -= 1
        for k, i in enumerate(open_idx):
            out[i] += give[k]
        left -= sum(give)
        open_idx = [i for i in open_idx if out[i] < caps[i]]
        if sum(give) == 0:
            break
    return out


def available_workers(
    *, actor, within: Area | None = None, kind: str = "", level: str = "", skills=(), home_unit: str = ""
):
    """Active, healthy workers without an open assignment whom the actor may assign (their team inside
    the actor's jurisdiction for assignments, inside `within` when given)."""
    qs = Worker.objects.filter(status=Worker.Status.ACTIVE, health_status=Worker.Health.HEALTHY).exclude(
        on_assignment()
    )
    if actor is not None:
        paths = scope_paths(actor, "workforce.add_assignment")
        if paths is not ALL:
            qs = qs.filter(path_q("area_path", paths))
    if within is not None:
        qs = qs.filter(area_path__startswith=within.path)
    if kind:
        qs = qs.filter(kind=kind)
    if level:
        qs = qs.filter(level=level)
    if home_unit:
        qs = qs.filter(home_unit__icontains=home_unit)
    return qs


def _update_teams(moves: list[tuple[int, int, str]], now) -> None:
    """UPDATE the workers' area and path copy: (worker id, area id, area path), one statement."""
    if not moves:
        return
    if connection.vendor == "postgresql":
        ids, areas, paths = zip(*moves, strict=True)
        with connection.cursor() as cur:
            cur.execute(
                "UPDATE workforce_worker AS w SET area_id = v.area_id, area_path = v.path, updated_at = %s "
                "FROM unnest(%s::bigint[], %s::bigint[], %s::text[]) AS v(id, area_id, path) WHERE w.id = v.id",
                [now, list(ids), list(areas), list(paths)],
            )
        return
    by_area: dict[tuple[int, str], list[int]] = {}
    for wid, aid, path in moves:
        by_area.setdefault((aid, path), []).append(wid)
    for (aid, path), wids in by_area.items():
        for i in range(0, len(wids), 500):
            Worker.objects.filter(pk__in=wids[i : i + 500]).update(
                area_id=aid, area_path=path, updated_at=now
            )


@transaction.atomic
def assign_by_criteria(
    *,
    actor,
    count: int,
    criterion: str = "population",
    within: Area | None = None,
    communities=None,
    top: int | None = None,
    min_value: int = 0,
    kind: str = "",
    level: str = "",
    skills=(),
    home_unit: str = "",
    source: Area | None = None,
    duty: str = Duty.OTHER,
    start: datetime.date | None = None,
) -> DeployResult:
    """Pick `count` available workers (filters: kind, level, skills, home unit, from `source`) and
    distribute them over communities in one action: the chosen `communities`, else those of `within`
    (the actor's jurisdiction by default) ranked by `criterion` (selectors.CRITERIA: population,
    households not yet returned, people under observation, open requests) above `min_value`, the `top`
    first. Each community receives a share in proportion to its figure (open requests: at most its open
    need, linked to the request). All or nothing."""
    if criterion not in selectors.CRITERIA:
        raise ValidationError({"criterion": _("Unknown criterion.")})
    try:
        count = int(count)
    except (TypeError, ValueError):
        count = 0
    if not 1 <= count <= 100_000:
        raise ValidationError({"count": _("Assign 1 to 100,000 workers.")})
    if duty not in Duty.values:
        raise ValidationError({"duty": _("Unknown duty: %(d)s.") % {"d": duty}})
    unknown = [s for s in skills or () if s not in Skill.values]
    if unknown:
        raise ValidationError({"skills": _("Unknown skill: %(s)s.") % {"s": "、".join(map(str, unknown))}})
    start = start or timezone.localdate()
    if within is not None:
        check_area(actor, "workforce.add_assignment", within)
    if communities:
        targets = [_check_community(actor, a) for a in communities]
    else:
        targets = selectors.communities_for_assignment(viewer=actor, within=within)
    if not targets:
        raise ValidationError({"communities": _("No community of your jurisdiction matches.")})
    scores = selectors.community_scores(communities=targets, criteria=[criterion])[criterion]
    ranked = sorted(targets, key=lambda a: (-scores.get(a.pk, 0), a.path))
    if not communities:
        floor = max(int(min_value or 0), 0)
        if floor or criterion == "open_requests":
            ranked = [a for a in ranked if scores.get(a.pk, 0) > floor]
        if top:
            ranked = ranked[: max(int(top), 1)]
    if not ranked:
        raise ValidationError({"communities": _("No community meets the criterion.")})
    weights = [float(scores.get(a.pk, 0)) for a in ranked]
    caps = [int(scores.get(a.pk, 0)) for a in ranked] if criterion == "open_requests" else None
    shares = allocate(count, weights, caps)
    needed = sum(shares)
    if needed < count and criterion == "open_requests":
        raise ValidationError({"count": _("The open requests need only %(n)s workers.") % {"n": needed}})

    pool = available_workers(actor=actor, within=source, kind=kind, level=level, home_unit=home_unit)
    wanted = set(skills or ())
    if wanted:
        ids = [
            wid for wid, have in pool.order_by("id").values_list("id", "skills") if wanted <= set(have or [])
        ][:count]
    else:
        ids = list(pool.order_by("id").values_list("id", flat=True)[:count])
    if len(ids) < count:
        raise ValidationError(
            {"count": _("Only %(n)s available workers match the filters.") % {"n": len(ids)}}
        )
    # Lock the chosen rows; a worker assigned meanwhile by another action is refused by the constraint.
    workers = {w.pk: w for w in Worker.objects.select_for_update().filter(pk__in=ids)}
    befores = {pk: {"area": w.area_id, "area_path": w.area_path} for pk, w in workers.items()}

    # Each community's open requests, oldest first, take the workers it receives until they are met.
    open_reqs: dict[int, list[list]] = {}
    for req_id, area_id, remaining in selectors.open_request_needs(communities=ranked):
        open_reqs.setdefault(area_id, []).append([req_id, remaining])

    now = timezone.now()
    rows, moves, per, touched_reqs = [], [], [], set()
    it = iter(ids)
    by_area = {a.pk: a for a in ranked}
    for area, n in zip(ranked, shares, strict=True):
        if n <= 0:
            continue
        per.append((area, n))
        reqs = open_reqs.get(area.pk, [])
        for _i in range(n):
            wid = next(it)
            req_id = None
            while reqs and reqs[0][1] <= 0:
                reqs.pop(0)
            if reqs:
                req_id = reqs[0][0]
                reqs[0][1] -= 1
                touched_reqs.add(req_id)
            a = Assignment(
                worker_id=wid,
                area_id=area.pk,
                area_path=area.path,
                request_id=req_id,
                duty=duty,
                start=start,
                assigned_by=_actor(actor),
            )
            w = workers[wid]
            # The change log names each row (str: worker → community) from these, not a query per row.
            a._state.fields_cache["worker"], a._state.fields_cache["area"] = w, by_area[area.pk]
            rows.append(a)
            moves.append((wid, area.pk, area.path))
            w.area_id, w.area_path = area.pk, area.path
            w._state.fields_cache["area"] = by_area[area.pk]
    created = Assignment.objects.bulk_create(rows, batch_size=2000)
    _update_teams(moves, now)
    record_bulk(created, ChangeLog.Action.CREATE, actor=actor, message=gettext_noop("assigned by criteria"))
    record_bulk(
        list(workers.values()),
        ChangeLog.Action.UPDATE,
        actor=actor,
        befores=befores,
        message=JOINED,
        fields=("area", "area_path"),
    )
    filled_before = DeploymentRequest.objects.filter(
        pk__in=touched_reqs, status=DeploymentRequest.Status.FILLED
    ).count()
    _refresh_requests(actor, touched_reqs)
    filled = DeploymentRequest.objects.filter(
        pk__in=touched_reqs, status=DeploymentRequest.Status.FILLED
    ).count()
    return DeployResult(assigned=len(created), per_community=per, requests_filled=filled - filled_before)
