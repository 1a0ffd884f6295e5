"""The change log writer every service calls inside its transaction."""

from __future__ import annotations

import datetime
import decimal
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone, translation

from . import context
from .models import ChangeLog, SensitiveAccess

# Field names whose values never enter the change log in clear (they are encrypted at rest).
SECRET_MARK = "***"


def msgid(label) -> dict:
    """A message parameter translated when shown, e.g. a choice's label: stored as its English msgid
    (ChangeLog.message_text translates it) so the log never freezes the writer's language."""
    with translation.override(None):  # no catalogue: a lazy label gives its msgid
        return {"msgid": str(label)}


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


def _entry(
    instance: models.Model,
    action: str,
    *,
    actor=None,
    before: dict | None = None,
    after: dict | None = None,
    message: str = "",
    params: dict | None = None,
    content_type: ContentType | None = None,
) -> ChangeLog:
    """One unsaved change-log row (`record` saves it, `record_bulk` saves many in one INSERT)."""
    if after is None and action != ChangeLog.Action.DELETE:
        after = snapshot(instance)
    return ChangeLog(
        user=actor if actor is not None and actor.is_authenticated else None,
        user_name=getattr(actor, "username", "") or "",
        request_id=context.current().request_id,
        action=action,
        content_type=content_type or ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        area_path=_area_path(instance),
        before=before,
        after=after,
        message=message[:300],
        params={k: _jsonable(v) for k, v in (params or {}).items()},
    )


def record(
    instance: models.Model,
    action: str,
    *,
    actor=None,
    before: dict | None = None,
    message: str = "",
    params: dict | None = None,
) -> ChangeLog:
    """`message` is an English msgid marked with gettext_noop, `params` fill its %(name)s places;
    both are rendered in the reader's language when shown (ChangeLog.message_text)."""
    entry = _entry(instance, action, actor=actor, before=before, message=message, params=params)
    entry.save()
    return entry


def record_bulk(
    instances,
    action: str,
    *,
    actor=None,
    befores: dict | None = None,
    message: str = "",
    params: dict | None = None,
    batch_size: int = 2000,
    fields: tuple[str, ...] | None = None,
) -> list[ChangeLog]:
    """Change-log rows for many objects of one model in one INSERT, or one COPY from COPY_AT rows on
    PostgreSQL (imports, set-based writes).
    `befores` maps a primary key to its snapshot taken before the change; `fields` keeps only those
    fields in the before and after (a set-based move of thousands of rows logs what it moved)."""
    instances = list(instances)
    if not instances:
        return []
    befores = befores or {}
    ct = ContentType.objects.get_for_model(instances[0], for_concrete_model=False)

    def only(snap):
        return snap if fields is None or snap is None else {k: v for k, v in snap.items() if k in fields}

    rows = [
        _entry(
            i,
            action,
            actor=actor,
            before=only(befores.get(i.pk)),
            after=only(snapshot(i)) if fields is not None and action != ChangeLog.Action.DELETE else None,
            message=message,
            params=params,
            content_type=ct,
        )
        for i in instances
    ]
    if connection.vendor == "postgresql" and len(rows) >= COPY_AT:
        return _copy_entries(rows)
    return ChangeLog.objects.bulk_create(rows, batch_size=batch_size)


# From this many entries record_bulk COPYs them (an import's or a set-based move's log) rather than
# building one INSERT of thousands of rows; below, bulk_create's one statement is as quick.
COPY_AT = 100


def _copy_entries(rows: list[ChangeLog]) -> list[ChangeLog]:
    """The COPY path of record_bulk (PostgreSQL): the entries streamed in; they come back unsaved-looking
    (no primary key: COPY returns none) with their time set."""
    from psycopg.types.json import Jsonb

    from .ingest import copy_rows

    now = timezone.now()
    fields = [f for f in ChangeLog._meta.concrete_fields if not f.primary_key]
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    for e in rows:
        e.time = now

    def values(e):
        out = []
        for f in fields:
            v = getattr(e, f.attname)
            out.append(Jsonb(v) if f.attname in json_fields and v is not None else v)
        return out

    copy_rows(ChangeLog._meta.db_table, [f.column for f in fields], (values(e) for e in rows))
    return rows


def model_update(
    instance: models.Model,
    data: dict,
    *,
    actor,
    message: str = "",
    params: dict | None = None,
    validate: bool = False,
    validate_exclude: list[str] | None = None,
) -> tuple[models.Model, bool]:
    """Set `data` on `instance`, save only those fields and log before/after. No change, no save and no
    log. Returns (instance, changed). Call it inside the service's transaction."""
    changed = [name for name, value in data.items() if getattr(instance, name) != value]
    if not changed:
        return instance, False
    before = snapshot(instance)
    for name in changed:
        setattr(instance, name, data[name])
    if validate:
        instance.full_clean(exclude=validate_exclude)
    fields = set(changed)
    if "area" in fields and hasattr(instance, "area_path"):
        fields.add("area_path")  # ScopedModel.save() keeps the path copy in step with the area
    # auto_now fields are only written when named in update_fields.
    fields.update(f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False))
    instance.save(update_fields=sorted(fields))
    record(instance, ChangeLog.Action.UPDATE, actor=actor, before=before, message=message, params=params)
    return instance, True


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
