"""Which policy keys govern an order, and the periods and test schedules they give.

No number lives here: only the mapping from (order type, reason) to policy keys."""

from __future__ import annotations

import datetime

from django.utils import timezone

from fangkong.policies.selectors import PolicyMissing, policy_in_force

from .models import OrderReason, OrderType

GENERAL_TEST_DAYS = "observation.test_days"


def days_key(order_type: str, reason: str) -> str:
    """The policy key whose value is the length (days) of an order of this type and reason."""
    if order_type == OrderType.HEALTH_MONITORING:
        if reason == OrderReason.CLOSE_CONTACT:
            return "observation.close_contact.home_days"
        return "observation.health_monitoring.days"
    by_reason = {
        OrderReason.RETURNEE: "observation.returnee.days",
        OrderReason.CLOSE_CONTACT: "observation.close_contact.days",
        OrderReason.SECONDARY_CONTACT: "observation.secondary_contact.days",
        OrderReason.RISK_AREA_ARRIVAL: "observation.risk_area_arrival.days",
    }
    if reason in by_reason:
        return by_reason[reason]
    if order_type == OrderType.HOME:
        return "observation.home.days"
    return "observation.centralized.days"


def test_days_key(reason: str) -> str:
    return f"observation.{reason}.test_days"


# Every key that sets an order's length (the re-evaluation governs these).
DAYS_KEYS = sorted({days_key(t, r) for t in OrderType.values for r in OrderReason.values})


def policy_moment(start: datetime.date) -> datetime.datetime:
    """Open orders follow the policy in force now; an order starting later, the one in force then."""
    now = timezone.now()
    if start > timezone.localdate(now):
        return timezone.make_aware(datetime.datetime.combine(start, datetime.time(0, 0)))
    return now


def test_schedule(*, reason: str, days: int, at: datetime.datetime, area=None) -> list[int]:
    """Test days (day 0 = start) from policy: a reason-specific list (e.g. 三天三检 for arrivals) or the
    general one; days past the end move to the last day."""
    for key in (test_days_key(reason), GENERAL_TEST_DAYS):
        try:
            raw = policy_in_force(key, at=at, area=area).typed_value
        except PolicyMissing:
            continue
        return schedule_from(raw, days)
    return []


def schedule_from(raw, days: int) -> list[int]:
    out = set()
    for item in raw or []:
        try:
            d = int(str(item).strip())
        except ValueError:
            continue
        if d >= 0:
            out.add(min(d, days))
    return sorted(out)
