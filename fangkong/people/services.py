"""Writes of the registry. Each function is one transaction and writes its change-log record."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from fangkong.core.audit import record, snapshot
from fangkong.core.models import ChangeLog

from .models import Person, PersonStatus, StatusChange


@transaction.atomic
def person_status_set(
    *,
    actor,
    person: Person,
    status: str,
    reason: str,
    since: datetime.datetime | None = None,
    source: str = "",
) -> StatusChange:
    """Append a dated status (人员分类管理); the person's current status follows the latest entry."""
    if status not in PersonStatus.values:
        raise ValueError(f"unknown status {status!r}")
    person = Person.objects.select_for_update().get(pk=person.pk)
    change = StatusChange.objects.create(
        area_id=person.area_id,
        area_path=person.area_path,
        person=person,
        status=status,
        since=since or timezone.now(),
        reason=reason,
        set_by=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        source=source,
    )
    latest = person.status_history.order_by("-since", "-id").first()
    if latest is not None and latest.status != person.status:
        before = snapshot(person)
        person.status = latest.status
        person.save(update_fields=["status", "updated_at"])
        record(person, ChangeLog.Action.UPDATE, actor=actor, before=before, message=f"status: {reason}"[:300])
    record(change, ChangeLog.Action.CREATE, actor=actor)
    return change
