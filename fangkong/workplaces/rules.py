"""The workplace rules of the 通告 (001) as policy data: which policy key each rule reads, the pure-Python
evaluator of one room, and the set-based filter that finds the rooms breaking any rule in one query.

No number lives here: limits come from the policy versions in force for each room's area (the most
specific area wins, as `policy_in_force`). Rules:

- above ground: at least `workplace.dormitory.min_area` m² per person, at most
  `workplace.dormitory.max_per_room` persons per room;
- underground: at least `workplace.underground.min_area` m² per person, at most
  `workplace.underground.max_per_room` persons per room, bunks only if `workplace.underground.bunks_allowed`;
- dense companies: at most `workplace.onsite.max_ratio` of the staff on site (checked on a daily report,
  `services.check_onsite`).
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass

from django.db.models import Case, DecimalField, F, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

DORM_MIN_AREA = "workplace.dormitory.min_area"
DORM_MAX_ROOM = "workplace.dormitory.max_per_room"
UG_MIN_AREA = "workplace.underground.min_area"
UG_MAX_ROOM = "workplace.underground.max_per_room"
UG_BUNKS = "workplace.underground.bunks_allowed"
ONSITE = "workplace.onsite.max_ratio"

# Rule key -> (underground?, kind). The rule key is the policy key it reads.
ROOM_RULES: dict[str, tuple[bool, str]] = {
    DORM_MIN_AREA: (False, "min_area"),
    DORM_MAX_ROOM: (False, "max_per_room"),
    UG_MIN_AREA: (True, "min_area"),
    UG_MAX_ROOM: (True, "max_per_room"),
    UG_BUNKS: (True, "bunks"),
}
ROOM_KEYS = tuple(ROOM_RULES)
ALL_KEYS = (*ROOM_KEYS, ONSITE)

RULE_LABELS = {
    DORM_MIN_AREA: _("dormitory: area per person below the minimum"),
    DORM_MAX_ROOM: _("dormitory: more persons per room than allowed"),
    UG_MIN_AREA: _("underground: area per person below the minimum"),
    UG_MAX_ROOM: _("underground: more persons per room than allowed"),
    UG_BUNKS: _("underground: bunk beds"),
    ONSITE: _("dense company: on-site share above the maximum"),
}

TWO = decimal.Decimal("0.01")


@dataclass(frozen=True)
class Limit:
    """One policy version's value as a rule reads it."""

    value: object
    policy_id: int | None
    version: int | None = None
    source: str = ""


@dataclass(frozen=True)
class Finding:
    rule: str
    value: decimal.Decimal | None
    limit: decimal.Decimal | None


def _num(v) -> decimal.Decimal:
    return v if isinstance(v, decimal.Decimal) else decimal.Decimal(str(v))


def evaluate_room(
    *, underground: bool, floor_area, occupants: int, bunks: bool, limits: dict
) -> list[Finding]:
    """The rules one room breaks. `limits`: rule key -> value (or Limit); a missing key checks nothing."""
    out: list[Finding] = []
    for key, (ug, kind) in ROOM_RULES.items():
        if ug != underground or key not in limits:
            continue
        lim = limits[key]
        value = lim.value if isinstance(lim, Limit) else lim
        if value is None:
            continue
        if kind == "min_area":
            minimum = _num(value)
            if occupants > 0 and _num(floor_area) < minimum * occupants:
                out.append(Finding(key, (_num(floor_area) / occupants).quantize(TWO), minimum))
        elif kind == "max_per_room":
            if occupants > int(value):
                out.append(Finding(key, decimal.Decimal(occupants), decimal.Decimal(int(value))))
        elif kind == "bunks" and bunks and not value:
            out.append(Finding(key, None, None))
    return out


