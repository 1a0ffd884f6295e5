"""What every support service shares: the actor as a user, the deadline from policy, the population."""

from __future__ import annotations

import datetime

from django.utils import timezone

from fangkong.policies.selectors import policy_value

DEADLINE_KEY = "support.deadline_hours.{kind}"
NEGATIVE_DAYS_KEY = "support.team.negative_days"
URGENT_TARGETS_KEY = "support.escalation.urgent_targets"
OVERDUE_TARGETS_KEY = "support.escalation.overdue_targets"
POLICY_KEYS = ("support.deadline_hours.medicine", NEGATIVE_DAYS_KEY, URGENT_TARGETS_KEY, OVERDUE_TARGETS_KEY)


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def deadline_for(kind: str, *, at: datetime.datetime, area) -> datetime.datetime:
    """The deadline of a request of `kind` filed at `at`: the policy's hours after it, where 0 hours means
    the end of the same (local) day (medicine is "normally delivered the same day", 002)."""
    hours = int(policy_value(DEADLINE_KEY.format(kind=kind), at=at, area=area))
    if hours <= 0:
        local = timezone.localtime(at)
        return local.replace(hour=23, minute=59, second=59, microsecond=0)
    return at + datetime.timedelta(hours=hours)
