"""Every status change of a work order: ONE function per transition, each one transaction that checks the
writer's scope, writes the order's timeline (HandlingEntry), the change log, and fires the transition
hooks (hotline/hooks.py) that the rates' rollup listens to.

    triage ──match──▶ to_dispatch ──dispatch──▶ dispatched ──respond──▶ in_progress ⇄ waiting_caller
                           ▲  return (lead)          │                     │   (pause / resume)
                           └─────────────────────────┘                     ▼
    reopened ◀──reopen (dissatisfied)── closed ◀──close── replied ◀──reply─┘
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core.audit import msgid, snapshot

from .. import hooks
from .. import policy as hpolicy
from ..models import (
    OPEN_STATUSES,
    Dispatch,
    HandlingEntry,
    Outcome,
    Rating,
    RatingChannel,
    Status,
    WorkOrder,
)
from .common import _user, area_for, audit, live_dispatches, order_for, street_of, unit_for

DISPATCHABLE = (
    Status.TO_DISPATCH,
    Status.REOPENED,
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.WAITING_CALLER,
)
WORKING = (Status.DISPATCHED, Status.IN_PROGRESS)


def _entry(order, *, kind, actor, text="", unit=None, at=None, photo=None) -> HandlingEntry:
    return HandlingEntry.objects.create(
        area_id=order.area_id,
        area_path=order.area_path,
        order=order,
        kind=kind,
        text=text,
        unit=unit,
        by=_user(actor),
        at=at or timezone.now(),
        **({"photo": photo} if photo else {}),
    )


def _move(order: WorkOrder, new: str, *, actor, event: str, before: dict, at, fields: list[str]) -> WorkOrder:
    old = order.status
    order.status = new
    order.save(update_fields=[*fields, "status", "updated_at"])
    audit(
        order,
        actor=actor,
        before=before,
        message=gettext_noop("Work order: “%(old)s” → “%(new)s”"),
        params={"old": msgid(Status(old).label) if old else "", "new": msgid(Status(new).label)},
    )
    hooks.fire(order, event=event, old=old, new=new, at=at)
    return order


def _wrong_status(order):
    return ValidationError(
        _("Not possible while the order is “%(status)s”.") % {"status": order.get_status_display()}
    )


@transaction.atomic
def order_match(*, actor, order, area, place=None) -> WorkOrder:
    """A person matches a triage order's address by hand (or corrects a match): the area must lie inside
    the order's street and the writer's scope; the order then waits for dispatch."""
    order = order_for(actor, order, "hotline.change_workorder")
    if order.status not in (Status.TRIAGE, Status.TO_DISPATCH):
        raise _wrong_status(order)
    area = area_for(actor, area, "hotline.change_workorder", street=order.street)
    before, now = snapshot(order), timezone.now()
    order.area, order.area_path = area, area.path
    if place is not None:
        from fangkong.areas.models import Place

        order.place = Place.objects.filter(
            pk=getattr(place, "pk", place), area_path__startswith=area.path
        ).first()
    _entry(order, kind=HandlingEntry.Kind.MATCH, actor=actor, text=area.full_name())
    return _move(
        order,
        Status.TO_DISPATCH,
        actor=actor,
        event="matched",
        before=before,
        at=now,
        fields=["area", "area_path", "place"],
    )


@transaction.atomic
def order_dispatch(*, actor, order, unit, co_units=(), handler=None, note: str = "") -> WorkOrder:
    """The street hands the order to a unit (the lead), optionally with co-handling units and a named
    handler. Live dispatches before it are withdrawn, so the same call re-dispatches (改派)."""
    order = order_for(actor, order, "hotline.dispatch_workorder")
    if order.status not in DISPATCHABLE:
        raise _wrong_status(order)
    street = order.street
    lead = unit_for(actor, unit, street)
    others = []
    for u in co_units or ():
        u = unit_for(actor, u, street)
        if u.pk != lead.pk and u.pk not in {o.pk for o in others}:
            others.append(u)
    if handler is not None:
        handler_pk = getattr(handler, "pk", handler)
        if not lead.members.filter(pk=handler_pk).exists():
            raise ValidationError({"handler": _("The handler must be a member of the lead unit.")})
        from fangkong.accounts.models import User

        handler = User.objects.get(pk=handler_pk)
    before, now = snapshot(order), timezone.now()
    for d in live_dispatches(order):
        d.withdrawn_at = now
        d.save(update_fields=["withdrawn_at", "updated_at"])
    for u, is_lead in [(lead, True), *((o, False) for o in others)]:
        d = Dispatch.objects.create(
            area_id=order.area_id,
            area_path=order.area_path,
            order=order,
            unit=u,
            handler=handler if is_lead else None,
            lead=is_lead,
            dispatched_by=_user(actor),
            at=now,
            note=note[:300],
        )
        audit(
            d,
            actor=actor,
            before=None,
            message=gettext_noop("Dispatched to %(unit)s"),
            params={"unit": u.name},
        )
        _entry(order, kind=HandlingEntry.Kind.DISPATCH, actor=actor, unit=u, text=note, at=now)
    return _move(order, Status.DISPATCHED, actor=actor, event="dispatched", before=before, at=now, fields=[])


@transaction.atomic
def dispatch_return(*, actor, dispatch, reason: str) -> Dispatch:
    """A unit sends an order back (退单) with a reason. The lead's return puts the order back in the
    street's dispatch list; a co-handler's return only ends its part."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for returning the order.")})
    pk = getattr(dispatch, "pk", dispatch)
    qs = Dispatch.objects.select_for_update(of=("self",)).filter(
        returned_at__isnull=True, withdrawn_at__isnull=True
    )
    if actor is not None:
        qs = (
            qs.visible_to(actor, "hotline.change_dispatch").filter(unit__members=actor)
            if not actor.is_superuser
            else qs
        )
    try:
        d = qs.get(pk=pk)
    except (Dispatch.DoesNotExist, ValueError, TypeError):
        raise ValidationError(_("Unknown dispatch.")) from None
    order = WorkOrder.objects.select_for_update().get(pk=d.order_id)
    if order.status not in OPEN_STATUSES:
        raise _wrong_status(order)
    before_d, before, now = snapshot(d), snapshot(order), timezone.now()
    d.returned_at, d.return_reason = now, reason[:300]
    d.save(update_fields=["returned_at", "return_reason", "updated_at"])
    audit(
        d,
        actor=actor,
        before=before_d,
        message=gettext_noop("Returned: %(reason)s"),
        params={"reason": reason},
    )
    _entry(order, kind=HandlingEntry.Kind.RETURN, actor=actor, unit=d.unit, text=reason, at=now)
    if d.lead:
        for other in live_dispatches(order):  # the street re-dispatches the whole order
            other.withdrawn_at = now
            other.save(update_fields=["withdrawn_at", "updated_at"])
        _move(order, Status.TO_DISPATCH, actor=actor, event="returned", before=before, at=now, fields=[])
    return d


