"""Policy changes: the preview of what a change moves, and re-evaluating the open orders."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core.audit import record
from fangkong.core.models import ChangeLog
from fangkong.policies.models import Policy, PolicyDefinition

from .. import policy as opolicy
from ..models import (
    OPEN_STATUSES,
    ObservationOrder,
    OrderEvent,
    RequiredTest,
    TestResult,
)
from .orders import _user

# ---------------------------------------------------------------- policy re-evaluation


@dataclass
class PolicyPreview:
    key: str
    new_value: object
    governed: int = 0
    moved: int = 0
    earlier: int = 0
    later: int = 0
    changes: list[tuple] = field(default_factory=list)  # (old_end, new_end, count)
    orders: list[dict] = field(default_factory=list)  # first rows: id, person, old_end, new_end
    # Per area below the target: {"area", "governed", "moved", "earlier", "later"}.
    by_area: list[dict] = field(default_factory=list)
    # Areas with their own version in force: their open orders keep following it.
    # {"area", "version", "value", "governed"}
    shadowed: list[dict] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        return self.governed - self.moved


def _overrides(key: str, area_path: str, at: datetime.datetime) -> list[Policy]:
    """Versions of `key` in force at `at` for areas strictly below `area_path` (they win there)."""
    found = {}
    for p in (
        Policy.objects.filter(definition__key=key, area_path__startswith=area_path, effective_from__lte=at)
        .exclude(area_path=area_path)
        .exclude(effective_to__lte=at)
        .select_related("area")
        .order_by("area_path", "-effective_from", "-version")
    ):
        found.setdefault(p.area_path, p)
    return list(found.values())


def _governed_orders(key: str, area_path: str, at: datetime.datetime, overrides: list[Policy] | None = None):
    """Open orders a version of `key` for `area_path` governs: under that area, and not under a more
    specific area that has its own version in force."""
    qs = ObservationOrder.objects.filter(policy_key=key, status__in=OPEN_STATUSES)
    if area_path:
        qs = qs.filter(area_path__startswith=area_path)
    if overrides is None:
        overrides = _overrides(key, area_path, at)
    for p in overrides:
        qs = qs.exclude(area_path__startswith=p.area_path)
    return qs


def _new_end_expr(days: int):
    return F("start") + datetime.timedelta(days=days)


def _move_counts(days: int) -> dict:
    new_end = _new_end_expr(days)
    return {
        "governed": Count("id"),
        "moved": Count("id", filter=~Q(planned_end=new_end)),
        "later": Count("id", filter=Q(planned_end__lt=new_end)),
        "earlier": Count("id", filter=Q(planned_end__gt=new_end)),
    }


def policy_change_preview(
    *, key: str, value, effective_from: datetime.datetime | None = None, area=None, sample: int = 50
) -> PolicyPreview:
    """How many open orders a new value of `key` for `area` (None: city-wide) would move, and how (old
    end → new end), per area below it; and which areas keep their own version (their orders stay)."""
    from django.db.models.functions import Substr

    from fangkong.areas.models import Area

    definition = PolicyDefinition.objects.get(key=key)
    value = definition.coerce(value)
    preview = PolicyPreview(key=key, new_value=value)
    if key not in opolicy.DAYS_KEYS:
        return preview
    days = int(value)
    at = effective_from or timezone.now()
    area_path = area.path if area is not None else ""
    overrides = _overrides(key, area_path, at)
    qs = _governed_orders(key, area_path, at, overrides)
    delta = datetime.timedelta(days=days)
    stats = qs.aggregate(**_move_counts(days))
    preview.governed, preview.moved = stats["governed"], stats["moved"]
    preview.later, preview.earlier = stats["later"], stats["earlier"]
    # One level below the target (districts for a city-wide change).
    width = max(len(area_path) + 4, 8)
    rows = list(
        qs.annotate(part=Substr("area_path", 1, width))
        .values("part")
        .annotate(**_move_counts(days))
        .order_by("part")
    )
    names = {a.path: a for a in Area.objects.filter(path__in=[r["part"] for r in rows])}
    preview.by_area = [{**r, "area": names.get(r["part"])} for r in rows]
    for p in overrides:
        under = _governed_orders(key, p.area_path, at, [o for o in overrides if o.area_path != p.area_path])
        preview.shadowed.append(
            {"area": p.area, "version": p.version, "value": p.value, "governed": under.count()}
        )
    moved = qs.annotate(new_end=_new_end_expr(days)).exclude(planned_end=F("new_end"))
    preview.changes = [
        (row["planned_end"], row["start"] + delta, row["n"])
        for row in moved.values("planned_end", "start")
        .annotate(n=Count("id"))
        .order_by("planned_end", "start")[:200]
    ]
    preview.orders = [
        {
            "id": o.pk,
            "person": o.person.name,
            "start": o.start,
            "old_end": o.planned_end,
            "new_end": o.start + delta,
        }
        for o in moved.select_related("person").order_by("planned_end", "id")[:sample]
    ]
    return preview


def policy_reevaluate(*, actor, policy: Policy) -> int | None:
    """The policies app's hook (registered in apps.py): re-evaluate the open orders a new version
    governs, inline without a broker, queued after commit with one. Returns the number moved, or None
    when queued."""
    from fangkong.core.jobs import enqueue

    from ..tasks import orders_reevaluate_task

    if policy.definition.key not in opolicy.DAYS_KEYS:
        return 0
    return enqueue(orders_reevaluate_task, policy.pk, actor.pk if _user(actor) else None)


def _reevaluate_reason(pol: Policy) -> str:
    return _("Policy %(key)s changed to %(value)s (v%(v)s, %(source)s)") % {
        "key": pol.definition.key,
        "value": pol.value,
        "v": pol.version,
        "source": pol.source,
    }


@transaction.atomic
def orders_reevaluate(*, actor, policy: Policy) -> int:
    """Move the planned end of every open order `policy` governs to start + its value: one UPDATE that
    also inserts one OrderEvent per moved order (old value, new value, version, reason), then the
    pending tests of the moved orders follow the new schedule. Returns the number of moved orders."""
    key, days = policy.definition.key, int(policy.typed_value)
    reason = _reevaluate_reason(policy)
    qs = _governed_orders(key, policy.area_path, max(policy.effective_from, timezone.now()))
    actor_id = actor.pk if _user(actor) else None
    now = timezone.now()
    if connection.vendor == "postgresql":
        moved_ids = _reevaluate_pg(qs, days=days, policy=policy, reason=reason, actor_id=actor_id, now=now)
    else:
        moved_ids = _reevaluate_orm(qs, days=days, policy=policy, reason=reason, actor_id=actor_id, now=now)
    if moved_ids:
        _reschedule_tests(moved_ids, days=days, at=now, policy=policy)
    record(
        policy,
        ChangeLog.Action.UPDATE,
        actor=actor,
        message=gettext_noop("re-evaluated observation orders: %(n)s moved"),
        params={"n": len(moved_ids)},
    )
    return len(moved_ids)


def _reevaluate_pg(qs, *, days, policy, reason, actor_id, now) -> list[int]:
    sel_sql, sel_params = qs.order_by().values("id").query.sql_with_params()
    o = ObservationOrder._meta.db_table
    e = OrderEvent._meta.db_table
    sql = f"""
        WITH target AS (
            SELECT t.id, t.planned_end AS old_end FROM {o} t
            WHERE t.id IN ({sel_sql}) AND t.planned_end <> t.start + %s::int
            FOR UPDATE
        ), moved AS (
            UPDATE {o} SET planned_end = {o}.start + %s::int, policy_id = %s, policy_version = %s,
                   updated_at = %s
            FROM target WHERE {o}.id = target.id
            RETURNING {o}.id, {o}.area_id, {o}.area_path, target.old_end, {o}.planned_end
        ), ev AS (
            INSERT INTO {e} (created_at, updated_at, area_id, area_path, order_id, time, kind, field,
                             old_value, new_value, policy_id, policy_version, reason, actor_id)
            SELECT %s, %s, area_id, area_path, id, %s, 'end_moved', 'planned_end', old_end::text,
                   planned_end::text, %s, %s, %s, %s FROM moved
        )
        SELECT id FROM moved
    """
    params = [
        *sel_params,
        days,
        days,
        policy.pk,
        policy.version,
        now,
        now,
        now,
        now,
        policy.pk,
        policy.version,
        reason,
        actor_id,
    ]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return [r[0] for r in cur.fetchall()]


def _reevaluate_orm(qs, *, days, policy, reason, actor_id, now) -> list[int]:
    delta = datetime.timedelta(days=days)
    rows = list(qs.select_for_update().only("id", "area_id", "area_path", "start", "planned_end"))
    moved = [o for o in rows if o.planned_end != o.start + delta]
    events = []
    for o in moved:
        events.append(
            OrderEvent(
                area_id=o.area_id,
                area_path=o.area_path,
                order_id=o.pk,
                time=now,
                kind=OrderEvent.Kind.END_MOVED,
                field="planned_end",
                old_value=str(o.planned_end),
                new_value=str(o.start + delta),
                policy=policy,
                policy_version=policy.version,
                reason=reason[:300],
                actor_id=actor_id,
            )
        )
        o.planned_end, o.policy_id, o.policy_version, o.updated_at = (
            o.start + delta,
            policy.pk,
            policy.version,
            now,
        )
    ObservationOrder.objects.bulk_update(
        moved, ["planned_end", "policy", "policy_version", "updated_at"], batch_size=2000
    )
    OrderEvent.objects.bulk_create(events, batch_size=2000)
    return [o.pk for o in moved]


def _reschedule_tests(order_ids: list[int], *, days: int, at, policy: Policy | None = None) -> None:
    """Pending tests of moved orders follow the new length: per reason, drop pending days no longer in the
    schedule and add the missing ones (results already recorded stay). Set-based on PostgreSQL, where the
    moved orders are exactly those now pointing at the brand-new `policy` version."""
    pg = connection.vendor == "postgresql" and policy is not None
    moved = (
        ObservationOrder.objects.filter(policy=policy)
        if pg
        else ObservationOrder.objects.filter(pk__in=order_ids)
    )
    reasons = moved.values_list("reason", flat=True).distinct().order_by()
    t = RequiredTest._meta.db_table
    o = ObservationOrder._meta.db_table
    for reason in list(reasons):
        schedule = opolicy.test_schedule(reason=reason, days=days, at=at)
        if pg:
            now = timezone.now()
            with connection.cursor() as cur:
                cur.execute(
                    f"DELETE FROM {t} rt USING {o} o WHERE rt.order_id = o.id AND o.policy_id = %s "
                    f"AND o.reason = %s AND rt.result = 'pending' AND NOT (rt.day = ANY(%s::int[]))",
                    [policy.pk, reason, schedule],
                )
                if schedule:
                    cur.execute(
                        f"""INSERT INTO {t} (created_at, updated_at, area_id, area_path, order_id, day, due_date,
                                             result, source)
                            SELECT %s, %s, o.area_id, o.area_path, o.id, d, o.start + d, 'pending', ''
                            FROM {o} o CROSS JOIN unnest(%s::int[]) AS d
                            WHERE o.policy_id = %s AND o.reason = %s
                              AND NOT EXISTS (SELECT 1 FROM {t} x WHERE x.order_id = o.id AND x.day = d)""",
                        [now, now, schedule, policy.pk, reason],
                    )
            continue
        ids = ObservationOrder.objects.filter(pk__in=order_ids, reason=reason).values("pk")
        RequiredTest.objects.filter(order_id__in=ids, result=TestResult.PENDING).exclude(
            day__in=schedule
        ).delete()
        existing = set(
            RequiredTest.objects.filter(order_id__in=ids, day__in=schedule).values_list("order_id", "day")
        )
        new = [
            RequiredTest(
                area_id=row["area_id"],
                area_path=row["area_path"],
                order_id=row["pk"],
                day=d,
                due_date=row["start"] + datetime.timedelta(days=d),
            )
            for row in ObservationOrder.objects.filter(pk__in=order_ids, reason=reason).values(
                "pk", "area_id", "area_path", "start"
            )
            for d in schedule
            if (row["pk"], d) not in existing
        ]
        RequiredTest.objects.bulk_create(new, batch_size=5000)
