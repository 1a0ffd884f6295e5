"""Supplies: packages received from suppliers at a checkpoint, distributed per building; stock per
checkpoint (received minus distributed) and shortages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.areas.models import Area, Level, Place
from fangkong.core.audit import record
from fangkong.core.models import ChangeLog

from ..models import Closure, Distribution, SupplyLot
from .common import _user


def stock_of(closure: Closure, checkpoint: Place, item: str) -> int:
    got = SupplyLot.objects.filter(closure=closure, checkpoint=checkpoint, item=item).aggregate(
        n=Sum("quantity")
    )
    out = Distribution.objects.filter(closure=closure, checkpoint=checkpoint, item=item).aggregate(
        n=Sum("quantity")
    )
    return (got["n"] or 0) - (out["n"] or 0)


def _checkpoint_of(closure: Closure, checkpoint: Place) -> None:
    if not closure.checkpoints.filter(pk=checkpoint.pk).exists():
        raise ValidationError(
            {"checkpoint": _("%(p)s is not a checkpoint of this closure.") % {"p": checkpoint}}
        )


def _quantity(q) -> int:
    try:
        q = int(q)
    except (TypeError, ValueError):
        q = 0
    if q <= 0:
        raise ValidationError({"quantity": _("Enter a quantity of at least 1.")})
    return q


@transaction.atomic
def lot_receive(
    *, actor, closure: Closure, checkpoint: Place, item: str, quantity, supplier: str = ""
) -> SupplyLot:
    _checkpoint_of(closure, checkpoint)
    item = (item or "").strip()[:60]
    if not item:
        raise ValidationError({"item": _("Name the item.")})
    lot = SupplyLot.objects.create(
        closure=closure,
        checkpoint=checkpoint,
        area_id=checkpoint.area_id,
        area_path=checkpoint.area_path,
        item=item,
        supplier=(supplier or "").strip()[:100],
        quantity=_quantity(quantity),
        received_at=timezone.now(),
        received_by=_user(actor),
    )
    record(lot, ChangeLog.Action.CREATE, actor=actor, message=gettext_noop("received at the checkpoint"))
    return lot


@transaction.atomic
def distribute(
    *, actor, closure: Closure, checkpoint: Place, building: Area, item: str, quantity
) -> Distribution:
    """Hand packages from a checkpoint to a building; more than the checkpoint holds is refused."""
    _checkpoint_of(closure, checkpoint)
    if building.level != Level.BUILDING or not building.path.startswith(closure.area_path):
        raise ValidationError({"building": _("Choose a building inside the closure.")})
    quantity = _quantity(quantity)
    # One distributor at a time per checkpoint, so two cannot hand out the same last packages.
    Place.objects.select_for_update().filter(pk=checkpoint.pk).first()
    have = stock_of(closure, checkpoint, item)
    if quantity > have:
        raise ValidationError(
            {"quantity": _("Only %(n)s %(i)s left at %(p)s.") % {"n": have, "i": item, "p": checkpoint}}
        )
    d = Distribution.objects.create(
        closure=closure,
        checkpoint=checkpoint,
        area=building,
        area_path=building.path,
        item=item,
        quantity=quantity,
        at=timezone.now(),
        by=_user(actor),
    )
    record(d, ChangeLog.Action.CREATE, actor=actor, message=gettext_noop("distributed to the building"))
    return d
