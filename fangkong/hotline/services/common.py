"""Helpers shared by the hotline services: the actor, scoped fetches that answer like a missing record,
the street above an area, the change-log writer."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fangkong.areas.models import Area, Level
from fangkong.core.audit import record
from fangkong.core.models import ChangeLog
from fangkong.core.scoping import ALL, scope_paths

from ..models import Dispatch, Unit, WorkOrder


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def order_for(actor, order, perm: str, *, lock: bool = True) -> WorkOrder:
    """The order (object or id) as `actor` may act on it with `perm`; another area's order is "unknown",
    exactly like a missing one. `actor=None` is the system (a periodic task, an SMS link's token)."""
    pk = getattr(order, "pk", order)
    qs = WorkOrder.objects.all()
    if actor is not None:
        if not actor.has_perm(perm):
            raise ValidationError(_("Unknown work order."))
        qs = qs.visible_to(actor, perm)
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=pk)
    except (WorkOrder.DoesNotExist, ValueError, TypeError):
        raise ValidationError(_("Unknown work order.")) from None


def street_of(area: Area) -> Area | None:
    if area.level == Level.STREET:
        return area
    return Area.objects.filter(path__in=area.ancestor_paths(), level=Level.STREET).first()


def area_for(actor, area, perm: str, *, street: Area | None = None, above_street: bool = False) -> Area:
    """An area the actor may file orders on (and inside `street` when given); else "Unknown area."."""
    pk = getattr(area, "pk", area)
    try:
        obj = Area.objects.get(pk=pk)
    except (Area.DoesNotExist, ValueError, TypeError):
        raise ValidationError({"area": _("Unknown area.")}) from None
    if actor is not None:
        paths = scope_paths(actor, perm)
        if paths is not ALL and not any(obj.path.startswith(p) for p in paths):
            raise ValidationError({"area": _("Unknown area.")})
    if street is not None and not obj.path.startswith(street.path):
        raise ValidationError({"area": _("Unknown area.")})
    if not above_street and Level.values.index(obj.level) < Level.values.index(Level.STREET):
        raise ValidationError({"area": _("Choose a street, a community or a building.")})
    return obj


def units_serving(street: Area):
    """Units that may receive a street's orders: the street's own and its communities' units, and the
    departments serving the street from above (the district's 人力社保局)."""
    from django.db.models import Q

    above = street.ancestor_paths()
    return Unit.objects.filter(Q(area_path__startswith=street.path) | Q(area_path__in=above), active=True)


def unit_for(actor, unit, street: Area) -> Unit:
    pk = getattr(unit, "pk", unit)
    try:
        return units_serving(street).get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise ValidationError({"unit": _("Unknown unit.")}) from None


def live_dispatches(order: WorkOrder):
    return Dispatch.objects.filter(order=order, returned_at__isnull=True, withdrawn_at__isnull=True)


def audit(instance, *, actor, before: dict | None, message: str, params: dict | None = None):
    action = ChangeLog.Action.CREATE if before is None else ChangeLog.Action.UPDATE
    return record(instance, action, actor=_user(actor), before=before, message=message, params=params)
