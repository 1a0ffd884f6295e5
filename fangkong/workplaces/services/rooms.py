"""A dormitory room measured during an inspection: recorded through the registry's dormitory and room
services (each room write runs the registry's rule check), so the violation shows with the rule's source."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Dormitory, Inspection, Room, Violation
from .common import workplace_for


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
    """Create or update the room (its dormitory found by name, or created) and return it with its open
    violations (the room services re-check it against the dormitory rules)."""
    from .dormitories import dormitory_create, room_create, room_update

    workplace = workplace_for(actor, inspection.workplace, "workplaces.add_inspection")
    name = (dormitory or "").strip()[:120]
    if not name:
        raise ValidationError({"dormitory": _("Name the dormitory of the room.")})
    dorm = Dormitory.objects.filter(workplace=workplace, name=name).first() or dormitory_create(
        actor=actor, workplace=workplace, name=name, underground=underground
    )
    beds = occupants if beds is None else beds
    room = Room.objects.filter(dormitory=dorm, number=(number or "").strip()).first()
    if room is None:
        room = room_create(
            actor=actor,
            dormitory=dorm,
            number=number,
            floor_area=floor_area,
            beds=beds,
            occupants=occupants,
            bunks=bunks,
        )
    else:
        room = room_update(
            actor=actor, room=room, floor_area=floor_area, beds=beds, occupants=occupants, bunks=bunks
        )
    violations = list(Violation.objects.filter(room=room, resolved_at__isnull=True).select_related("policy"))
    return room, violations
