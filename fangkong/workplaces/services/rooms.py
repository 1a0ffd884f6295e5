"""A dormitory room measured during an inspection: recorded in the registry and checked against the
dormitory rules (the registry's rule check, wp1), so the violation shows with the rule's source."""

from __future__ import annotations

import decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core.audit import model_update, record
from fangkong.core.models import ChangeLog

from ..models import Dormitory, Inspection, Room, Violation
from .common import workplace_writable


@transaction.atomic
def inspection_room_record(
    *,
    actor,
    inspection: Inspection,
    dormitory: str,
    number: str,
    floor_area,
    occupants: int,
    beds: int | None = None,
    bunks: bool = False,
    underground: bool = False,
) -> tuple[Room, list[Violation]]:
    """Create or update the room (its dormitory by name) and run the rule check on it; returns the room
    and its open violations."""
    workplace = inspection.workplace
    workplace_writable(actor, workplace, "workplaces.add_inspection")
    dormitory, number = (dormitory or "").strip()[:120], (number or "").strip()[:20]
    if not dormitory or not number:
        raise ValidationError({"room_number": _("A dormitory room needs its dormitory and number.")})
    try:
        floor_area = decimal.Decimal(str(floor_area))
    except (decimal.InvalidOperation, ValueError) as exc:
        raise ValidationError({"floor_area": _("Enter the floor area in m².")}) from exc
    if not floor_area.is_finite() or floor_area <= 0 or floor_area > 10000:
        raise ValidationError({"floor_area": _("The floor area must be more than 0 m².")})
    beds = occupants if beds is None else beds
    if occupants is None or occupants < 0 or beds < 0:
        raise ValidationError({"occupants": _("Enter a number of 0 or more.")})
    if occupants > beds:
        raise ValidationError(
            {"occupants": _("More occupants (%(o)d) than beds (%(b)d).") % {"o": occupants, "b": beds}}
        )
    dorm = Dormitory.objects.filter(workplace=workplace, name=dormitory).first()
    if dorm is None:
        dorm = Dormitory.objects.create(
            area_id=workplace.area_id,
            area_path=workplace.area_path,
            workplace=workplace,
            name=dormitory,
            underground=underground,
        )
        record(dorm, ChangeLog.Action.CREATE, actor=actor)
    values = {"floor_area": floor_area, "beds": beds, "bunks": bool(bunks), "occupants": occupants}
    room = Room.objects.select_for_update().filter(dormitory=dorm, number=number).first()
    if room is None:
        room = Room.objects.create(
            area_id=workplace.area_id,
            area_path=workplace.area_path,
            dormitory=dorm,
            workplace=workplace,
            number=number,
            **values,
        )
        record(room, ChangeLog.Action.CREATE, actor=actor)
    else:
        model_update(room, values, actor=actor)
    return room, _rules_check(room, actor=actor)


def _rules_check(room: Room, *, actor) -> list[Violation]:
    """The registry's dormitory rule check for one room (wp1's rules); its open violations."""
    from .. import services

    check = getattr(services, "room_rules_check", None)
    if check is not None:
        check(actor=actor, room=room)
    return list(Violation.objects.filter(room=room, resolved_at__isnull=True).select_related("policy"))