def onsite_finding(*, on_site: int, staff: int, limit) -> Finding | None:
    """More than `limit` (a share, 0.5) of `staff` on site; nothing to judge without staff."""
    if staff <= 0 or limit is None:
        return None
    maximum = _num(limit)
    if decimal.Decimal(on_site) > maximum * staff:
        return Finding(ONSITE, (decimal.Decimal(on_site) / staff).quantize(TWO), maximum)
    return None


# ---------------------------------------------------------------- limits from policy


def limits_by_area(*, at: datetime.datetime | None = None, override: tuple | None = None) -> dict:
    """{rule key: {area path: Limit}} of the versions in force at `at` ("" is city-wide). `override`
    (key, area path, value) puts a value not yet saved in place (a policy change's preview)."""
    from django.utils import timezone

    from fangkong.policies.models import Policy

    at = at or timezone.now()
    out: dict[str, dict[str, Limit]] = {k: {} for k in ALL_KEYS}
    versions = (
        Policy.objects.filter(definition__key__in=ALL_KEYS, effective_from__lte=at)
        .exclude(effective_to__lte=at)
        .select_related("definition")
        .order_by("area_path", "-effective_from", "-version")
    )
    for p in versions:
        out[p.definition.key].setdefault(p.area_path, Limit(p.typed_value, p.pk, p.version, p.source))
    if override is not None:
        key, path, value = override
        out.setdefault(key, {})[path] = Limit(value, None)
    return out


def limit_for_path(by_path: dict, path: str) -> Limit | None:
    best = None
    for area_path, lim in by_path.items():
        if path.startswith(area_path) and (best is None or len(area_path) > len(best[0])):
            best = (area_path, lim)
    return best[1] if best else None


def limits_for_path(limits: dict, path: str) -> dict[str, Limit]:
    out = {}
    for key, by_path in limits.items():
        lim = limit_for_path(by_path, path)
        if lim is not None:
            out[key] = lim
    return out


def _expr(by_path: dict, output):
    """The value for each row's area as one SQL expression: the most specific area first."""
    if not by_path:
        return Value(None, output_field=output)
    paths = sorted(by_path, key=len, reverse=True)
    default = by_path.get("")
    whens = [
        When(area_path__startswith=p, then=Value(_db(by_path[p].value), output_field=output))
        for p in paths
        if p
    ]
    root = Value(_db(default.value) if default else None, output_field=output)
    return Case(*whens, default=root, output_field=output) if whens else root


def _db(value):
    if isinstance(value, bool) or value is None:
        return value
    return _num(value)


def breaking_q(limits: dict) -> tuple[dict, Q]:
    """(aliases, Q) selecting the rooms (joined to their dormitory) that break at least one room rule:
    the set-based pass, one query whatever the number of rooms."""
    dec = DecimalField(max_digits=10, decimal_places=2)
    aliases = {
        "lim_dorm_area": _expr(limits.get(DORM_MIN_AREA, {}), dec),
        "lim_dorm_room": _expr(limits.get(DORM_MAX_ROOM, {}), IntegerField()),
        "lim_ug_area": _expr(limits.get(UG_MIN_AREA, {}), dec),
        "lim_ug_room": _expr(limits.get(UG_MAX_ROOM, {}), IntegerField()),
    }
    bunks_by_path = limits.get(UG_BUNKS, {})
    # Bunks underground break the rule wherever the policy in force does not allow them.
    bunks_banned = [p for p, lim in bunks_by_path.items() if not lim.value]
    bunks_allowed = [p for p, lim in bunks_by_path.items() if lim.value]
    above = Q(dormitory__underground=False) & (
        Q(occupants__gt=F("lim_dorm_room")) | Q(floor_area__lt=F("lim_dorm_area") * F("occupants"))
    )
    below = Q(occupants__gt=F("lim_ug_room")) | Q(floor_area__lt=F("lim_ug_area") * F("occupants"))
    if bunks_banned:
        # Exact per-area resolution happens in evaluate_room; here it is enough not to miss a room.
        below |= Q(bunks=True)
    elif bunks_allowed:
        pass
    return aliases, above | (Q(dormitory__underground=True) & below)
