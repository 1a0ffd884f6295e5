"""Writes of observation. Each function is one transaction and writes its change-log record; orders
also write their own dated history (OrderEvent) and move the person's status through the registry."""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core import crypto
from fangkong.core.audit import msgid, record, snapshot
from fangkong.core.identity import mask_phone, normalise_phone
from fangkong.core.models import ChangeLog
from fangkong.people.models import Person, PersonStatus
from fangkong.people.services import person_status_set
from fangkong.policies.models import Policy, PolicyDefinition
from fangkong.policies.selectors import (
    PolicyMissing,
    policy_in_force,
    policy_value,
    policy_values_by_area,
    value_for_path,
)

from . import policy as opolicy
from .models import (
    OPEN_STATUSES,
    Alert,
    CareGroup,
    CareGroupMember,
    HealthReport,
    Need,
    ObservationOrder,
    OrderEvent,
    OrderReason,
    OrderStatus,
    OrderType,
    RequiredTest,
    Room,
    SickLeaveReport,
    SiteMember,
    SpecialNeed,
    Stay,
    Symptom,
    TestResult,
)

PERSON_STATUS = {
    OrderType.HOME: PersonStatus.HOME_OBSERVATION,
    OrderType.HEALTH_MONITORING: PersonStatus.HEALTH_MONITORING,
    OrderType.CENTRALIZED: PersonStatus.CENTRALIZED_OBSERVATION,
    OrderType.EMPLOYER_CENTRALIZED: PersonStatus.CENTRALIZED_OBSERVATION,
}


class OrderEndBlocked(ValidationError):
    """The order may not end yet; `problems` lists why (planned end not reached, tests missing…)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(problems)


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _source(order: ObservationOrder) -> str:
    return f"observation.ObservationOrder:{order.pk}"


def _event(order, *, actor, kind, reason, field="", old="", new="", policy=None) -> OrderEvent:
    return OrderEvent.objects.create(
        area_id=order.area_id,
        area_path=order.area_path,
        order=order,
        kind=kind,
        field=field,
        old_value=str(old)[:100],
        new_value=str(new)[:100],
        policy=policy,
        policy_version=policy.version if policy else None,
        reason=reason[:300],
        actor=_user(actor),
    )


def _persons(order: ObservationOrder):
    if order.whole_household:
        return list(Person.objects.filter(area_id=order.area_id))
    return [order.person]


def _set_people_status(order, *, actor, status, reason):
    for p in _persons(order):
        person_status_set(actor=actor, person=p, status=status, reason=reason, source=_source(order))


def _schedule_tests(order: ObservationOrder, days: list[int]) -> None:
    have = set(order.tests.values_list("day", flat=True))
    RequiredTest.objects.bulk_create(
        [
            RequiredTest(
                area_id=order.area_id,
                area_path=order.area_path,
                order=order,
                day=d,
                due_date=order.start + datetime.timedelta(days=d),
            )
            for d in days
            if d not in have
        ]
    )


# ---------------------------------------------------------------- orders

# How far an order's start may lie from today (docs/architecture.md, "Bad input"): a start typed as
# 9999 or 1970 is a slip, and its end and test days would fall outside the calendar or any policy.
ORDER_START_MAX_PAST = datetime.timedelta(days=60)
ORDER_START_MAX_AHEAD = datetime.timedelta(days=30)


@transaction.atomic
def order_create(
    *,
    actor,
    person: Person,
    order_type: str,
    reason: str,
    source: str = "",
    start: datetime.date | None = None,
    whole_household: bool = False,
    site=None,
) -> ObservationOrder:
    """Order observation for a person: the planned end and the test schedule come from the policy in
    force (the version used is stored). An order starting today or earlier is activated at once,
    which moves the person's status (source "observation.ObservationOrder:<id>")."""
    if order_type not in OrderType.values:
        raise ValidationError({"order_type": _("Unknown observation type.")})
    if reason not in OrderReason.values:
        raise ValidationError({"reason": _("Unknown reason.")})
    start = start or timezone.localdate()
    today = timezone.localdate()
    if not today - ORDER_START_MAX_PAST <= start <= today + ORDER_START_MAX_AHEAD:
        raise ValidationError(
            {
                "start": _("A start date at most %(past)d days before and %(ahead)d days after today.")
                % {"past": ORDER_START_MAX_PAST.days, "ahead": ORDER_START_MAX_AHEAD.days}
            }
        )
    key = opolicy.days_key(order_type, reason)
    at = opolicy.policy_moment(start)
    try:
        pol = policy_in_force(key, at=at, area=person.area_path)
    except PolicyMissing as exc:
        from fangkong.policies.display import policy_name

        raise ValidationError(
            {"order_type": _("No policy “%(key)s” is in force.") % {"key": policy_name(key)}}
        ) from exc
    days = int(pol.typed_value)
    starts_now = start <= timezone.localdate()
    order = ObservationOrder.objects.create(
        area_id=person.area_id,
        area_path=person.area_path,
        person=person,
        whole_household=whole_household,
        order_type=order_type,
        reason=reason,
        source=source[:200],
        ordered_by=_user(actor),
        start=start,
        planned_end=start + datetime.timedelta(days=days),
        policy_key=key,
        policy=pol,
        policy_version=pol.version,
        status=OrderStatus.ACTIVE if starts_now else OrderStatus.PLANNED,
        site=site,
    )
    _schedule_tests(order, opolicy.test_schedule(reason=reason, days=days, at=at, area=person.area_path))
    _event(
        order,
        actor=actor,
        kind=OrderEvent.Kind.CREATED,
        field="planned_end",
        new=order.planned_end,
        policy=pol,
        reason=_("Ordered: %(days)s days by %(key)s v%(v)s (%(source)s)")
        # The policy by its name: the key (observation.returnee.days) is an internal reference.
        % {"days": days, "key": pol.definition.label(), "v": pol.version, "source": pol.source},
    )
    record(order, ChangeLog.Action.CREATE, actor=actor)
    if starts_now:
        _started(order, actor=actor)
    return order