def _respond(order, *, actor, at) -> None:
    """The first contact with the caller (a call, a visit, a reply) answers the response deadline."""
    if order.first_response_at is None:
        order.first_response_at = at
        order.save(update_fields=["first_response_at", "updated_at"])


@transaction.atomic
def order_respond(
    *, actor, order, kind: str = HandlingEntry.Kind.CALL, text: str = "", photo=None
) -> WorkOrder:
    """A handling-log line (call, visit, photo, note). The first call or visit is the response: the order
    goes from dispatched to in progress."""
    if kind not in (
        HandlingEntry.Kind.CALL,
        HandlingEntry.Kind.VISIT,
        HandlingEntry.Kind.PHOTO,
        HandlingEntry.Kind.NOTE,
    ):
        raise ValidationError({"kind": _("Unknown kind of entry.")})
    order = order_for(actor, order, "hotline.add_handlingentry")
    if order.status not in OPEN_STATUSES or order.status in (Status.TRIAGE, Status.TO_DISPATCH):
        raise _wrong_status(order)
    text = (text or "").strip()
    if kind == HandlingEntry.Kind.PHOTO and not photo:
        raise ValidationError({"photo": _("Choose a photo.")})
    if kind != HandlingEntry.Kind.PHOTO and not text:
        raise ValidationError({"text": _("Write what was done.")})
    before, now = snapshot(order), timezone.now()
    _entry(order, kind=kind, actor=actor, text=text[:2000], photo=photo, at=now)
    if kind in (HandlingEntry.Kind.CALL, HandlingEntry.Kind.VISIT):
        _respond(order, actor=actor, at=now)
        if order.status == Status.DISPATCHED:
            return _move(
                order, Status.IN_PROGRESS, actor=actor, event="responded", before=before, at=now, fields=[]
            )
    return order


