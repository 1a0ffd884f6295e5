"""Leak-test factories for observation (direct inserts; the services are tested on their own)."""

import datetime
import itertools

from django.utils import timezone

from fangkong.areas.models import Place
from fangkong.core.testing import register_factory
from fangkong.observation.models import (
    Alert,
    CareGroup,
    CareGroupMember,
    HealthReport,
    ObservationOrder,
    OrderEvent,
    OrderStatus,
    RequiredTest,
    Room,
    SickLeaveReport,
    SiteMember,
    Stay,
)
from fangkong.people.tests.factories import make_person

_n = itertools.count(1)


@register_factory(ObservationOrder)
def make_order(area, **extra):
    today = timezone.localdate()
    fields = {
        "person": make_person(area),
        "order_type": "home",
        "reason": "returnee",
        "start": today,
        "planned_end": today + datetime.timedelta(days=14),
        "policy_key": "observation.returnee.days",
        "status": OrderStatus.ACTIVE,
        **extra,
    }
    return ObservationOrder.objects.create(area=area, **fields)


@register_factory(OrderEvent)
def make_event(area):
    return OrderEvent.objects.create(area=area, order=make_order(area), kind="created", reason="test")


@register_factory(RequiredTest)
def make_test(area):
    return RequiredTest.objects.create(
        area=area, order=make_order(area), day=7, due_date=timezone.localdate()
    )


@register_factory(HealthReport)
def make_report(area):
    return HealthReport.objects.create(
        area=area,
        order=make_order(area),
        date=timezone.localdate(),
        temperature="36.5",
        reporter="resident",
        channel="link",
        needs=["food"],
    )


@register_factory(Alert)
def make_alert(area):
    return Alert.objects.create(
        area=area, order=make_order(area), kind="fever", date=timezone.localdate(), message="test"
    )


@register_factory(CareGroup)
def make_group(area):
    return CareGroup.objects.filter(area=area, active=True).first() or CareGroup.objects.create(
        area=area, name=f"group {next(_n)}"
    )


@register_factory(CareGroupMember)
def make_member(area):
    from fangkong.accounts.models import User

    user = User.objects.create(username=f"care-{next(_n)}")
    group = CareGroup.objects.filter(area=area, active=True).first() or make_group(area)
    return CareGroupMember.objects.create(area=area, group=group, user=user, role="volunteer")


def make_site(area):
    return Place.objects.create(area=area, kind=Place.Kind.OBSERVATION_SITE, name=f"观察点{next(_n)}")


@register_factory(Room)
def make_room(area):
    return Room.objects.create(area=area, site=make_site(area), number=str(next(_n)), capacity=2)


@register_factory(SiteMember)
def make_site_member(area):
    return SiteMember.objects.create(area=area, site=make_site(area), name="医生", team="medical")


@register_factory(Stay)
def make_stay(area):
    room = make_room(area)
    return Stay.objects.create(
        area=area, order=make_order(area, order_type="centralized"), site=room.site, room=room
    )


@register_factory(SickLeaveReport)
def make_sick_leave(area):
    workplace = Place.objects.create(area=area, kind=Place.Kind.WORKPLACE, name=f"公司{next(_n)}")
    return SickLeaveReport.objects.create(area=area, workplace=workplace, person_name="李四", days=2)
