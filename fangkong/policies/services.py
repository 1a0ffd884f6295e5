"""Writes of policy. A new version closes the open-ended version it replaces and tells the apps
whose open orders it governs (they register a re-evaluator)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import transaction
from django.db.models import Max

from fangkong.core.audit import record, snapshot
from fangkong.core.models import ChangeLog

from .models import Policy, PolicyDefinition

# key -> callables(policy) run after a new version commits (e.g. observation re-evaluates orders).
_REEVALUATORS: dict[str, list[Callable[[Policy], None]]] = {}


def register_reevaluator(key: str, fn: Callable[[Policy], None]) -> None:
    _REEVALUATORS.setdefault(key, []).append(fn)


@transaction.atomic
def policy_add(
    *,
    actor,
    key: str,
    value,
    effective_from: datetime.datetime,
    effective_to: datetime.datetime | None = None,
    area=None,
    source: str,
    note: str = "",
) -> Policy:
    definition = PolicyDefinition.objects.select_for_update().get(key=key)
    area_path = area.path if area is not None else ""
    last = (
        Policy.objects.filter(definition=definition, area_path=area_path).aggregate(v=Max("version"))["v"]
        or 0
    )
    policy = Policy(
        definition=definition,
        value=definition.coerce(value),
        effective_from=effective_from,
        effective_to=effective_to,
        area=area,
        area_path=area_path,
        version=last + 1,
        source=source,
        note=note,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    policy.full_clean(exclude=["area_path", "created_by"])
    # The open-ended version it replaces ends where this one starts.
    for previous in Policy.objects.filter(
        definition=definition,
        area_path=area_path,
        effective_to__isnull=True,
        effective_from__lt=effective_from,
    ):
        before = snapshot(previous)
        previous.effective_to = effective_from
        previous.save(update_fields=["effective_to"])
        record(
            previous,
            ChangeLog.Action.UPDATE,
            actor=actor,
            before=before,
            message=f"replaced by v{policy.version}",
        )
    policy.save()
    record(policy, ChangeLog.Action.CREATE, actor=actor)
    for fn in _REEVALUATORS.get(key, []):
        transaction.on_commit(lambda fn=fn: fn(policy))
    return policy


def definitions_seed(rows: list[dict]) -> None:
    """Create or update definitions (used by the data migration and seed_demo)."""
    for row in rows:
        PolicyDefinition.objects.update_or_create(
            key=row["key"], defaults={k: v for k, v in row.items() if k != "key"}
        )