@transaction.atomic
def order_pause(*, actor, order, reason: str) -> WorkOrder:
    """Wait for the caller (材料补充, an agreed date): the clock stops, only in statuses policy allows."""
    order = order_for(actor, order, "hotline.change_workorder")
    if order.status not in WORKING:
        raise _wrong_status(order)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what the caller is to do.")})
    before, now = snapshot(order), timezone.now()
    if Status.WAITING_CALLER in hpolicy.pause_statuses(order.area):
        order.paused_since = now
    _respond(order, actor=actor, at=now)
    _entry(order, kind=HandlingEntry.Kind.PAUSE, actor=actor, text=reason[:500], at=now)
    return _move(
        order,
        Status.WAITING_CALLER,
        actor=actor,
        event="paused",
        before=before,
        at=now,
        fields=["paused_since"],
    )


@transaction.atomic
def order_resume(*, actor, order, text: str = "") -> WorkOrder:
    """The caller is back: the clock runs again and the deadlines move by the time it stood still."""
    order = order_for(actor, order, "hotline.change_workorder")
    if order.status != Status.WAITING_CALLER:
        raise _wrong_status(order)
    before, now = snapshot(order), timezone.now()
    if order.paused_since:
        stood = max(int((now - order.paused_since).total_seconds()), 0)
        order.paused_seconds += stood
        order.resolve_due = (
            order.resolve_due + datetime.timedelta(seconds=stood) if order.resolve_due else None
        )
        order.paused_since = None
    _entry(order, kind=HandlingEntry.Kind.RESUME, actor=actor, text=(text or "")[:500], at=now)
    return _move(
        order,
        Status.IN_PROGRESS,
        actor=actor,
        event="resumed",
        before=before,
        at=now,
        fields=["paused_seconds", "resolve_due", "paused_since"],
    )


