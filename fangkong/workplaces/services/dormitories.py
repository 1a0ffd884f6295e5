"""Dormitories and their rooms. A room's numbers are checked here with a clear message (negative floor
area, more occupants than beds); after each write the room is checked against the rules at once."""

from __future__ import annotations

import decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fangkong.core.audit import model_update, record
from fangkong.core.models import ChangeLog

from ..models import Dormitory, Room
from .common import _visible, workplace_for

ROOM_FIELDS = ("number", "floor", "floor_area", "beds", "bunks", "occupants")


@transaction.atomic
def dormitory_create(
    *, actor, workplace, name: str, underground: bool = False, address: str = ""
) -> Dormitory:
    workplace = workplace_for(actor, workplace, "workplaces.add_dormitory")
    name = (name or "").strip()[:120]
    if not name:
        raise ValidationError({"name": _("A name is required.")})
    if Dormitory.objects.filter(workplace=workplace, name=name).exists():
        raise ValidationError({"name": _("This workplace already has a dormitory of that name.")})
    dorm = Dormitory.objects.create(
        area_id=workplace.area_id,
        area_path=workplace.area_path,
        workplace=workplace,
        name=name,
        underground=bool(underground),
        address=(address or "")[:200],
    )
    record(dorm, ChangeLog.Action.CREATE, actor=actor)
    return dorm


@transaction.atomic
def dormitory_update(
    *, actor, dormitory, name: str | None = None, underground: bool | None = None, address: str | None = None
) -> Dormitory:
    dorm = _visible(
        Dormitory,
        actor,
        "workplaces.change_dormitory",
        dormitory,
        field="dormitory",
        message=_("Unknown dormitory."),
    )
    data = {}
    if name is not None:
        name = name.strip()[:120]
        if not name:
            raise ValidationError({"name": _("A name is required.")})
        if Dormitory.objects.filter(workplace_id=dorm.workplace_id, name=name).exclude(pk=dorm.pk).exists():
            raise ValidationError({"name": _("This workplace already has a dormitory of that name.")})
        data["name"] = name
    if underground is not None:
        data["underground"] = bool(underground)
    if address is not None:
        data["address"] = address[:200]
    dorm, changed = model_update(dorm, data, actor=actor)
    if changed and "underground" in data:
        from .checks import rules_check

        rules_check(actor=actor, rooms=Room.objects.filter(dormitory=dorm))
    return dorm


def _room_values(data: dict) -> dict:
    errors = {}
    number = str(data.get("number") or "").strip()[:20]
    if not number:
        errors["number"] = _("A room number is required.")
    try:
        area = (
            decimal.Decimal(str(data.get("floor_area"))) if data.get("floor_area") not in (None, "") else None
        )
    except decimal.InvalidOperation:
        area = None
        errors["floor_area"] = _("Enter the floor area in square metres.")
    if area is None and "floor_area" not in errors:
        errors["floor_area"] = _("Enter the floor area in square metres.")
    elif area is not None and area < 0:
        errors["floor_area"] = _("Floor area cannot be negative.")
    elif area is not None and area > 100000:
        errors["floor_area"] = _("Floor area too large for one room.")
    ints = {}
    for f in ("beds", "occupants"):
        v = data.get(f)
        try:
            ints[f] = int(v if v not in (None, "") else 0)
        except (TypeError, ValueError):
            errors[f] = _("Enter a whole number.")
            continue
        if ints[f] < 0:
            errors[f] = _("Cannot be negative.")
        elif ints[f] > 1000:
            errors[f] = _("Too many for one room.")
    if not errors and ints["occupants"] > ints["beds"]:
        errors["occupants"] = _(
            "%(occupants)s occupants but only %(beds)s beds: add beds or move people to another room."
        ) % {"occupants": ints["occupants"], "beds": ints["beds"]}
    if errors:
        raise ValidationError(errors)
    floor = data.get("floor")
    return {
        "number": number,
        "floor": int(floor) if floor not in (None, "") else None,
        "floor_area": area.quantize(decimal.Decimal("0.1")),
        "beds": ints["beds"],
        "occupants": ints["occupants"],
        "bunks": bool(data.get("bunks")),
    }


@transaction.atomic
def room_create(
    *,
    actor,
    dormitory,
    number: str,
    floor_area,
    beds: int,
    occupants: int = 0,
    bunks: bool = False,
    floor: int | None = None,
    check: bool = True,
) -> Room:
    dorm = _visible(
        Dormitory, actor, "workplaces.add_room", dormitory, field="dormitory", message=_("Unknown dormitory.")
    )
    values = _room_values(
        {
            "number": number,
            "floor_area": floor_area,
            "beds": beds,
            "occupants": occupants,
            "bunks": bunks,
            "floor": floor,
        }
    )
    if Room.objects.filter(dormitory=dorm, number=values["number"]).exists():
        raise ValidationError({"number": _("This dormitory already has a room with that number.")})
    try:
        with transaction.atomic():
            room = Room.objects.create(
                area_id=dorm.area_id,
                area_path=dorm.area_path,
                dormitory=dorm,
                workplace_id=dorm.workplace_id,
                **values,
            )
    except IntegrityError:  # a concurrent request added the same number
        raise ValidationError({"number": _("This dormitory already has a room with that number.")}) from None
    record(room, ChangeLog.Action.CREATE, actor=actor)
    if check:
        from .checks import rules_check

        rules_check(actor=actor, rooms=Room.objects.filter(pk=room.pk))
    return room


@transaction.atomic
def room_update(*, actor, room, **fields) -> Room:
    unknown = set(fields) - set(ROOM_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    room = _visible(Room, actor, "workplaces.change_room", room, field="room", message=_("Unknown room."))
    room = Room.objects.select_for_update().get(pk=room.pk)
    data = {f: getattr(room, f) for f in ROOM_FIELDS}
    data.update(fields)
    values = _room_values(data)
    if (
        Room.objects.filter(dormitory_id=room.dormitory_id, number=values["number"])
        .exclude(pk=room.pk)
        .exists()
    ):
        raise ValidationError({"number": _("This dormitory already has a room with that number.")})
    room, changed = model_update(room, values, actor=actor)
    if changed:
        from .checks import rules_check

        rules_check(actor=actor, rooms=Room.objects.filter(pk=room.pk))
    return room