def _started(order, *, actor):
    _event(
        order,
        actor=actor,
        kind=OrderEvent.Kind.STATUS,
        field="status",
        old=OrderStatus.PLANNED,
        new=OrderStatus.ACTIVE,
        reason=_("Observation started"),
    )
    _set_people_status(
        order,
        actor=actor,
        status=PERSON_STATUS[order.order_type],
        reason=_("%(type)s from %(start)s") % {"type": order.get_order_type_display(), "start": order.start},
    )


@transaction.atomic
def order_activate(*, actor, order: ObservationOrder) -> ObservationOrder:
    order = ObservationOrder.objects.select_for_update().get(pk=order.pk)
    if order.status != OrderStatus.PLANNED:
        raise ValidationError({"status": _("Only a planned order can be activated.")})
    before = snapshot(order)
    order.status = OrderStatus.ACTIVE
    order.save(update_fields=["status", "updated_at"])
    _started(order, actor=actor)
    record(order, ChangeLog.Action.UPDATE, actor=actor, before=before, message=gettext_noop("activated"))
    return order


@transaction.atomic
def order_extend(*, actor, order: ObservationOrder, days: int, reason: str) -> ObservationOrder:
    order = ObservationOrder.objects.select_for_update().get(pk=order.pk)
    if not order.is_open:
        raise ValidationError({"status": _("This order is closed.")})
    if days <= 0:
        raise ValidationError({"days": _("Extend by at least one day.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    before = snapshot(order)
    old_end, old_status = order.planned_end, order.status
    order.planned_end = old_end + datetime.timedelta(days=days)
    order.status = OrderStatus.EXTENDED if order.status == OrderStatus.ACTIVE else order.status
    order.save(update_fields=["planned_end", "status", "updated_at"])
    _event(
        order,
        actor=actor,
        kind=OrderEvent.Kind.END_MOVED,
        field="planned_end",
        old=old_end,
        new=order.planned_end,
        reason=reason,
    )
    if old_status != order.status:
        _event(
            order,
            actor=actor,
            kind=OrderEvent.Kind.STATUS,
            field="status",
            old=old_status,
            new=order.status,
            reason=reason,
        )
    record(
        order,
        ChangeLog.Action.UPDATE,
        actor=actor,
        before=before,
        message=gettext_noop("extended: %(reason)s"),
        params={"reason": reason},
    )
    return order


def order_end_problems(order: ObservationOrder, *, today: datetime.date | None = None) -> list[str]:
    """Why the order is not ready to end (empty list = ready): end not reached, tests pending/positive."""
    today = today or timezone.localdate()
    problems = []
    if not order.is_open:
        problems.append(_("The order is already closed."))
    if order.planned_end > today:
        problems.append(_("Planned end %(end)s not reached.") % {"end": order.planned_end})
    for t in order.tests.all():
        if t.result == TestResult.PENDING:
            problems.append(
                _("Test of day %(day)s (due %(due)s) has no result.") % {"day": t.day, "due": t.due_date}
            )
        elif t.result == TestResult.POSITIVE:
            problems.append(_("Test of day %(day)s is positive.") % {"day": t.day})
    return problems


def _next_status_after(order) -> str:
    """The person's status once this order ends: another open order's, else normal."""
    other = (
        ObservationOrder.objects.filter(person_id=order.person_id, status__in=OPEN_STATUSES)
        .exclude(pk=order.pk)
        .exclude(status=OrderStatus.PLANNED)
        .order_by("-start")
        .first()
    )
    return PERSON_STATUS[other.order_type] if other else PersonStatus.NORMAL


PLANNED_END = gettext_noop("Planned end reached, required tests negative")


@transaction.atomic
def order_end(*, actor, order: ObservationOrder, reason: str = "", force: bool = False) -> ObservationOrder:
    """End an order. Never silent: if the planned end is not reached or a required test is missing or
    positive, raise OrderEndBlocked listing the problems, unless `force` with a written reason."""
    order = ObservationOrder.objects.select_for_update().get(pk=order.pk)
    if not order.is_open:
        raise OrderEndBlocked([_("The order is already closed.")])
    problems = order_end_problems(order)
    if problems and not force:
        raise OrderEndBlocked(problems)
    if problems and not reason.strip():
        raise OrderEndBlocked([_("Ending early or with missing tests needs a reason."), *problems])
    before = snapshot(order)
    old = order.status
    order.status = OrderStatus.ENDED
    order.ended_at = timezone.now()
    text = reason.strip() or _(PLANNED_END)
    if problems:
        forced = _("forced")
        text = f"{text} ({forced}: {'; '.join(problems)})"
    order.end_reason = text[:300]
    order.save(update_fields=["status", "ended_at", "end_reason", "updated_at"])
    _event(
        order,
        actor=actor,
        kind=OrderEvent.Kind.STATUS,
        field="status",
        old=old,
        new=OrderStatus.ENDED,
        reason=text,
    )
    if old != OrderStatus.PLANNED:
        _set_people_status(
            order,
            actor=actor,
            status=_next_status_after(order),
            reason=_("Observation ended: %(r)s") % {"r": text},
        )
    Stay.objects.filter(order=order, outcome=Stay.Outcome.STAYING).update(
        outcome=Stay.Outcome.DISCHARGED, checked_out_at=order.ended_at
    )
    record(
        order,
        ChangeLog.Action.UPDATE,
        actor=actor,
        before=before,
        message=gettext_noop("ended: %(reason)s"),
        params={"reason": text if (reason.strip() or problems) else msgid(PLANNED_END)},
    )
    return order


@transaction.atomic
def order_transfer(
    *,
    actor,
    order: ObservationOrder,
    destination: str,
    reason: str,
    site=None,
    room: Room | None = None,
    new_type: str | None = None,
) -> ObservationOrder:
    """Transfer: "hospital" closes the order as transferred; "site" moves a centralized stay to another
    site; "order" closes this order and opens one of `new_type` (returned)."""
    order = ObservationOrder.objects.select_for_update().get(pk=order.pk)
    if not order.is_open:
        raise ValidationError({"status": _("This order is closed.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    before = snapshot(order)
    if destination == "site":
        if site is None:
            raise ValidationError({"site": _("Choose the site.")})
        stay = order.stays.filter(outcome=Stay.Outcome.STAYING).first()
        needs = stay.special_needs if stay else []
        if stay:
            stay.outcome, stay.checked_out_at, stay.destination = (
                Stay.Outcome.OTHER_SITE,
                timezone.now(),
                str(site),
            )
            stay.save(update_fields=["outcome", "checked_out_at", "destination", "updated_at"])
        old_site = order.site
        order.site = site
        order.save(update_fields=["site", "updated_at"])
        _event(
            order,
            actor=actor,
            kind=OrderEvent.Kind.TRANSFER,
            field="site",
            old=old_site or "",
            new=site,
            reason=reason,
        )
        record(
            order,
            ChangeLog.Action.UPDATE,
            actor=actor,
            before=before,
            message=gettext_noop("transfer: %(reason)s"),
            params={"reason": reason},
        )
        stay_check_in(actor=actor, order=order, site=site, room=room, special_needs=needs)
        return order
    if destination not in ("hospital", "order"):
        raise ValidationError({"destination": _("Unknown destination.")})
    if destination == "order" and new_type not in OrderType.values:
        raise ValidationError({"new_type": _("Unknown observation type.")})
    old = order.status
    order.status = OrderStatus.TRANSFERRED
    order.ended_at = timezone.now()
    order.end_reason = reason[:300]
    order.save(update_fields=["status", "ended_at", "end_reason", "updated_at"])
    target = _("hospital") if destination == "hospital" else OrderType(new_type).label
    _event(
        order,
        actor=actor,
        kind=OrderEvent.Kind.TRANSFER,
        field="status",
        old=old,
        new=OrderStatus.TRANSFERRED,
        reason=f"{target}: {reason}",
    )
    order.stays.filter(outcome=Stay.Outcome.STAYING).update(
        outcome=Stay.Outcome.HOSPITAL if destination == "hospital" else Stay.Outcome.DISCHARGED,
        checked_out_at=order.ended_at,
        destination=str(target)[:120],
    )
    record(
        order,
        ChangeLog.Action.UPDATE,
        actor=actor,
        before=before,
        message=gettext_noop("transfer: %(reason)s"),
        params={"reason": reason},
    )
    if destination == "order":
        return order_create(
            actor=actor,
            person=order.person,
            order_type=new_type,
            reason=order.reason,
            source=_source(order),
            whole_household=order.whole_household,
            site=site,
        )
    return order


@transaction.atomic
def test_result_set(*, actor, test: RequiredTest, result: str, source: str = "") -> RequiredTest:
    if result not in TestResult.values:
        raise ValidationError({"result": _("Unknown result.")})
    test = RequiredTest.objects.select_for_update().get(pk=test.pk)
    before = snapshot(test)
    old = test.result
    test.result, test.result_at, test.recorded_by, test.source = (
        result,
        timezone.now(),
        _user(actor),
        source[:120],
    )
    test.save(update_fields=["result", "result_at", "recorded_by", "source", "updated_at"])
    _event(
        test.order,
        actor=actor,
        kind=OrderEvent.Kind.TEST,
        field=f"test_day_{test.day}",
        old=old,
        new=result,
        reason=source or _("Result recorded"),
    )
    if result == TestResult.POSITIVE:
        _alert(
            test.order,
            kind=Alert.Kind.POSITIVE,
            date=timezone.localdate(),
            message=_("Test of day %(day)s positive") % {"day": test.day},
        )
    record(test, ChangeLog.Action.UPDATE, actor=actor, before=before)
    return test


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

    from .tasks import orders_reevaluate_task

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


# ---------------------------------------------------------------- daily health reports and alerts


def _alert(order, *, kind, date, message, report=None) -> Alert:
    alert, created = Alert.objects.get_or_create(
        order=order,
        kind=kind,
        date=date,
        defaults={
            "area_id": order.area_id,
            "area_path": order.area_path,
            "message": message[:300],
            "report": report,
        },
    )
    if created:
        record(alert, ChangeLog.Action.CREATE, actor=None)
    return alert


def fever_alert_at_gate(
    *, person_id: int, temperature, threshold, place_name: str, at: datetime.datetime
) -> Alert | None:
    """A fever measured at a gate, for a person with an open order: a fever alert on that order (once a
    day, like a reported fever). The gates service calls this inside its own transaction; a person
    without an order is referred through the gate's follow-up queue instead, so this returns None."""
    order = (
        ObservationOrder.objects.filter(person_id=person_id, status__in=OPEN_STATUSES)
        .order_by("-start")
        .first()
    )
    if order is None:
        return None
    return _alert(
        order,
        kind=Alert.Kind.FEVER,
        date=timezone.localdate(at),
        message=_("Temperature %(t)s ℃ at the gate %(place)s (threshold %(th)s ℃)")
        % {"t": temperature, "place": place_name, "th": threshold},
    )


@transaction.atomic
def report_submit(
    *,
    actor,
    order: ObservationOrder,
    temperature,
    symptoms: list[str] | None = None,
    needs: list[str] | None = None,
    needs_note: str = "",
    channel: str = HealthReport.Channel.LINK,
    date: datetime.date | None = None,
) -> HealthReport:
    """A daily report from the resident's phone link (actor None) or from a worker after a call.
    Fever (at or over the policy threshold) or any symptom raises an alert; a missing-report alert of
    that day is closed."""
    if not order.is_open:
        raise ValidationError({"order": _("This order is closed.")})
    try:
        temp = decimal.Decimal(str(temperature)).quantize(decimal.Decimal("0.1"))
    except (decimal.InvalidOperation, ValueError) as exc:
        raise ValidationError({"temperature": _("Enter a temperature such as 36.5.")}) from exc
    if not decimal.Decimal("34") <= temp <= decimal.Decimal("43"):
        raise ValidationError({"temperature": _("Enter a temperature between 34 and 43 ℃.")})
    symptoms = [s for s in (symptoms or []) if s]
    needs = [n for n in (needs or []) if n]
    bad = [s for s in symptoms if s not in Symptom.values] + [n for n in needs if n not in Need.values]
    if bad:
        raise ValidationError({"symptoms": _("Unknown choice: %(v)s") % {"v": ", ".join(bad)}})
    worker = _user(actor)
    date = date or timezone.localdate()
    report = HealthReport.objects.create(
        area_id=order.area_id,
        area_path=order.area_path,
        order=order,
        date=date,
        temperature=temp,
        symptoms=symptoms,
        needs=needs,
        needs_note=needs_note[:300],
        reporter=HealthReport.Reporter.WORKER if worker else HealthReport.Reporter.RESIDENT,
        reported_by=worker,
        channel=channel,
    )
    record(report, ChangeLog.Action.CREATE, actor=actor)
    threshold = decimal.Decimal(str(policy_value("gate.temperature.threshold", area=order.area_path)))
    if temp >= threshold:
        _alert(
            order,
            kind=Alert.Kind.FEVER,
            date=date,
            report=report,
            message=_("Temperature %(t)s ℃ (threshold %(th)s ℃)") % {"t": temp, "th": threshold},
        )
    if symptoms:
        _alert(
            order,
            kind=Alert.Kind.SYMPTOMS,
            date=date,
            report=report,
            message=_("Symptoms: %(s)s") % {"s": ", ".join(report.symptom_labels())},
        )
    Alert.objects.filter(
        order=order, kind=Alert.Kind.MISSING_REPORT, date=date, status=Alert.Status.OPEN
    ).update(status=Alert.Status.CLOSED, resolved_at=timezone.now(), resolution=_("Report received"))
    if needs:
        needs_handoff(report)
    return report


def needs_handoff(report: HealthReport) -> list[dict]:
    """The one hand-off point from a daily report's needs to the support app (service requests).

    Called once per report that lists needs, inside the report's transaction. Today it only returns the
    requests that should exist — one dict per need: {"kind": "food"|"medicine"|"parcels"|"rubbish"|
    "psychological", "household_area_id", "person_id", "order_id", "report_id", "note", "date"} — and the
    care group's daily list shows them as "needs open" until `report_needs_done` marks them handled.
    When the support app exists, replace the body with a call to its service (e.g.
    support.services.request_create(kind=..., area=..., source=f"observation.HealthReport:{id}")) and set
    `needs_done` once every request is created there."""
    return [
        {
            "kind": n,
            "household_area_id": report.area_id,
            "person_id": report.order.person_id,
            "order_id": report.order_id,
            "report_id": report.pk,
            "note": report.needs_note,
            "date": report.date,
        }
        for n in report.needs
    ]


@transaction.atomic
def report_needs_done(*, actor, report: HealthReport) -> HealthReport:
    before = snapshot(report)
    report.needs_done = True
    report.save(update_fields=["needs_done", "updated_at"])
    record(report, ChangeLog.Action.UPDATE, actor=actor, before=before, message=gettext_noop("needs handled"))
    return report


@transaction.atomic
def alert_resolve(*, actor, alert: Alert, action: str, note: str = "") -> Alert:
    """Handle an alert: "refer" (refer to medical) or "close"."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if action not in ("refer", "close"):
        raise ValidationError({"action": _("Unknown action.")})
    before = snapshot(alert)
    alert.status = Alert.Status.REFERRED if action == "refer" else Alert.Status.CLOSED
    alert.resolved_by, alert.resolved_at = _user(actor), timezone.now()
    alert.resolution = (note or (_("Referred to medical") if action == "refer" else _("Closed")))[:300]
    alert.save(update_fields=["status", "resolved_by", "resolved_at", "resolution", "updated_at"])
    if action == "refer":
        _event(
            alert.order,
            actor=actor,
            kind=OrderEvent.Kind.NOTE,
            reason=_("Referred to medical: %(m)s") % {"m": alert.message},
        )
    record(alert, ChangeLog.Action.UPDATE, actor=actor, before=before)
    return alert


@transaction.atomic
def alerts_scan(*, at: datetime.datetime | None = None) -> int:
    """Create a missing-report alert for every running order with no report today once the policy
    deadline has passed. Idempotent (one alert per order, kind and day). Returns alerts created."""
    at = at or timezone.now()
    local = timezone.localtime(at)
    day = local.date()
    # Each area may set its own deadline (a policy version for that area); the most specific wins.
    deadlines = policy_values_by_area("observation.report.deadline", at=at)
    if not deadlines or local.time() < min(deadlines.values()):
        return 0
    missing = (
        ObservationOrder.objects.filter(
            status__in=(OrderStatus.ACTIVE, OrderStatus.EXTENDED), start__lte=day, planned_end__gte=day
        )
        .exclude(reports__date=day)
        .values("pk", "area_id", "area_path")
    )
    alerts = []
    for o in missing:
        deadline = value_for_path(deadlines, o["area_path"])
        if deadline is None or local.time() < deadline:
            continue
        alerts.append(
            Alert(
                order_id=o["pk"],
                area_id=o["area_id"],
                area_path=o["area_path"],
                kind=Alert.Kind.MISSING_REPORT,
                date=day,
                message=_("No health report by %(t)s") % {"t": deadline.strftime("%H:%M")},
            )
        )
    before = Alert.objects.filter(kind=Alert.Kind.MISSING_REPORT, date=day).count()
    Alert.objects.bulk_create(alerts, batch_size=2000, ignore_conflicts=True)
    return Alert.objects.filter(kind=Alert.Kind.MISSING_REPORT, date=day).count() - before


# ---------------------------------------------------------------- care groups


@transaction.atomic
def care_group_create(*, actor, household, name: str = "") -> CareGroup:
    group = CareGroup.objects.create(area=household, area_path=household.path, name=name[:100])
    record(group, ChangeLog.Action.CREATE, actor=actor)
    return group


@transaction.atomic
def care_group_for_household(*, actor, household) -> CareGroup:
    """The household's active care group, created on first use (one group per household)."""
    group = CareGroup.objects.filter(area_id=household.pk, active=True).first()
    return group or care_group_create(actor=actor, household=household)


@transaction.atomic
def care_member_add_for_household(*, actor, household, user, role: str) -> CareGroupMember:
    """Add a member to the household's care group, creating the group on first use: both or neither
    (a refused member used to leave an empty group behind)."""
    group = care_group_for_household(actor=actor, household=household)
    return care_group_member_add(actor=actor, group=group, user=user, role=role)


@transaction.atomic
def care_group_member_add(*, actor, group: CareGroup, user, role: str) -> CareGroupMember:
    """Add a member; the group size and the households one member serves are policy limits."""
    group = CareGroup.objects.select_for_update().get(pk=group.pk)
    if role not in CareGroupMember.Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    max_members = int(policy_value("care_group.max_members", area=group.area_path))
    if group.members.count() >= max_members:
        raise ValidationError({"user": _("A care group has at most %(n)s members.") % {"n": max_members}})
    if group.members.filter(user=user).exists():
        raise ValidationError({"user": _("Already a member of this group.")})
    max_households = int(policy_value("care_group.max_households", area=group.area_path))
    if CareGroupMember.objects.filter(user=user, group__active=True).count() >= max_households:
        raise ValidationError(
            {"user": _("This person already serves %(n)s households.") % {"n": max_households}}
        )
    member = CareGroupMember.objects.create(
        area_id=group.area_id, area_path=group.area_path, group=group, user=user, role=role
    )
    record(member, ChangeLog.Action.CREATE, actor=actor)
    return member


# ---------------------------------------------------------------- centralized sites


@transaction.atomic
def room_create(*, actor, site, number: str, floor: int = 1, capacity: int = 1, features=None) -> Room:
    if site.kind != "observation_site":
        raise ValidationError({"site": _("Not a centralized observation site.")})
    if Room.objects.filter(site=site, number=number).exists():
        raise ValidationError({"number": _("This room number exists already.")})
    room = Room.objects.create(
        area_id=site.area_id,
        area_path=site.area_path,
        site=site,
        number=number,
        floor=floor,
        capacity=capacity,
        features=list(features or []),
    )
    record(room, ChangeLog.Action.CREATE, actor=actor)
    return room


@transaction.atomic
def site_member_add(*, actor, site, name: str, team: str, user=None, phone: str = "") -> SiteMember:
    if team not in SiteMember.Team.values:
        raise ValidationError({"team": _("Unknown team.")})
    if team == SiteMember.Team.LEAD and SiteMember.objects.filter(site=site, team=team).exists():
        raise ValidationError({"team": _("The site has a lead already.")})
    member = SiteMember.objects.create(
        area_id=site.area_id,
        area_path=site.area_path,
        site=site,
        user=user,
        name=name,
        phone=phone,
        team=team,
    )
    record(member, ChangeLog.Action.CREATE, actor=actor)
    return member


def _free_room(site, special_needs) -> Room | None:
    rooms = (
        Room.objects.filter(site=site, active=True)
        .annotate(used=Count("stays", filter=Q(stays__outcome=Stay.Outcome.STAYING)))
        .filter(used__lt=F("capacity"))
        .order_by("floor", "number")
    )
    if SpecialNeed.NETWORK in special_needs or SpecialNeed.EXAM in special_needs:
        best = next((r for r in rooms if "network" in r.features), None)
        if best:
            return best
    if SpecialNeed.HEART in special_needs:
        return rooms.order_by("floor", "number").first()
    return rooms.first()


@transaction.atomic
def stay_check_in(
    *, actor, order: ObservationOrder, site, room: Room | None = None, special_needs=None, notes: str = ""
) -> Stay:
    """Check a person in at a centralized site; without a room, the first free one (network rooms for
    exams and network needs, the lowest floor for heart history)."""
    needs = [n for n in (special_needs or []) if n]
    if any(n not in SpecialNeed.values for n in needs):
        raise ValidationError({"special_needs": _("Unknown special need.")})
    if order.stays.filter(outcome=Stay.Outcome.STAYING).exists():
        raise ValidationError({"order": _("Already checked in.")})
    Room.objects.select_for_update().filter(site=site)
    if room is None:
        room = _free_room(site, needs)
        if room is None:
            raise ValidationError({"room": _("No free room at this site.")})
    elif room.site_id != site.pk:
        raise ValidationError({"room": _("The room is not at this site.")})
    elif room.stays.filter(outcome=Stay.Outcome.STAYING).count() >= room.capacity:
        raise ValidationError({"room": _("The room is full.")})
    stay = Stay.objects.create(
        area_id=order.area_id,
        area_path=order.area_path,
        order=order,
        site=site,
        room=room,
        special_needs=needs,
        notes=notes[:300],
    )
    if order.site_id != site.pk:
        ObservationOrder.objects.filter(pk=order.pk).update(site=site)
    _event(
        order,
        actor=actor,
        kind=OrderEvent.Kind.NOTE,
        field="room",
        new=f"{site} {room.number}",
        reason=_("Checked in"),
    )
    record(stay, ChangeLog.Action.CREATE, actor=actor)
    return stay


@transaction.atomic
def stay_discharge(*, actor, stay: Stay, reason: str = "", force: bool = False) -> Stay:
    """Discharge: ends the order by the ending rules (OrderEndBlocked if not ready and not forced) and
    numbers the certificate."""
    stay = Stay.objects.select_for_update().get(pk=stay.pk)
    if stay.outcome != Stay.Outcome.STAYING:
        raise ValidationError({"stay": _("Not staying at the site.")})
    order_end(actor=actor, order=stay.order, reason=reason, force=force)
    stay.refresh_from_db()
    before = snapshot(stay)
    stay.outcome = Stay.Outcome.DISCHARGED
    stay.checked_out_at = stay.checked_out_at or timezone.now()
    stay.certificate_number = f"JG{timezone.localdate():%Y%m%d}-{stay.pk:06d}"
    stay.save(update_fields=["outcome", "checked_out_at", "certificate_number", "updated_at"])
    record(stay, ChangeLog.Action.UPDATE, actor=actor, before=before, message=gettext_noop("discharged"))
    return stay


# ---------------------------------------------------------------- sick-leave reports


@transaction.atomic
def sick_leave_report(
    *,
    actor,
    workplace,
    person_name: str,
    phone: str = "",
    symptoms=None,
    days: int,
    date: datetime.date | None = None,
) -> SickLeaveReport:
    """因病缺勤报告. If the phone matches a resident inside the reporter's jurisdiction (where the
    reporter may order observation) with no open order, a health-monitoring order starts (source: this
    report). A side path writes only inside the actor's jurisdiction: a resident registered elsewhere is
    not linked, ordered or shown back; instead a referral copy of the report (person linked, no order)
    is filed in that resident's own area, where their community's workers see it and decide."""
    symptoms = [s for s in (symptoms or []) if s]
    if any(s not in Symptom.values for s in symptoms):
        raise ValidationError({"symptoms": _("Unknown symptom.")})
    if days < 1:
        raise ValidationError({"days": _("At least one day.")})
    phone = normalise_phone(phone)
    phone_hash = crypto.blind_index(phone, kind="phone") if phone else ""
    fields = {
        "workplace": workplace,
        "person_name": person_name[:50],
        "phone_enc": crypto.encrypt(phone),
        "phone_hash": phone_hash,
        "phone_masked": mask_phone(phone) if phone else "",
        "symptoms": symptoms,
        "days": days,
        "date": date or timezone.localdate(),
        "reported_by": _user(actor),
    }
    report = SickLeaveReport.objects.create(
        area_id=workplace.area_id, area_path=workplace.area_path, **fields
    )
    record(report, ChangeLog.Action.CREATE, actor=actor)
    if not phone_hash:
        return report
    person = _match_by_phone(
        Person.objects.visible_to(actor, "observation.add_observationorder"), phone_hash, person_name
    )
    if person is None:
        elsewhere = _match_by_phone(Person.objects.all(), phone_hash, person_name)
        if elsewhere is not None:
            referral = SickLeaveReport.objects.create(
                area_id=elsewhere.area_id, area_path=elsewhere.area_path, person=elsewhere, **fields
            )
            record(
                referral,
                ChangeLog.Action.CREATE,
                actor=actor,
                message=gettext_noop("referred from sick-leave report #%(id)s"),
                params={"id": report.pk},
            )
        return report
    report.person = person
    if not ObservationOrder.objects.filter(person=person, status__in=OPEN_STATUSES).exists():
        report.order = order_create(
            actor=actor,
            person=person,
            order_type=OrderType.HEALTH_MONITORING,
            reason=OrderReason.OTHER,
            source=f"observation.SickLeaveReport:{report.pk}",
        )
    report.save(update_fields=["person", "order", "updated_at"])
    return report


def _match_by_phone(people, phone_hash: str, name: str) -> Person | None:
    # The same phone may be shared within a family: prefer the one whose name matches.
    return (
        people.filter(phone_hash=phone_hash, name=name).first()
        or people.filter(phone_hash=phone_hash).first()
    )


def orders_activate_due(*, actor=None, day: datetime.date | None = None) -> int:
    """Start every planned order whose start day has come (the daily task calls this)."""
    day = day or timezone.localdate()
    n = 0
    for order in ObservationOrder.objects.filter(status=OrderStatus.PLANNED, start__lte=day).order_by("id"):
        order_activate(actor=actor, order=order)
        n += 1
    return n
