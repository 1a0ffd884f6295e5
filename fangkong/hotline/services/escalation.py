"""The overdue scan (a periodic task): an order past its response or resolution deadline gets ONE
escalation line per missed deadline — re-runs add nothing (the key is the deadline missed)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import hooks
from ..models import OPEN_STATUSES, HandlingEntry, Status, WorkOrder


def _key(kind: str, due: datetime.datetime) -> str:
    local = timezone.localtime(due)
    if kind == "response":
        return _("Response overdue (due %(due)s)") % {"due": f"{local:%Y-%m-%d %H:%M}"}
    return _("Resolution overdue (due %(due)s)") % {"due": f"{local:%Y-%m-%d %H:%M}"}


def overdue_q(now: datetime.datetime) -> Q:
    """Open orders past a deadline; a paused order (waiting for the caller) is not counted."""
    running = Q(status__in=OPEN_STATUSES) & ~Q(status=Status.WAITING_CALLER)
    return running & (Q(first_response_at__isnull=True, response_due__lt=now) | Q(resolve_due__lt=now))


def due_soon_q(now: datetime.datetime, hours: int) -> Q:
    soon = now + datetime.timedelta(hours=hours)
    running = Q(status__in=OPEN_STATUSES) & ~Q(status=Status.WAITING_CALLER)
    return (
        running
        & ~overdue_q(now)
        & (Q(first_response_at__isnull=True, response_due__lt=soon) | Q(resolve_due__lt=soon))
    )


@transaction.atomic
def overdue_escalate(*, now: datetime.datetime | None = None) -> int:
    """Write the escalation lines of every newly overdue order; returns how many were written."""
    now = now or timezone.now()
    orders = list(
        WorkOrder.objects.filter(overdue_q(now)).only(
            "id", "area_id", "area_path", "status", "response_due", "resolve_due", "first_response_at"
        )
    )
    if not orders:
        return 0
    have = set(
        HandlingEntry.objects.filter(
            order_id__in=[o.pk for o in orders], kind=HandlingEntry.Kind.ESCALATION
        ).values_list("order_id", "text")
    )
    new: list[HandlingEntry] = []
    touched: dict[int, WorkOrder] = {}
    for o in orders:
        keys = []
        if o.first_response_at is None and o.response_due and o.response_due < now:
            keys.append(_key("response", o.response_due))
        if o.resolve_due and o.resolve_due < now:
            keys.append(_key("resolve", o.resolve_due))
        for k in keys:
            if (o.pk, k) not in have:
                new.append(
                    HandlingEntry(
                        area_id=o.area_id,
                        area_path=o.area_path,
                        order_id=o.pk,
                        kind=HandlingEntry.Kind.ESCALATION,
                        text=k,
                        at=now,
                    )
                )
                touched[o.pk] = o
    HandlingEntry.objects.bulk_create(new, ignore_conflicts=True)
    WorkOrder.objects.filter(pk__in=list(touched)).update(escalated_at=now, updated_at=now)
    for o in touched.values():
        hooks.fire(o, event="escalated", old=o.status, new=o.status, at=now)
    return len(new)
