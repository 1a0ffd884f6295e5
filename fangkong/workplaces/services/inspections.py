"""Inspections against checklist versions and the rectification ledger (列账整改): failed items become
ledger items with a deadline from policy; a re-inspection closes them; an extension needs a reason;
overdue items escalate once per deadline."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core.audit import record, record_bulk, snapshot
from fangkong.core.models import ChangeLog
from fangkong.policies.selectors import policy_value

from ..models import Checklist, Inspection, InspectionPhoto, LedgerEvent, LedgerItem
from .common import _user, workplace_for

RECTIFY_KEY = "workplace.rectify_days"
MAX_EXTENSION_DAYS = 30


def checklist_for(workplace_type: str) -> Checklist | None:
    return (
        Checklist.objects.filter(workplace_type=workplace_type, effective_from__lte=timezone.now())
        .order_by("-version")
        .first()
    )


@transaction.atomic
def checklist_version_create(*, actor, workplace_type: str, items, source: str = "") -> Checklist:
    """A new version of a type's checklist (the district edits checklists as data)."""
    from ..models import WorkplaceType

    if actor is not None and not actor.has_perm("workplaces.add_checklist"):
        raise ValidationError(_("You may not change checklists."))
    if workplace_type not in WorkplaceType.values:
        raise ValidationError({"workplace_type": _("Unknown workplace type.")})
    clean, keys = [], set()
    for i, item in enumerate(items or [], start=1):
        key = str(item.get("key", "")).strip()
        zh = str(item.get("zh", "")).strip()
        if not key or not zh or len(key) > 40 or len(zh) > 200:
            raise ValidationError({"items": _("Item %(n)d needs a key and a Chinese text.") % {"n": i}})
        if key in keys:
            raise ValidationError({"items": _("Item key %(key)s appears twice.") % {"key": key}})
        keys.add(key)
        clean.append({"key": key, "zh": zh, "en": str(item.get("en", "")).strip()[:200] or zh})
    if not clean:
        raise ValidationError({"items": _("A checklist needs at least one item.")})
    last = (
        Checklist.objects.select_for_update()
        .filter(workplace_type=workplace_type)
        .order_by("-version")
        .first()
    )
    checklist = Checklist.objects.create(
        workplace_type=workplace_type,
        version=(last.version + 1) if last else 1,
        items=clean,
        source=source[:300],
        created_by=_user(actor),
    )
    record(checklist, ChangeLog.Action.CREATE, actor=actor)
    return checklist


def _event(item, kind, *, actor, reason="", old=None, new=None) -> LedgerEvent:
    return LedgerEvent.objects.create(
        item=item, kind=kind, actor=_user(actor), reason=reason[:300], old_deadline=old, new_deadline=new
    )


