"""Demo closed estate, through the support services (seed_demo calls `seed_activity(ctx)`).

The first demo community is closed three days ago (like the estates around 新发地 on 13 June 2020) with a
checkpoint, its seven teams, the demo community worker as medicine lead and the demo grid member as a
runner; requests in every state over those days (one urgent medical, overdue ones escalated, a failed
attempt), the door-knock list with every outcome, and vegetable packs received and distributed."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.areas import services as area_services
from fangkong.areas.models import Area, Level, Place
from fangkong.gates.seed import demo_communities
from fangkong.people.models import Person

from . import services
from .models import DoorKnock, Request

VOLUNTEERS = [
    ("security", "马保安", True),
    ("publicity", "宣传员 林芳", True),
    ("supplies", "志愿者 高明", True),
    ("parcels", "快递志愿者 许亮", True),
    ("disinfection", "保洁 何师傅", True),
    ("requests", "诉求专员 罗兰", True),
    ("medicine", "志愿者 田甜", False),
]
# (type, days ago it was filed, hour, what happens: state it ends in)
PLAN = [
    ("medicine", 2, 9, "confirmed"),
    ("medicine", 2, 10, "confirmed"),
    ("groceries", 2, 11, "delivered"),
    ("parcels", 2, 15, "confirmed"),
    ("medicine", 1, 8, "confirmed"),
    ("medicine", 1, 9, "delivered"),
    ("rubbish", 1, 10, "confirmed"),
    ("psychological", 1, 14, "cancelled"),
    ("medicine", 1, 16, "new"),
    ("medicine", 0, 8, "in_progress"),
    ("groceries", 0, 9, "assigned"),
    ("parcels", 0, 9, "in_progress"),
    ("medicine", 0, 10, "new"),
    ("other", 0, 10, "new"),
    ("urgent_medical", 0, 11, "assigned"),
    ("groceries", 0, 11, "new"),
    ("rubbish", 0, 12, "failed"),
]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _tested_resident(community: Area) -> Person | None:
    """A resident of the estate with a negative result inside the policy's window, if screening has one."""
    from django.apps import apps

    if not apps.is_installed("fangkong.screening"):
        return None
    from fangkong.screening.selectors import negative_since

    ids = list(
        Person.objects.filter(area_path__startswith=community.path)
        .order_by("pk")
        .values_list("pk", flat=True)[:2000]
    )
    found = negative_since(ids, timezone.now() - datetime.timedelta(days=1))
    return Person.objects.filter(pk__in=found).order_by("pk").first() if found else None


