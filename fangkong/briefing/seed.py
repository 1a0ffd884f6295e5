"""Demo briefings: the last 30 days of history and today's, through the services (seed_demo runs
`seed_final` after every app's fortnight, so every section has its data).

Each past day is generated as of its cut-off, so the history shows the fortnight as it unfolded. Two
meetings add decisions and tasks (one done, one still open, one overdue) and one day is amended after
a correction, so every state of the archive is there."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.areas.models import Area, Level

from . import services
from .models import Item

DAYS = 30


def seed_final(ctx) -> None:
    today = timezone.localdate()
    made = []
    for back in range(DAYS, -1, -1):
        try:
            made.append(
                services.briefing_generate(
                    actor=None, date=today - datetime.timedelta(days=back), allow_empty=True
                )
            )
        except ValidationError:
            continue  # no cut-off policy in force that day
    if not made:
        ctx.say("  no briefing: no data")
        return
    district = made[-1].area
    streets = list(
        Area.objects.filter(level=Level.STREET, path__startswith=district.path).order_by("path")[:2]
    )
    owner = streets[0] if streets else district
    earlier = made[-3] if len(made) >= 3 else made[0]
    yesterday = made[-2] if len(made) >= 2 else made[-1]
    services.item_add(
        actor=None,
        briefing=earlier,
        kind=Item.Kind.DECISION,
        text="严格落实返京人员“三天三检”，各街道每日报送落实情况",
    )
    done = services.item_add(
        actor=None,
        briefing=earlier,
        kind=Item.Kind.TASK,
        area=owner,
        text="核查集中观察点入住率，准备备用房间",
        deadline=earlier.date + datetime.timedelta(days=1),
    )
    services.item_update(actor=None, item=done, state=Item.State.DONE)
    services.item_add(
        actor=None,
        briefing=earlier,
        kind=Item.Kind.TASK,
        area=streets[-1] if streets else district,
        text="清理缺报健康报告人员名单，逐一电话回访",
        deadline=earlier.date + datetime.timedelta(days=1),
    )
    task = services.item_add(
        actor=None,
        briefing=yesterday,
        kind=Item.Kind.TASK,
        area=owner,
        text="对卡口劝返人员逐一建立台账并跟进",
        deadline=today + datetime.timedelta(days=2),
    )
    services.item_update(actor=None, item=task, state=Item.State.IN_PROGRESS)
    # The street coordinator's own task, entered without naming an owner: it is the street's, not the
    # district's whose briefing it was added to.
    from fangkong.accounts.models import User

    coordinator = User.objects.filter(username="street_lgq").first()
    if coordinator is not None:
        services.item_add(
            actor=coordinator,
            briefing=yesterday,
            kind=Item.Kind.TASK,
            text="卢沟桥街道：封控小区服务保障人员核酸证明逐人核验",
            deadline=today + datetime.timedelta(days=1),
        )
    # A correction after the fact: yesterday's briefing amended (the figures of the day as they are now).
    services.briefing_generate(actor=None, date=yesterday.date, amend=True, reason="补录卡口登记数据后更正")
    ctx.say(f"  {len(made)} daily briefings, {Item.objects.count()} decisions and tasks")