def _check_close(reply: str, outcome: str, reason: str) -> None:
    errors = {}
    if not reply:
        errors["reply"] = _("Write the reply to the caller before closing.")
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose the outcome.")
    elif outcome == Outcome.NOT_RESOLVABLE and not reason:
        errors["outcome_reason"] = _("Say why it cannot be resolved.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def order_reply(*, actor, order, reply: str) -> WorkOrder:
    """The handler's answer to the caller (答复), recorded before the order is closed."""
    order = order_for(actor, order, "hotline.change_workorder")
    if order.status not in (*WORKING, Status.WAITING_CALLER):
        raise _wrong_status(order)
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": _("Write the reply to the caller before closing.")})
    before, now = snapshot(order), timezone.now()
    _stop_clock(order, now)
    order.reply, order.replied_at = reply[:4000], now
    _respond(order, actor=actor, at=now)
    _entry(order, kind=HandlingEntry.Kind.REPLY, actor=actor, text=reply[:4000], at=now)
    return _move(
        order,
        Status.REPLIED,
        actor=actor,
        event="replied",
        before=before,
        at=now,
        fields=["reply", "replied_at", "paused_seconds", "paused_since", "resolve_due"],
    )


def _stop_clock(order, now) -> None:
    if order.paused_since:
        stood = max(int((now - order.paused_since).total_seconds()), 0)
        order.paused_seconds += stood
        if order.resolve_due:
            order.resolve_due += datetime.timedelta(seconds=stood)
        order.paused_since = None


@transaction.atomic
def order_close(*, actor, order, outcome: str, reply: str = "", outcome_reason: str = "") -> WorkOrder:
    """Close with the outcome (resolved, explained, not resolvable + why); the reply to the caller is
    required (given here or earlier by order_reply)."""
    order = order_for(actor, order, "hotline.close_workorder")
    if order.status not in (*WORKING, Status.WAITING_CALLER, Status.REPLIED):
        raise _wrong_status(order)
    reply = (reply or "").strip() or order.reply
    outcome_reason = (outcome_reason or "").strip()
    _check_close(reply, outcome, outcome_reason)
    before, now = snapshot(order), timezone.now()
    _stop_clock(order, now)
    if not order.replied_at:
        order.replied_at = now
        _entry(order, kind=HandlingEntry.Kind.REPLY, actor=actor, text=reply[:4000], at=now)
    order.reply, order.outcome, order.outcome_reason = reply[:4000], outcome, outcome_reason[:300]
    order.closed_at = now
    _respond(order, actor=actor, at=now)
    _entry(order, kind=HandlingEntry.Kind.CLOSE, actor=actor, text=Outcome(outcome).label, at=now)
    return _move(
        order,
        Status.CLOSED,
        actor=actor,
        event="closed",
        before=before,
        at=now,
        fields=[
            "reply",
            "replied_at",
            "outcome",
            "outcome_reason",
            "closed_at",
            "paused_seconds",
            "paused_since",
            "resolve_due",
        ],
    )


@transaction.atomic
def order_rate(
    *, actor, order, rating: str, channel: str = RatingChannel.CALLBACK, note: str = ""
) -> WorkOrder:
    """The caller's rating, from the callback operator or the SMS link. Only a closed order is rated, and
    once: the same rating again is a no-op (a retried link), a different one is refused."""
    if rating not in Rating.values:
        raise ValidationError({"rating": _("Choose a rating.")})
    if channel not in RatingChannel.values:
        raise ValidationError({"rating_channel": _("Unknown intake channel.")})
    order = order_for(actor, order, "hotline.rate_workorder")
    if order.status != Status.CLOSED:
        raise ValidationError({"rating": _("Only a closed order can be rated.")})
    if order.rating:
        if order.rating == rating:
            return order
        raise ValidationError({"rating": _("This order has already been rated.")})
    before, now = snapshot(order), timezone.now()
    order.rating, order.rated_at, order.rating_channel = rating, now, channel
    order.rating_note, order.rated_by = (note or "")[:300], _user(actor)
    order.save(
        update_fields=["rating", "rated_at", "rating_channel", "rating_note", "rated_by", "updated_at"]
    )
    _entry(order, kind=HandlingEntry.Kind.RATING, actor=actor, text=Rating(rating).label, at=now)
    audit(
        order,
        actor=actor,
        before=before,
        message=gettext_noop("Rated: %(rating)s"),
        params={"rating": msgid(Rating(rating).label)},
    )
    hooks.fire(order, event="rated", old=order.status, new=order.status, at=now)
    return order


@transaction.atomic
def order_rate_by_token(*, token: str, rating: str, note: str = "") -> WorkOrder:
    """The SMS link (/hotline/r/<token>/): the token alone names the order."""
    pk = WorkOrder.objects.filter(callback_token=str(token or "")[:32]).values_list("pk", flat=True).first()
    if pk is None:
        raise ValidationError(_("Unknown work order."))
    return order_rate(actor=None, order=pk, rating=rating, channel=RatingChannel.LINK, note=note)


@transaction.atomic
def order_reopen(*, actor, order, reason: str) -> WorkOrder:
    """A dissatisfied caller's order goes back to the street for another round (new resolution deadline)."""
    order = order_for(actor, order, "hotline.dispatch_workorder")
    if order.status != Status.CLOSED:
        raise _wrong_status(order)
    if order.rating != Rating.DISSATISFIED:
        raise ValidationError(_("Only an order rated dissatisfied can be reopened."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the order is reopened.")})
    before, now = snapshot(order), timezone.now()
    dues = hpolicy.deadlines(category=order.category, urgency=order.urgency, received_at=now, area=order.area)
    order.resolve_due = dues["resolve_due"]
    order.reopen_count += 1
    order.closed_at = None
    order.escalated_at = None
    for d in live_dispatches(order):
        d.withdrawn_at = now
        d.save(update_fields=["withdrawn_at", "updated_at"])
    _entry(order, kind=HandlingEntry.Kind.REOPEN, actor=actor, text=reason[:500], at=now)
    return _move(
        order,
        Status.REOPENED,
        actor=actor,
        event="reopened",
        before=before,
        at=now,
        fields=["resolve_due", "reopen_count", "closed_at", "escalated_at"],
    )


def street_for_area(area):
    return street_of(area)
