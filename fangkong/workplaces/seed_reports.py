"""Demo zero reports, missing-report alerts, inspections and ledger items, through the services
(seed_demo calls `seed_activity(ctx)` after every app's `seed`, so the registry's workplaces exist).

The last two days and today: most open workplaces filed (a few absences for illness, one dense
factory over the on-site limit on one day), some did not (missing alerts for the past days). The demo
contact's factory has not filed today (their workbench shows it due). Inspections per street: a
supermarket with two findings open, a restaurant whose finding was closed on re-inspection, a site whose
finding is overdue (escalated) and one extended with a reason."""

from __future__ import annotations

import datetime

from django.utils import timezone

from . import services
from .models import LedgerItem, Workplace, WorkplaceType

DAYS = 2  # past days with reports, besides today
ABSENT = [("赵磊", ["fever"]), ("孙梅", ["fever", "cough"]), ("周杰", ["sore_throat"])]


def _results(workplace, failed=()):
    checklist = services.checklist_for(workplace.type)
    return {i["key"]: i["key"] not in failed for i in checklist.items} if checklist else {}


def seed_activity(ctx) -> None:
    rng = ctx.rng
    now = timezone.now()
    today = timezone.localdate()
    workplaces = list(
        Workplace.objects.filter(open=True).select_related("area").order_by("area_path", "pk")[:40]
    )
    if not workplaces:
        return
    for w in workplaces[:6]:
        services.report_link_create(actor=None, workplace=w)
    absent = iter(ABSENT)
    for back in range(DAYS, -1, -1):
        day = today - datetime.timedelta(days=back)
        for n, w in enumerate(workplaces):
            if w.safety_contact_user_id and back == 0:
                continue  # the demo contact files today's report themselves
            if rng.random() < 0.15:
                continue  # a missing report
            staff = w.staff_count or 1
            on_site = staff * 7 // 10 if (w.dense and back == 1) else staff * 4 // 10
            people = []
            if back == 0 and n % 9 == 2:
                person = next(absent, None)
                if person and on_site < staff:
                    people = [{"name": person[0], "symptoms": person[1]}]
            services.zero_report_file(
                actor=None,
                workplace=w,
                date=day,
                staff_on_site=on_site,
                absentees=people,
                arrivals_outside=rng.randint(0, 2),
                temperature_checked=True,
                disinfected=rng.random() < 0.9,
            )
        end_of_day = timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))
        services.missing_reports_scan(day=day, now=min(end_of_day, now))
    _inspections(workplaces, now)
    services.ledger_escalate_overdue()


def _inspections(workplaces, now) -> None:
    by_type: dict[str, list[Workplace]] = {}
    for w in workplaces:
        by_type.setdefault(w.type, []).append(w)
    for market in by_type.get(WorkplaceType.SUPERMARKET, [])[:3]:
        services.inspection_record(
            actor=None,
            workplace=market,
            results=_results(market, failed=("capacity", "cold_chain")),
            findings={"capacity": "高峰时段店内人员过密", "cold_chain": "进口冻品查验记录不全"},
            responsible=market.safety_contact_name or "店长",
            at=now - datetime.timedelta(days=1),
        )
    for shop in by_type.get(WorkplaceType.RESTAURANT, [])[:3]:
        services.inspection_record(
            actor=None,
            workplace=shop,
            results=_results(shop, failed=("ventilation",)),
            findings={"ventilation": "后厨未按时通风"},
            responsible=shop.safety_contact_name or "店主",
            at=now - datetime.timedelta(days=4),
        )
        services.inspection_record(
            actor=None, workplace=shop, results=_results(shop), at=now - datetime.timedelta(days=1)
        )
    for n, site in enumerate(by_type.get(WorkplaceType.CONSTRUCTION_SITE, [])[:3]):
        services.inspection_record(
            actor=None,
            workplace=site,
            results=_results(site, failed=("dormitory", "canteen")),
            findings={"dormitory": "板房宿舍人员过密", "canteen": "食堂未错峰就餐"},
            responsible=site.safety_contact_name or "项目经理",
            at=now - datetime.timedelta(days=6),
        )
        if n == 0:
            item = LedgerItem.objects.filter(workplace=site, item_key="canteen").first()
            if item is not None:
                services.ledger_item_extend(
                    actor=None,
                    item=item,
                    deadline=timezone.localdate() + datetime.timedelta(days=5),
                    reason="食堂改造施工中，需延期",
                )
