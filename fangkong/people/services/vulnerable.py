"""Writes of the vulnerable-people ledger and its visits."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import record, snapshot
from fangkong.core.models import ChangeLog

from ..models import Person, Visit, VulnerableEntry
from .registry import _actor

# ---------------------------------------------------------------- vulnerable ledger


@transaction.atomic
def vulnerable_entry_create(
    *,
    actor,
    person: Person,
    category: str,
    responsible=None,
    responsible_name: str = "",
    needs: str = "",
    active: bool = True,
) -> VulnerableEntry:
    if category not in VulnerableEntry.Category.values:
        raise ValidationError({"category": _("Unknown category.")})
    if VulnerableEntry.objects.filter(person=person, category=category).exists():
        raise ValidationError({"category": _("This person is already on the ledger in this category.")})
    if responsible is not None and not responsible_name:
        responsible_name = str(responsible)
    entry = VulnerableEntry(
        area_id=person.area_id,
        area_path=person.area_path,
        person=person,
        category=category,
        responsible=responsible,
        responsible_name=responsible_name,
        needs=needs,
        active=active,
    )
    entry.full_clean(exclude=["area", "person", "responsible"])
    entry.save()
    record(entry, ChangeLog.Action.CREATE, actor=actor)
    return entry


@transaction.atomic
def vulnerable_entry_update(*, actor, entry: VulnerableEntry, **fields) -> VulnerableEntry:
    allowed = {"category", "responsible", "responsible_name", "needs", "active"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    entry = VulnerableEntry.objects.select_for_update().get(pk=entry.pk)
    before = snapshot(entry)
    for k, v in fields.items():
        setattr(entry, k, v)
    if entry.category not in VulnerableEntry.Category.values:
        raise ValidationError({"category": _("Unknown category.")})
    if (
        VulnerableEntry.objects.filter(person_id=entry.person_id, category=entry.category)
        .exclude(pk=entry.pk)
        .exists()
    ):
        raise ValidationError({"category": _("This person is already on the ledger in this category.")})
    if "responsible" in fields and fields["responsible"] is not None and not fields.get("responsible_name"):
        entry.responsible_name = str(fields["responsible"])
    entry.save()
    record(entry, ChangeLog.Action.UPDATE, actor=actor, before=before)
    return entry


@transaction.atomic
def visit_add(
    *,
    actor,
    entry: VulnerableEntry,
    date: datetime.date,
    channel: str,
    findings: str,
    follow_up: str = "",
    by=None,
) -> Visit:
    if channel not in Visit.Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    if not (findings or "").strip():
        raise ValidationError({"findings": _("Write down what you found.")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("A visit cannot be in the future.")})
    visit = Visit.objects.create(
        area_id=entry.area_id,
        area_path=entry.area_path,
        entry=entry,
        date=date,
        channel=channel,
        findings=findings,
        follow_up=follow_up,
        by=by if by is not None else _actor(actor),
    )
    record(visit, ChangeLog.Action.CREATE, actor=actor)
    return visit
