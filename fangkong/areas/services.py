"""Writes of the tree and of places."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from fangkong.core.audit import model_update, record
from fangkong.core.models import ChangeLog

from .models import Area, Place, decode_step, encode_step


def _next_child_path(parent: Area | None) -> str:
    if parent is None:
        last = Area.objects.filter(depth=1).order_by("-path").values_list("path", flat=True).first()
        return encode_step(decode_step(last) + 1 if last else 1)
    last = Area.objects.filter(parent=parent).order_by("-path").values_list("path", flat=True).first()
    return parent.path + encode_step(decode_step(last[-4:]) + 1 if last else 1)


@transaction.atomic
def area_create(
    *,
    actor,
    parent: Area | None,
    name: str,
    level: str,
    kind: str = Area.Kind.STANDARD,
    code: str = "",
    latitude=None,
    longitude=None,
) -> Area:
    if parent is not None:
        parent = Area.objects.select_for_update().get(pk=parent.pk)  # serialises sibling numbering
    area = Area(
        parent=parent,
        name=name,
        level=level,
        kind=kind,
        code=code,
        latitude=latitude,
        longitude=longitude,
        path=_next_child_path(parent),
        depth=(parent.depth + 1) if parent else 1,
    )
    area.full_clean()
    area.save()
    if parent is not None:
        Area.objects.filter(pk=parent.pk).update(numchild=F("numchild") + 1)
    record(area, ChangeLog.Action.CREATE, actor=actor)
    return area


@transaction.atomic
def area_update(*, actor, area: Area, **fields) -> Area:
    data = {n: fields[n] for n in ("name", "kind", "code", "latitude", "longitude") if n in fields}
    return model_update(area, data, actor=actor, validate=True)[0]


@transaction.atomic
def place_create(*, actor, area: Area, **fields) -> Place:
    place = Place(area=area, area_path=area.path, **fields)
    place.full_clean()
    place.save()
    record(place, ChangeLog.Action.CREATE, actor=actor)
    return place


@transaction.atomic
def place_update(*, actor, place: Place, **fields) -> Place:
    return model_update(place, fields, actor=actor, validate=True)[0]