@transaction.atomic
def inspection_record(
    *,
    actor,
    workplace,
    results: dict,
    findings: dict | None = None,
    responsible: str = "",
    note: str = "",
    photos=(),
    idempotency_key: str = "",
    at: datetime.datetime | None = None,
    room: dict | None = None,
) -> Inspection:
    """Record an inspection: `results` maps every checklist item key to True (passed) or False (failed).
    Each failed item opens a ledger item (unless one is open for it already); each passed item closes
    the workplace's open ledger items of that key (the re-inspection). `room` (dormitory, number,
    floor_area, occupants, beds, bunks, underground) records a dormitory room measured on the visit and
    runs the registry's rule check on it, in the same transaction."""
    workplace = workplace_for(actor, workplace, "workplaces.add_inspection")
    if idempotency_key:
        done = Inspection.objects.filter(idempotency_key=idempotency_key[:64]).first()
        if done is not None:
            if done.workplace_id != workplace.pk:
                raise ValidationError(_("This submission was already used for another workplace."))
            return done
    checklist = checklist_for(workplace.type)
    if checklist is None:
        raise ValidationError(_("No checklist for this type of workplace."))
    keys = [i["key"] for i in checklist.items]
    results = {k: v for k, v in (results or {}).items()}
    unknown = set(results) - set(keys)
    if unknown:
        raise ValidationError({"results": _("Unknown checklist item: %(key)s") % {"key": sorted(unknown)[0]}})
    missing = [k for k in keys if results.get(k) not in (True, False)]
    if missing:
        raise ValidationError({"results": _("Mark every item as passed or failed.")})
    findings = findings or {}
    texts = {i["key"]: i["zh"] for i in checklist.items}
    responsible = (responsible or workplace.safety_contact_name or "").strip()[:50]
    open_items = {}
    for item in LedgerItem.objects.select_for_update().filter(
        workplace=workplace, status__in=[LedgerItem.Status.OPEN, LedgerItem.Status.EXTENDED]
    ):
        open_items.setdefault(item.item_key, []).append(item)
    if any(v is False and k not in open_items for k, v in results.items()) and not responsible:
        raise ValidationError(
            {"responsible": _("Name the person responsible for putting the findings right.")}
        )
    if len(note) > 500:
        raise ValidationError({"note": _("At most 500 characters.")})
    from .. import photos as photo_rules

    cleaned = [(photo_rules.photo_clean(p), photo_rules.photo_caption(p)) for p in photos]
    try:
        with transaction.atomic():
            inspection = Inspection.objects.create(
                area_id=workplace.area_id,
                area_path=workplace.area_path,
                workplace=workplace,
                checklist=checklist,
                inspector=_user(actor),
                at=at or timezone.now(),
                results=results,
                note=note.strip(),
                idempotency_key=idempotency_key[:64],
            )
    except IntegrityError:  # the same submission twice at once
        return Inspection.objects.get(idempotency_key=idempotency_key[:64])
    record(inspection, ChangeLog.Action.CREATE, actor=actor)
    for content, caption in cleaned:
        photo = InspectionPhoto(
            area_id=workplace.area_id, area_path=workplace.area_path, inspection=inspection, caption=caption
        )
        photo.file.save(content.name, content, save=False)
        photo.save()
        record(photo, ChangeLog.Action.CREATE, actor=actor)

    days = int(policy_value(RECTIFY_KEY, at=inspection.at, area=workplace.area))
    deadline = timezone.localdate(inspection.at) + datetime.timedelta(days=days)
    now = timezone.now()
    for key in keys:
        if results[key] is False and key not in open_items:
            finding = (str(findings.get(key) or "").strip() or texts[key])[:300]
            item = LedgerItem.objects.create(
                area_id=workplace.area_id,
                area_path=workplace.area_path,
                workplace=workplace,
                inspection=inspection,
                item_key=key,
                finding=finding,
                deadline=deadline,
                responsible=responsible,
            )
            record(item, ChangeLog.Action.CREATE, actor=actor)
            _event(item, LedgerEvent.Kind.CREATED, actor=actor, new=deadline)
        elif results[key] is True:
            for item in open_items.get(key, []):
                before = snapshot(item)
                item.status = LedgerItem.Status.CLOSED
                item.closed_at = now
                item.closed_by_inspection = inspection
                item.save(update_fields=["status", "closed_at", "closed_by_inspection", "updated_at"])
                record(
                    item,
                    ChangeLog.Action.UPDATE,
                    actor=actor,
                    before=before,
                    message=gettext_noop("closed on re-inspection"),
                )
                _event(item, LedgerEvent.Kind.CLOSED, actor=actor, reason=_("Passed on re-inspection."))
    if room is not None:
        from .rooms import inspection_room_record

        inspection_room_record(actor=actor, inspection=inspection, **room)
    return inspection


@transaction.atomic
def ledger_item_extend(*, actor, item: LedgerItem, deadline: datetime.date, reason: str) -> LedgerItem:
    """Move an open item's deadline later, with a reason (kept in its history)."""
    workplace_for(actor, item.workplace, "workplaces.change_ledgeritem")
    item = LedgerItem.objects.select_for_update().get(pk=item.pk)
    reason = (reason or "").strip()
    if not item.is_open:
        raise ValidationError(_("This item is closed already."))
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the extension.")})
    if deadline is None or deadline <= item.deadline:
        raise ValidationError({"deadline": _("The new deadline must be later than the current one.")})
    if deadline > timezone.localdate() + datetime.timedelta(days=MAX_EXTENSION_DAYS):
        raise ValidationError({"deadline": _("At most %(n)d days from today.") % {"n": MAX_EXTENSION_DAYS}})
    before = snapshot(item)
    old = item.deadline
    item.deadline = deadline
    item.status = LedgerItem.Status.EXTENDED
    item.escalated_at = None  # the new deadline may be missed again
    item.save(update_fields=["deadline", "status", "escalated_at", "updated_at"])
    record(item, ChangeLog.Action.UPDATE, actor=actor, before=before)
    _event(item, LedgerEvent.Kind.EXTENDED, actor=actor, reason=reason, old=old, new=deadline)
    return item


@transaction.atomic
def ledger_escalate_overdue(*, today: datetime.date | None = None) -> int:
    """Escalate open items past their deadline once (per deadline): idempotent, re-running adds nothing."""
    today = today or timezone.localdate()
    now = timezone.now()
    items = list(
        LedgerItem.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("workplace")
        .filter(
            status__in=[LedgerItem.Status.OPEN, LedgerItem.Status.EXTENDED],
            deadline__lt=today,
            escalated_at__isnull=True,
        )
    )
    if not items:
        return 0
    LedgerItem.objects.filter(pk__in=[i.pk for i in items]).update(escalated_at=now, updated_at=now)
    LedgerEvent.objects.bulk_create(
        [
            LedgerEvent(
                item=i,
                kind=LedgerEvent.Kind.ESCALATED,
                at=now,
                reason="",  # the event kind (escalated) says it
                old_deadline=i.deadline,
            )
            for i in items
        ]
    )
    for i in items:
        i.escalated_at = now
    record_bulk(items, ChangeLog.Action.UPDATE, message=gettext_noop("overdue: escalated to the street"))
    return len(items)
