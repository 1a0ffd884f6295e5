"""Observation orders: create, activate, extend, end, transfer, their required tests, and stays at a central site."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core import dates, metrics
from fangkong.core.audit import msgid, record, snapshot
from fangkong.core.models import ChangeLog
from fangkong.people.models import Person, PersonStatus
from fangkong.people.services import person_status_set
from fangkong.policies.selectors import (
    PolicyMissing,
    policy_in_force,
)

from .. import policy as opolicy
from ..models import (
    OPEN_STATUSES,
    Alert,
    ObservationOrder,
    OrderEvent,
    OrderReason,
    OrderStatus,
    OrderType,
    RequiredTest,
    Room,
    SpecialNeed,
    Stay,
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
    if not dates.within(start, past=ORDER_START_MAX_PAST, ahead=ORDER_START_MAX_AHEAD, now=today):
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
        metrics.alerts_counted(app="observation", kind=kind)
    return alert


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


def orders_activate_due(*, actor=None, day: datetime.date | None = None) -> int:
    """Start every planned order whose start day has come (the daily task calls this)."""
    day = day or timezone.localdate()
    n = 0
    for order in ObservationOrder.objects.filter(status=OrderStatus.PLANNED, start__lte=day).order_by("id"):
        order_activate(actor=actor, order=order)
        n += 1
    return n
