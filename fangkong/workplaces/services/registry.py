"""The workplace registry: create and edit workplaces (the place they occupy, heads, contact, grade)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.areas.models import Place
from fangkong.core.audit import model_update, record
from fangkong.core.models import ChangeLog

from ..models import SMALL_TYPES, ListStatus, RiskGrade, Workplace, WorkplaceType
from .common import _may, workplace_for

PLACE_KIND = {
    WorkplaceType.OFFICE_BUILDING: Place.Kind.OFFICE_BUILDING,
    WorkplaceType.CONSTRUCTION_SITE: Place.Kind.CONSTRUCTION_SITE,
    WorkplaceType.SUPERMARKET: Place.Kind.SUPERMARKET,
    WorkplaceType.TENANT_COMPANY: Place.Kind.WORKPLACE,
    WorkplaceType.FACTORY: Place.Kind.WORKPLACE,
}

EDITABLE = (
    "name",
    "type",
    "parent",
    "staff_count",
    "floor_area",
    "dense",
    "head_street_name",
    "head_street_phone",
    "head_street_user",
    "head_property_name",
    "head_property_phone",
    "safety_contact_name",
    "safety_contact_phone",
    "safety_contact_user",
    "risk_grade",
    "open",
    "list_status",
)


def place_kind(workplace_type: str) -> str:
    return PLACE_KIND.get(workplace_type, Place.Kind.SMALL_VENUE)


def _clean(data: dict, *, actor, path: str, self_pk=None) -> dict:
    if data.get("type") not in WorkplaceType.values:
        raise ValidationError({"type": _("Unknown workplace type.")})
    if data.get("risk_grade", RiskGrade.LOW) not in RiskGrade.values:
        raise ValidationError({"risk_grade": _("Unknown risk grade.")})
    if data.get("list_status", ListStatus.NONE) not in ListStatus.values:
        raise ValidationError({"list_status": _("Unknown list.")})
    if data.get("floor_area") is not None and data["floor_area"] < 0:
        raise ValidationError({"floor_area": _("Floor area cannot be negative.")})
    if data.get("staff_count") is not None and data["staff_count"] < 0:
        raise ValidationError({"staff_count": _("Staff cannot be negative.")})
    if not (data.get("name") or "").strip():
        raise ValidationError({"name": _("A name is required.")})
    data["name"] = data["name"].strip()[:120]
    parent = data.get("parent")
    if parent is not None:
        parent = workplace_for(actor, parent, "workplaces.view_workplace", field="parent")
        if parent.type != WorkplaceType.OFFICE_BUILDING:
            raise ValidationError({"parent": _("A tenant company sits in an office building.")})
        if self_pk is not None and parent.pk == self_pk:
            raise ValidationError({"parent": _("A workplace cannot sit inside itself.")})
        if data["type"] != WorkplaceType.TENANT_COMPANY:
            raise ValidationError({"parent": _("Only a tenant company sits in a building.")})
        data["parent"] = parent
    if (data.get("list_status") or ListStatus.NONE) != ListStatus.NONE and data["type"] not in SMALL_TYPES:
        raise ValidationError(
            {"list_status": _("Positive and negative lists are for the seven small kinds.")}
        )
    return data


@transaction.atomic
def workplace_create(
    *,
    actor,
    name: str,
    type: str,  # noqa: A002 - the model's field name
    area=None,
    place=None,
    address: str = "",
    **fields,
) -> Workplace:
    """A workplace at `place` (an existing place on the tree with no workplace yet) or, without one, on
    a new place under `area`. The actor must hold workplaces.add_workplace there."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    if place is not None:
        qs = Place.objects.all() if actor is None else Place.objects.visible_to(actor, "areas.view_place")
        place = qs.filter(pk=getattr(place, "pk", place)).select_related("area").first()
        if place is None:
            raise ValidationError({"place": _("Unknown place.")})
        if Workplace.objects.filter(place=place).exists():
            raise ValidationError({"place": _("This place is already registered as a workplace.")})
        area = place.area
    elif area is None:
        raise ValidationError({"area": _("Choose the area or the place of the workplace.")})
    if not _may(actor, "workplaces.add_workplace", area.path):
        raise ValidationError({"area": _("Area outside your jurisdiction.")})
    data = _clean({"name": name, "type": type, **fields}, actor=actor, path=area.path)
    if data.get("parent") is not None and not area.path.startswith(data["parent"].area_path[:12]):
        raise ValidationError({"parent": _("The building is in another street.")})
    if place is None:
        place = Place.objects.create(
            area=area,
            area_path=area.path,
            kind=place_kind(type),
            name=data["name"],
            address=(address or "")[:200],
            contact_name=data.get("safety_contact_name", ""),
            contact_phone=data.get("safety_contact_phone", ""),
        )
        record(place, ChangeLog.Action.CREATE, actor=actor)
    workplace = Workplace(area=area, area_path=area.path, place=place, **data)
    workplace.full_clean(exclude=["area", "place", "parent", "head_street_user", "safety_contact_user"])
    workplace.save()
    record(workplace, ChangeLog.Action.CREATE, actor=actor)
    return workplace


@transaction.atomic
def workplace_update(*, actor, workplace, **fields) -> Workplace:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    workplace = workplace_for(actor, workplace, "workplaces.change_workplace")
    workplace = Workplace.objects.select_for_update().get(pk=workplace.pk)
    data = {f: getattr(workplace, f) for f in EDITABLE}
    data.update(fields)
    data = _clean(data, actor=actor, path=workplace.area_path, self_pk=workplace.pk)
    workplace, _changed = model_update(
        workplace,
        data,
        actor=actor,
        validate=True,
        validate_exclude=["area", "place", "parent", "head_street_user", "safety_contact_user"],
    )
    return workplace
