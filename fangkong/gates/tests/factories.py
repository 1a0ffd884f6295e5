"""Leak-test factories for every scoped model of the gates app, plus helpers for the gate tests."""

import uuid

from django.utils import timezone

from fangkong.areas.models import Place
from fangkong.core.testing import register_factory
from fangkong.gates.models import (
    FollowUp,
    HomeInspection,
    InspectionPhoto,
    Pass,
    PlaceCode,
    Post,
    PostShift,
    ReturneeNotice,
    ScanEvent,
    ScanVisitor,
    Seal,
    SealCheck,
)
from fangkong.people.tests.factories import make_person


def make_gate(area, name=None):
    return Place.objects.create(
        area=area, kind=Place.Kind.GATE, name=name or f"大门{area.pk}-{Place.objects.count()}"
    )


@register_factory(PlaceCode)
def make_place_code(area):
    place = make_gate(area)
    return PlaceCode.objects.create(place=place, area=area, version=1)


@register_factory(Pass)
def make_pass(area, person=None, days=30):
    person = person or make_person(area)
    now = timezone.now()
    return Pass.objects.create(
        person=person,
        area=person.area,
        number=f"T{uuid.uuid4().hex[:10].upper()}",
        valid_from=now - timezone.timedelta(days=1),
        valid_to=now + timezone.timedelta(days=days),
    )


@register_factory(Post)
def make_post(area):
    return Post.objects.create(place=make_gate(area), area=area, name=f"岗{area.pk}")


@register_factory(PostShift)
def make_shift(area):
    from fangkong.core.testing import make_user

    now = timezone.now()
    user = make_user("gate_volunteer", area)
    return PostShift.objects.create(
        post=make_post(area),
        area=area,
        volunteer=user,
        start=now - timezone.timedelta(hours=1),
        end=now + timezone.timedelta(hours=7),
    )


@register_factory(ScanEvent)
def make_scan(area):
    now = timezone.now()
    return ScanEvent.objects.create(
        place=make_gate(area),
        area=area,
        area_path=area.path,
        verdict="deny",
        reasons=["no_pass"],
        scanned_at=now,
        received_at=now,
    )


@register_factory(ScanVisitor)
def make_visit(area):
    """A resident of `area` linked to a scan that names nobody (the leak test scopes the link only)."""
    person = make_person(area)
    scan = make_scan(area)
    return ScanVisitor.objects.create(
        scan_id=scan.pk,
        scanned_at=scan.scanned_at,
        place_id=scan.place_id,
        person=person,
        area=person.area,
        area_path=person.area_path,
    )


@register_factory(ReturneeNotice)
def make_notice(area):
    from fangkong.core import crypto

    return ReturneeNotice.objects.create(
        area=area,
        tracking_code=uuid.uuid4().hex[:10].upper(),
        submitted_by="self",
        name="张三",
        id_number_enc=crypto.encrypt("x"),
        id_hash=uuid.uuid4().hex,
        id_masked="x",
        travel_from="湖北",
    )


@register_factory(HomeInspection)
def make_inspection(area):
    return HomeInspection.objects.create(
        notice=make_notice(area),
        area=area,
        inspected_at=timezone.now(),
        checklist={"独立房间": True},
        conditions_met=True,
    )


@register_factory(InspectionPhoto)
def make_photo(area):
    return InspectionPhoto.objects.create(inspection=make_inspection(area), area=area, file="gates/x.jpg")


@register_factory(FollowUp)
def make_followup(area):
    return FollowUp.objects.create(area=area, person=make_person(area), reason="returnee_no_notice")


@register_factory(Seal)
def make_seal(area):
    return Seal.objects.create(
        area=area, reason=Seal.Reason.EMPTY, sealed_at=timezone.now(), slip_number="S1"
    )


@register_factory(SealCheck)
def make_seal_check(area):
    return SealCheck.objects.create(
        seal=make_seal(area), area=area, checked_at=timezone.now(), result="intact"
    )


def resident(area, *, status="normal", phone="", with_pass=True, **extra):
    """A resident with a known ID number (returned) and, by default, a valid pass."""
    from faker import Faker

    from fangkong.core import crypto
    from fangkong.core.identity import mask_phone
    from fangkong.people.models import Person

    fake = Faker("zh_CN")
    number = fake.ssn()
    while Person.objects.filter(id_hash=crypto.blind_index(number, kind="id")).exists():
        number = fake.ssn()
    if phone:
        extra.update(
            phone_enc=crypto.encrypt(phone),
            phone_hash=crypto.blind_index(phone, kind="phone"),
            phone_masked=mask_phone(phone),
        )
    from fangkong.core.identity import mask_id

    person = Person.objects.create(
        area=area,
        name=extra.pop("name", fake.name()),
        id_number_enc=crypto.encrypt(number),
        id_hash=crypto.blind_index(number, kind="id"),
        id_masked=mask_id(number),
        status=status,
        **extra,
    )
    if with_pass:
        make_pass(area, person=person)
    return person, number
