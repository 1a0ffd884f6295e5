"""Handling units: a street office, a community, a department, and who belongs to them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core.audit import snapshot

from ..models import Unit
from .common import area_for, audit


@transaction.atomic
def unit_create(*, actor, area, name: str, kind: str, members=(), phone: str = "") -> Unit:
    """A unit on an area inside the writer's scope; its members must be users (their own scopes decide
    what they see: see models.py)."""
    if kind not in Unit.Kind.values:
        raise ValidationError({"kind": _("Unknown kind.")})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("The unit's name is required.")})
    from fangkong.areas.models import Area

    if actor is not None:
        area = area_for(actor, area, "hotline.add_unit", above_street=True)
    else:
        area = Area.objects.get(pk=getattr(area, "pk", area))
    try:
        with transaction.atomic():
            unit = Unit.objects.create(area=area, name=name[:100], kind=kind, phone=(phone or "")[:20])
    except IntegrityError:
        raise ValidationError({"name": _("A unit of this name already exists here.")}) from None
    if members:
        unit.members.add(*members)
    audit(unit, actor=actor, before=None, message=gettext_noop("Unit created"))
    return unit


@transaction.atomic
def unit_members_set(*, actor, unit: Unit, members) -> Unit:
    before = snapshot(unit)
    unit.members.set(members)
    audit(unit, actor=actor, before=before, message=gettext_noop("Unit members changed"))
    return unit
