"""The policy keys of the investigation. No number lives here: only which key gives which rule.

Observation's keys are reused where they already hold the rule: the length of a close or secondary
contact's order (observation.close_contact.days / secondary_contact.days), and whether secondary contacts
are tracked at all (the ninth edition set their days to 0: "不再判定次密接")."""

from __future__ import annotations

import datetime

from fangkong.policies.selectors import (
    PolicyMissing,
    policy_in_force,
    policy_value,
    policy_values_by_area,
    value_for_path,
)

LOOKBACK_DAYS = "tracing.lookback.days"
WINDOW_MINUTES = "tracing.copresence.window_minutes"
MIN_OVERLAP_MINUTES = "tracing.copresence.min_overlap_minutes"
TRANSFER_HOURS = "tracing.transfer.hours"
CLOSE_CENTRALIZED = "tracing.close_contact.centralized"
SECONDARY_CENTRALIZED = "tracing.secondary_contact.centralized"
RISK_OBSERVE = "tracing.risk_area.{level}.observe"
SECONDARY_DAYS = "observation.secondary_contact.days"

KEYS = [
    LOOKBACK_DAYS,
    WINDOW_MINUTES,
    MIN_OVERLAP_MINUTES,
    TRANSFER_HOURS,
    CLOSE_CENTRALIZED,
    SECONDARY_CENTRALIZED,
]


def value(key: str, *, at=None, area=None):
    return policy_value(key, at=at, area=area)


def secondary_tracked(*, at=None, area=None) -> bool:
    try:
        return int(policy_in_force(SECONDARY_DAYS, at=at, area=area).typed_value) > 0
    except PolicyMissing:
        return False


def window(*, at=None, area=None) -> tuple[int, int]:
    """(window, minimum overlap) in minutes. A scan stands for a stay of `window` minutes from it; two
    stays at one place overlap by window − |Δt|, a candidate when that is at least the minimum."""
    return int(value(WINDOW_MINUTES, at=at, area=area)), int(value(MIN_OVERLAP_MINUTES, at=at, area=area))


def lookback(case, *, cache: dict | None = None) -> tuple[datetime.date, datetime.date]:
    """The days of the look-back: `days` before onset (or sampling) up to the day of sampling. A many-case
    caller passes `cache` (a dict): every area's version is read once, then picked per case's path."""
    if cache is None:
        days = int(value(LOOKBACK_DAYS, area=case.area_path))
    else:
        if "values" not in cache:
            cache["values"] = policy_values_by_area(LOOKBACK_DAYS)
        found = value_for_path(cache["values"], case.area_path)
        days = int(found) if found is not None else int(value(LOOKBACK_DAYS, area=case.area_path))
    start = case.reference_date - datetime.timedelta(days=days)
    end = max(case.sample_date, case.reference_date)
    return start, end
