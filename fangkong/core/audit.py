"""The change log writer every service calls inside its transaction."""

from __future__ import annotations

import datetime
import decimal
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models

from . import context
from .models import ChangeLog, SensitiveAccess

# Field names whose values never enter the change log in clear (they are encrypted at rest).
SECRET_MARK = "***"


def _jsonable(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return SECRET_MARK
    return value


def snapshot(instance: models.Model) -> dict:
    """Concrete field values, JSON-safe; fields listed in Meta-less `audit_secret_fields` are masked."""
    secret = set(getattr(instance, "audit_secret_fields", ()))
    out = {}
    for f in instance._meta.concrete_fields:
        if f.name in ("created_at", "updated_at", "password"):
            continue
        value = getattr(instance, f.attname)
        out[f.name] = SECRET_MARK if (f.name in secret and value) else _jsonable(value)
    return out


def _area_path(instance) -> str:
    field = getattr(instance, "scope_path_field", None)
    return getattr(instance, field, "") or "" if field else ""


def record(
    instance: models.Model,
    action: str,
    *,
    actor=None,
    before: dict | None = None,
    message: str = "",
) -> ChangeLog:
    ctx = context.current()
    after = None if action == ChangeLog.Action.DELETE else snapshot(instance)
    return ChangeLog.objects.create(
        user=actor if actor is not None and actor.is_authenticated else None,
        user_name=getattr(actor, "username", "") or "",
        request_id=ctx.request_id,
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        area_path=_area_path(instance),
        before=before,
        after=after,
        message=message[:300],
    )


def record_access(*, actor, instance: models.Model, field: str, reason: str) -> SensitiveAccess:
    return SensitiveAccess.objects.create(
        user=actor,
        request_id=context.current().request_id,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        field=field,
        reason=reason[:300],
        area_path=_area_path(instance),
    )


def redact(viewer, entries) -> None:
    """Hide personal fields in change-log entries whose record the viewer may not view.

    Entries of records with no area (users) are readable by every change-log reader; a model lists
    its personal fields in `audit_personal_fields` and answers `audit_viewable_pks(viewer, pks)`.
    Works in place on the loaded entries (never saved), one query per model in the batch."""
    pending: dict = {}
    for e in entries:
        if getattr(e, "_redacted", False):
            continue
        e._redacted = True
        model = e.content_type.model_class()
        if model is not None and getattr(model, "audit_personal_fields", None):
            pending.setdefault(model, []).append(e)
    for model, rows in pending.items():
        viewable = {str(pk) for pk in model.audit_viewable_pks(viewer, [r.object_id for r in rows])}
        for r in rows:
            if r.object_id in viewable:
                continue
            for side in ("before", "after"):
                data = getattr(r, side)
                if data:
                    setattr(
                        r,
                        side,
                        {
                            k: (SECRET_MARK if k in model.audit_personal_fields and v else v)
                            for k, v in data.items()
                        },
                    )
