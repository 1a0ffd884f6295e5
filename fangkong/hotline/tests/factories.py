"""Leak-test factories for the hotline (direct inserts; the services are tested on their own)."""

import itertools

from django.utils import timezone

from fangkong.areas.models import Level
from fangkong.core.testing import register_factory
from fangkong.hotline.models import (
    Dispatch,
    HandlingEntry,
    Integration,
    ProactiveTask,
    Status,
    Unit,
    WorkOrder,
)

_n = itertools.count(1)


def _street(area):
    node = area
    while node is not None and node.level != Level.STREET:
        node = node.parent
    return node or area


def _community(area):
    node = area
    while node is not None and node.level != Level.COMMUNITY:
        node = node.parent
    return node or area


@register_factory(Unit)
def make_unit(area, **extra):
    community = _community(area)
    fields = {"name": f"{community.name}承办{next(_n)}", "kind": Unit.Kind.COMMUNITY, **extra}
    return Unit.objects.create(area=community, **fields)


@register_factory(WorkOrder)
def make_order(area, **extra):
    n = next(_n)
    fields = {
        "street": _street(area),
        "channel": "city_dispatch",
        "city_number": f"T{n:08d}",
        "received_at": timezone.now(),
        "caller_name": f"来电人{n}",
        "caller_phone": f"1390000{n:04d}",
        "address": f"{area.name}{n}号",
        "category": "noise",
        "text": f"楼下施工噪音扰民{n}",
        "status": Status.TRIAGE,  # every list shows it, the triage list too (the leak test)
        "response_due": timezone.now() + timezone.timedelta(hours=24),
        "resolve_due": timezone.now() + timezone.timedelta(days=7),
        **extra,
    }
    return WorkOrder.objects.create(area=area, **fields)


@register_factory(Dispatch)
def make_dispatch(area, **extra):
    order = extra.pop("order", None) or make_order(area)
    unit = extra.pop("unit", None) or make_unit(area)
    return Dispatch.objects.create(area=order.area, order=order, unit=unit, **extra)


@register_factory(HandlingEntry)
def make_entry(area):
    order = make_order(area)
    return HandlingEntry.objects.create(area=order.area, order=order, kind="note", text="已电话联系来电人")


@register_factory(ProactiveTask)
def make_proactive_task(area, **extra):
    community = _community(area)
    now = timezone.now()
    fields = {
        "category": "noise",
        "keyword": f"噪音{next(_n)}",
        "window_start": now - timezone.timedelta(days=30),
        "window_end": now,
        "order_count": 3,
        **extra,
    }
    return ProactiveTask.objects.create(area=community, **fields)


@register_factory(Integration)
def make_integration(area, **extra):
    n = next(_n)
    fields = {"name": f"平台{n}", "key_prefix": f"{n:08x}", "key_hash": f"{n:064x}", **extra}
    return Integration.objects.create(area=_community(area), **fields)
