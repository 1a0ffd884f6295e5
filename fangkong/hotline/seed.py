"""Demo month of 12345 orders, through the services (seed_demo calls `seed_activity(ctx)`).

Handling units for the demo streets and communities (the demo coordinator, community workers and the
department clerk are members), then a month of the city's dispatch imported through `order_import` (a
few hundred orders, some with addresses that match nothing → triage), and the older ones carried
through dispatch, a call, a reply, closing and the callback by the flow services; a few stay open past
their deadlines (overdue, escalated by the periodic scan), a few wait for the caller, one dissatisfied
order is reopened. The services stamp "now"; the demo then moves each handled order's timestamps back
to plausible moments after its receipt (one UPDATE per table), so that the month reads like a month.
"""

from __future__ import annotations

import datetime

from django.http import QueryDict
from django.utils import timezone

from fangkong.areas.models import Area, Level
from fangkong.gates.seed import demo_communities

from . import services
from .models import Dispatch, HandlingEntry, Status, Unit, WorkOrder

TEXTS = [
    ("噪音扰民", "楼下商铺夜间施工，噪音扰民"),
    ("环境卫生", "小区垃圾桶满溢三天无人清运"),
    ("疫情防控", "小区门口核酸采样点排队过长，希望增加采样点"),
    ("物资保障", "封控楼栋买菜难，希望统一配送"),
    ("就医", "家中老人需要透析，封控期间如何就医"),
    ("物业管理", "电梯故障一周未修"),
    ("封控管理", "封控楼栋快递无法送达"),
    ("劳动就业", "公司拖欠工资，疫情期间无法到京申请仲裁"),
    ("其他", "咨询返京人员居家观察政策"),
]
UNKNOWN = ["某某大院东门", "南边那个小区", "地铁站旁边"]
ORDERS = 180  # a month of the demo street's calls
HANDLED = 130  # the older ones carried through to the callback; the newest wait in the lists


def seed_activity(ctx) -> None:
    import time

    t0 = time.monotonic()
    _seed(ctx)
    # The backdating above wrote timestamps by UPDATE, past the transition hooks: bring the rates' rollup
    # up to date (before the briefing's snapshots, which read it), then the open interface and 未诉先办.
    services.rates_refresh(order_ids=WorkOrder.objects.values_list("pk", flat=True))
    _seed_insight(ctx)
    ctx.say(f"  hotline: {WorkOrder.objects.count()} orders in {time.monotonic() - t0:.1f}s")


def _seed(ctx) -> None:
    import time

    from fangkong.accounts.demo import demo_accounts_create

    users = {u.username: u for u in demo_accounts_create()}
    rng = ctx.rng
    district = Area.objects.filter(level=Level.DISTRICT).order_by("path").first()
    streets = list(Area.objects.filter(level=Level.STREET).order_by("path"))
    communities = list(Area.objects.filter(level=Level.COMMUNITY).order_by("path"))
    if not district or not streets or not communities:
        return
    street_units = {
        s.pk: services.unit_create(actor=None, area=s, name=f"{s.name}接诉即办办公室", kind=Unit.Kind.STREET)
        for s in streets
    }
    community_units = {
        c.pk: services.unit_create(actor=None, area=c, name=f"{c.name}居委会", kind=Unit.Kind.COMMUNITY)
        for c in communities
    }
    dept = services.unit_create(actor=None, area=district, name="区人力社保局", kind=Unit.Kind.DEPARTMENT)
    _member(street_units.get(streets[0].pk), users.get("street_lgq"))
    _member(community_units.get(communities[0].pk), users.get("worker_zgs"))
    if len(communities) > 1:
        _member(community_units.get(communities[1].pk), users.get("worker_wpc"))
    _member(dept, users.get("dept_rsj"))

    # A month of the city's dispatch, imported as the district's export file.
    now = timezone.now()
    buildings = {}
    for b in Area.objects.filter(level=Level.BUILDING, path__startswith=district.path).order_by("path"):
        buildings.setdefault(b.path[: len(communities[0].path)], []).append(b.name)
    street_of = {c.pk: next(s for s in streets if c.path.startswith(s.path)) for c in communities}
    lines = ["工单编号,受理时间,来电人,联系电话,地址,问题分类,诉求内容,时限类型,街道"]
    for i in range(ORDERS):
        at = now - datetime.timedelta(minutes=rng.randint(30, 30 * 24 * 60))
        c = rng.choice(communities)
        cat, text = rng.choice(TEXTS)
        if i % 17 == 5:
            address = rng.choice(UNKNOWN)
        else:
            bname = rng.choice(buildings.get(c.path, [""]) or [""])
            address = f"{street_of[c.pk].name}{c.name}{bname}"
        urgency = "紧急" if i % 13 == 0 else "一般"
        lines.append(
            f"{at:%Y%m%d}{i:05d},{timezone.localtime(at):%Y-%m-%d %H:%M},居民{i},1390000{i:04d},{address},{cat},{text},{urgency},{street_of[c.pk].name}"
        )
    coordinator = users.get("district_admin")
    t1 = time.monotonic()
    services.order_import(
        actor=coordinator,
        within=district,
        filename="12345派单-月度.csv",
        content="\n".join(lines).encode("utf-8"),
    )

    ctx.say(f"  hotline: import {time.monotonic() - t1:.1f}s")
    orders = list(WorkOrder.objects.filter(status=Status.TO_DISPATCH).order_by("received_at")[: HANDLED + 20])
    operator = users.get("hotline")
    for n, order in enumerate(orders):
        age = (now - order.received_at).days
        community = Area.objects.filter(
            path=order.area_path[: len(communities[0].path)], level=Level.COMMUNITY
        ).first()
        unit = community_units.get(community.pk) if community else street_units.get(order.street_id)
        if order.category == "employment":
            unit = dept
        if n >= HANDLED:
            if n % 3 == 0:
                services.order_dispatch(actor=coordinator, order=order, unit=unit)
            continue
        services.order_dispatch(actor=coordinator, order=order, unit=unit)
        if age < 2 and n % 4 == 0:
            continue  # dispatched, not yet answered
        if n % 11 == 3 and age < 10:
            continue  # left unanswered past its deadline: overdue
        handler = unit.members.first() or coordinator
        services.order_respond(actor=coordinator, order=order, kind="call", text="已电话联系来电人，了解诉求")
        if n % 9 == 4:
            services.order_pause(actor=coordinator, order=order, reason="等待来电人补充材料")
            continue
        if n % 7 == 2 and age < 5:
            continue  # in progress
        outcome = "resolved" if n % 6 else "explained"
        services.order_close(
            actor=coordinator, order=order, outcome=outcome, reply="已协调相关单位处理，并向来电人反馈"
        )
        if n % 8 == 6:
            continue  # callback still to make
        rating = "dissatisfied" if n % 15 == 7 else ("basically_satisfied" if n % 5 == 1 else "satisfied")
        services.order_rate(actor=operator, order=order, rating=rating)
        if rating == "dissatisfied" and n % 2:
            services.order_reopen(actor=coordinator, order=order, reason="来电人不满意，重新派单")
        _ = handler
    _backdate()
    services.overdue_escalate()


