"""Rule checks: every room against the dormitory rules in one set-based pass, the diff against the open
violations (new ones recorded, those no longer found resolved, those judged under another version
re-stamped), the policy governor's preview and re-evaluation, and the on-site check of a daily report."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from fangkong.core.audit import record
from fangkong.core.models import ChangeLog

from .. import rules as R
from ..models import Room, Violation, Workplace

CHUNK = 5000


@dataclass
class Change:
    room_id: int | None
    workplace_id: int
    area_path: str
    rule: str
    kind: str  # "new", "resolved", "restamped"
    value: object = None
    limit: object = None


@dataclass
class RecheckResult:
    checked: int = 0  # rooms looked at
    found: int = 0  # violations found by this pass
    new: int = 0
    resolved: int = 0
    restamped: int = 0  # still breaking, now judged by another version or limit
    changes: list[Change] = field(default_factory=list)

    @property
    def moved(self) -> int:
        return self.new + self.resolved + self.restamped


def evaluate(rooms=None, *, limits: dict) -> dict[tuple[int, str], tuple]:
    """The violations of `rooms` (a Room queryset; None: every room) under `limits`: one query for the
    rooms that break some rule, then the exact per-room judgement (rules.evaluate_room).
    Returns {(room id, rule): (workplace id, area id, area path, value, limit, policy id)}."""
    qs = Room.objects.all() if rooms is None else rooms
    aliases, breaking = R.breaking_q(limits)
    rows = (
        qs.alias(**aliases)
        .filter(breaking)
        .values_list(
            "id",
            "workplace_id",
            "area_id",
            "area_path",
            "dormitory__underground",
            "floor_area",
            "occupants",
            "bunks",
        )
        .order_by()
    )
    per_path: dict[str, dict] = {}
    out = {}
    for rid, wid, aid, path, ug, area, occ, bunks in rows.iterator(chunk_size=CHUNK):
        lim = per_path.get(path)
        if lim is None:
            lim = per_path[path] = R.limits_for_path(limits, path)
        for f in R.evaluate_room(underground=ug, floor_area=area, occupants=occ, bunks=bunks, limits=lim):
            out[(rid, f.rule)] = (wid, aid, path, f.value, f.limit, lim[f.rule].policy_id)
    return out


def _open(rooms=None):
    qs = Violation.objects.filter(resolved_at__isnull=True, room__isnull=False, rule__in=R.ROOM_KEYS)
    if rooms is not None:
        qs = qs.filter(room__in=rooms.values("pk"))
    return {
        (room_id, rule): (pk, wid, path, value, limit, policy_id)
        for pk, room_id, rule, wid, path, value, limit, policy_id in qs.values_list(
            "pk", "room_id", "rule", "workplace_id", "area_path", "value", "limit", "policy_id"
        ).order_by()
    }


def _diff(found: dict, open_: dict, sample: int | None) -> tuple[RecheckResult, list, list, list]:
    res = RecheckResult(found=len(found))
    new = [k for k in found if k not in open_]
    gone = [k for k in open_ if k not in found]
    restamp = [
        k
        for k in found
        if k in open_ and (found[k][4], found[k][5], found[k][3]) != (open_[k][4], open_[k][5], open_[k][3])
    ]
    res.new, res.resolved, res.restamped = len(new), len(gone), len(restamp)
    keep = sample if sample is not None else 10**9
    for kind, keys, src in (("new", new, found), ("resolved", gone, open_), ("restamped", restamp, found)):
        for k in keys[:keep]:
            row = src[k]
            if kind == "resolved":
                res.changes.append(Change(k[0], row[1], row[2], k[1], kind, row[3], row[4]))
            else:
                res.changes.append(Change(k[0], row[0], row[2], k[1], kind, row[3], row[4]))
    return res, new, gone, restamp


def _detail(rule: str, value, limit) -> str:
    """A language-neutral record of what was found (the page words it from rule, value and limit)."""
    if value is None:
        return rule
    return f"{rule}: {value} / {limit}"


@transaction.atomic
def rules_check(
    *, actor=None, rooms=None, at: datetime.datetime | None = None, sample: int = 0
) -> RecheckResult:
    """Check `rooms` (None: every room of every workplace) against the rules in force at `at` and bring
    the open violations in line: the set-based pass, then bulk inserts and updates."""
    now = timezone.now()
    limits = R.limits_by_area(at=at or now)
    found = evaluate(rooms, limits=limits)
    open_ = _open(rooms)
    res, new, gone, restamp = _diff(found, open_, sample)
    res.checked = (Room.objects.all() if rooms is None else rooms).count() if sample else 0
    _insert(
        [
            (
                found[k][1],
                found[k][2],
                found[k][0],
                k[0],
                k[1],
                found[k][5],
                found[k][3],
                found[k][4],
                _detail(k[1], found[k][3], found[k][4]),
            )
            for k in new
        ],
        now,
    )
    gone_ids = [open_[k][0] for k in gone]
    for i in range(0, len(gone_ids), CHUNK):
        Violation.objects.filter(pk__in=gone_ids[i : i + CHUNK]).update(
            resolved_at=now, resolved_reason=gettext_noop("no longer found on re-check"), updated_at=now
        )
    if restamp:
        _restamp(
            [
                (open_[k][0], found[k][5], found[k][4], found[k][3], _detail(k[1], found[k][3], found[k][4]))
                for k in restamp
            ],
            now,
        )
    return res


def _insert(rows: list[tuple], now) -> None:
    """New violations: (area id, area path, workplace id, room id, rule, policy id, value, limit, detail)
    rows in one INSERT ... SELECT FROM unnest(...) on PostgreSQL, bulk_create elsewhere."""
    from django.db import connection

    if not rows:
        return
    if connection.vendor == "postgresql":
        t = Violation._meta.db_table
        cols = [list(c) for c in zip(*rows, strict=True)]
        with connection.cursor() as cur:
            cur.execute(
                f"""INSERT INTO {t} (created_at, updated_at, area_id, area_path, workplace_id, room_id, rule,
                                     policy_id, value, "limit", detail, found_at, resolved_reason)
                    SELECT %s, %s, x.a, x.p, x.w, x.r, x.rule, x.pid, x.val, x.lim, x.det, %s, ''
                    FROM unnest(%s::bigint[], %s::text[], %s::bigint[], %s::bigint[], %s::text[], %s::bigint[],
                                %s::numeric[], %s::numeric[], %s::text[])
                         AS x(a, p, w, r, rule, pid, val, lim, det)""",
                [now, now, now, *cols],
            )
        return
    Violation.objects.bulk_create(
        [
            Violation(
                area_id=a,
                area_path=p,
                workplace_id=w,
                room_id=r,
                rule=rule,
                policy_id=pid,
                value=val,
                limit=lim,
                detail=det,
                found_at=now,
            )
            for a, p, w, r, rule, pid, val, lim, det in rows
        ],
        batch_size=2000,
    )


def _restamp(rows: list[tuple], now) -> None:
    """Violations still found, now under another version or limit: (id, policy id, limit, value,
    detail) rows in one UPDATE ... FROM unnest(...) on PostgreSQL (Django's bulk_update builds a CASE
    per row: seconds for 100,000), bulk_update elsewhere."""
    from django.db import connection

    if connection.vendor == "postgresql":
        ids, pids, limits, values, details = (list(c) for c in zip(*rows, strict=True))
        t = Violation._meta.db_table
        with connection.cursor() as cur:
            cur.execute(
                f"""UPDATE {t} v SET policy_id = x.pid, "limit" = x.lim, value = x.val, detail = x.det,
                           updated_at = %s
                    FROM unnest(%s::bigint[], %s::bigint[], %s::numeric[], %s::numeric[], %s::text[])
                         AS x(id, pid, lim, val, det)
                    WHERE v.id = x.id""",
                [now, ids, pids, limits, values, details],
            )
        return
    objs = [
        Violation(pk=pk, policy_id=pid, limit=lim, value=val, detail=det, updated_at=now)
        for pk, pid, lim, val, det in rows
    ]
    Violation.objects.bulk_update(objs, ["policy", "value", "limit", "detail", "updated_at"], batch_size=2000)


# ---------------------------------------------------------------- the policy governor


@dataclass
class RulesPreview:
    """What a new version of a rule key would change in the violations (policies' preview page)."""

    key: str
    new_value: object
    governed: int = 0  # rooms the key applies to
    found: int = 0
    new: int = 0
    resolved: int = 0
    restamped: int = 0
    by_area: list[dict] = field(default_factory=list)  # {"area", "part", "new", "resolved", "restamped"}
    changes: list = field(default_factory=list)
    shadowed: list = field(default_factory=list)
    template: str = "workplaces/_policy_preview.html"

    @property
    def moved(self) -> int:
        return self.new + self.resolved + self.restamped


def policy_change_preview(
    *, key: str, value, effective_from=None, area=None, sample: int = 30
) -> RulesPreview:
    from fangkong.areas.models import Area
    from fangkong.policies.models import PolicyDefinition

    value = PolicyDefinition.objects.get(key=key).coerce(value)
    preview = RulesPreview(key=key, new_value=value)
    if key not in R.ROOM_KEYS:
        return preview
    at = effective_from or timezone.now()
    path = area.path if area is not None else ""
    typed = PolicyDefinition.objects.get(key=key).typed(value)
    limits = R.limits_by_area(at=at, override=(key, path, typed))
    rooms = Room.objects.filter(area_path__startswith=path) if path else None
    found = evaluate(rooms, limits=limits)
    res, _n, _g, _r = _diff(found, _open(rooms), None)
    preview.found, preview.new, preview.resolved, preview.restamped = (
        res.found,
        res.new,
        res.resolved,
        res.restamped,
    )
    ug = R.ROOM_RULES[key][0]
    preview.governed = (
        (rooms if rooms is not None else Room.objects.all()).filter(dormitory__underground=ug).count()
    )
    width = max(len(path) + 4, 12)  # one level below the target, streets for a city-wide change
    parts: dict[str, Counter] = {}
    for c in res.changes:
        parts.setdefault(c.area_path[:width], Counter())[c.kind] += 1
    names = {a.path: a for a in Area.objects.filter(path__in=list(parts))}
    preview.by_area = [{"part": p, "area": names.get(p), **parts[p]} for p in sorted(parts)]
    wps = {
        w.pk: w
        for w in Workplace.objects.filter(pk__in={c.workplace_id for c in res.changes[: sample * 3]}).only(
            "pk", "name"
        )
    }
    preview.changes = [
        {
            "workplace": wps.get(c.workplace_id),
            "room_id": c.room_id,
            "rule": c.rule,
            "kind": c.kind,
            "value": c.value,
            "limit": c.limit,
        }
        for c in res.changes[:sample]
    ]
    return preview


def policy_reevaluate(*, actor, policy) -> int:
    """The policies app's hook: a new version of a room rule re-checks every workplace now (the pass is
    set-based: 200,000 rooms in seconds, bench/workplaces.py). Returns the violations that changed."""
    if policy.definition.key not in R.ROOM_KEYS:
        return 0
    res = rules_check(actor=actor)
    record(
        policy,
        ChangeLog.Action.UPDATE,
        actor=actor,
        message=gettext_noop(
            "re-checked workplace rules: %(new)s new violations, %(resolved)s resolved, %(restamped)s re-judged"
        ),
        params={"new": res.new, "resolved": res.resolved, "restamped": res.restamped},
    )
    return res.moved


# ---------------------------------------------------------------- on-site ratio (daily reports)


def onsite_limit(workplace, *, at=None):
    """The on-site maximum in force for `workplace`'s area (a rules.Limit), or None."""
    lim = R.limits_by_area(at=at)
    return R.limit_for_path(lim.get(R.ONSITE, {}), workplace.area_path)


@transaction.atomic
def check_onsite(
    report=None, *, workplace=None, on_site: int | None = None, staff: int | None = None, actor=None, at=None
) -> Violation | None:
    """The on-site rule for a dense company, on a daily report (the reports app calls it with the report:
    its `workplace`, `staff_on_site` and, if it has one, `staff_total`) or on bare figures. At most one
    open on-site violation per workplace: a report above the limit opens or re-stamps it, one within
    the limit resolves it. Returns the open violation, or None. A Violation field `report` (added with
    the reports) is set when present."""
    if report is not None:
        workplace = report.workplace
        on_site = getattr(report, "staff_on_site", on_site)
        staff = getattr(report, "staff_total", None) or staff
    staff = staff if staff is not None else workplace.staff_count
    if on_site is None:
        return None
    existing = (
        Violation.objects.select_for_update()
        .filter(workplace=workplace, rule=R.ONSITE, room__isnull=True, resolved_at__isnull=True)
        .first()
    )
    lim = onsite_limit(workplace, at=at)
    finding = (
        R.onsite_finding(on_site=on_site, staff=staff, limit=lim.value if lim else None)
        if workplace.dense
        else None
    )
    now = timezone.now()
    extra = {}
    if getattr(report, "_meta", None) is not None and any(
        f.name == "report" for f in Violation._meta.get_fields()
    ):
        extra["report"] = report
    if finding is None:
        if existing is not None:
            existing.resolved_at, existing.resolved_reason = (
                now,
                gettext_noop("on-site share back within the limit"),
            )
            existing.save(update_fields=["resolved_at", "resolved_reason", "updated_at"])
            record(existing, ChangeLog.Action.UPDATE, actor=actor, message=gettext_noop("resolved"))
        return None
    fields = {
        "policy_id": lim.policy_id,
        "value": finding.value,
        "limit": finding.limit,
        "detail": _detail(R.ONSITE, finding.value, finding.limit),
        **extra,
    }
    if existing is not None:
        for k, v in fields.items():
            setattr(existing, k, v)
        existing.save()
        return existing
    v = Violation.objects.create(
        area_id=workplace.area_id,
        area_path=workplace.area_path,
        workplace=workplace,
        rule=R.ONSITE,
        found_at=now,
        **fields,
    )
    record(v, ChangeLog.Action.CREATE, actor=actor)
    return v
