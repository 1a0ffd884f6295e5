"""Leak-test factories for support (direct inserts; the services are tested on their own)."""

import datetime
import itertools

from django.utils import timezone

from fangkong.areas.models import Place
from fangkong.core.testing import register_factory
from fangkong.people.tests.factories import make_person
from fangkong.support.models import (
    Closure,
    DeliveryAttempt,
    Distribution,
    DoorKnock,
    Escalation,
    Request,
    RequestStep,
    RunnerBatch,
    SupplyLot,
    Team,
    TeamMember,
)

_n = itertools.count(1)


@register_factory(Closure)
def make_closure(area, **extra):
    return Closure.objects.create(
        area=area, name=f"封闭{area.name}{next(_n)}", start=timezone.now(), reason="test", **extra
    )


@register_factory(Team)
def make_team(area):
    return Team.objects.create(area=area, closure=make_closure(area), kind="medicine")


@register_factory(TeamMember)
def make_member(area, **extra):
    return TeamMember.objects.create(area=area, team=make_team(area), name=f"队员{next(_n)}", **extra)


@register_factory(Request)
def make_request(area, **extra):
    fields = {
        "closure": make_closure(area),
        "kind": "medicine",
        "source": "resident",
        "note": f"降压药{next(_n)}",
        "deadline": timezone.now() + datetime.timedelta(hours=3),
        "person": make_person(area),
        **extra,
    }
    return Request.objects.create(area=area, **fields)


@register_factory(RunnerBatch)
def make_batch(area):
    m = make_member(area)
    return RunnerBatch.objects.create(area=area, closure=m.team.closure, runner=m)


@register_factory(RequestStep)
def make_step(area):
    return RequestStep.objects.create(
        area=area, request=make_request(area), step="registered", at=timezone.now()
    )


@register_factory(DeliveryAttempt)
def make_attempt(area):
    return DeliveryAttempt.objects.create(
        area=area, request=make_request(area), at=timezone.now(), outcome="failed", reason="无人应答"
    )


@register_factory(Escalation)
def make_escalation(area):
    return Escalation.objects.create(
        area=area, request=make_request(area), target="duty_phone", why="urgent", at=timezone.now()
    )


@register_factory(DoorKnock)
def make_knock(area):
    return DoorKnock.objects.create(area=area, closure=make_closure(area), entrance=area.parent)


def _checkpoint(area):
    return Place.objects.create(area=area, kind=Place.Kind.CHECKPOINT, name=f"卡口{next(_n)}")


@register_factory(SupplyLot)
def make_lot(area):
    return SupplyLot.objects.create(
        area=area,
        closure=make_closure(area),
        checkpoint=_checkpoint(area),
        item="蔬菜包",
        quantity=10,
        received_at=timezone.now(),
        supplier="新发地",
    )


@register_factory(Distribution)
def make_distribution(area):
    return Distribution.objects.create(
        area=area,
        closure=make_closure(area),
        checkpoint=_checkpoint(area),
        item="蔬菜包",
        quantity=3,
        at=timezone.now(),
    )