def _member(unit, user) -> None:
    if unit is not None and user is not None:
        unit.members.add(user)


def _backdate() -> None:
    """Move the stamps the services wrote "now" back to moments after each order's receipt: a response
    within hours, closing within days (demo only; a deterministic spread by id). Through the ORM so that
    the SQLite demo of `make run` reads like a month too (a few hundred rows)."""
    hour, day = datetime.timedelta(hours=1), datetime.timedelta(days=1)
    orders = {o.pk: o for o in WorkOrder.objects.all()}
    moved = []
    for o in orders.values():
        if o.channel != "city_dispatch":
            continue
        r = o.received_at
        if o.first_response_at:
            o.first_response_at = min(r + ((o.pk % 20) + 1) * hour, o.first_response_at)
        if o.replied_at:
            o.replied_at = min(r + ((o.pk % 6) + 1) * day, o.replied_at)
        if o.closed_at:
            o.closed_at = min(r + ((o.pk % 6) + 1) * day + hour, o.closed_at)
        if o.rated_at:
            o.rated_at = min(r + ((o.pk % 6) + 2) * day, o.rated_at)
        if o.paused_since:
            o.paused_since = min(r + 3 * hour, o.paused_since)
        moved.append(o)
    fields = ["first_response_at", "replied_at", "closed_at", "rated_at", "paused_since"]
    WorkOrder.objects.bulk_update(moved, fields, batch_size=500)
    dispatches = list(Dispatch.objects.all())
    for d in dispatches:
        d.at = min(orders[d.order_id].received_at + datetime.timedelta(minutes=20), d.at)
    Dispatch.objects.bulk_update(dispatches, ["at"], batch_size=500)
    stamp = {
        "dispatch": lambda o, at: min(o.received_at + datetime.timedelta(minutes=20), at),
        "call": lambda o, at: o.first_response_at or at,
        "pause": lambda o, at: o.paused_since or at,
        "reply": lambda o, at: o.replied_at or at,
        "close": lambda o, at: o.closed_at or at,
        "rating": lambda o, at: o.rated_at or at,
    }
    entries = list(HandlingEntry.objects.filter(kind__in=stamp))
    for e in entries:
        e.at = stamp[e.kind](orders[e.order_id], e.at)
    HandlingEntry.objects.bulk_update(entries, ["at"], batch_size=500)


RECURRING = [
    "楼下垃圾堆放多日无人清运，气味很大",
    "小区垃圾桶满了一直没有清运",
    "垃圾清运不及时，苍蝇很多",
]


def _seed_insight(ctx) -> None:
    """An Open311 integration of the first demo community's street with requests filed through it (a
    recurring complaint among them), then the 未诉先办 grouping over the demo month."""
    communities = demo_communities(ctx)
    if not communities:
        return
    community = communities[0]
    street = community.parent
    integration, _key = services.integration_create(
        actor=None, name="市民服务热线平台（Open311）", street_id=street.pk
    )
    buildings = list(community.descendants().filter(level=Level.BUILDING).order_by("path")[:3])
    for i, text in enumerate(RECURRING):
        data = QueryDict(mutable=True)
        data.update(
            {
                "service_code": "sanitation",
                "description": text,
                "address_string": buildings[i % len(buildings)].name if buildings else community.name,
                "first_name": "市民",
            }
        )
        services.open311_request_create(integration=integration, data=data, client_key=f"{i + 1:04d}")
    out = services.proactive_scan()
    ctx.say(f"  hotline: Open311 integration of {street.name}; {out['opened']} proactive tasks")