def seed_activity(ctx) -> None:
    from fangkong.accounts.demo import demo_accounts_create

    communities = demo_communities(ctx)
    if not communities:
        return
    users = {u.username: u for u in demo_accounts_create()}
    lead, runner_user = users.get("worker_zgs"), users.get("grid_zgs1")
    community = communities[0]
    today = timezone.localdate()
    now = timezone.now()
    start = _at(today - datetime.timedelta(days=2), 3)
    checkpoint = area_services.place_create(
        actor=None,
        area=community,
        kind=Place.Kind.CHECKPOINT,
        name=f"{community.name}东门卡口",
        address="东门外",
        contact_name="马保安",
        contact_phone="13800001111",
    )
    closure = services.closure_declare(
        actor=lead,
        area=community,
        reason="新发地关联病例，凌晨3时起封闭管理",
        start=start,
        checkpoints=[checkpoint],
        duty_phone="010-63800000",
        medical_lead=lead,
    )
    teams = {t.kind: t for t in closure.teams.all()}
    services.team_member_add(actor=lead, team=teams["medicine"], user=lead, lead=True, phone="13800002222")
    runner = services.team_member_add(
        actor=lead, team=teams["medicine"], user=runner_user, phone="13800003333"
    )
    for kind, name, is_lead in VOLUNTEERS:
        # Not residents of the estate: they join marked "test not checked" (the closure page shows it).
        services.team_member_add(actor=lead, team=teams[kind], name=name, lead=is_lead, phone="13900000000")
    # The street's family doctor serves the estate's medicine team (a user scoped above the community).
    doctor = users.get("doctor_lgq")
    if doctor is not None:
        try:
            services.team_member_add(actor=lead, team=teams["medicine"], user=doctor, phone="13800004444")
        except ValidationError:
            pass  # the first demo community lies in another street
    # A resident volunteer with a negative test from the screening demo: checked against the registry.
    resident = _tested_resident(community)
    if resident is not None:
        services.team_member_add(actor=lead, team=teams["supplies"], person=resident, name=resident.name)
    households = list(
        Area.objects.filter(
            path__startswith=community.path,
            level=Level.HOUSEHOLD,
            pk__in=Person.objects.filter(area_path__startswith=community.path).values("area_id"),
        ).order_by("path")[: len(PLAN)]
    )
    made = 0
    for (kind, ago, hour, end), household in zip(PLAN, households, strict=False):
        day = today - datetime.timedelta(days=ago)
        at = min(_at(day, hour), now - datetime.timedelta(minutes=30))
        person = Person.objects.filter(area=household).order_by("pk").first()
        req = services.request_create(
            actor=None if ago % 2 == 0 else lead,
            household=household,
            kind=kind,
            person=person,
            source=Request.Source.RESIDENT if ago % 2 == 0 else Request.Source.PHONE,
            note={
                "medicine": "降压药 硝苯地平控释片",
                "groceries": "蔬菜包一份",
                "parcels": "快递在东门卡口",
            }.get(kind, ""),
            at=at,
        )
        Request.objects.filter(pk=req.pk).update(created_at=at)  # the demo fortnight: filed on its day
        made += 1
        if end == "new":
            continue
        if end == "cancelled":
            services.request_cancel(actor=lead, request=req, reason="居民已自行解决")
            continue
        services.request_assign(actor=lead, request=req, member=runner)
        if end == "assigned":
            continue
        if end == "failed":
            services.attempt_failed(actor=runner_user, request=req, reason="家中无人应答，已电话联系", at=at)
            continue
        steps = req.steps_expected()[1:]
        if end == "in_progress":
            steps = steps[:1]
        elif end in ("delivered", "confirmed"):
            steps = steps[: steps.index("delivered") + 1]
        for i, step in enumerate(steps):
            services.step_record(
                actor=runner_user,
                request=req,
                step=step,
                at=min(at + datetime.timedelta(minutes=40 * (i + 1)), now),
            )
        if end == "confirmed":
            services.request_confirm(
                actor=None, request=req, rating=5 if made % 3 else 4, comment="感谢志愿者"
            )
    services.requests_escalate_overdue(at=now)
    # The door-knock action: the list, then visits with each outcome.
    services.knock_list_generate(actor=lead, closure=closure)
    knocks = list(DoorKnock.objects.filter(closure=closure).order_by("priority", "area_path")[:8])
    outcomes = (
        [DoorKnock.Outcome.ANSWERED] * 4 + [DoorKnock.Outcome.NO_ANSWER] * 2 + [DoorKnock.Outcome.NEEDS]
    )
    for knock, outcome in zip(knocks, outcomes, strict=False):
        services.knock_record(
            actor=lead,
            knock=knock,
            outcome=outcome,
            note="独居老人，需代购药品" if outcome == "needs" else "",
            needs=["medicine"] if outcome == DoorKnock.Outcome.NEEDS else [],
        )
    # Supplies: vegetable packs at the checkpoint, handed to the first buildings.
    services.lot_receive(
        actor=lead,
        closure=closure,
        checkpoint=checkpoint,
        item="蔬菜包",
        quantity=120,
        supplier="新发地蔬菜保供企业",
    )
    services.lot_receive(
        actor=lead, closure=closure, checkpoint=checkpoint, item="米面油", quantity=10, supplier="超市保供"
    )
    buildings = list(
        Area.objects.filter(path__startswith=community.path, level=Level.BUILDING).order_by("path")[:3]
    )
    for b in buildings:
        services.distribute(
            actor=lead, closure=closure, checkpoint=checkpoint, building=b, item="蔬菜包", quantity=30
        )
    if buildings:
        services.distribute(
            actor=lead,
            closure=closure,
            checkpoint=checkpoint,
            building=buildings[0],
            item="米面油",
            quantity=10,
        )
    ctx.say(
        f"  closure of {community.name}: {made} requests, {DoorKnock.objects.filter(closure=closure).count()} "
        "households on the door-knock list"
    )
