"""Writes of the workforce. Each function is one transaction and writes its change-log record.

A package by topic (one module each); this module re-exports every name so callers keep
`services.x(...)`."""

from .attendance import (
    CheckInRefused,
    attendance_check_in,
    attendance_check_out,
    missed_checkins_flag,
    post_code_issue,
    post_code_revoke,
)
from .rosters import (
    RosterResult,
    roster_generate,
    roster_shift_add,
    roster_shift_remove,
    roster_shift_swap,
    rosters_generate,
)
from .workers import community_of, worker_for_user

__all__ = [
    "CheckInRefused",
    "RosterResult",
    "attendance_check_in",
    "attendance_check_out",
    "community_of",
    "missed_checkins_flag",
    "post_code_issue",
    "post_code_revoke",
    "roster_generate",
    "roster_shift_add",
    "roster_shift_remove",
    "roster_shift_swap",
    "rosters_generate",
    "worker_for_user",
]
