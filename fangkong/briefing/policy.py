"""Which policy keys set the briefing's cut-off and its red lines. No number lives here."""

from __future__ import annotations

import datetime

from django.utils import timezone

from fangkong.policies.selectors import PolicyMissing, policy_value

CUTOFF = "briefing.cutoff"  # "24:00": the figures of a day are those at midnight ending it
MEETING = "briefing.meeting"  # "08:00": when the leadership group meets on the briefing


def parse_hhmm(text: str) -> datetime.timedelta:
    """ "24:00" → one day, "18:30" → 18 h 30 min (a time of day after the day's midnight)."""
    hours, _, minutes = str(text).strip().partition(":")
    h, m = int(hours), int(minutes or 0)
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise ValueError(text)
    return datetime.timedelta(hours=h, minutes=m)


class NoCutoff(LookupError):
    pass


def cutoff(date: datetime.date) -> datetime.datetime:
    """The moment the figures of `date` are taken (policy `briefing.cutoff`, default 24:00)."""
    midnight = timezone.make_aware(datetime.datetime.combine(date, datetime.time()))
    try:
        raw = policy_value(CUTOFF, at=midnight)
    except PolicyMissing:
        raise NoCutoff(date) from None
    try:
        offset = parse_hhmm(raw)
    except ValueError:
        offset = datetime.timedelta(days=1)
    return midnight + offset


def red_line(key: str | None, at: datetime.datetime) -> float | None:
    if not key:
        return None
    try:
        return float(policy_value(key, at=at))
    except (PolicyMissing, TypeError, ValueError):
        return None
