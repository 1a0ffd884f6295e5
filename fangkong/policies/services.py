"""Writes of policy: the one policy-change flow every path uses (the /policies/ page, the observation
page, the API, the admin, seeds).

A change is previewed (per area: what the new version moves in the apps it governs) and then confirmed:
`policy_change` checks who may set it, saves the version, closes the open-ended one it replaces and
re-evaluates what it governs, all in one transaction. Apps whose records follow a policy key register a
governor (`governor_register`, from their AppConfig.ready), so this app never imports them."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core.audit import model_update, record
from fangkong.core.models import ChangeLog
from fangkong.core.scoping import user_can_see_path

from .models import Policy, PolicyDefinition


@dataclass(frozen=True)
class Governor:
    """An app whose open records follow some policy keys.

    preview(key=, value=, effective_from=, area=) -> an object with `governed`, `moved`, `by_area`,
    `shadowed` (see observation.services.policy_change_preview); reevaluate(actor=, policy=) -> the
    number of records moved, or None when the work was queued."""

    name: str
    label: str
    keys: frozenset[str]
    preview: Callable
    reevaluate: Callable


_GOVERNORS: dict[str, Governor] = {}


def governor_register(
    *, name: str, label: str, keys: Iterable[str], preview: Callable, reevaluate: Callable
) -> None:
    # Keyed by name: a second ready() (tests, autoreload) replaces rather than doubles the hook.
    _GOVERNORS[name] = Governor(
        name=name, label=label, keys=frozenset(keys), preview=preview, reevaluate=reevaluate
    )


def governors_for(key: str) -> list[Governor]:
    return [g for g in _GOVERNORS.values() if key in g.keys]


def governed_keys() -> set[str]:
    return {k for g in _GOVERNORS.values() for k in g.keys}


def _actor_user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def policy_check_permission(*, actor, area) -> None:
    """Who may set a version where: only a system administrator for the whole system; anyone else only
    for an area where they hold policies.add_policy. `actor=None` is the system itself (migrations,
    seeds, background jobs)."""
    if actor is None:
        return
    if area is None:
        if not getattr(actor, "is_superuser", False):
            raise ValidationError(
                {"area": _("Only a system administrator sets policy for the whole system.")}
            )
        return
    if not user_can_see_path(actor, "policies.add_policy", area.path):
        raise ValidationError({"area": _("Area outside your jurisdiction.")})


@dataclass
class PolicyChangePreview:
    key: str
    value: object
    area: object
    effective_from: datetime.datetime
    current: Policy | None  # the version in force there now (None: none)
    governed: list[tuple[Governor, object]] = field(default_factory=list)

    @property
    def moved(self) -> int:
        return sum(p.moved for _g, p in self.governed)


@dataclass
class PolicyChangeResult:
    policy: Policy
    moved: int | None  # None: re-evaluation queued in the background
    queued: bool


def policy_change_preview(
    *, actor, key: str, value, effective_from: datetime.datetime | None = None, area=None
) -> PolicyChangePreview:
    """What saving this version would do, without saving it. Raises ValidationError for a value, area or
    actor the change itself would refuse, so the preview never promises what confirm will not do."""
    from .selectors import PolicyMissing, policy_in_force

    definition = _definition(key)
    policy_check_permission(actor=actor, area=area)
    coerced = definition.coerce(value)
    at = effective_from or timezone.now()
    try:
        current = policy_in_force(key, at=at, area=area)
    except PolicyMissing:
        current = None
    preview = PolicyChangePreview(key=key, value=coerced, area=area, effective_from=at, current=current)
    for gov in governors_for(key):
        preview.governed.append((gov, gov.preview(key=key, value=coerced, effective_from=at, area=area)))
    return preview


def _definition(key: str) -> PolicyDefinition:
    try:
        return PolicyDefinition.objects.get(key=key)
    except PolicyDefinition.DoesNotExist as exc:
        raise ValidationError({"key": _("Unknown policy “%(key)s”.") % {"key": key}}) from exc


@transaction.atomic
def policy_change(
    *,
    actor,
    key: str,
    value,
    effective_from: datetime.datetime,
    effective_to: datetime.datetime | None = None,
    area=None,
    source: str,
    note: str = "",
) -> PolicyChangeResult:
    """Save a new version and re-evaluate what it governs, in one transaction (a governor with a broker
    queues its work after commit)."""
    policy_check_permission(actor=actor, area=area)
    _definition(key)
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
        created_by=_actor_user(actor),
    )
    policy.full_clean(exclude=["area_path", "created_by"])
    # The open-ended version it replaces ends where this one starts.
    for previous in Policy.objects.filter(
        definition=definition,
        area_path=area_path,
        effective_to__isnull=True,
        effective_from__lt=effective_from,
    ):
        model_update(
            previous,
            {"effective_to": effective_from},
            actor=actor,
            message=gettext_noop("replaced by v%(version)s"),
            params={"version": policy.version},
        )
    policy.save()
    record(policy, ChangeLog.Action.CREATE, actor=actor)
    moved, queued = 0, False
    for gov in governors_for(key):
        n = gov.reevaluate(actor=actor, policy=policy)
        if n is None:
            queued = True
        else:
            moved += n
    return PolicyChangeResult(policy=policy, moved=None if queued else moved, queued=queued)


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
    """`policy_change` returning only the version (for callers that need nothing else)."""
    return policy_change(
        actor=actor,
        key=key,
        value=value,
        effective_from=effective_from,
        effective_to=effective_to,
        area=area,
        source=source,
        note=note,
    ).policy


def definitions_seed(rows: list[dict]) -> None:
    """Create or update definitions (used by the data migration and seed_demo)."""
    for row in rows:
        PolicyDefinition.objects.update_or_create(
            key=row["key"], defaults={k: v for k, v in row.items() if k != "key"}
        )
