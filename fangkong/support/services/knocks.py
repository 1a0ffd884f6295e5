"""The door-knock action (敲门行动): a visit list per entrance covering every household of the closure,
vulnerable and phone-unreachable households first; findings become requests in one step."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.areas.models import Area, Level
from fangkong.core.audit import record, snapshot
from fangkong.core.models import ChangeLog

from ..models import Closure, DoorKnock, Request, RequestKind
from .common import _user
from .requests import request_create


@transaction.atomic
def knock_list_generate(*, actor, closure: Closure) -> int:
    """One visit per household of the closure (idempotent: households already listed keep their
    outcome). Priority 0: vulnerable and no phone, 1: either, 2: the rest. Returns how many were added."""
    from fangkong.people.models import Person, VulnerableEntry

    if not closure.is_open:
        raise ValidationError(_("This closure has ended."))
    households = (
        Area.objects.filter(path__startswith=closure.area_path, level=Level.HOUSEHOLD)
        .annotate(
            vul=Exists(VulnerableEntry.objects.filter(area_path__startswith=OuterRef("path"), active=True)),
            phone=Exists(Person.objects.filter(area_id=OuterRef("pk")).exclude(phone_hash="")),
        )
        .values("pk", "path", "parent_id", "vul", "phone")
    )
    rows = [
        DoorKnock(
            closure=closure,
            area_id=h["pk"],
            area_path=h["path"],
            entrance_id=h["parent_id"],
            vulnerable=h["vul"],
            no_phone=not h["phone"],
            priority=2 - int(h["vul"]) - int(not h["phone"]),
        )
        for h in households
    ]
    before = DoorKnock.objects.filter(closure=closure).count()
    DoorKnock.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    added = DoorKnock.objects.filter(closure=closure).count() - before
    record(
        closure,
        ChangeLog.Action.UPDATE,
        actor=actor,
        message=gettext_noop("door-knock list: %(n)s households added"),
        params={"n": added},
    )
    return added


@transaction.atomic
def knock_record(
    *, actor, knock: DoorKnock, outcome: str, note: str = "", needs=()
) -> tuple[DoorKnock, list]:
    """Record a visit's outcome; with needs found, each need becomes a request of the household at once."""
    knock = DoorKnock.objects.select_for_update().select_related("closure", "area").get(pk=knock.pk)
    if outcome not in DoorKnock.Outcome.values or outcome == DoorKnock.Outcome.PENDING:
        raise ValidationError({"outcome": _("Choose the outcome of the visit.")})
    needs = [n for n in needs if n]
    bad = [n for n in needs if n not in RequestKind.values]
    if bad:
        raise ValidationError({"needs": _("Unknown request type: %(v)s") % {"v": ", ".join(bad)}})
    if outcome == DoorKnock.Outcome.NEEDS and not needs:
        raise ValidationError({"needs": _("Tick the needs found.")})
    before = snapshot(knock)
    knock.outcome = outcome
    knock.note = (note or "")[:300]
    knock.visited_at = timezone.now()
    knock.visited_by = _user(actor)
    knock.visits += 1
    knock.save(update_fields=["outcome", "note", "visited_at", "visited_by", "visits", "updated_at"])
    record(knock, ChangeLog.Action.UPDATE, actor=actor, before=before)
    made = [
        request_create(
            actor=actor,
            household=knock.area,
            kind=kind,
            source=Request.Source.DOOR_KNOCK,
            note=note,
            source_ref=f"support.DoorKnock:{knock.pk}",
            closure=knock.closure,
            client_id=f"knock-{knock.pk}-{knock.visits}-{kind}",
        )
        for kind in needs
    ]
    return knock, made
