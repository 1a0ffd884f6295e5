"""Hotline reads, always scoped."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from . import policy as hpolicy
from .models import OPEN_STATUSES, Dispatch, HandlingEntry, Status, Unit, WorkOrder


def order_list(*, viewer, perm: str = "hotline.view_workorder") -> QuerySet[WorkOrder]:
    return WorkOrder.objects.visible_to(viewer, perm).select_related("area")


def deadline_state(
    order: WorkOrder, now: datetime.datetime | None = None, soon_hours: int | None = None
) -> str:
    """'overdue', 'due_soon', 'paused' or '' — what the list's badge and row colour show."""
    if order.status not in OPEN_STATUSES:
        return ""
    if order.status == Status.WAITING_CALLER:
        return "paused"
    now = now or timezone.now()
    if soon_hours is None:
        soon_hours = _soon_hours_cached()
    dues = [order.resolve_due]
    if order.first_response_at is None:
        dues.append(order.response_due)
    dues = [d for d in dues if d]
    if not dues:
        return ""
    first = min(dues)
    if first < now:
        return "overdue"
    if first < now + datetime.timedelta(hours=soon_hours):
        return "due_soon"
    return ""


_SOON: dict = {}


def _soon_hours_cached() -> int:
    """The warning window, read once per minute (a list renders 50 rows)."""
    stamp = int(timezone.now().timestamp() // 60)
    if _SOON.get("stamp") != stamp:
        _SOON.update(stamp=stamp, value=hpolicy.due_soon_hours())
    return _SOON["value"]


def order_timeline(*, viewer, order: WorkOrder) -> list[HandlingEntry]:
    return list(HandlingEntry.objects.filter(order=order).select_related("by", "unit").order_by("at", "id"))


def order_dispatches(*, order: WorkOrder) -> list[Dispatch]:
    return list(Dispatch.objects.filter(order=order).select_related("unit", "handler", "dispatched_by"))


def my_live_dispatches(*, viewer, order: WorkOrder) -> list[Dispatch]:
    """The live dispatches of this order to units the viewer belongs to (what they may return)."""
    return list(
        Dispatch.objects.filter(
            order=order, unit__members=viewer, returned_at__isnull=True, withdrawn_at__isnull=True
        ).select_related("unit")
    )


def unit_list(*, viewer) -> QuerySet[Unit]:
    return Unit.objects.visible_to(viewer).prefetch_related("members").select_related("area")
