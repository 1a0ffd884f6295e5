"""Which policy keys set a work order's deadlines. No number lives here: only the mapping from
(category, urgency) to keys; the values are policy versions (migrations/0002_policies.py)."""

from __future__ import annotations

import datetime

from fangkong.policies.selectors import PolicyMissing, policy_in_force, policy_values_by_area, value_for_path

from .models import Status, Urgency

RESPONSE_HOURS = "hotline.response.hours"
URGENT_RESPONSE_HOURS = "hotline.urgent.response.hours"
RESOLUTION_DAYS = "hotline.resolution.days"
URGENT_RESOLUTION_DAYS = "hotline.urgent.resolution.days"
DUE_SOON_HOURS = "hotline.due_soon.hours"
PAUSE_STATUSES = "hotline.pause.statuses"


def response_key(urgency: str) -> str:
    return URGENT_RESPONSE_HOURS if urgency == Urgency.URGENT else RESPONSE_HOURS


def resolution_keys(category: str, urgency: str) -> list[str]:
    """Most specific first: urgent orders by the urgent key; else the category's own key, else the general."""
    if urgency == Urgency.URGENT:
        return [URGENT_RESOLUTION_DAYS, RESOLUTION_DAYS]
    return [f"{RESOLUTION_DAYS}.{category}", RESOLUTION_DAYS]


def _first(keys, *, at, area):
    for key in keys:
        try:
            return policy_in_force(key, at=at, area=area)
        except PolicyMissing:
            continue
    raise PolicyMissing(keys[-1])


def deadlines(*, category: str, urgency: str, received_at: datetime.datetime, area) -> dict:
    """response_due, resolve_due and the versions used ({key: version}) for one order."""
    rp = _first([response_key(urgency)], at=received_at, area=area)
    dp = _first(resolution_keys(category, urgency), at=received_at, area=area)
    return {
        "response_due": received_at + datetime.timedelta(hours=int(rp.typed_value)),
        "resolve_due": received_at + datetime.timedelta(days=int(dp.typed_value)),
        "policy_versions": {rp.definition.key: rp.version, dp.definition.key: dp.version},
    }


class DeadlineTable:
    """The same for many orders at once (an import): every key read once, per-area values picked in
    Python (policy_values_by_area), so 100,000 rows cost a handful of queries."""

    def __init__(self, at: datetime.datetime | None = None):
        self.at = at
        self._values: dict[str, dict] = {}
        self._spans: dict[tuple, tuple] = {}

    def _vals(self, key):
        if key not in self._values:
            self._values[key] = policy_values_by_area(key, at=self.at)
        return self._values[key]

    def value(self, keys, path):
        for key in keys:
            v = value_for_path(self._vals(key), path)
            if v is not None:
                return int(v)
        raise PolicyMissing(keys[-1])

    def dues(self, *, category, urgency, received_at, path):
        key = (category, urgency, path)
        spans = self._spans.get(key)
        if spans is None:
            hours = self.value([response_key(urgency)], path)
            days = self.value(resolution_keys(category, urgency), path)
            spans = self._spans[key] = (datetime.timedelta(hours=hours), datetime.timedelta(days=days))
        return received_at + spans[0], received_at + spans[1]


def due_soon_hours(area=None) -> int:
    try:
        return int(policy_in_force(DUE_SOON_HOURS, area=area).typed_value)
    except PolicyMissing:
        return 4


def pause_statuses(area=None) -> list[str]:
    """Statuses in which the clock stops; only ever ones of Status (waiting for the caller by default)."""
    try:
        values = policy_in_force(PAUSE_STATUSES, area=area).typed_value
    except PolicyMissing:
        values = [Status.WAITING_CALLER]
    return [v for v in values if v in Status.values]


DEADLINE_KEYS = [
    RESPONSE_HOURS,
    URGENT_RESPONSE_HOURS,
    RESOLUTION_DAYS,
    URGENT_RESOLUTION_DAYS,
    DUE_SOON_HOURS,
    PAUSE_STATUSES,
]
