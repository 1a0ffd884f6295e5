"""Leak-test factories for workplaces (direct inserts; the services are tested on their own). Names,
phones and ids are unique per call, so a leak of another community's record shows on a page."""

import itertools

from django.utils import timezone

from fangkong.areas.models import Place
from fangkong.core.testing import register_factory
from fangkong.workplaces.models import Dormitory, Plan, Room, StaffMember, Violation, Workplace

_n = itertools.count(1)


@register_factory(Workplace)
def make_workplace(area, **extra):
    n = next(_n)
    place = Place.objects.create(area=area, kind=Place.Kind.WORKPLACE, name=f"工作场所地点{n}号")
    fields = {"name": f"测试企业{n}号", "type": "factory", "staff_count": 10, **extra}
    return Workplace.objects.create(area=area, place=place, **fields)


@register_factory(Plan)
def make_plan(area):
    w = make_workplace(area)
    return Plan.objects.create(
        area=area, workplace=w, version=1, source="upload", file=b"%PDF-1.4", filename=f"plan{next(_n)}.pdf"
    )


@register_factory(Dormitory)
def make_dormitory(area, workplace=None):
    w = workplace or make_workplace(area)
    return Dormitory.objects.create(area=area, workplace=w, name=f"宿舍{next(_n)}号")


@register_factory(Room)
def make_room(area, dormitory=None, **extra):
    d = dormitory or make_dormitory(area)
    fields = {"number": f"R{next(_n)}", "floor_area": 20, "beds": 4, "occupants": 2, **extra}
    return Room.objects.create(area=area, dormitory=d, workplace=d.workplace, **fields)


@register_factory(StaffMember)
def make_staff(area, workplace=None, **extra):
    w = workplace or make_workplace(area)
    n = next(_n)
    fields = {"name": f"员工{n}号", "phone_masked": f"139****{n:04d}", **extra}
    return StaffMember.objects.create(area=area, workplace=w, **fields)


@register_factory(Violation)
def make_violation(area):
    r = make_room(area, occupants=4, floor_area=8)
    return Violation.objects.create(
        area=area,
        workplace=r.workplace,
        room=r,
        rule="workplace.dormitory.min_area",
        detail="x",
        found_at=timezone.now(),
    )


from .factories_reports import *  # noqa: E402,F401,F403  wp2: zero reports, alerts, inspections, ledger
